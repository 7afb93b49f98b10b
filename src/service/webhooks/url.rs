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

/// The refusal in words (each one translated in office::messages).
pub(super) fn refusal(r: UrlRefusal) -> ServiceError {
    use AddressRule as A;
    let message: &str = match r {
        UrlRefusal::NotAUrl => "not a web address; write it as https://host/path",
        UrlRefusal::TooLong => "a webhook address is at most 2048 bytes",
        UrlRefusal::NotHttps => "webhooks are sent over https only",
        UrlRefusal::Credentials => "a webhook address carries no user name or password",
        UrlRefusal::ReservedName => {
            "reserved names (localhost, .invalid, .test, .example) receive no webhooks"
        }
        UrlRefusal::Address(A::Loopback) => "loopback addresses receive no webhooks",
        UrlRefusal::Address(A::Private | A::UniqueLocal | A::SharedCgnat) => {
            "private network addresses receive no webhooks"
        }
        UrlRefusal::Address(A::LinkLocal) => "link-local addresses receive no webhooks",
        UrlRefusal::Address(A::Metadata) => "the cloud metadata address receives no webhooks",
        UrlRefusal::Address(A::Multicast | A::Unspecified | A::Reserved) => {
            "special-purpose addresses receive no webhooks"
        }
    };
    ServiceError::Invalid {
        field: "url",
        message: message.to_owned(),
    }
}

/// Every refusal's words, for the translation check.
pub const REFUSALS: [&str; 10] = [
    "not a web address; write it as https://host/path",
    "a webhook address is at most 2048 bytes",
    "webhooks are sent over https only",
    "a webhook address carries no user name or password",
    "reserved names (localhost, .invalid, .test, .example) receive no webhooks",
    "loopback addresses receive no webhooks",
    "private network addresses receive no webhooks",
    "link-local addresses receive no webhooks",
    "the cloud metadata address receives no webhooks",
    "special-purpose addresses receive no webhooks",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_is_listed_for_translation() {
        use AddressRule as A;
        let all = [
            UrlRefusal::NotAUrl,
            UrlRefusal::TooLong,
            UrlRefusal::NotHttps,
            UrlRefusal::Credentials,
            UrlRefusal::ReservedName,
            UrlRefusal::Address(A::Loopback),
            UrlRefusal::Address(A::Private),
            UrlRefusal::Address(A::UniqueLocal),
            UrlRefusal::Address(A::SharedCgnat),
            UrlRefusal::Address(A::LinkLocal),
            UrlRefusal::Address(A::Metadata),
            UrlRefusal::Address(A::Multicast),
            UrlRefusal::Address(A::Unspecified),
            UrlRefusal::Address(A::Reserved),
        ];
        for r in all {
            let ServiceError::Invalid { message, .. } = refusal(r) else {
                panic!("{r:?}")
            };
            assert!(REFUSALS.contains(&message.as_str()), "{message}");
        }
    }
}
