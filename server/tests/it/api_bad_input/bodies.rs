//! Bad bodies: not a JSON object, over 64 KiB, fields out of range.

use super::*;

#[tokio::test]
async fn bodies_that_are_not_the_expected_json_object_are_refused() {
    let (server, key, token) = setup().await;
    let before = server.api_stored();
    let json_type = Some("application/json");
    let not_json: [&[u8]; 5] = [
        b"not json",
        b"",
        b"{\"user_id\": \"u-9\", ",
        b"[1, 2]",
        b"\"u-9\"",
    ];
    for body in not_json {
        let reply = raw(&server, &key, "/sessions", json_type, body.to_vec()).await;
        reply.expect_error(400, "invalid_json");
    }
    let wrong_objects = [
        ("/sessions", json!({ "ip": "203.0.113.7" })),
        ("/sessions", json!({ "user_id": 42, "ip": "203.0.113.7" })),
        (
            "/sessions",
            json!({ "user_id": "u-9", "ip": "203.0.113.7", "is_admin": true }),
        ),
        ("/guest-sessions", json!({})),
        ("/sessions/check", json!({ "token": token })),
        (
            "/sessions/check",
            json!({ "token": null, "ip": "203.0.113.7" }),
        ),
        ("/sessions/logout", json!({})),
    ];
    for (path, body) in wrong_objects {
        let reply = server.api_post(path, &key, body.clone()).await;
        assert_eq!(
            reply.error_code().as_deref(),
            Some("invalid_json"),
            "{path} {body}: {}",
            reply.body
        );
        reply.expect_error(400, "invalid_json");
    }
    let valid = json!({ "user_id": "u-9", "ip": "203.0.113.7" })
        .to_string()
        .into_bytes();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let reply = raw(&server, &key, "/sessions", content_type, valid.clone()).await;
        assert_eq!(
            reply.error_code().as_deref(),
            Some("unsupported_media_type"),
            "{content_type:?}: {}",
            reply.body
        );
        reply.expect_error(415, "unsupported_media_type");
    }
    // A charset parameter is still JSON.
    let reply = raw(
        &server,
        &key,
        "/guest-sessions",
        Some("application/json; charset=utf-8"),
        b"{\"ip\":\"203.0.113.8\"}".to_vec(),
    )
    .await;
    let created = reply.expect_json(201);
    let charset_session = created["session"]["id"].as_str().expect("id").to_owned();
    let mut after = server.api_stored();
    after.live.retain(|id| *id != charset_session);
    assert_eq!(after, before, "nothing else stored");
}

/// POSTs `body` as JSON to `/api/v1/sessions` over a plain socket, writing from one task
/// while reading from another: a server that answers a too-large body early and closes
/// must still have its answer read (an HTTP client that stops at the failed write would
/// see only a reset). The status, content type and body of the answer.
async fn post_large(server: &TestServer, key: &str, body: Vec<u8>) -> ApiReply {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = server.base.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&host)
        .await
        .expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /api/v1/sessions HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // The task hands the write half back rather than dropping it: a dropped half sends
    // FIN, and the server would take the half-close for a client gone away.
    let writing = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        for chunk in body.chunks(64 * 1024) {
            writer.write_all(chunk).await?;
        }
        writer.flush().await?;
        Ok::<_, std::io::Error>(writer)
    });
    let mut answer = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    // Until the server closes (or resets) the connection; what arrived before counts.
    while let Ok(Ok(read)) = tokio::time::timeout_at(deadline, reader.read(&mut buffer)).await {
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
    }
    writing.abort();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP answer: {answer:?}"));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let header = |name: &str| {
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    let length: usize = header("content-length")
        .and_then(|length| length.parse().ok())
        .unwrap_or(body.len());
    let body = body.get(..length).unwrap_or(body).to_owned();
    ApiReply {
        status,
        content_type: header("content-type").unwrap_or_default(),
        body,
    }
}

