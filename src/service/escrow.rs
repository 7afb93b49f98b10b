//! Escrow operations (permissions `escrow.release`, `escrow.refund`): release all or part,
//! refund all or part with a reason, decide a dispute with a split, auto-release what the
//! client left unanswered. Each is one transaction writing the ledger transfers, the escrow
//! row (compare-and-set), a system message in the project's conversation, the audit row,
//! notifications to client and developer, and the outbox event. Transfers are never edited:
//! one per idempotency key, keyed by the escrow's version, so a decision is posted once.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value as JsonValue, json};

use crate::domain::escrow::{self, Amounts, Owed};
use crate::domain::{
    DomainError, EscrowStatus, Locale, ProjectStatus, UseCase, commission, require_text,
};
use crate::store::escrows::{EscrowRow, code};
use crate::store::{self, Conn, Db, Tx};

use super::access;
use super::record::{Change, Diff, Notice, record, record_and_commit};
use super::{Actor, Origin, Result, ServiceError, settings};

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

/// How a decision ended: carried out, or (above the dual-approval threshold) recorded as the
/// first approval, waiting for a second, different finance member to take the same decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decided<T> {
    Done(T),
    FirstApproval,
}

impl<T> Decided<T> {
    pub fn done(self) -> Option<T> {
        match self {
            Decided::Done(t) => Some(t),
            Decided::FirstApproval => None,
        }
    }
}

/// A decision as it waits for its second approval: the second finance member must ask for
/// exactly the same.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Asked {
    /// release, refund or dispute.
    pub action: String,
    /// The amount it moves (for a dispute, everything left).
    pub amount: i64,
    /// A dispute's part for the client.
    #[serde(default)]
    pub client: Option<i64>,
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

