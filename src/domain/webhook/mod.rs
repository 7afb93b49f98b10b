//! Webhooks to partners, by the Standard Webhooks specification: `whsec_` signing secrets and
//! `v1,` signatures (signature.rs), the retry schedule with jitter and `Retry-After`
//! (retry.rs), which destinations may receive a delivery (address.rs: no server-side request
//! forgery), and the catalog of event types partners subscribe to (catalog.rs). Pure.

mod address;
mod catalog;
mod retry;
mod signature;

#[cfg(test)]
mod tests;

pub use address::{
    AddressRule, Destination, Host, UrlRefusal, carried_v4, check_url, deliverable,
    forbidden_address, reserved_name,
};
pub use catalog::{
    ALL_TYPES, EVENT_TYPES, EventType, TEST_EVENT, event_type, subscribed, unknown_types,
};
pub use retry::{RetrySchedule, ScheduleError, jittered, next_delay, parse_delay, retry_after};
pub use signature::{
    SECRET_PREFIX, new_secret, secret_from_bytes, secret_key, sign, signature_header, verify,
};

/// What the webhook rules need from the configuration (`[webhooks]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// http:// and loopback, private and link-local destinations are accepted (tests only).
    pub allow_private_addresses: bool,
    /// How long the previous secret keeps signing after a rotation.
    pub rotation_overlap_hours: i64,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            allow_private_addresses: false,
            rotation_overlap_hours: 24,
        }
    }
}
