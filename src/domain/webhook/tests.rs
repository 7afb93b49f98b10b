use std::net::IpAddr;

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn the_specifications_example_signature() {
    // The example of the Standard Webhooks specification's test vectors.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    let body = br#"{"test": 2432232314}"#;
    let sig = signature_header(&[secret], id, 1_614_265_330, body);
    assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    assert!(verify(&sig, secret, id, 1_614_265_330, body));
    assert!(!verify(&sig, secret, id, 1_614_265_331, body));
    assert!(!verify(&sig, secret, "msg_other", 1_614_265_330, body));
}

#[test]
fn two_secrets_sign_twice_and_either_verifies() {
    let (new, old) = (new_secret(), new_secret());
    assert_ne!(new, old);
    let header = signature_header(&[&new, &old], "msg_1", 10, b"{}");
    let parts: Vec<&str> = header.split(' ').collect();
    assert_eq!(parts.len(), 2);
    assert!(parts.iter().all(|p| p.starts_with("v1,")));
    assert!(verify(&header, &new, "msg_1", 10, b"{}"));
    assert!(verify(&header, &old, "msg_1", 10, b"{}"));
    assert!(!verify(&header, &new_secret(), "msg_1", 10, b"{}"));
}

#[test]
fn secrets_are_whsec_and_base64_of_32_bytes() {
    let s = new_secret();
    assert!(s.starts_with(SECRET_PREFIX));
    assert_eq!(secret_key(&s).unwrap().len(), 32);
    assert_eq!(secret_key("whsec_"), None);
    assert_eq!(secret_key("sk_abc"), None);
    assert_eq!(secret_key("whsec_!!!"), None);
}

#[test]
fn schedules_parse_and_end() {
    let s = RetrySchedule::parse(&["5s", "5m", "30m", "2h", "1d", "250ms"]).unwrap();
    assert_eq!(s.attempts(), 7);
    assert_eq!(s.after(1), Some(Duration::seconds(5)));
    assert_eq!(s.after(5), Some(Duration::days(1)));
    assert_eq!(s.after(6), Some(Duration::milliseconds(250)));
    assert_eq!(s.after(7), None);
    assert_eq!(s.after(0), None);
    for bad in ["", "5", "s", "5 weeks", "-1s", "1.5h", "400d"] {
        assert!(parse_delay(bad).is_err(), "{bad}");
    }
    assert_eq!(parse_delay(" 2 h ").unwrap(), Duration::hours(2));
    // The default schedule spans about three days.
    let default =
        RetrySchedule::parse(&["5s", "5m", "30m", "2h", "5h", "10h", "10h", "24h", "24h"]).unwrap();
    assert!(default.total() > Duration::days(3) && default.total() < Duration::days(4));
}

#[test]
fn retry_after_is_seconds_or_a_date_and_bounded() {
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    assert_eq!(retry_after("120", now), Some(Duration::seconds(120)));
    assert_eq!(
        retry_after("Sun, 01 Mar 2026 09:01:00 GMT", now),
        Some(Duration::seconds(60))
    );
    assert_eq!(retry_after("soon", now), None);
    assert_eq!(retry_after("-5", now), None);
    let max = Duration::hours(1);
    let five = Duration::seconds(5);
    assert_eq!(next_delay(five, None, max), five);
    assert_eq!(next_delay(five, Some(Duration::seconds(1)), max), five);
    assert_eq!(
        next_delay(five, Some(Duration::seconds(90)), max),
        Duration::seconds(90)
    );
    assert_eq!(next_delay(five, Some(Duration::days(2)), max), max);
}

