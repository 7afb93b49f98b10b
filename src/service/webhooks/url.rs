//! An endpoint's URL against the rules (domain::webhook::check_url), and, for a name, the
//! addresses it resolves to now: a name pointing into the platform's network is refused at
//! creation as it would be at connect time.

use std::time::Duration;

use crate::domain::webhook::{AddressRule, Destination, Host, UrlRefusal, check_url};
use crate::domain::webhook::{Policy, forbidden_address};

use crate::service::{Result, ServiceError};

/// How long creation waits for DNS; an unanswered lookup is left to delivery to judge.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);

pub(super) async fn checked(url: &str, policy: &Policy) -> Result<Destination> {
    let allow = policy.allow_private_addresses;
    let dest = check_url(url, allow).map_err(refusal)?;
    if let Host::Name(name) = &dest.host {
        let lookup = tokio::net::lookup_host((name.as_str(), dest.port));
        if let Ok(Ok(addrs)) = tokio::time::timeout(LOOKUP_TIMEOUT, lookup).await {
            for addr in addrs {
                if let Some(rule) = forbidden_address(addr.ip())
                    && !rule.allowed(allow)
                {
                    return Err(refusal(UrlRefusal::Address(rule)));
                }
            }
        }
    }
    Ok(dest)
}

/// Every kind of refusal, for the translation check.
pub const EVERY_REFUSAL: [UrlRefusal; 10] = [
    UrlRefusal::NotAUrl,
    UrlRefusal::TooLong,
    UrlRefusal::NotHttps,
    UrlRefusal::Credentials,
    UrlRefusal::ReservedName,
    UrlRefusal::Address(AddressRule::Loopback),
    UrlRefusal::Address(AddressRule::Private),
    UrlRefusal::Address(AddressRule::LinkLocal),
    UrlRefusal::Address(AddressRule::Metadata),
    UrlRefusal::Address(AddressRule::Multicast),
];

/// The refusal as a message key (each one in both languages: tests/webhooks).
pub fn refusal(r: UrlRefusal) -> ServiceError {
    use AddressRule as A;
    let key = match r {
        UrlRefusal::NotAUrl => "url_not_a_url",
        UrlRefusal::TooLong => "url_too_long",
        UrlRefusal::NotHttps => "url_https",
        UrlRefusal::Credentials => "url_credentials",
        UrlRefusal::ReservedName => "url_reserved",
        UrlRefusal::Address(A::Loopback) => "url_loopback",
        UrlRefusal::Address(A::Private | A::UniqueLocal | A::SharedCgnat) => "url_private",
        UrlRefusal::Address(A::LinkLocal) => "url_link_local",
        UrlRefusal::Address(A::Metadata) => "url_metadata",
        UrlRefusal::Address(A::Multicast | A::Unspecified | A::Reserved) => "url_special",
    };
    ServiceError::Invalid {
        field: "url",
        message: crate::service::Said::new(key),
    }
}