/// Who is still owed what out of this escrow, from its commission, its approved external
/// commissions and what the ledger already moved out of it.
pub async fn owed(c: &mut impl Conn, row: &EscrowRow, default_rate_bps: i64) -> Result<Owed> {
    let Some(account) = store::ledger::find_account(c, "escrow", &row.currency).await? else {
        return Ok(Owed::default());
    };
    let moved = store::escrows::moved_out(c, row.project_id, account).await?;
    let sum = |codes: &[i64]| -> i64 {
        moved
            .iter()
            .filter(|m| codes.contains(&m.0))
            .map(|m| m.2)
            .sum()
    };
    let commission = match store::escrows::live_commission(c, row.project_id).await? {
        Some((amount, _)) => amount,
        None => commission::commission_amount(row.amount_held, default_rate_bps)?,
    };
    let contributors: Vec<(i64, i64, i64)> = store::escrows::contributor_shares(c, row.project_id)
        .await?
        .into_iter()
        .map(|(id, amount)| {
            let mine = |key: &str| {
                key.starts_with(&format!("ext_commission:{id}:"))
                    || key.ends_with(&format!(":ext{id}"))
            };
            let moved_to = moved
                .iter()
                .filter(|m| m.0 == code::CONTRIBUTOR && mine(&m.1))
                .map(|m| m.2)
                .sum();
            (id, amount, moved_to)
        })
        .collect();
    Ok(escrow::owed(
        row.amount_held,
        commission,
        sum(&[code::COMMISSION, code::PLATFORM_FEE]),
        &contributors,
        sum(&[code::RELEASE]),
    ))
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

/// A transfer out of the project's escrow, in the decision's batch.
#[allow(clippy::too_many_arguments)]
async fn move_out(
    tx: &mut Tx,
    row: &EscrowRow,
    to: &str,
    amount: i64,
    code: i64,
    key: &str,
    batch: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if amount <= 0 {
        return Ok(());
    }
    let escrow = store::ledger::account(tx, "escrow", "escrow", &row.currency, now).await?;
    let credit = store::ledger::account(tx, to, to, &row.currency, now).await?;
    store::ledger::post(
        tx,
        &store::ledger::NewTransfer {
            idempotency_key: key,
            debit_account_id: escrow,
            credit_account_id: credit,
            amount,
            currency: &row.currency,
            code,
            project_id: Some(row.project_id),
            batch_id: Some(batch),
            now,
        },
    )
    .await
    .map_err(|e| match e.unique_violation() {
        Some(_) => ServiceError::Stale { what: "escrow" },
        None => e.into(),
    })?;
    Ok(())
}

/// Posts the parts of a release of `amount` and returns them.
async fn post_release(
    tx: &mut Tx,
    row: &EscrowRow,
    amount: i64,
    batch: &str,
    now: DateTime<Utc>,
) -> Result<Owed> {
    let rate = settings::default_rate_bps(tx).await?;
    let owed = owed(tx, row, rate).await?;
    let parts = escrow::divide(amount, &owed)?;
    let key = |part: &str| format!("{batch}:{part}");
    move_out(
        tx,
        row,
        "developer_payable",
        parts.developer,
        code::RELEASE,
        &key("developer"),
        batch,
        now,
    )
    .await?;
    move_out(
        tx,
        row,
        "platform_revenue",
        parts.platform,
        code::COMMISSION,
        &key("platform"),
        batch,
        now,
    )
    .await?;
    for (ext, part) in &parts.contributors {
        move_out(
            tx,
            row,
            "contributor_payable",
            *part,
            code::CONTRIBUTOR,
            &key(&format!("ext{ext}")),
            batch,
            now,
        )
        .await?;
    }
    Ok(parts)
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

/// "Fonds libérés : 225 000 XOF" in the project's conversation (a system message, no sender),
/// in the client's language.
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
    let conversation = store::messages::ensure_conversation(
        tx,
        "project",
        row.project_id,
        &row.project_title,
        now,
    )
    .await?;
    store::messages::insert(tx, conversation, None, &body, false, now).await?;
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

enum Gate {
    Proceed,
    Requested,
}

/// Four-eyes on escrow decisions, the rules of commissions: the project's client and developer
/// never decide; above `commission.dual_approval_threshold` the first decision is recorded and
/// a second, different finance member carries out the same one. A waiting decision blocks any
/// other until it is carried out or withdrawn.
async fn second_approval(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    row: &EscrowRow,
    asked: &Asked,
) -> Result<Gate> {
    if actor.id == row.client_id {
        return Err(ServiceError::FourEyes(super::FourEyes::Client));
    }
    if row.developer_id == Some(actor.id) {
        return Err(ServiceError::FourEyes(super::FourEyes::Developer));
    }
    let waiting: Option<Asked> = row
        .pending_decision
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    if let Some(w) = waiting {
        if &w != asked {
            return Err(ServiceError::AwaitingSecond {
                by: row.pending_by_name.clone().unwrap_or_default(),
                at: row.pending_at.unwrap_or_default(),
                action: w.action,
                amount: w.amount,
                currency: row.currency.clone(),
            });
        }
        if row.pending_by == Some(actor.id) {
            return Err(ServiceError::FourEyes(super::FourEyes::SameApprover));
        }
        return Ok(Gate::Proceed);
    }
    let threshold = settings::dual_approval_threshold(tx, &row.currency).await?;
    if threshold.is_none_or(|t| asked.amount <= t) {
        return Ok(Gate::Proceed);
    }
    let now = super::now();
    let json = serde_json::to_value(asked).map_err(|e| ServiceError::Internal(e.to_string()))?;
    if !store::escrows::set_pending(
        tx,
        row.id,
        row.lock_version,
        Some((json.clone(), actor.id)),
        now,
    )
    .await?
    {
        return Err(ServiceError::Stale { what: "escrow" });
    }
    let second: Vec<Notice> = second_approvers(tx, actor.id)
        .await?
        .into_iter()
        .map(|user_id| Notice {
            user_id,
            class: "App\\Notifications\\EscrowDecisionRequested",
            kind: "escrow.decision_requested",
            params: json!({
                "project_title": row.project_title, "project_id": row.project_id,
                "action": asked.action, "amount": asked.amount, "currency": row.currency,
            }),
        })
        .collect();
    record(
        tx,
        Some(actor),
        origin,
        Change {
            event: "decision_requested",
            subject_type: "escrow",
            subject_id: row.id,
            diff: Diff::new().field("pending_decision", JsonValue::Null, json),
            notices: second,
            webhook: None,
        },
    )
    .await?;
    Ok(Gate::Requested)
}

/// Staff who may take the second approval of an escrow decision (not `except`).
async fn second_approvers(tx: &mut Tx, except: i64) -> Result<Vec<i64>> {
    let roles: Vec<&str> = crate::domain::access::staff_roles()
        .filter(|r| r.grants(crate::domain::Permission::EscrowRelease))
        .map(|r| r.as_str())
        .collect();
    Ok(store::users::staff(tx, &roles)
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .filter(|id| *id != except)
        .collect())
}

/// Withdraws the decision waiting for a second approval (anyone who may take it), audited.
pub async fn withdraw(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    seen: Option<i64>,
) -> Result<()> {
    let (mut tx, actor, row) = open(db, actor, UseCase::EscrowRelease, id, seen).await?;
    let Some(waiting) = row.pending_decision.clone() else {
        return Err(ServiceError::Invalid {
            field: "escrow",
            message: "no decision is waiting for a second approval".into(),
        });
    };
    let now = super::now();
    if !store::escrows::set_pending(&mut tx, row.id, row.lock_version, None, now).await? {
        return Err(ServiceError::Stale { what: "escrow" });
    }
    let was: JsonValue = serde_json::from_str(&waiting).unwrap_or(JsonValue::Null);
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: "decision_withdrawn",
            subject_type: "escrow",
            subject_id: row.id,
            diff: Diff::new().field("pending_decision", was, JsonValue::Null),
            notices: Vec::new(),
            webhook: None,
        },
    )
    .await?;
    Ok(())
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
    if !matches!(
        status_of(&row)?,
        EscrowStatus::Held | EscrowStatus::PartiallyReleased
    ) {
        return Err(not_now(&row, "release"));
    }
    let project = ProjectStatus::parse(&row.project_status)?;
    if !matches!(
        project,
        ProjectStatus::InProgress
            | ProjectStatus::Delivered
            | ProjectStatus::RevisionRequested
            | ProjectStatus::Completed
    ) {
        return Err(ServiceError::Invalid {
            field: "project",
            message: format!(
                "funds are released once work is under way; this project is {}",
                row.project_status
            ),
        });
    }
    let amount = amount_of(&row, take);
    let amounts = row.amounts().take(amount, false, &row.currency)?;
    let asked = Asked {
        action: "release".into(),
        amount,
        client: None,
    };
    if let Gate::Requested = second_approval(&mut tx, &actor, origin, &row, &asked).await? {
        tx.commit().await?;
        return Ok(Decided::FirstApproval);
    }
    let now = super::now();
    let batch = format!("release:e{}:v{}", row.id, row.lock_version);
    let parts = post_release(&mut tx, &row, amount, &batch, now).await?;
    save(&mut tx, &row, amounts, now).await?;
    system_message(&mut tx, &row, "escrow.system.released", amount, now).await?;
    let diff = Diff::new()
        .field("amount_released", row.amount_released, amounts.released)
        .field("status", row.status.as_str(), amounts.status().as_str())
        .field("parts", JsonValue::Null, parts_json(&parts));
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
    if !matches!(
        status_of(&row)?,
        EscrowStatus::Held | EscrowStatus::PartiallyRefunded
    ) {
        return Err(not_now(&row, "refund"));
    }
    let amount = amount_of(&row, take);
    let amounts = row.amounts().take(amount, true, &row.currency)?;
    let asked = Asked {
        action: "refund".into(),
        amount,
        client: None,
    };
    if let Gate::Requested = second_approval(&mut tx, &actor, origin, &row, &asked).await? {
        tx.commit().await?;
        return Ok(Decided::FirstApproval);
    }
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
    system_message(&mut tx, &row, "escrow.system.refunded", amount, now).await?;
    let diff = Diff::new()
        .field("amount_refunded", row.amount_refunded, amounts.refunded)
        .field("status", row.status.as_str(), amounts.status().as_str())
        .field("reason", JsonValue::Null, reason.as_str());
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
/// developer gets something, cancelled otherwise. Returns (developer, client).
pub async fn decide_dispute(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    split: Split,
    reason: &str,
    seen: Option<i64>,
) -> Result<Decided<(i64, i64)>> {
    let reason = require_reason(reason)?;
    let (mut tx, actor, row) = open(db, actor, UseCase::EscrowDispute, id, seen).await?;
    if status_of(&row)? != EscrowStatus::Disputed {
        return Err(not_now(&row, "decide"));
    }
    let remaining = row.amounts().remaining();
    let (d, c, bps) = match split {
        Split::Developer(d) => (Some(d), None, None),
        Split::Client(c) => (None, Some(c), None),
        Split::Amounts { developer, client } => (Some(developer), Some(client), None),
        Split::DeveloperBps(b) => (None, None, Some(b)),
    };
    let (developer, client) = escrow::dispute_split(&row.currency, remaining, d, c, bps)?;
    let asked = Asked {
        action: "dispute".into(),
        amount: remaining,
        client: Some(client),
    };
    if let Gate::Requested = second_approval(&mut tx, &actor, origin, &row, &asked).await? {
        tx.commit().await?;
        return Ok(Decided::FirstApproval);
    }
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
        .field("reason", JsonValue::Null, reason.as_str());
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
    Ok(Decided::Done((developer, client)))
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

/// Escrows the client left unanswered after a delivery for `escrow.auto_release_days`.
pub async fn due_for_auto_release(c: &mut impl Conn, now: DateTime<Utc>) -> Result<Vec<EscrowRow>> {
    let days = settings::auto_release_days(c).await?;
    let filter = store::escrows::Filter {
        delivered_before: Some(now - Duration::days(days)),
        ..Default::default()
    };
    let mut out = Vec::new();
    let mut anchor = store::Anchor::First;
    loop {
        let page = store::escrows::page(c, &filter, &anchor, 200).await?;
        let last = page.rows.last().map(|r| store::page::Cursor::id(r.id));
        out.extend(page.rows);
        match (page.has_after, last) {
            (true, Some(cursor)) => anchor = store::Anchor::After(cursor),
            _ => break,
        }
    }
    Ok(out)
}

/// Releases everything left in each escrow due for auto-release, as the system (the audit
/// row names no staff member; `actor` is who ran it, and needs `escrow.release`). Idempotent:
/// a released escrow is no longer due. Returns (escrow id, amount released) for each.
pub async fn auto_release(db: &Db, actor: &Actor, origin: &Origin) -> Result<Vec<(i64, i64)>> {
    access::authorize(db, actor, UseCase::EscrowRelease).await?;
    let due = {
        let mut c = db.clone();
        due_for_auto_release(&mut c, super::now()).await?
    };
    let mut done = Vec::new();
    for row in due {
        let mut tx = db.begin().await?;
        // Read again inside the transaction: another run may have released it meanwhile.
        let row = load(&mut tx, row.id).await?;
        if !matches!(
            status_of(&row)?,
            EscrowStatus::Held | EscrowStatus::PartiallyReleased
        ) || row.amounts().remaining() == 0
        {
            continue;
        }
        let amount = row.amounts().remaining();
        let amounts = row.amounts().take(amount, false, &row.currency)?;
        let now = super::now();
        let batch = format!("release:e{}:v{}", row.id, row.lock_version);
        let parts = post_release(&mut tx, &row, amount, &batch, now).await?;
        match save(&mut tx, &row, amounts, now).await {
            Err(ServiceError::Stale { .. }) => continue,
            other => other?,
        }
        system_message(&mut tx, &row, "escrow.system.auto_released", amount, now).await?;
        let diff = Diff::new()
            .field("amount_released", row.amount_released, amounts.released)
            .field("status", row.status.as_str(), amounts.status().as_str())
            .field("parts", JsonValue::Null, parts_json(&parts))
            .field("auto_release", JsonValue::Null, true);
        record_and_commit(
            tx,
            None,
            origin,
            Change {
                event: "auto_released",
                subject_type: "escrow",
                subject_id: row.id,
                diff,
                notices: notices(&row, "escrow.auto_released", amount),
                webhook: Some("escrow.released"),
            },
        )
        .await?;
        done.push((row.id, amount));
    }
    Ok(done)
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

/// How much of an approved commission's amount the ledger still has to move out of the
/// project's escrow when it is paid (releases may already have moved the platform's part).
pub(crate) async fn commission_still_in_escrow(
    tx: &mut Tx,
    project_id: i64,
    amount: i64,
    external: Option<i64>,
) -> Result<i64> {
    let Some(row) = store::escrows::of_project(tx, project_id).await? else {
        return Ok(amount);
    };
    let Some(account) = store::ledger::find_account(tx, "escrow", &row.currency).await? else {
        return Ok(amount);
    };
    let moved = store::escrows::moved_out(tx, project_id, account).await?;
    let already: i64 = moved
        .iter()
        .filter(|m| match external {
            None => m.0 == code::COMMISSION || m.0 == code::PLATFORM_FEE,
            Some(id) => {
                m.0 == code::CONTRIBUTOR
                    && (m.1.starts_with(&format!("ext_commission:{id}:"))
                        || m.1.ends_with(&format!(":ext{id}")))
            }
        })
        .map(|m| m.2)
        .sum();
    Ok((amount - already).clamp(0, row.amounts().remaining().max(0)))
}

/// After a commission's payment moved `amount` out of the project's escrow: the escrow row
/// follows (released grows, the status with it).
pub(crate) async fn follow_commission_payment(
    tx: &mut Tx,
    project_id: i64,
    amount: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    if amount <= 0 {
        return Ok(());
    }
    let Some(row) = store::escrows::of_project(tx, project_id).await? else {
        return Ok(());
    };
    let amounts = row.amounts().take(amount, false, &row.currency)?;
    // The payment is not refused for the escrow's state: its money already left escrow.
    let status = amounts.status();
    if !store::escrows::cas_update(tx, row.id, row.lock_version, amounts, status.as_str(), now)
        .await?
    {
        return Err(ServiceError::Stale { what: "escrow" });
    }
    Ok(())
}