#[test]
fn forbidden_addresses() {
    use AddressRule::*;
    let cases = [
        ("127.0.0.1", Some(Loopback)),
        ("127.9.9.9", Some(Loopback)),
        ("10.1.2.3", Some(Private)),
        ("172.16.0.1", Some(Private)),
        ("172.31.255.255", Some(Private)),
        ("172.32.0.1", None),
        ("192.168.1.1", Some(Private)),
        ("169.254.1.1", Some(LinkLocal)),
        ("169.254.169.254", Some(Metadata)),
        ("100.64.0.1", Some(SharedCgnat)),
        ("100.128.0.1", None),
        ("224.0.0.1", Some(Multicast)),
        ("0.0.0.0", Some(Unspecified)),
        ("255.255.255.255", Some(Reserved)),
        ("192.0.2.10", Some(Reserved)),
        ("8.8.8.8", None),
        ("41.82.10.1", None),
        ("::1", Some(Loopback)),
        ("::", Some(Unspecified)),
        ("::ffff:127.0.0.1", Some(Loopback)),
        ("::ffff:10.0.0.1", Some(Private)),
        ("::ffff:169.254.169.254", Some(Metadata)),
        ("::ffff:8.8.8.8", None),
        ("64:ff9b::a00:1", Some(Private)),
        ("64:ff9b::8.8.8.8", None),
        ("2002:7f00:1::", Some(Loopback)),
        ("2002:a00:1:1234::5", Some(Private)),
        ("2002:808:808::1", None),
        // IPv4-translated (SIIT), IPv4-compatible and the local-use NAT64 prefix.
        ("::ffff:0:127.0.0.1", Some(Loopback)),
        ("::ffff:0:169.254.169.254", Some(Metadata)),
        ("::ffff:0:8.8.8.8", None),
        ("::127.0.0.1", Some(Loopback)),
        ("::10.0.0.1", Some(Private)),
        ("::8.8.8.8", None),
        ("64:ff9b:1::127.0.0.1", Some(Loopback)),
        ("64:ff9b:1:abcd:1::192.168.0.1", Some(Private)),
        ("64:ff9b:1::8.8.8.8", None),
        // 10.1.2.3 at /48 (octets 6–7, 9–10) and /64 (octets 9–12) of RFC 6052.
        ("64:ff9b:1:a01:2:300::", Some(Private)),
        ("64:ff9b:1:0:a:102:300::", Some(Private)),
        // 8.8.8.8 at /48: its zero tail is not 0.0.0.0.
        ("64:ff9b:1:808:8:800::", None),
        ("fd00:ec2::254", Some(Metadata)),
        ("fd12:3456::1", Some(UniqueLocal)),
        ("fe80::1", Some(LinkLocal)),
        ("ff02::1", Some(Multicast)),
        ("2001:db8::1", Some(Reserved)),
        ("2a00:1450:4007:80e::200e", None),
    ];
    for (addr, want) in cases {
        assert_eq!(forbidden_address(ip(addr)), want, "{addr}");
    }
}

#[test]
fn reserved_names_are_refused_whatever_their_case() {
    for name in [
        "localhost",
        "LOCALHOST.",
        "api.localhost",
        "hooks.partner-compta.invalid",
        "jira.example.test",
        "x.example",
        "example.com",
        "compta.example.com",
        "a.b.example.org",
    ] {
        assert!(reserved_name(name), "{name}");
    }
    for name in [
        "hooks.slack.com",
        "mytest",
        "notlocalhost",
        "example.com.sn",
        "testing.io",
    ] {
        assert!(!reserved_name(name), "{name}");
    }
}

