//! Where a delivery may go. Partners give URLs; a URL that reaches the platform's own network
//! (loopback, private ranges, link-local, the cloud metadata service…) would let anyone who
//! can add an endpoint probe it. So: https only, no credentials in the URL, reserved names
//! refused before any DNS lookup, and every address checked, at creation for literals and
//! after resolution at connect time. Tests on 127.0.0.1 set `allow_private`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address may not receive deliveries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressRule {
    Loopback,
    Private,
    LinkLocal,
    /// 100.64.0.0/10, carrier-grade NAT.
    SharedCgnat,
    /// fc00::/7.
    UniqueLocal,
    Multicast,
    Unspecified,
    /// 169.254.169.254 and fd00:ec2::254: cloud instance metadata (credentials live there).
    Metadata,
    /// Broadcast, documentation, benchmarking and other special-purpose ranges.
    Reserved,
}

impl AddressRule {
    pub fn code(self) -> &'static str {
        match self {
            AddressRule::Loopback => "loopback",
            AddressRule::Private => "private",
            AddressRule::LinkLocal => "link_local",
            AddressRule::SharedCgnat => "shared",
            AddressRule::UniqueLocal => "unique_local",
            AddressRule::Multicast => "multicast",
            AddressRule::Unspecified => "unspecified",
            AddressRule::Metadata => "metadata",
            AddressRule::Reserved => "reserved",
        }
    }

    /// The metadata service stays refused even when private addresses are allowed.
    pub fn allowed(self, allow_private: bool) -> bool {
        allow_private && self != AddressRule::Metadata
    }
}

/// The rule an address breaks, if any (IPv4 inside IPv6 is judged as the IPv4 it carries:
/// [`carried_v4`]).
pub fn forbidden_address(ip: IpAddr) -> Option<AddressRule> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<AddressRule> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip == Ipv4Addr::new(169, 254, 169, 254) => AddressRule::Metadata,
        (0, _, _) => AddressRule::Unspecified,
        (127, _, _) => AddressRule::Loopback,
        (10, _, _) | (192, 168, _) => AddressRule::Private,
        (172, 16..=31, _) => AddressRule::Private,
        (169, 254, _) => AddressRule::LinkLocal,
        (100, 64..=127, _) => AddressRule::SharedCgnat,
        (224..=239, _, _) => AddressRule::Multicast,
        (240..=255, _, _) => AddressRule::Reserved,
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) | (198, 18..=19, _) => {
            AddressRule::Reserved
        }
        _ => return None,
    })
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<AddressRule> {
    if ip.is_unspecified() {
        return Some(AddressRule::Unspecified);
    }
    if ip.is_loopback() {
        return Some(AddressRule::Loopback);
    }
    if ip == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
        return Some(AddressRule::Metadata);
    }
    let carried = carried_v4(ip);
    if !carried.is_empty() {
        return carried.into_iter().find_map(forbidden_v4);
    }
    Some(match ip.segments() {
        // Teredo tunnels and documentation.
        [0x2001, 0, ..] | [0x2001, 0x0db8, ..] => AddressRule::Reserved,
        [x, ..] if x & 0xfe00 == 0xfc00 => AddressRule::UniqueLocal,
        [x, ..] if x & 0xffc0 == 0xfe80 => AddressRule::LinkLocal,
        // Site-local (deprecated): private by intent.
        [x, ..] if x & 0xffc0 == 0xfec0 => AddressRule::Private,
        [x, ..] if x & 0xff00 == 0xff00 => AddressRule::Multicast,
        _ => return None,
    })
}

/// The IPv4 addresses an IPv6 address carries, each a reading of where a translator or tunnel
/// would take it (empty: none). Such an address is judged as what it carries, refused when any
/// reading is: IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d`,
/// IPv4-compatible `::a.b.c.d`, the NAT64 well-known prefix `64:ff9b::/96`, 6to4
/// `2002:aabb:ccdd::/48`, and the local-use NAT64 prefix `64:ff9b:1::/48`, whose operator may
/// put the IPv4 address at any position of RFC 6052 (/48, /56, /64 or /96).
pub fn carried_v4(ip: Ipv6Addr) -> Vec<Ipv4Addr> {
    let s = ip.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    match s {
        // Mapped, translated (SIIT) and compatible (deprecated); :: and ::1 are judged
        // before as themselves.
        [0, 0, 0, 0, 0, 0xffff, hi, lo]
        | [0, 0, 0, 0, 0xffff, 0, hi, lo]
        | [0, 0, 0, 0, 0, 0, hi, lo] => vec![v4(hi, lo)],
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => vec![v4(hi, lo)],
        [0x2002, hi, lo, ..] => vec![v4(hi, lo)],
        [0x64, 0xff9b, 1, ..] => local_nat64(ip.octets()),
        _ => Vec::new(),
    }
}

