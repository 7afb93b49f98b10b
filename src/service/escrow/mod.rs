//! Escrow operations (permissions `escrow.release`, `escrow.refund`): release all or part,
//! refund all or part with a reason, decide a dispute with a split, auto-release what the
//! client left unanswered. Each is one transaction writing the ledger transfers, the escrow
//! row (compare-and-set), a system message in the project's conversation, the audit row,
//! notifications to client and developer, and the outbox event. Transfers are never edited:
//! one per idempotency key, keyed by the escrow's version, so a decision is posted once.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value as JsonValue, json};

use crate::domain::escrow::{self, Amounts, Owed};
use crate::domain::{DomainError, EscrowStatus, Locale, ProjectStatus, UseCase, require_text};
use crate::store::escrows::{EscrowRow, code};
use crate::store::{self, Conn, Db, Tx};

use super::access;
use super::record::{Change, Diff, Notice, record, record_and_commit};
use super::{Actor, Origin, Result, ServiceError, settings};

mod auto_release;
mod four_eyes;
mod parts;
mod preview;

pub use auto_release::{auto_release, auto_release_due, due_for_auto_release};
pub(crate) use four_eyes::Gate;
use four_eyes::second_approval;
pub use four_eyes::{Asked, Check, Decided, moved_alone, withdraw};
pub(crate) use parts::moved_for_commission;
use parts::{move_out, post_release};
pub use parts::{owed, shares_and_moved, tally};
pub use preview::{Move, Preview, preview};

pub const REASON_MAX_BYTES: usize = 2048;

/// How much: everything left, or an amount in minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    All,
    Amount(i64),
}

/// A dispute decision: the developer's amount, the client's, or the developer's percentage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Developer(i64),
    Client(i64),
    Amounts { developer: i64, client: i64 },
    DeveloperBps(i64),
}

/// What a dispute decision moved: the release's parts and the client's refund.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub parts: Owed,
    pub client: i64,
}

/// What a release moved: each party's part (they add up to `amount`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Released {
    pub amount: i64,
    pub parts: Owed,
}

async fn load(c: &mut impl Conn, id: i64) -> Result<EscrowRow> {
    store::escrows::get(c, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "escrow",
            key: id.to_string(),
        })
}

/// Opens the decision's transaction: rights re-read, the escrow loaded, the version checked.
async fn open(
    db: &Db,
    actor: &Actor,
    use_case: UseCase,
    id: i64,
    seen: Option<i64>,
) -> Result<(Tx, Actor, EscrowRow)> {
    let (mut tx, actor) = access::begin(db, actor, use_case).await?;
    let row = load(&mut tx, id).await?;
    super::ensure_version("escrow", row.lock_version, seen)?;
    Ok((tx, actor, row))
}

fn require_reason(reason: &str) -> Result<String> {
    let reason = require_text("reason", reason, REASON_MAX_BYTES)?;
    Ok(reason)
}

fn status_of(row: &EscrowRow) -> Result<EscrowStatus> {
    Ok(EscrowStatus::parse(&row.status)?)
}

/// Funds are released once work is under way.
fn work_under_way(row: &EscrowRow) -> Result<()> {
    let project = ProjectStatus::parse(&row.project_status)?;
    if matches!(
        project,
        ProjectStatus::InProgress
            | ProjectStatus::Delivered
            | ProjectStatus::RevisionRequested
            | ProjectStatus::Completed
    ) {
        return Ok(());
    }
    Err(ServiceError::Invalid {
        field: "project",
        message: crate::service::Said::new("not_released_yet").status(
            "status",
            "project",
            &row.project_status,
        ),
    })
}

/// Releases and refunds come in any order while something is left and no dispute waits.
fn open_for_moves(row: &EscrowRow) -> Result<bool> {
    Ok(matches!(
        status_of(row)?,
        EscrowStatus::Held | EscrowStatus::PartiallyReleased | EscrowStatus::PartiallyRefunded
    ))
}

/// The move to the status the new amounts mean (staying in a partial state is no move).
fn next_status(row: &EscrowRow, amounts: Amounts) -> Result<EscrowStatus> {
    let from = status_of(row)?;
    let to = amounts.status();
    if to != from {
        from.transition(to)?;
    }
    Ok(to)
}

fn amount_of(row: &EscrowRow, take: Take) -> i64 {
    match take {
        Take::All => row.amounts().remaining(),
        Take::Amount(a) => a,
    }
}