#[test]
fn urls_follow_the_rules() {
    use UrlRefusal::*;
    let ok = check_url("https://hooks.partner.sn/obryl?x=1", false).unwrap();
    assert_eq!(ok.host, Host::Name("hooks.partner.sn".into()));
    assert_eq!(ok.port, 443);
    let refusals = [
        ("http://hooks.partner.sn/", NotHttps),
        ("ftp://hooks.partner.sn/", NotHttps),
        ("not a url", NotAUrl),
        ("https://user:pw@hooks.partner.sn/", Credentials),
        ("https://user@hooks.partner.sn/", Credentials),
        ("https://localhost/", ReservedName),
        ("https://hooks.partner-compta.invalid/obryl", ReservedName),
        ("https://127.0.0.1/", Address(AddressRule::Loopback)),
        ("https://2130706433/", Address(AddressRule::Loopback)),
        ("https://0x7f.1/", Address(AddressRule::Loopback)),
        ("https://[::ffff:7f00:1]/", Address(AddressRule::Loopback)),
        (
            "https://[::ffff:0:127.0.0.1]/",
            Address(AddressRule::Loopback),
        ),
        (
            "https://[64:ff9b::10.0.0.1]/",
            Address(AddressRule::Private),
        ),
        (
            "https://[64:ff9b:1::169.254.169.254]/",
            Address(AddressRule::Metadata),
        ),
        (
            "https://[::127.0.0.1]:8443/",
            Address(AddressRule::Loopback),
        ),
        (
            "https://[2002:a9fe:a9fe::1]/",
            Address(AddressRule::Metadata),
        ),
        (
            "https://169.254.169.254/latest",
            Address(AddressRule::Metadata),
        ),
        ("https://[fd00:ec2::254]/", Address(AddressRule::Metadata)),
        ("https://10.0.0.8:8443/", Address(AddressRule::Private)),
    ];
    for (url, want) in refusals {
        assert_eq!(check_url(url, false), Err(want), "{url}");
    }
    assert!(check_url(&format!("https://a.sn/{}", "x".repeat(3000)), false).is_err());
    // Tests on the loopback: http and 127.0.0.1 allowed, the metadata service never.
    let local = check_url("http://127.0.0.1:8081/hook", true).unwrap();
    assert_eq!((local.host, local.port), (Host::Ip(ip("127.0.0.1")), 8081));
    assert_eq!(
        check_url("http://169.254.169.254/", true),
        Err(Address(AddressRule::Metadata))
    );
    assert_eq!(check_url("https://x.test/", true), Err(ReservedName));
    assert!(check_url("https://[::ffff:0:8.8.8.8]/", false).is_ok());
    assert!(check_url("http://[::ffff:0:127.0.0.1]:8081/", true).is_ok());
}

/// What a resolver answers is judged the same way before any connection: an embedded
/// loopback among the answers is dropped, and a name with nothing else left is refused.
#[test]
fn resolved_addresses_carrying_a_forbidden_ipv4_are_dropped() {
    let at = |s: &str| std::net::SocketAddr::new(ip(s), 443);
    let found = vec![
        at("::ffff:0:127.0.0.1"),
        at("64:ff9b::a00:1"),
        at("8.8.8.8"),
    ];
    assert_eq!(deliverable(found, false), Ok(vec![at("8.8.8.8")]));
    assert_eq!(
        deliverable(vec![at("::ffff:0:127.0.0.1"), at("2002:a00:1::")], false),
        Err(Some((ip("::ffff:0:127.0.0.1"), AddressRule::Loopback)))
    );
    assert_eq!(deliverable(Vec::new(), false), Err(None));
    // Allowed for tests on the loopback, except the metadata service.
    assert_eq!(
        deliverable(vec![at("::ffff:0:127.0.0.1")], true),
        Ok(vec![at("::ffff:0:127.0.0.1")])
    );
    assert_eq!(
        deliverable(vec![at("64:ff9b::169.254.169.254")], true),
        Err(Some((
            ip("64:ff9b::169.254.169.254"),
            AddressRule::Metadata
        )))
    );
}

#[test]
fn subscriptions_match_types_and_star_but_not_test_events() {
    let types = vec!["commission.approved".to_owned()];
    assert!(subscribed(&types, "commission.approved"));
    assert!(!subscribed(&types, "commission.paid"));
    let all = vec!["*".to_owned()];
    assert!(subscribed(&all, "escrow.held"));
    assert!(!subscribed(&all, TEST_EVENT));
    assert_eq!(
        unknown_types(&[
            "*".into(),
            "commission.paid".into(),
            "commission.payed".into()
        ]),
        vec!["commission.payed".to_owned()]
    );
}

