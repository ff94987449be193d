//! How the browser reached us: over HTTPS or plain HTTP, and so which origin our own
//! pages have. Resolved once per request, before anything else reads it: the CSRF check
//! and the live channel's Origin check compare `scheme://host[:port]`, so a page served
//! over `http://` cannot post to the same host over `https://`, nor the other way.
//!
//! The scheme is our own connection's (native TLS or not), unless the peer is a trusted
//! proxy (`--trusted-proxy`) that says in `X-Forwarded-Proto` what the browser used: a
//! proxy that terminates TLS talks plain HTTP to us.
//!
//! HSTS goes only on answers we encrypted ourselves. Behind a proxy, the proxy owns the
//! HTTPS policy (it may already send its own, with `includeSubDomains` or `preload`);
//! a second header from us would come first and win.

use super::client_addr::TrustedProxies;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{HOST, STRICT_TRANSPORT_SECURITY};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

/// One year, the usual floor (HSTS preload lists ask for it). No `includeSubDomains`:
/// this console is often one host of a domain whose other hosts we know nothing about,
/// and pinning them all to HTTPS for a year could break them.
const HSTS: &str = "max-age=31536000";

const X_FORWARDED_PROTO: &str = "x-forwarded-proto";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scheme {
    #[default]
    Http,
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the middleware needs to know about this listener.
#[derive(Debug)]
pub struct Transport {
    pub native_tls: bool,
    pub proxies: Arc<TrustedProxies>,
}

impl Transport {
    /// The scheme the browser used for a request from `peer` with these headers.
    fn scheme(&self, peer: Option<SocketAddr>, forwarded_proto: Option<&HeaderValue>) -> Scheme {
        let own = if self.native_tls {
            Scheme::Https
        } else {
            Scheme::Http
        };
        let trusted = peer.is_some_and(|peer| self.proxies.trusts_peer(peer.ip()));
        if !trusted {
            return own;
        }
        // One value, `http` or `https`; anything else (a list, garbage) is not read.
        match forwarded_proto.and_then(|value| value.to_str().ok()) {
            Some(proto) if proto.trim().eq_ignore_ascii_case("https") => Scheme::Https,
            Some(proto) if proto.trim().eq_ignore_ascii_case("http") => Scheme::Http,
            _ => own,
        }
    }
}

/// The middleware: stores the request's `Scheme` and adds HSTS over native TLS.
pub async fn resolve(
    State(transport): State<Arc<Transport>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr);
    let scheme = transport.scheme(peer, request.headers().get(X_FORWARDED_PROTO));
    request.extensions_mut().insert(scheme);
    let mut response = next.run(request).await;
    if transport.native_tls {
        response
            .headers_mut()
            .entry(STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(HSTS));
    }
    response
}

/// Whether `origin` (`scheme://host[:port]`, as browsers send it) is this site as the
/// browser addressed it in `request`: same scheme, host and port. `Origin: null`
/// (sandboxed frames, file pages) never is.
pub fn is_own_origin(request: &Request, origin: &str) -> bool {
    let scheme = request
        .extensions()
        .get::<Scheme>()
        .copied()
        .unwrap_or_default();
    // HTTP/1.1 names the host in `Host`; HTTP/2 in the `:authority` that hyper puts in
    // the URI.
    let host = request
        .headers()
        .get(HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| {
            request
                .uri()
                .authority()
                .map(|authority| authority.as_str())
        });
    let Some((origin_scheme, origin_host)) = origin.split_once("://") else {
        return false;
    };
    host.is_some_and(|host| {
        !host.is_empty()
            && origin_scheme.eq_ignore_ascii_case(scheme.as_str())
            && origin_host.eq_ignore_ascii_case(host)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn transport(native_tls: bool) -> Transport {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8"]).expect("a CIDR");
        Transport {
            native_tls,
            proxies: Arc::new(proxies),
        }
    }

    #[test]
    fn the_scheme_is_ours_unless_a_trusted_proxy_says_otherwise() {
        let proxy: SocketAddr = "10.0.0.2:5000".parse().expect("addr");
        let stranger: SocketAddr = "198.51.100.1:5000".parse().expect("addr");
        let https = HeaderValue::from_static("https");
        let http = HeaderValue::from_static("HTTP");
        let list = HeaderValue::from_static("https, http");
        // (native TLS, peer, X-Forwarded-Proto, expected)
        let cases = [
            (false, Some(stranger), None, Scheme::Http),
            (true, Some(stranger), None, Scheme::Https),
            (false, Some(stranger), Some(&https), Scheme::Http),
            (true, Some(stranger), Some(&http), Scheme::Https),
            (false, Some(proxy), Some(&https), Scheme::Https),
            (true, Some(proxy), Some(&http), Scheme::Http),
            (false, Some(proxy), None, Scheme::Http),
            (false, Some(proxy), Some(&list), Scheme::Http),
            (true, None, Some(&http), Scheme::Https),
        ];
        for (native_tls, peer, proto, expected) in cases {
            assert_eq!(
                transport(native_tls).scheme(peer, proto),
                expected,
                "native TLS {native_tls}, peer {peer:?}, X-Forwarded-Proto {proto:?}"
            );
        }
    }

    fn request(scheme: Scheme, host: &str) -> Request {
        let mut request = Request::builder()
            .uri("/rpc/kill_all")
            .header(HOST, host)
            .body(Body::empty())
            .expect("a request");
        request.extensions_mut().insert(scheme);
        request
    }

    #[test]
    fn our_origin_has_our_scheme_host_and_port() {
        let https = request(Scheme::Https, "sessions.example:8443");
        assert!(is_own_origin(&https, "https://sessions.example:8443"));
        assert!(is_own_origin(&https, "HTTPS://Sessions.Example:8443"));
        for foreign in [
            "http://sessions.example:8443",
            "https://sessions.example",
            "https://sessions.example:443",
            "https://evil.example:8443",
            "null",
            "",
        ] {
            assert!(!is_own_origin(&https, foreign), "{foreign}");
        }
        let http = request(Scheme::Http, "127.0.0.1:3000");
        assert!(is_own_origin(&http, "http://127.0.0.1:3000"));
        assert!(!is_own_origin(&http, "https://127.0.0.1:3000"));
    }

    #[test]
    fn http2_requests_name_their_host_in_the_uri() {
        let mut request = Request::builder()
            .uri("https://sessions.example/rpc/kill_all")
            .body(Body::empty())
            .expect("a request");
        request.extensions_mut().insert(Scheme::Https);
        assert!(is_own_origin(&request, "https://sessions.example"));
        assert!(!is_own_origin(&request, "http://sessions.example"));
    }
}
