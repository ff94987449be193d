//! Who is calling: the socket peer, or, when that peer is a proxy we were told to trust
//! (`--trusted-proxy`), the address it reports in `X-Forwarded-For`. Resolved once per
//! request, before anything else reads it, so sign-in, checks, throttling, the live
//! channel and the API's caller address all see the same address.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::HeaderValue;
use axum::http::Extensions;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// The networks whose connections may tell us the client's address. Empty (the
/// default) means forwarded headers are never read.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses CIDRs (`10.0.0.0/8`, `2001:db8::/32`) or bare addresses (one host). Each
    /// item may itself be a comma-separated list, as the environment variable is.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in items {
            for text in item.as_ref().split(',').map(str::trim) {
                if text.is_empty() {
                    continue;
                }
                let net = text
                    .parse::<IpNet>()
                    .map(|net| net.trunc())
                    .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "trusted proxy {text:?} (--trusted-proxy, SESSIONS_TRUSTED_PROXIES) is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32, nor an IP address"
                        )
                    })?;
                nets.push(net);
            }
        }
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// Whether the connection's peer is one of these proxies (an IPv4-mapped address
    /// counts as IPv4).
    pub(crate) fn trusts_peer(&self, peer: IpAddr) -> bool {
        self.trusts(peer.to_canonical())
    }

    /// The client's address for a connection from `peer` carrying these
    /// `X-Forwarded-For` values (in header order). Each proxy appends the address it
    /// received the request from, so the list is read from the right: trusted hops are
    /// skipped and the first untrusted address is the client. Anything left of it was
    /// written by the client and may be forged. A malformed entry ends the walk at the
    /// last hop we trust, since nothing beyond it can be read; a chain that is trusted
    /// all the way gives its left-most address (as nginx's `real_ip_recursive`).
    pub fn client_ip<'a>(
        &self,
        peer: IpAddr,
        forwarded: impl IntoIterator<Item = &'a str>,
    ) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let entries: Vec<&str> = forwarded
            .into_iter()
            .flat_map(|value| value.split(','))
            .collect();
        for entry in entries.into_iter().rev() {
            let Some(hop) = parse_hop(entry) else {
                return client;
            };
            client = hop;
            if !self.trusts(hop) {
                return hop;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, optionally with a port (`1.2.3.4:80`,
/// `[2001:db8::1]:80`), as some proxies write them.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let ip = entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|addr| addr.ip()))
        .or_else(|_| {
            entry
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .unwrap_or("")
                .parse::<IpAddr>()
        })
        .ok()?;
    Some(ip.to_canonical())
}

/// The resolved address, in the request extensions.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

/// The middleware: resolves the address and stores it as a `ClientAddr` extension.
pub async fn resolve(
    State(proxies): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if let Some(peer) = peer {
        let forwarded = request
            .headers()
            .get_all(X_FORWARDED_FOR)
            .iter()
            .filter_map(|value: &HeaderValue| value.to_str().ok());
        let client = proxies.client_ip(peer, forwarded);
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

/// The caller's address as text, "unknown" when the request came without a socket
/// (in-process tests).
pub fn shown(extensions: &Extensions) -> String {
    extensions
        .get::<ClientAddr>()
        .map(|ClientAddr(ip)| ip.to_string())
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(cidrs: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(cidrs).expect("valid CIDRs")
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn picks_the_right_most_untrusted_address() {
        let lb = proxies(&["10.0.0.0/8", "2001:db8:ffff::/48"]);
        // (trusted, peer, X-Forwarded-For headers, expected client)
        let cases: &[(&TrustedProxies, &str, &[&str], &str)] = &[
            // No proxies configured: the header is ignored, whatever it says.
            (
                &TrustedProxies::default(),
                "198.51.100.1",
                &["203.0.113.7"],
                "198.51.100.1",
            ),
            // An untrusted peer cannot set its address.
            (&lb, "198.51.100.1", &["203.0.113.7"], "198.51.100.1"),
            // Trusted peer, no header: the peer is all we know.
            (&lb, "10.0.0.2", &[], "10.0.0.2"),
            (&lb, "10.0.0.2", &["203.0.113.7"], "203.0.113.7"),
            // Spoofed left-most entries written by the client are skipped.
            (
                &lb,
                "10.0.0.2",
                &["1.1.1.1, 2.2.2.2, 203.0.113.7"],
                "203.0.113.7",
            ),
            // Trusted hops between the client and us are skipped.
            (
                &lb,
                "10.0.0.2",
                &["6.6.6.6, 203.0.113.7, 10.1.2.3, 10.9.9.9"],
                "203.0.113.7",
            ),
            // Several header lines are one list, in order.
            (
                &lb,
                "10.0.0.2",
                &["6.6.6.6", "203.0.113.7, 10.1.2.3"],
                "203.0.113.7",
            ),
            // Every hop trusted: the left-most is where the request started.
            (&lb, "10.0.0.2", &["10.0.0.9, 10.0.0.8"], "10.0.0.9"),
            // Malformed entries stop the walk at the last trusted hop.
            (&lb, "10.0.0.2", &["203.0.113.7, not-an-ip"], "10.0.0.2"),
            (
                &lb,
                "10.0.0.2",
                &["203.0.113.7, unknown, 10.0.0.5"],
                "10.0.0.5",
            ),
            (&lb, "10.0.0.2", &[""], "10.0.0.2"),
            (&lb, "10.0.0.2", &["203.0.113.7,,"], "10.0.0.2"),
            // ... but a malformed entry left of the client does not matter.
            (&lb, "10.0.0.2", &["garbage, 203.0.113.7"], "203.0.113.7"),
            // Ports, as some proxies write them.
            (&lb, "10.0.0.2", &["203.0.113.7:51234"], "203.0.113.7"),
            (&lb, "10.0.0.2", &["[2001:db8::7]:443"], "2001:db8::7"),
            (&lb, "10.0.0.2", &["[2001:db8::7]"], "2001:db8::7"),
            // IPv6 peers and hops; IPv4-mapped addresses count as IPv4.
            (&lb, "2001:db8:ffff::1", &["2001:db8::7"], "2001:db8::7"),
            (
                &lb,
                "2001:db8:ffff::1",
                &["2001:db8::7, 2001:db8:ffff::2"],
                "2001:db8::7",
            ),
            (
                &lb,
                "::ffff:10.0.0.2",
                &["::ffff:203.0.113.7"],
                "203.0.113.7",
            ),
            (&lb, "::ffff:198.51.100.1", &["203.0.113.7"], "198.51.100.1"),
        ];
        for (trusted, peer, headers, expected) in cases {
            assert_eq!(
                trusted.client_ip(ip(peer), headers.iter().copied()),
                ip(expected),
                "peer {peer}, X-Forwarded-For {headers:?}"
            );
        }
    }

    #[test]
    fn parses_cidrs_lists_and_single_addresses() {
        let parsed = proxies(&["10.0.0.0/8, 192.168.1.1", "2001:db8::/32", ""]);
        assert!(parsed.trusts(ip("10.200.0.1")));
        assert!(parsed.trusts(ip("192.168.1.1")));
        assert!(!parsed.trusts(ip("192.168.1.2")));
        assert!(parsed.trusts(ip("2001:db8::1")));
        // Host bits set are the network they belong to.
        assert!(proxies(&["10.1.2.3/8"]).trusts(ip("10.9.9.9")));
    }

    #[test]
    fn refuses_what_is_not_a_cidr() {
        for bad in [
            "10.0.0.0/33",
            "10.0.0/8",
            "proxy.local",
            "::1/129",
            "10.0.0.0/8,nope",
        ] {
            let err = TrustedProxies::parse(&[bad]).expect_err(bad);
            assert!(err.contains("--trusted-proxy"), "{err}");
        }
    }
}
