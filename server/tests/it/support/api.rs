//! The application API (`/api/v1`) as an application calls it.

use super::{cli_json, json, TestServer};

// The application HTTP API (/api/v1): keys from `sessions app add`, calls with a Bearer
// key, and the contract's error shape. Every name here starts with `api`.

/// A user agent for API sessions (Chrome 120 on Windows 10, a desktop).
pub const API_USER_AGENT: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

/// What one API call answered.
#[derive(Debug)]
pub struct ApiReply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl ApiReply {
    pub fn json(&self) -> serde_json::Value {
        json(&self.body)
    }

    /// Asserts a success `status` with a JSON body; the body.
    pub fn expect_json(&self, status: u16) -> serde_json::Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(
            self.content_type.starts_with("application/json"),
            "content type {:?}",
            self.content_type
        );
        self.json()
    }

    /// Asserts the contract's error: `status`, JSON, exactly `{"error":{"code","message"[,"reason"]}}`
    /// with `code` and a non-empty message. The error object.
    pub fn expect_error(&self, status: u16, code: &str) -> serde_json::Value {
        assert_eq!(
            (self.status, self.error_code().as_deref()),
            (status, Some(code)),
            "{}",
            self.body
        );
        assert!(
            self.content_type.starts_with("application/json"),
            "content type {:?}: {}",
            self.content_type,
            self.body
        );
        let body = self.json();
        let top = body.as_object().expect("an object");
        assert_eq!(top.keys().collect::<Vec<_>>(), ["error"], "{}", self.body);
        let error = body["error"].as_object().expect("an error object");
        assert!(
            error
                .keys()
                .all(|key| ["code", "message", "reason"].contains(&key.as_str())),
            "{}",
            self.body
        );
        let message = error
            .get("message")
            .and_then(|message| message.as_str())
            .unwrap_or_default();
        assert!(!message.trim().is_empty(), "no message: {}", self.body);
        body["error"].clone()
    }

    /// Asserts a 401 session refusal with `code` and, when given, the end `reason`.
    pub fn expect_refusal(&self, code: &str, reason: Option<&str>) {
        let error = self.expect_error(401, code);
        if let Some(reason) = reason {
            assert_eq!(error["reason"].as_str(), Some(reason), "{}", self.body);
        }
    }

    pub fn error_code(&self) -> Option<String> {
        let body: serde_json::Value = serde_json::from_str(&self.body).ok()?;
        body["error"]["code"].as_str().map(str::to_owned)
    }
}

/// Sends `request`; what it answered.
pub async fn api_send(request: reqwest::RequestBuilder) -> ApiReply {
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let body = response.text().await.expect("body");
    ApiReply {
        status,
        content_type,
        body,
    }
}

/// The live sessions and the number of ended ones, as the CLI sees the database: what
/// a refused request must leave as it was.
#[derive(Debug, PartialEq)]
pub struct ApiStored {
    pub live: Vec<String>,
    pub ended: usize,
}

impl TestServer {
    /// `sessions app add NAME --format json` on this server's database: the key.
    pub fn api_add_app(&self, name: &str) -> String {
        let created = cli_json(
            &self.database_url,
            &["app", "add", name, "--format", "json"],
        );
        assert_eq!(created["name"].as_str(), Some(name), "{created}");
        created["key"]
            .as_str()
            .unwrap_or_else(|| panic!("no key: {created}"))
            .to_owned()
    }

    /// A request to `/api/v1{path}` with `key` as Bearer (none when `None`).
    pub fn api_request(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let request = self
            .client()
            .request(method, format!("{}/api/v1{path}", self.base));
        match key {
            Some(key) => request.bearer_auth(key),
            None => request,
        }
    }

    /// An API call with an optional JSON body.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> ApiReply {
        let mut request = self.api_request(method, path, key);
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        api_send(request).await
    }

    pub async fn api_post(&self, path: &str, key: &str, body: serde_json::Value) -> ApiReply {
        self.api(reqwest::Method::POST, path, Some(key), Some(&body))
            .await
    }

    /// Creates a session of `user_id` from `ip` (201 asserted): the token and the session.
    pub async fn api_create(
        &self,
        key: &str,
        user_id: &str,
        ip: &str,
    ) -> (String, serde_json::Value) {
        let body =
            serde_json::json!({ "user_id": user_id, "ip": ip, "user_agent": API_USER_AGENT });
        let created = self.api_post("/sessions", key, body).await.expect_json(201);
        let token = created["token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token: {created}"))
            .to_owned();
        (token, created["session"].clone())
    }

    /// Ends the session `id` through the API, as an application's sign-out does.
    pub async fn api_end(&self, key: &str, id: &str) -> ApiReply {
        self.api(
            reqwest::Method::DELETE,
            &format!("/sessions/{id}"),
            Some(key),
            None,
        )
        .await
    }

    /// Checks `token` from `ip`.
    pub async fn api_check(&self, key: &str, token: &str, ip: &str) -> ApiReply {
        let body = serde_json::json!({ "token": token, "ip": ip, "user_agent": API_USER_AGENT });
        self.api_post("/sessions/check", key, body).await
    }

    /// Live session ids (sorted) and the count of ended sessions, from the CLI.
    pub fn api_stored(&self) -> ApiStored {
        let live = cli_json(&self.database_url, &["list", "--format", "json"]);
        let mut live: Vec<String> = live
            .as_array()
            .expect("a list")
            .iter()
            .map(|session| session["id"].as_str().expect("id").to_owned())
            .collect();
        live.sort_unstable();
        let ended = cli_json(
            &self.database_url,
            &["history", "--limit", "10000", "--format", "json"],
        );
        ApiStored {
            live,
            ended: ended.as_array().expect("a list").len(),
        }
    }

    /// The live session `id` as `sessions list --format json` shows it, if live.
    pub fn api_listed(&self, id: &str) -> Option<serde_json::Value> {
        let live = cli_json(&self.database_url, &["list", "--format", "json"]);
        live.as_array()
            .expect("a list")
            .iter()
            .find(|session| session["id"] == id)
            .cloned()
    }
}

/// Asserts the contract's session object: every field with its type.
pub fn api_assert_session(session: &serde_json::Value) {
    let text = |key: &str| {
        session[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} is not a string: {session}"))
    };
    let id = text("id");
    assert!(
        id.len() == 32
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "id {id}"
    );
    for key in ["user_id", "display_name", "country"] {
        assert!(
            session[key].is_null() || session[key].is_string(),
            "{key}: {session}"
        );
    }
    assert!(
        ["authenticated", "guest"].contains(&text("status")),
        "{session}"
    );
    assert!(["user", "admin"].contains(&text("role")), "{session}");
    for key in [
        "first_ip",
        "last_ip",
        "user_agent",
        "browser",
        "browser_version",
        "os",
        "device",
    ] {
        text(key);
    }
    for key in ["created_at", "last_seen_at", "idle_deadline", "expires_at"] {
        assert!(
            session[key]
                .as_i64()
                .is_some_and(|at| at > 1_600_000_000_000),
            "{key}: {session}"
        );
    }
    let flags = session["flags"]
        .as_array()
        .unwrap_or_else(|| panic!("flags is not a list: {session}"));
    for flag in flags {
        assert!(
            flag["kind"].is_string() && flag["reason"].is_string(),
            "{session}"
        );
    }
}

/// True for a token of the contract's shape: 43 base64url characters.
pub fn api_is_token(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
