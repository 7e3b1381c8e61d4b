//! Who the client of a request is, behind reverse proxies (`--trusted-proxy`): the rate limit and
//! the request log are per client, and behind a proxy every peer is the proxy.
//!
//! Each proxy appends the address it was connected from to `X-Forwarded-For` (or adds a `for=` to
//! `Forwarded`, RFC 7239), so the list reads from the client on the left to the last proxy on the
//! right, and only its right end is written by proxies we trust: the client is the right-most
//! address that is not itself a trusted proxy. Anything left of it may be forged. From a peer that
//! is not trusted, the headers are ignored.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The client's address, as `ConnectInfo` is the peer's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Client(pub IpAddr);

pub fn client(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in hops(headers).rev() {
        // A hop that is not an address (`unknown`, an obfuscated name, garbage) ends what can be
        // known: the client is the last address read.
        let Some(ip) = address(hop) else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

/// The hops, left to right: `X-Forwarded-For`'s when there is one, else `Forwarded`'s `for=`.
/// A header sent as several lines is one list in their order.
fn hops(headers: &HeaderMap) -> std::vec::IntoIter<&str> {
    let lines = |name| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(','));
    let mut hops: Vec<&str> = lines("x-forwarded-for").map(str::trim).collect();
    if hops.is_empty() {
        hops = lines("forwarded")
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.eq_ignore_ascii_case("for").then(|| value.trim().trim_matches('"'))
                })
            })
            .collect();
    }
    hops.into_iter()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn address(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    let ip = hop.parse().ok().or_else(|| hop.parse::<SocketAddr>().ok().map(|a| a.ip()));
    ip.or_else(|| hop.strip_prefix('[')?.strip_suffix(']')?.parse().ok()).map(canonical)
}

/// An IPv4 address that came as IPv6 (`::ffff:192.0.2.1`, from a dual-stack listener) is the
/// IPv4 address, so that one `--trusted-proxy 192.0.2.0/24` covers both.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let forged = headers(&[("x-forwarded-for", "203.0.113.9"), ("forwarded", "for=198.51.100.1")]);
        assert_eq!(client(ip("192.0.2.50"), &forged, &nets(&["10.0.0.0/8"])), ip("192.0.2.50"));
        assert_eq!(client(ip("192.0.2.50"), &forged, &[]), ip("192.0.2.50"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_address_is_the_client() {
        let trusted = nets(&["10.0.0.0/8", "fd00::/8"]);
        // The client forged a first entry; the proxies appended the real one and each other.
        let chain = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.7, 10.0.0.2")]);
        assert_eq!(client(ip("10.0.0.1"), &chain, &trusted), ip("203.0.113.7"));
        let v6 = headers(&[("x-forwarded-for", "2001:db8::1"), ("x-forwarded-for", "[2001:db8::7]:4711, fd00::2")]);
        assert_eq!(client(ip("fd00::1"), &v6, &trusted), ip("2001:db8::7"));
        // Every hop trusted: the left-most.
        assert_eq!(client(ip("10.0.0.1"), &headers(&[("x-forwarded-for", "10.0.0.3,10.0.0.2")]), &trusted), ip("10.0.0.3"));
        // No header: the proxy itself.
        assert_eq!(client(ip("10.0.0.1"), &HeaderMap::new(), &trusted), ip("10.0.0.1"));
    }

    #[test]
    fn forwarded_is_read_when_there_is_no_x_forwarded_for() {
        let trusted = nets(&["10.0.0.0/8"]);
        let forwarded = headers(&[("forwarded", r#"for=192.0.2.60;proto=http;by=10.0.0.1, For="[2001:db8:cafe::17]:4711""#)]);
        assert_eq!(client(ip("10.0.0.1"), &forwarded, &trusted), ip("2001:db8:cafe::17"));
        let both = headers(&[("forwarded", "for=192.0.2.60"), ("x-forwarded-for", "198.51.100.2")]);
        assert_eq!(client(ip("10.0.0.1"), &both, &trusted), ip("198.51.100.2"));
    }

    #[test]
    fn what_is_not_an_address_ends_the_walk() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(client(ip("10.0.0.1"), &headers(&[("x-forwarded-for", "203.0.113.7, garbage")]), &trusted), ip("10.0.0.1"));
        assert_eq!(client(ip("10.0.0.1"), &headers(&[("forwarded", "for=unknown")]), &trusted), ip("10.0.0.1"));
        assert_eq!(client(ip("10.0.0.1"), &headers(&[("x-forwarded-for", "garbage, 203.0.113.7")]), &trusted), ip("203.0.113.7"));
    }

    #[test]
    fn mapped_ipv4_is_ipv4() {
        let trusted = nets(&["127.0.0.0/8"]);
        let chain = headers(&[("x-forwarded-for", "::ffff:203.0.113.7")]);
        assert_eq!(client(ip("::ffff:127.0.0.1"), &chain, &trusted), ip("203.0.113.7"));
    }
}
