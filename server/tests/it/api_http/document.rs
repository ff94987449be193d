//! The OpenAPI document: 3.1, every path, no key needed.

use super::*;

#[tokio::test]
async fn the_openapi_document_is_3_1_and_lists_every_path_without_a_key() {
    let server = TestServer::start(&[]);
    let document = server
        .api(Method::GET, "/openapi.json", None, None)
        .await
        .expect_json(200);
    let version = document["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3.1"), "openapi {version:?}");
    assert!(
        document["info"]["title"].is_string() && document["info"]["version"].is_string(),
        "info"
    );
    let paths = document["paths"].as_object().expect("paths");
    // Parameter names aside, each path of the contract, relative to /api/v1 or not.
    let normal = |path: &str| -> String {
        let path = path.strip_prefix("/api/v1").unwrap_or(path);
        let mut out = String::new();
        let mut in_param = false;
        for c in path.chars() {
            match c {
                '{' => {
                    in_param = true;
                    out.push_str("{}");
                }
                '}' => in_param = false,
                _ if in_param => {}
                _ => out.push(c),
            }
        }
        out
    };
    let documented: Vec<(String, &serde_json::Map<String, Value>)> = paths
        .iter()
        .map(|(path, item)| (normal(path), item.as_object().expect("path item")))
        .collect();
    let wanted = [
        ("/sessions", "post"),
        ("/sessions", "get"),
        ("/guest-sessions", "post"),
        ("/sessions/check", "post"),
        ("/sessions/logout", "post"),
        ("/sessions/{}", "delete"),
        ("/users/{}/sessions", "delete"),
        ("/openapi.json", "get"),
    ];
    for (path, method) in wanted {
        let item = documented
            .iter()
            .find(|(documented, _)| documented == path)
            .map(|(_, item)| item);
        let item = item.unwrap_or_else(|| panic!("{path} is not documented: {:?}", paths.keys()));
        assert!(
            item.contains_key(method),
            "{method} {path} is not documented"
        );
    }
    // The same document with a key, too.
    let key = server.api_add_app("shop");
    let again = server
        .api(Method::GET, "/openapi.json", Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(again, document);
}

/// The values the API sends are documented from the enums that produce them, so the
/// document cannot drift from the code (it once said device `other`; the code sends
/// `unknown`).
#[tokio::test]
async fn the_document_lists_the_values_of_status_role_device_and_flag_kind() {
    use sessions_core::flag::FlagKind;
    use sessions_core::model::{DeviceClass, Role, SessionStatus};
    let server = TestServer::start(&[]);
    let document = server
        .api(Method::GET, "/openapi.json", None, None)
        .await
        .expect_json(200);
    let listed = |schema: &str| -> Vec<String> {
        let values = document["components"]["schemas"][schema]["enum"]
            .as_array()
            .unwrap_or_else(|| {
                panic!(
                    "{schema} has no enum: {}",
                    document["components"]["schemas"][schema]
                )
            });
        values
            .iter()
            .map(|value| value.as_str().expect("text").to_owned())
            .collect()
    };
    fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<String> {
        all.iter().map(|value| name(*value).to_owned()).collect()
    }
    assert_eq!(
        listed("SessionStatus"),
        names(SessionStatus::ALL, SessionStatus::as_str)
    );
    assert_eq!(listed("Role"), names(Role::ALL, Role::as_str));
    assert_eq!(
        listed("DeviceClass"),
        names(DeviceClass::ALL, DeviceClass::as_str)
    );
    assert_eq!(listed("FlagKind"), names(FlagKind::ALL, FlagKind::as_str));
    // The session's fields point at them rather than saying "string".
    let session = &document["components"]["schemas"]["ApiSession"]["properties"];
    for (field, schema) in [
        ("status", "SessionStatus"),
        ("role", "Role"),
        ("device", "DeviceClass"),
    ] {
        assert_eq!(
            session[field]["$ref"].as_str(),
            Some(format!("#/components/schemas/{schema}").as_str()),
            "{field}: {}",
            session[field]
        );
    }
}