/// The escrow row moved to `amounts`, or the race lost to whoever changed it first.
async fn save(tx: &mut Tx, row: &EscrowRow, amounts: Amounts, now: DateTime<Utc>) -> Result<()> {
    let status = next_status(row, amounts)?;
    if !store::escrows::cas_update(tx, row.id, row.lock_version, amounts, status.as_str(), now)
        .await?
    {
        return Err(ServiceError::Stale { what: "escrow" });
    }
    Ok(())
}

/// "Fonds libérés : 225 000 XOF" in the project's conversation (a system message, no sender):
/// its text in the client's language (what the platform shows them), and its key and amount
/// so every other reader sees it in their own (`office::messages::message_text`).
async fn system_message(
    tx: &mut Tx,
    row: &EscrowRow,
    key: &str,
    amount: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let locale = store::users::find(tx, row.client_id)
        .await?
        .map_or(Locale::Fr, |u| Locale::from_tag(&u.locale));
    let currency = crate::domain::Currency::parse(&row.currency)?;
    let money = crate::domain::format_money(amount, currency, locale);
    let body = crate::tr(locale, key, &[("amount", &money)]);
    let data = json!({
        "key": key,
        "args": {"amount": {"minor": amount, "currency": row.currency}},
    });
    let conversation = store::messages::ensure_conversation(
        tx,
        "project",
        row.project_id,
        &row.project_title,
        now,
    )
    .await?;
    store::messages::insert_system(tx, conversation, &body, data, now).await?;
    Ok(())
}

fn notices(row: &EscrowRow, kind: &'static str, amount: i64) -> Vec<Notice> {
    let params = json!({
        "project_title": row.project_title, "project_id": row.project_id,
        "amount": amount, "currency": row.currency,
    });
    let class = "App\\Notifications\\EscrowChanged";
    let mut out = vec![Notice {
        user_id: row.client_id,
        class,
        kind,
        params: params.clone(),
    }];
    if let Some(dev) = row.developer_id {
        out.push(Notice {
            user_id: dev,
            class,
            kind,
            params,
        });
    }
    out
}

fn parts_json(parts: &Owed) -> JsonValue {
    json!({
        "developer": parts.developer,
        "platform": parts.platform,
        "contributors": parts.contributors.iter().map(|(id, a)| json!({"ext_commission_id": id, "amount": a})).collect::<Vec<_>>(),
    })
}

/// Releases all or part of what is left, after the work was validated (or a milestone was):
/// the developer's net, the platform's commission and each approved contributor's share,
/// in proportion to what each is still owed, to the minor unit.
pub async fn release(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    take: Take,
    seen: Option<i64>,
) -> Result<Decided<Released>> {
    let (mut tx, actor, row) = open(db, actor, UseCase::EscrowRelease, id, seen).await?;
    if !open_for_moves(&row)? {
        return Err(not_now(&row, "release"));
    }
    work_under_way(&row)?;
    let amount = amount_of(&row, take);
    let amounts = row.amounts().take(amount, false, &row.currency)?;
    let asked = Asked {
        action: "release".into(),
        amount,
        client: None,
    };
    let second_of = match second_approval(&mut tx, &actor, origin, &row, &asked).await? {
        Gate::Requested => {
            tx.commit().await?;
            return Ok(Decided::FirstApproval);
        }
        Gate::Proceed { second_of } => second_of,
    };
    let now = super::now();
    let batch = format!("release:e{}:v{}", row.id, row.lock_version);
    let parts = post_release(&mut tx, &row, amount, &batch, now).await?;
    save(&mut tx, &row, amounts, now).await?;
    system_message(&mut tx, &row, "escrow.system.released", amount, now).await?;
    let diff = Diff::new()
        .field("amount_released", row.amount_released, amounts.released)
        .field("status", row.status.as_str(), amounts.status().as_str())
        .field("parts", JsonValue::Null, parts_json(&parts))
        .field("second_of", JsonValue::Null, second_of);
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "released",
            subject_type: "escrow",
            subject_id: row.id,
            diff,
            notices: notices(&row, "escrow.released", amount),
            webhook: Some("escrow.released"),
        },
    )
    .await?;
    Ok(Decided::Done(Released { amount, parts }))
}