#[tokio::test]
async fn bodies_over_64_kib_are_413() {
    let (server, key, _) = setup().await;
    let before = server.api_stored();
    let with =
        |field: &str, value: String| json!({ "user_id": "u-9", "ip": "203.0.113.7", field: value });
    // 10 MB, just over 64 KiB, and a 100 KB user agent inside JSON (the body limit comes
    // before the user agent's own limit).
    let cases = [
        ("10 MB", with("display_name", "x".repeat(10 << 20))),
        ("64 KiB + 1", {
            let mut body = with("display_name", String::new());
            let room = 64 * 1024 + 1 - body.to_string().len();
            body["display_name"] = json!("y".repeat(room));
            body
        }),
        ("100 KB user agent", with("user_agent", "z".repeat(100_000))),
    ];
    for (what, body) in cases {
        let body = body.to_string().into_bytes();
        let reply = post_large(&server, &key, body).await;
        assert_eq!(
            reply.error_code().as_deref(),
            Some("payload_too_large"),
            "{what}: {} {}",
            reply.status,
            reply.body
        );
        reply.expect_error(413, "payload_too_large");
    }
    // The same through an ordinary client.
    let long_agent = with("user_agent", "z".repeat(100_000));
    server
        .api_post("/sessions", &key, long_agent)
        .await
        .expect_error(413, "payload_too_large");
    assert_eq!(server.api_stored(), before);
    // 64 KiB exactly is not too large (it is refused for its display name instead).
    let mut body = with("display_name", String::new());
    let room = 64 * 1024 - body.to_string().len();
    body["display_name"] = json!("y".repeat(room));
    assert_eq!(body.to_string().len(), 64 * 1024);
    post_large(&server, &key, body.to_string().into_bytes())
        .await
        .expect_error(422, "invalid_field");
    assert_eq!(server.api_stored(), before);
}

#[tokio::test]
async fn fields_out_of_range_are_422_with_their_own_code() {
    let (server, key, token) = setup().await;
    let before = server.api_stored();
    let create = |field: &str, value: Value| {
        let mut body =
            json!({ "user_id": "u-9", "ip": "203.0.113.7", "user_agent": API_USER_AGENT });
        body[field] = value;
        body
    };
    let mut cases: Vec<(&str, Value, &str)> = Vec::new();
    for ip in [
        "not-an-ip",
        "999.1.1.1",
        "",
        "203.0.113.7/24",
        "203.0.113.7:80",
        "203.0.113.07x",
    ] {
        cases.push(("/sessions", create("ip", json!(ip)), "invalid_ip"));
        cases.push(("/guest-sessions", json!({ "ip": ip }), "invalid_ip"));
        cases.push((
            "/sessions/check",
            json!({ "token": token, "ip": ip }),
            "invalid_ip",
        ));
    }
    for agent in ["u".repeat(1025), "v".repeat(2048)] {
        cases.push((
            "/sessions",
            create("user_agent", json!(agent)),
            "invalid_user_agent",
        ));
        cases.push((
            "/guest-sessions",
            json!({ "ip": "203.0.113.7", "user_agent": agent }),
            "invalid_user_agent",
        ));
        let check = json!({ "token": token, "ip": "203.0.113.7", "user_agent": agent });
        cases.push(("/sessions/check", check, "invalid_user_agent"));
    }
    cases.push(("/sessions", create("user_id", json!("")), "invalid_field"));
    cases.push((
        "/sessions",
        create("user_id", json!("w".repeat(129))),
        "invalid_field",
    ));
    cases.push((
        "/sessions",
        create("display_name", json!("d".repeat(129))),
        "invalid_field",
    ));
    for role in ["root", "Admin", "guest", ""] {
        cases.push(("/sessions", create("role", json!(role)), "invalid_field"));
    }
    for (path, body, code) in cases {
        let reply = server.api_post(path, &key, body.clone()).await;
        let shown: String = body.to_string().chars().take(120).collect();
        assert_eq!(
            reply.error_code().as_deref(),
            Some(code),
            "{path} {shown}: {} {}",
            reply.status,
            reply.body
        );
        reply.expect_error(422, code);
    }
    for query in [
        "limit=0",
        "limit=201",
        "limit=-1",
        "limit=abc",
        "limit=1.5",
        "cursor=zzz",
        "limit=2&cursor=%00",
    ] {
        let reply = server
            .api(Method::GET, &format!("/sessions?{query}"), Some(&key), None)
            .await;
        assert_eq!(
            reply.error_code().as_deref(),
            Some("invalid_field"),
            "{query}: {} {}",
            reply.status,
            reply.body
        );
        reply.expect_error(422, "invalid_field");
    }
    let reason = server
        .api(
            Method::DELETE,
            "/users/u-1/sessions?reason=bored",
            Some(&key),
            None,
        )
        .await;
    reason.expect_error(422, "invalid_field");
    assert_eq!(server.api_stored(), before, "nothing stored, nothing ended");

    // The limits themselves are allowed.
    let edge = json!({ "user_id": "w".repeat(128), "display_name": "d".repeat(128), "ip": "::1", "user_agent": "u".repeat(1024) });
    server
        .api_post("/sessions", &key, edge)
        .await
        .expect_json(201);
}
