//! Who a local run is, for throttling and the audit log, comes from the kernel: environment
//! variables a user can set (USER, LOGNAME, HOSTNAME, SSH_CLIENT, SSH_CONNECTION) change
//! nothing. (One test in its own process: it changes the environment.)

use obryl::service::Origin;

#[test]
fn the_environment_cannot_choose_the_source_or_the_operator() {
    let before = (Origin::tui(), Origin::operator());
    for (k, v) in [
        ("USER", "someone-else"),
        ("LOGNAME", "someone-else"),
        ("HOSTNAME", "elsewhere"),
        ("SSH_CLIENT", "203.0.113.9 50000 22"),
        ("SSH_CONNECTION", "203.0.113.9 50000 10.0.0.1 22"),
    ] {
        // SAFETY: this test binary runs this one test, on one thread.
        unsafe { std::env::set_var(k, v) };
    }
    let after = (Origin::tui(), Origin::operator());
    assert_eq!(before.0.source, after.0.source);
    assert_eq!(before.0.host, after.0.host);
    assert_eq!(before.1.operator, after.1.operator);
    assert!(
        !after.0.source.contains("203.0.113.9"),
        "{}",
        after.0.source
    );
    assert!(!after.0.host.contains("elsewhere"));
    let operator = after.1.operator.unwrap_or_default();
    assert!(!operator.contains("someone-else"), "{operator}");
    // SAFETY: as above.
    let uid = unsafe { libc::getuid() };
    assert!(
        after.0.source.starts_with(&format!("local:uid{uid}@")),
        "{}",
        after.0.source
    );
    for k in ["USER", "LOGNAME"] {
        // SAFETY: as above.
        unsafe { std::env::remove_var(k) };
    }
    assert_eq!(
        Origin::tui().source,
        before.0.source,
        "no shared `unknown` account"
    );
}
