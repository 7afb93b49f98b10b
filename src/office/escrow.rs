//! Escrows as staff read them (the detail the Escrow view and `escrow show` share), and the
//! ledger verification (`ledger verify`): a recount against the cached totals, balance per
//! currency, escrow bounds, linked transfers, balance rules, idempotency keys, then the
//! business checks of `office::ledger_checks`.

use chrono::{DateTime, Duration, Utc};

use crate::domain::escrow::Owed;
use crate::service::{self, ServiceError};
use crate::store::audit::AuditRow;
use crate::store::escrows::{EscrowRow, PaymentRow, TransferRow};
use crate::store::messages::MessageRow;
use crate::store::{self, Conn};

type Result<T> = std::result::Result<T, ServiceError>;

/// One escrow with everything about it.
#[derive(Clone, Debug, PartialEq)]
pub struct EscrowDetail {
    pub row: EscrowRow,
    /// Who is still owed what out of it (what "release all" would move to each).
    pub owed: Owed,
    /// When it releases by itself if the client does not answer the delivery.
    pub auto_release_at: Option<DateTime<Utc>>,
    pub payments: Vec<PaymentRow>,
    pub transfers: Vec<TransferRow>,
    pub history: Vec<AuditRow>,
    /// The project's conversation, oldest first (a dispute is decided reading it).
    pub messages: Vec<MessageRow>,
}

/// The decision waiting for a second approval on this escrow, if any.
pub fn waiting(r: &EscrowRow) -> Option<service::escrow::Asked> {
    r.pending_decision
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
}

/// The escrow's status as staff read it, with `1/2` while a decision waits for its second
/// approval ("held · 1/2").
pub fn status_text(r: &EscrowRow, locale: crate::domain::Locale) -> String {
    let word = super::format::status("escrow", &r.status, locale);
    match waiting(r) {
        Some(_) => format!("{word} · 1/2"),
        None => word,
    }
}

/// The waiting decision in words: who asked what, when, and what happens next.
pub fn waiting_text(r: &EscrowRow, locale: crate::domain::Locale) -> Option<String> {
    let w = waiting(r)?;
    let e = ServiceError::AwaitingSecond {
        by: r.pending_by_name.clone().unwrap_or_default(),
        at: r.pending_at.unwrap_or_default(),
        action: w.action,
        amount: w.amount,
        currency: r.currency.clone(),
    };
    Some(super::messages::error_text(&e, locale))
}

/// The waiting decision as the JSON outputs carry it (null when none waits).
pub fn waiting_json(r: &EscrowRow) -> serde_json::Value {
    match waiting(r) {
        Some(w) => serde_json::json!({
            "action": w.action, "amount": w.amount, "client": w.client,
            "currency": r.currency, "by": r.pending_by, "by_name": r.pending_by_name,
            "at": r.pending_at.map(|t| t.to_rfc3339()),
        }),
        None => serde_json::Value::Null,
    }
}

pub async fn detail(c: &mut impl Conn, id: i64) -> Result<EscrowDetail> {
    let row = store::escrows::get(c, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "escrow",
            key: id.to_string(),
        })?;
    let rate = service::settings::default_rate_bps(c).await?;
    let owed = service::escrow::owed(c, &row, rate).await?;
    let days = service::settings::auto_release_days(c).await?;
    let auto_release_at = match (row.project_status.as_str(), row.delivered_at) {
        ("delivered", Some(at)) if row.amounts().remaining() > 0 => Some(at + Duration::days(days)),
        _ => None,
    };
    let payments = store::escrows::payments(c, id, 100).await?;
    let transfers = store::escrows::transfers(c, row.project_id, 200).await?;
    let history = store::audit::history(c, "escrow", id, 30).await?;
    let messages = match store::messages::conversation_of(c, "project", row.project_id).await? {
        Some(conv) => store::messages::latest(c, conv, 100, true).await?,
        None => Vec::new(),
    };
    Ok(EscrowDetail {
        row,
        owed,
        auto_release_at,
        payments,
        transfers,
        history,
        messages,
    })
}

/// One failed check of the ledger: which check, on what (account, escrow, batch), and how.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Discrepancy {
    pub check: &'static str,
    pub subject: String,
    pub detail: String,
}

/// What `ledger verify` found: the checks run, and every discrepancy (none: the ledger holds).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    pub checks: Vec<&'static str>,
    pub discrepancies: Vec<Discrepancy>,
}

impl Verification {
    pub fn holds(&self) -> bool {
        self.discrepancies.is_empty()
    }
}

pub const CHECKS: [&str; 6] = [
    "balance_per_currency",
    "cached_totals",
    "escrow_bounds",
    "linked_transfers",
    "balance_rules",
    "idempotency_keys",
];

/// Runs every check over the whole ledger.
pub async fn verify(c: &mut impl Conn) -> Result<Verification> {
    let mut out = Verification {
        checks: CHECKS
            .iter()
            .chain(super::ledger_checks::CHECKS.iter())
            .chain(super::referral_checks::CHECKS.iter())
            .copied()
            .collect(),
        discrepancies: Vec::new(),
    };
    let mut push = |check: &'static str, subject: String, detail: String| {
        out.discrepancies.push(Discrepancy {
            check,
            subject,
            detail,
        })
    };
    for (currency, dp, cp, dpe, cpe) in store::ledger::cached_totals(c).await? {
        if dp != cp || dpe != cpe {
            push(
                "balance_per_currency",
                currency,
                format!("posted debits {dp} ≠ credits {cp}, pending debits {dpe} ≠ credits {cpe}"),
            );
        }
    }
    let recount = store::ledger::recount(c).await?;
    for (id, cached_d, counted_d, cached_c, counted_c) in
        store::ledger::drifted_accounts(c, &recount).await?
    {
        push(
            "cached_totals",
            format!("account #{id}"),
            format!(
                "cached debits {cached_d}, recounted {counted_d}; cached credits {cached_c}, recounted {counted_c}"
            ),
        );
    }
    for (id, currency, held, out_total, put_in, taken_out) in
        store::ledger::escrow_drift(c, &recount).await?
    {
        push(
            "escrow_bounds",
            format!("escrow #{id} ({currency})"),
            format!(
                "held {held}, transfers in {put_in}; released + refunded {out_total}, transfers out {taken_out}"
            ),
        );
    }
    for (subject, what) in store::ledger::broken_links(c).await? {
        push("linked_transfers", subject, what);
    }
    for (id, code, currency) in store::ledger::rule_breaches(c).await? {
        push(
            "balance_rules",
            format!("account #{id} {code} ({currency})"),
            "crosses its balance rule".into(),
        );
    }
    for (key,) in store::ledger::repeated_keys(c).await? {
        push(
            "idempotency_keys",
            key,
            "used by more than one transfer".into(),
        );
    }
    out.discrepancies
        .extend(super::ledger_checks::payouts(c).await?);
    out.discrepancies
        .extend(super::ledger_checks::payable_balances(c).await?);
    out.discrepancies
        .extend(super::ledger_checks::escrows(c).await?);
    out.discrepancies
        .extend(super::referral_checks::rewards(c).await?);
    Ok(out)
}
