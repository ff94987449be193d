//! Server functions called the way our pages call them.

use super::{eventually, json, SignedIn, TestServer, USER_AGENT};
use std::time::{Duration, Instant};

impl TestServer {
    /// A server-function request the way our pages make it, minus the same-origin proof.
    pub fn rpc(&self, name: &str, cookie: Option<&str>, form: &str) -> reqwest::RequestBuilder {
        let request = self
            .client()
            .post(format!("{}/rpc/{name}", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.to_owned());
        match cookie {
            Some(cookie) => request.header("Cookie", cookie),
            None => request,
        }
    }

    /// Calls a server function the way our pages do (same-origin proof included).
    pub async fn call(&self, name: &str, cookie: Option<&str>, form: &str) -> (u16, String) {
        let response = self
            .rpc(name, cookie, form)
            .header("Origin", &self.base)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    pub async fn sign_in(&self, user: &str, password: &str) -> SignedIn {
        self.sign_in_from(user, password, USER_AGENT).await
    }

    /// Signs in from a browser that sends `user_agent` (see `device_agent`), without a
    /// form nonce: every call is a session of its own.
    pub async fn sign_in_from(&self, user: &str, password: &str, user_agent: &str) -> SignedIn {
        match self.try_sign_in_from(user, password, user_agent).await {
            Ok(signed_in) => signed_in,
            Err((status, body)) => panic!("sign in as {user}: {status} {body}"),
        }
    }

    /// A sign-in attempt from `user_agent`: the session, or the status and body of the refusal.
    pub async fn try_sign_in_from(
        &self,
        user: &str,
        password: &str,
        user_agent: &str,
    ) -> Result<SignedIn, (u16, String)> {
        let form = format!("username={user}&password={password}");
        let request = self
            .rpc("sign_in", None, &form)
            .header("Origin", &self.base)
            .header("User-Agent", user_agent);
        let response = request.send().await.expect("sign in");
        let status = response.status().as_u16();
        let set_cookie = response
            .headers()
            .get("set-cookie")
            .map(|value| value.to_str().expect("ascii").to_owned())
            .unwrap_or_default();
        let body = response.text().await.expect("body");
        if status != 200 {
            assert!(
                set_cookie.is_empty(),
                "a refused sign-in set a cookie: {set_cookie}"
            );
            return Err((status, body));
        }
        let cookie = set_cookie.split(';').next().expect("pair").to_owned();
        let landing = serde_json::from_str(&body).expect("a JSON string");
        Ok(SignedIn {
            cookie,
            set_cookie,
            landing,
        })
    }

    /// Calls a server function with its arguments in the encoding it takes.
    pub async fn call_args(&self, name: &str, cookie: Option<&str>, args: &Args) -> (u16, String) {
        match args {
            Args::Form(form) => self.call(name, cookie, form).await,
            Args::Json(body) => self.call_json(name, cookie, body).await,
        }
    }

    /// Calls a server function that takes JSON (same-origin proof included).
    pub async fn call_json(
        &self,
        name: &str,
        cookie: Option<&str>,
        body: &serde_json::Value,
    ) -> (u16, String) {
        let mut request = self
            .client()
            .post(format!("{}/rpc/{name}", self.base))
            .header("Origin", &self.base)
            .header("Content-Type", "application/json")
            .body(body.to_string());
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// Waits until the policy in force in the server (as `get_settings` shows it to
    /// `admin_cookie`) has `value` for `key`: the default (`role` None) or a role's
    /// override (`value` None: no override). Settings saved elsewhere arrive within a second.
    pub async fn wait_for_setting(
        &self,
        admin_cookie: &str,
        role: Option<&str>,
        key: &str,
        value: Option<&str>,
    ) {
        let request = serde_json::json!({});
        eventually(
            &format!("the server to see {key} = {value:?} for {role:?}"),
            || async {
                let (status, body) = self
                    .call_json("get_settings", Some(admin_cookie), &request)
                    .await;
                assert_eq!(status, 200, "get_settings: {body}");
                let values = &json(&body)["values"];
                let current = match role {
                    None => &values["defaults"][key],
                    Some(role) => &values["overrides"][role][key],
                };
                current.as_str() == value
            },
        )
        .await;
    }

    pub async fn session_id(&self, cookie: &str) -> String {
        let (status, body) = self.call("whoami", Some(cookie), "").await;
        assert_eq!(status, 200, "{body}");
        json(&body)["session_id"].as_str().expect("id").to_owned()
    }

    /// Polls `whoami` every 50 ms for up to 2 s; how long it took to be refused, if it was.
    pub async fn time_until_refused(&self, cookie: &str, since: Instant) -> Option<Duration> {
        while since.elapsed() < Duration::from_secs(2) {
            if self.call("whoami", Some(cookie), "").await.0 == 401 {
                return Some(since.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }
}

/// How a server function takes its arguments: a form like the pages' plain forms, or
/// JSON (the functions declared `input = Json`).
pub enum Args {
    Form(String),
    Json(serde_json::Value),
}