/// Refunds all or part of what is left to the client's funds, with a reason.
pub async fn refund(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    take: Take,
    reason: &str,
    seen: Option<i64>,
) -> Result<Decided<i64>> {
    let reason = require_reason(reason)?;
    let (mut tx, actor, row) = open(db, actor, UseCase::EscrowRefund, id, seen).await?;
    if !open_for_moves(&row)? {
        return Err(not_now(&row, "refund"));
    }
    let amount = amount_of(&row, take);
    let amounts = row.amounts().take(amount, true, &row.currency)?;
    let asked = Asked {
        action: "refund".into(),
        amount,
        client: None,
    };
    let second_of = match second_approval(&mut tx, &actor, origin, &row, &asked).await? {
        Gate::Requested => {
            tx.commit().await?;
            return Ok(Decided::FirstApproval);
        }
        Gate::Proceed { second_of } => second_of,
    };
    let now = super::now();
    let batch = format!("refund:e{}:v{}", row.id, row.lock_version);
    move_out(
        &mut tx,
        &row,
        "client_funds",
        amount,
        code::REFUND,
        &batch,
        &batch,
        now,
    )
    .await?;
    save(&mut tx, &row, amounts, now).await?;
    settle(&mut tx, &actor, origin, &row, amounts, &reason).await?;
    let reversed = reverse_rewards(&mut tx, &actor, origin, &row, &reason).await?;
    system_message(&mut tx, &row, "escrow.system.refunded", amount, now).await?;
    let diff = Diff::new()
        .field("amount_refunded", row.amount_refunded, amounts.refunded)
        .field("status", row.status.as_str(), amounts.status().as_str())
        .field("reason", JsonValue::Null, reason.as_str())
        .field("second_of", JsonValue::Null, second_of)
        .field("referral_rewards", JsonValue::Null, reversed);
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "refunded",
            subject_type: "escrow",
            subject_id: row.id,
            diff,
            notices: notices(&row, "escrow.refunded", amount),
            webhook: Some("escrow.refunded"),
        },
    )
    .await?;
    Ok(Decided::Done(amount))
}

/// Decides a disputed project: what is left goes to the developer (as a release, in parts)
/// and to the client (as a refund), with a reason. The project is completed when the
/// developer gets something, cancelled otherwise. Returns the release's parts (developer,
/// platform, contributors) and the client's refund.
pub async fn decide_dispute(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    split: Split,
    reason: &str,
    seen: Option<i64>,
) -> Result<Decided<Decision>> {
    let reason = require_reason(reason)?;
    let (mut tx, actor, row) = open(db, actor, UseCase::EscrowDispute, id, seen).await?;
    if status_of(&row)? != EscrowStatus::Disputed {
        return Err(not_now(&row, "decide"));
    }
    let remaining = row.amounts().remaining();
    let (d, c, bps) = preview::split_parts(split);
    let (developer, client) = escrow::dispute_split(&row.currency, remaining, d, c, bps)?;
    let asked = Asked {
        action: "dispute".into(),
        amount: remaining,
        client: Some(client),
    };
    let second_of = match second_approval(&mut tx, &actor, origin, &row, &asked).await? {
        Gate::Requested => {
            tx.commit().await?;
            return Ok(Decided::FirstApproval);
        }
        Gate::Proceed { second_of } => second_of,
    };
    let now = super::now();
    let batch = format!("dispute:e{}:v{}", row.id, row.lock_version);
    let mut amounts = row.amounts();
    let mut parts = Owed::default();
    if developer > 0 {
        parts = post_release(&mut tx, &row, developer, &batch, now).await?;
        amounts = amounts.take(developer, false, &row.currency)?;
    }
    if client > 0 {
        let key = format!("{batch}:client");
        move_out(
            &mut tx,
            &row,
            "client_funds",
            client,
            code::REFUND,
            &key,
            &batch,
            now,
        )
        .await?;
        amounts = amounts.take(client, true, &row.currency)?;
    }
    save(&mut tx, &row, amounts, now).await?;
    settle(&mut tx, &actor, origin, &row, amounts, &reason).await?;
    let reversed = match client > 0 {
        true => reverse_rewards(&mut tx, &actor, origin, &row, &reason).await?,
        false => JsonValue::Null,
    };
    let project_to = if developer > 0 {
        ProjectStatus::Completed
    } else {
        ProjectStatus::Cancelled
    };
    close_project(&mut tx, &actor, origin, &row, project_to, &reason, now).await?;
    system_message(&mut tx, &row, "escrow.system.decided", remaining, now).await?;
    let diff = Diff::new()
        .field("amount_released", row.amount_released, amounts.released)
        .field("amount_refunded", row.amount_refunded, amounts.refunded)
        .field("status", row.status.as_str(), amounts.status().as_str())
        .field("parts", JsonValue::Null, parts_json(&parts))
        .field("client", JsonValue::Null, client)
        .field("reason", JsonValue::Null, reason.as_str())
        .field("second_of", JsonValue::Null, second_of)
        .field("referral_rewards", JsonValue::Null, reversed);
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "dispute_decided",
            subject_type: "escrow",
            subject_id: row.id,
            diff,
            notices: notices(&row, "escrow.dispute_decided", remaining),
            webhook: Some("escrow.dispute_decided"),
        },
    )
    .await?;
    Ok(Decided::Done(Decision { parts, client }))
}