/// The readings of a local-use NAT64 address (64:ff9b:1::/48): the /96 one always, and each
/// shorter one whose form holds (RFC 6052: bits 64–71 zero, and a zero suffix after the IPv4
/// address). A /96 reading inside 0.0.0.0/8 is the zero tail of a shorter form when one holds,
/// not an address anyone reaches, and is then left out.
fn local_nat64(b: [u8; 16]) -> Vec<Ipv4Addr> {
    let zero = |r: std::ops::Range<usize>| b[r].iter().all(|x| *x == 0);
    let mut out = Vec::new();
    if b[8] == 0 {
        // /48: octets 6–7 and 9–10; /56: octet 7 and 9–11; /64: octets 9–12.
        for (octets, suffix) in [([6, 7, 9, 10], 11..16), ([7, 9, 10, 11], 12..16)] {
            if zero(suffix) {
                out.push(Ipv4Addr::from(octets.map(|i| b[i])));
            }
        }
        if zero(13..16) {
            out.push(Ipv4Addr::new(b[9], b[10], b[11], b[12]));
        }
    }
    let last = Ipv4Addr::new(b[12], b[13], b[14], b[15]);
    if out.is_empty() || last.octets()[0] != 0 {
        out.push(last);
    }
    out
}

/// The addresses a name resolved to that may receive deliveries, or, when none may, the first
/// one refused and why (None: the name had no address at all).
pub fn deliverable(
    found: Vec<std::net::SocketAddr>,
    allow_private: bool,
) -> Result<Vec<std::net::SocketAddr>, Option<(IpAddr, AddressRule)>> {
    let mut refused = None;
    let kept: Vec<_> = found
        .into_iter()
        .filter(|a| match forbidden_address(a.ip()) {
            Some(rule) if !rule.allowed(allow_private) => {
                refused.get_or_insert((a.ip(), rule));
                false
            }
            _ => true,
        })
        .collect();
    match kept.is_empty() {
        true => Err(refused),
        false => Ok(kept),
    }
}

/// Names that never reach a partner: `localhost` and the special-use and documentation
/// domains (`.localhost`, `.invalid`, `.test`, `.example`, example.com/.net/.org). Refused
/// before any DNS lookup; the demo's endpoints use them.
pub fn reserved_name(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    const SUFFIXES: [&str; 7] = [
        "localhost",
        "invalid",
        "test",
        "example",
        "example.com",
        "example.net",
        "example.org",
    ];
    SUFFIXES
        .iter()
        .any(|s| h == *s || h.strip_suffix(s).is_some_and(|rest| rest.ends_with('.')))
}

/// Why a URL may not be an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlRefusal {
    NotAUrl,
    TooLong,
    /// http:// (only with allow_private) or another scheme.
    NotHttps,
    Credentials,
    ReservedName,
    Address(AddressRule),
}

/// A host as delivery sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    Name(String),
    Ip(IpAddr),
}

/// A URL that passed the rules known before DNS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destination {
    pub url: String,
    pub host: Host,
    pub port: u16,
}

const MAX_URL_BYTES: usize = 2048;

/// Checks `text` as an endpoint URL: https (or http with `allow_private`), no user name or
/// password, not a reserved name, not a forbidden address literal. Names are resolved and
/// checked again at connect time.
pub fn check_url(text: &str, allow_private: bool) -> Result<Destination, UrlRefusal> {
    let text = text.trim();
    if text.len() > MAX_URL_BYTES {
        return Err(UrlRefusal::TooLong);
    }
    let url = url::Url::parse(text).map_err(|_| UrlRefusal::NotAUrl)?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(UrlRefusal::NotHttps),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlRefusal::Credentials);
    }
    let host = match url.host() {
        Some(url::Host::Domain(name)) => {
            if reserved_name(name) {
                return Err(UrlRefusal::ReservedName);
            }
            Host::Name(name.to_owned())
        }
        Some(url::Host::Ipv4(ip)) => Host::Ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Host::Ip(IpAddr::V6(ip)),
        None => return Err(UrlRefusal::NotAUrl),
    };
    if let Host::Ip(ip) = &host
        && let Some(rule) = forbidden_address(*ip)
        && !rule.allowed(allow_private)
    {
        return Err(UrlRefusal::Address(rule));
    }
    let port = url.port_or_known_default().ok_or(UrlRefusal::NotAUrl)?;
    Ok(Destination {
        url: url.to_string(),
        host,
        port,
    })
}
