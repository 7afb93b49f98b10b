//! Partners, written after the generated history with a random stream of their own (so the
//! rest of the data does not move): one more endpoint (the support team's alert relay) with a
//! first attempt pending for the latest events it subscribed to, so a first run's worker
//! records real failed attempts at once; the generator's disabled endpoint gets its date; and
//! the SLA breaches of the history count as announced (its notifications told people).
//!
//! Every demo endpoint is on a reserved name (`.invalid`, `.test`): delivery refuses them
//! before any DNS lookup, and nothing leaves the machine.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;

use crate::domain::webhook::secret_from_bytes;
use crate::store::{self, Db, StoreError};

use super::util;

const RELAY_URL: &str = "https://alertes.relais-support.test/obryl";
const RELAY_TYPES: [&str; 4] = [
    "support_ticket.created",
    "support_ticket.status_changed",
    "support_ticket.sla_breached",
    "escrow.released",
];
/// Latest events queued for the relay.
const PENDING: u64 = 5;

pub(super) async fn write(
    db: &Db,
    seed: u64,
    anchor: DateTime<Utc>,
) -> Result<Vec<(&'static str, u64)>, StoreError> {
    let mut rng = util::rng(seed, "partners");
    let mut key = [0u8; 32];
    rng.fill_bytes(&mut key);
    let secret = secret_from_bytes(&key);
    let types: Vec<String> = RELAY_TYPES.iter().map(|t| (*t).to_owned()).collect();
    let mut tx = db.begin().await?;
    store::jobs::mark_breaches_before(&mut tx, anchor).await?;
    store::webhooks::date_disabled(&mut tx).await?;
    let created = anchor - Duration::days(12);
    let relay = store::webhooks::insert(
        &mut tx,
        &store::webhooks::NewEndpoint {
            url: RELAY_URL,
            description: Some("Relais d'alertes de l'équipe support (Slack)"),
            secret: &secret,
            event_types: &types,
            now: created,
        },
    )
    .await?;
    let events = store::deliveries::recent_events(&mut tx, &RELAY_TYPES, PENDING).await?;
    for (event, _) in &events {
        store::deliveries::insert_pending(&mut tx, *event, relay, 1, anchor, anchor).await?;
    }
    tx.commit().await?;
    Ok(vec![
        ("webhook_endpoints", 1),
        ("webhook_deliveries", events.len() as u64),
    ])
}