/// Every type the services put in the outbox is in the catalog.
#[test]
fn the_catalog_lists_every_type_the_services_emit() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src/service");
    let mut files = vec![std::path::PathBuf::from(root)];
    let mut found = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for marker in ["webhook: Some(\"", "then_some(\"", ", \"support_ticket."] {
            for (i, _) in text.match_indices(marker) {
                let start = i + marker.len();
                let rest = &text[start..];
                let end = rest.find('"').unwrap();
                let name = if marker.starts_with(", ") {
                    format!("support_ticket.{}", &rest[..end])
                } else {
                    rest[..end].to_owned()
                };
                found.push((path.display().to_string(), name));
            }
        }
    }
    assert!(found.len() >= 30, "{found:?}");
    // Types built from a kind and a decision (commissions) or a status (articles).
    for alias in ["commission", "ext_commission"] {
        for d in [
            "first_approved",
            "approved",
            "rejected",
            "paid",
            "cancelled",
        ] {
            found.push(("commissions".into(), format!("{alias}.{d}")));
        }
    }
    for s in crate::domain::ArticleStatus::ALL {
        found.push(("content".into(), format!("article.{}", s.as_str())));
    }
    for (file, name) in found {
        assert!(
            event_type(&name).is_some(),
            "{file}: {name} is not in the catalog"
        );
    }
}

#[test]
fn catalog_names_are_unique_and_versioned() {
    let mut names: Vec<&str> = EVENT_TYPES.iter().map(|t| t.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), EVENT_TYPES.len());
    assert!(
        EVENT_TYPES
            .iter()
            .all(|t| t.version >= 1 && !t.description.is_empty())
    );
    assert!(event_type(TEST_EVENT).is_some());
}