/// Once nothing is left, a commission or contributor's share that no release ever moved
/// anything to can never be paid: it is cancelled (audited, its people notified) in the
/// decision's transaction, so nobody is ever paid money the client got back.
async fn settle(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    row: &EscrowRow,
    amounts: Amounts,
    reason: &str,
) -> Result<()> {
    if amounts.remaining() > 0 {
        return Ok(());
    }
    use crate::store::commissions::Kind;
    let rate = settings::default_rate_bps(tx).await?;
    let (_, moved) = parts::shares_and_moved(tx, row, rate).await?;
    let why = format!(
        "escrow #{} settled with nothing released to this part: {reason}",
        row.id
    );
    for kind in [Kind::Platform, Kind::External] {
        for c in store::commissions::live_of_project(tx, kind, row.project_id).await? {
            let got = match kind {
                Kind::Platform => moved.platform,
                Kind::External => moved
                    .contributors
                    .iter()
                    .filter(|m| m.0 == c.id)
                    .map(|m| m.1)
                    .sum(),
            };
            if got == 0 {
                crate::service::commissions::cancel_in(tx, actor, origin, kind, &c, &why).await?;
            }
        }
    }
    Ok(())
}

/// Money went back to the client: the referral rewards the project's commission earned are
/// cancelled or clawed back (`service::referral_money`). What happened, for the audit row.
async fn reverse_rewards(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    row: &EscrowRow,
    reason: &str,
) -> Result<JsonValue> {
    let why = format!("escrow #{} refunded to the client: {reason}", row.id);
    let reversed =
        crate::service::referral_money::reverse_for_refund(tx, actor, origin, row.project_id, &why)
            .await?;
    if reversed.is_empty() {
        return Ok(JsonValue::Null);
    }
    Ok(reversed
        .iter()
        .map(|r| json!({"id": r.reward_id, "amount": r.amount, "currency": r.currency, "to": r.to}))
        .collect())
}

/// The disputed project moves on with the decision, audited on the project.
async fn close_project(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    row: &EscrowRow,
    to: ProjectStatus,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let project =
        store::projects::get(tx, row.project_id)
            .await?
            .ok_or(ServiceError::NotFound {
                what: "project",
                key: row.project_id.to_string(),
            })?;
    let from = ProjectStatus::parse(&project.status)?;
    from.transition(to)?;
    let stamp = match to {
        ProjectStatus::Completed => "completed_at",
        _ => "cancelled_at",
    };
    let values = vec![("status", to.as_str().into()), (stamp, now.into())];
    if !store::projects::cas_update(
        tx,
        project.id,
        from.as_str(),
        project.lock_version,
        values,
        now,
    )
    .await?
    {
        return Err(ServiceError::Stale { what: "project" });
    }
    super::analytics::bump_project_end(tx, now, to).await?;
    record(
        tx,
        Some(actor),
        origin,
        Change {
            event: "status_changed",
            subject_type: "project",
            subject_id: project.id,
            diff: Diff::new()
                .field("status", from.as_str(), to.as_str())
                .field("reason", JsonValue::Null, reason),
            notices: Vec::new(),
            webhook: Some("project.status_changed"),
        },
    )
    .await?;
    Ok(())
}

/// An operation the escrow's state does not allow ("cannot release an escrow that is refunded").
fn not_now(row: &EscrowRow, action: &'static str) -> ServiceError {
    ServiceError::Domain(DomainError::IllegalTransition {
        kind: "escrow",
        from: row.status.clone(),
        to: match action {
            "release" => EscrowStatus::Released.as_str().to_owned(),
            "refund" => EscrowStatus::Refunded.as_str().to_owned(),
            _ => "decided".to_owned(),
        },
    })
}
