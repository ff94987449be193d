//! The console's search, filters, sort and page live in the URL, so a view can be
//! shared, reloaded and left with the back button. Parameters at their default are left
//! out: `/admin/sessions` is the newest sessions of every application.

use sessions_core::model::{ListFilter, ListQuery, PageAt, Role, SessionStatus, SortDir, SortKey};

/// Reads a query from the URL's parameters (`get` looks one up); unknown or malformed
/// values fall back to the default rather than failing the page.
pub fn query_from_params(get: impl Fn(&str) -> Option<String>, limit: u32) -> ListQuery {
    let text = |key: &str| get(key).filter(|value| !value.is_empty());
    let sort = text("sort")
        .and_then(|key| SortKey::parse(&key))
        .unwrap_or_default();
    let dir = match text("dir").as_deref() {
        Some("asc") => SortDir::Asc,
        Some("desc") => SortDir::Desc,
        _ => default_dir(sort),
    };
    let page = match (text("after"), text("before")) {
        (Some(cursor), _) => PageAt::After(cursor),
        (None, Some(cursor)) => PageAt::Before(cursor),
        (None, None) => PageAt::First,
    };
    let filter = ListFilter {
        application: text("app"),
        role: text("role").and_then(|role| Role::parse(&role)),
        status: text("status").and_then(|status| SessionStatus::parse(&status)),
        // "unknown" stands for sessions without a country (the store's `Some("")`).
        country: get("country").map(|code| {
            if code == "unknown" {
                String::new()
            } else {
                code
            }
        }),
        flagged: text("flagged").as_deref() == Some("1"),
    };
    ListQuery {
        search: get("q").unwrap_or_default(),
        filter,
        sort,
        dir,
        page,
        limit,
    }
}

/// `?q=…&app=…` for `query` (empty when everything is at its default).
pub fn query_to_search(query: &ListQuery) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if !query.search.is_empty() {
        pairs.push(("q", query.search.clone()));
    }
    let filter = &query.filter;
    if let Some(application) = &filter.application {
        pairs.push(("app", application.clone()));
    }
    if let Some(role) = filter.role {
        pairs.push(("role", role.as_str().into()));
    }
    if let Some(status) = filter.status {
        pairs.push(("status", status.as_str().into()));
    }
    if let Some(country) = &filter.country {
        pairs.push((
            "country",
            if country.is_empty() {
                "unknown".into()
            } else {
                country.clone()
            },
        ));
    }
    if filter.flagged {
        pairs.push(("flagged", "1".into()));
    }
    if query.sort != SortKey::default() {
        pairs.push(("sort", query.sort.as_str().into()));
    }
    if query.dir != default_dir(query.sort) {
        pairs.push((
            "dir",
            if query.dir == SortDir::Asc {
                "asc"
            } else {
                "desc"
            }
            .into(),
        ));
    }
    match &query.page {
        PageAt::First => {}
        PageAt::After(cursor) => pairs.push(("after", cursor.clone())),
        PageAt::Before(cursor) => pairs.push(("before", cursor.clone())),
    }
    if pairs.is_empty() {
        return String::new();
    }
    let encoded: Vec<String> = pairs
        .into_iter()
        .map(|(key, value)| format!("{key}={}", encode(&value)))
        .collect();
    format!("?{}", encoded.join("&"))
}

/// Names and addresses read A to Z; times newest first.
pub fn default_dir(sort: SortKey) -> SortDir {
    if matches!(sort, SortKey::User | SortKey::Application | SortKey::Ip) {
        SortDir::Asc
    } else {
        SortDir::Desc
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(search: &str) -> ListQuery {
        let pairs: HashMap<String, String> = search
            .trim_start_matches('?')
            .split('&')
            .filter(|pair| !pair.is_empty())
            .filter_map(|pair| pair.split_once('='))
            .map(|(key, value)| (key.to_owned(), decode(value)))
            .collect();
        query_from_params(|key| pairs.get(key).cloned(), 50)
    }

    fn decode(value: &str) -> String {
        let bytes = value.as_bytes();
        let mut out = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            if bytes[at] == b'%' {
                out.push(u8::from_str_radix(&value[at + 1..at + 3], 16).expect("hex"));
                at += 3;
            } else {
                out.push(bytes[at]);
                at += 1;
            }
        }
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn the_default_view_has_no_parameters() {
        assert_eq!(query_to_search(&parse("")), "");
        assert_eq!(
            parse(""),
            ListQuery {
                limit: 50,
                ..ListQuery::default()
            }
        );
    }

    #[test]
    fn every_part_round_trips() {
        let query = ListQuery {
            search: "Elsa Lind/ström & co".into(),
            filter: ListFilter {
                application: Some("help desk".into()),
                role: Some(Role::User),
                status: Some(SessionStatus::Guest),
                country: Some(String::new()),
                flagged: true,
            },
            sort: SortKey::Ip,
            dir: SortDir::Desc,
            page: PageAt::After("abc+/=".into()),
            limit: 50,
        };
        let search = query_to_search(&query);
        assert!(search.contains("country=unknown"), "{search}");
        assert_eq!(parse(&search), query);
    }

    #[test]
    fn malformed_values_fall_back_to_defaults() {
        let query = parse("?sort=bogus&dir=sideways&role=king&status=x");
        assert_eq!(query.sort, SortKey::Created);
        assert_eq!(query.dir, SortDir::Desc);
        assert_eq!(query.filter.role, None);
        assert_eq!(query.filter.status, None);
    }
}