/// IPv4 ranges refused (base, prefix length), to draw forbidden addresses from.
const FORBIDDEN_V4: [(u32, u32); 8] = [
    (0x7f00_0000, 8),
    (0x0a00_0000, 8),
    (0xac10_0000, 12),
    (0xc0a8_0000, 16),
    (0xa9fe_0000, 16),
    (0x6440_0000, 10),
    (0xe000_0000, 4),
    (0x0000_0000, 8),
];

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_signature_verifies_only_its_own_message(
        key in prop::collection::vec(any::<u8>(), 24..=64),
        body in prop::collection::vec(any::<u8>(), 0..512),
        id in "msg_[a-z0-9]{1,26}",
        ts in 0i64..4_000_000_000,
        flip in any::<prop::sample::Index>(),
    ) {
        let secret = secret_from_bytes(&key);
        let header = signature_header(&[&secret], &id, ts, &body);
        prop_assert!(verify(&header, &secret, &id, ts, &body));
        if !body.is_empty() {
            let mut tampered = body.clone();
            let i = flip.index(tampered.len());
            tampered[i] ^= 0x01;
            prop_assert!(!verify(&header, &secret, &id, ts, &tampered));
        }
        prop_assert!(!verify(&header, &secret, &id, ts + 1, &body));
    }

    #[test]
    fn jitter_stays_within_ten_percent(ms in 0i64..100_000_000, u in 0.0f64..1.0) {
        let d = jittered(Duration::milliseconds(ms), u);
        let (lo, hi) = ((ms as f64 * 0.9).floor() as i64, (ms as f64 * 1.1).ceil() as i64);
        prop_assert!(d.num_milliseconds() >= lo && d.num_milliseconds() <= hi);
    }

    #[test]
    fn every_ipv4_inside_ipv6_is_judged_as_itself(
        a in any::<u32>(),
        prefix in any::<[u16; 3]>(),
        tail in any::<[u16; 5]>(),
    ) {
        let v4 = std::net::Ipv4Addr::from(a);
        let want = forbidden_address(IpAddr::V4(v4));
        let [hi, lo] = [(a >> 16) as u16, a as u16];
        let six = |s: [u16; 8]| forbidden_address(IpAddr::V6(std::net::Ipv6Addr::from(s)));
        // Mapped, translated, the NAT64 well-known prefix and 6to4 (any subnet and host).
        prop_assert_eq!(six([0, 0, 0, 0, 0, 0xffff, hi, lo]), want);
        prop_assert_eq!(six([0, 0, 0, 0, 0xffff, 0, hi, lo]), want);
        prop_assert_eq!(six([0x64, 0xff9b, 0, 0, 0, 0, hi, lo]), want);
        let [t0, t1, t2, t3, t4] = tail;
        prop_assert_eq!(six([0x2002, hi, lo, t0, t1, t2, t3, t4]), want);
        // Compatible: ::1 is the IPv6 loopback rather than 0.0.0.1, refused either way.
        let compatible = six([0, 0, 0, 0, 0, 0, hi, lo]);
        prop_assert_eq!(compatible.is_some(), want.is_some());
        if a > 1 {
            prop_assert_eq!(compatible, want);
        }
        // Local-use NAT64 at /96, under any of its /96 prefixes: never less strict than
        // the IPv4 address, and the same unless a shorter RFC 6052 form reads otherwise
        // (only a.0.0.0 leaves a zero suffix).
        let [p0, p1, p2] = prefix;
        let local = six([0x64, 0xff9b, 1, p0, p1, p2, hi, lo]);
        if want.is_some() {
            prop_assert!(local.is_some());
        }
        if a & 0x00ff_ffff != 0 {
            prop_assert_eq!(local, want);
        }
    }

    #[test]
    fn a_forbidden_ipv4_is_refused_at_every_local_nat64_position(
        range in prop::sample::select(FORBIDDEN_V4.to_vec()),
        host in any::<u32>(),
    ) {
        let (base, bits) = range;
        let v4 = std::net::Ipv4Addr::from(base | (host & (u32::MAX >> bits)));
        prop_assert!(forbidden_address(IpAddr::V4(v4)).is_some());
        let [x, y, z, w] = v4.octets();
        let mut layouts = [[0u8; 16]; 4];
        for l in &mut layouts {
            l[..6].copy_from_slice(&[0, 0x64, 0xff, 0x9b, 0, 1]);
        }
        // RFC 6052 positions: /48, /56, /64 and /96 (octet 8 stays zero).
        for (i, at) in [[6, 7, 9, 10], [7, 9, 10, 11], [9, 10, 11, 12], [12, 13, 14, 15]]
            .iter()
            .enumerate()
        {
            for (octet, value) in at.iter().zip([x, y, z, w]) {
                layouts[i][*octet] = value;
            }
        }
        for l in layouts {
            let six = std::net::Ipv6Addr::from(l);
            prop_assert!(forbidden_address(IpAddr::V6(six)).is_some(), "{}", six);
            let url = format!("https://[{six}]/hook");
            prop_assert!(check_url(&url, false).is_err(), "{}", url);
        }
    }

    #[test]
    fn a_forbidden_literal_never_passes_without_allow_private(a in any::<u32>()) {
        let v4 = std::net::Ipv4Addr::from(a);
        let url = format!("https://{v4}/hook");
        let checked = check_url(&url, false);
        match forbidden_address(IpAddr::V4(v4)) {
            Some(rule) => prop_assert_eq!(checked, Err(UrlRefusal::Address(rule))),
            None => prop_assert!(checked.is_ok()),
        }
    }

    #[test]
    fn a_schedule_allows_one_attempt_more_than_its_delays(n in 0usize..20, secs in 1i64..1000) {
        let items: Vec<String> = (0..n).map(|i| format!("{}s", secs + i as i64)).collect();
        let s = RetrySchedule::parse(&items).unwrap();
        prop_assert_eq!(s.attempts(), n as i64 + 1);
        for attempt in 1..=n as i64 {
            prop_assert!(s.after(attempt).is_some());
        }
        prop_assert_eq!(s.after(n as i64 + 1), None);
    }
}
