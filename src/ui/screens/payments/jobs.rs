//! The payments view's reads and writes: a transaction with its escrow, project and payout
//! batch; a provider's confirmation (its reference, then a confirmation naming the amount)
//! and a failure (its reason); each write says what it did.

use std::path::Path;
use std::sync::Arc;

use crate::domain::statement::FORMATS;
use crate::domain::{Locale, sanitize_line};
use crate::office::format;
use crate::office::messages::plural;
use crate::office::reconcile::{Entry, Outcome, ReconcileError, reconcile_stream};
use crate::service::{self, ServiceError};
use crate::store::Conn;
use crate::store::escrows::{EscrowRow, PaymentRow};
use crate::tr;
use crate::ui::data::{Done, Job};
use crate::ui::screens::{Compose, Effect, TextSize, answer, found};

/// A payment transaction and what it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct PaymentDetail {
    pub row: PaymentRow,
    pub escrow: Option<EscrowRow>,
    /// A payout's batch: its id and every transaction in it.
    pub batch: Option<(String, Vec<PaymentRow>)>,
}

pub async fn detail(c: &mut impl Conn, id: i64) -> Result<PaymentDetail, ServiceError> {
    let row = found(crate::store::payments::get(c, id).await?, "payment", id)?;
    let escrow = match row.escrow_id {
        Some(e) => crate::store::escrows::get(c, e).await?,
        None => None,
    };
    let batch = match crate::store::payouts::batch_of(c, id).await? {
        Some(b) => {
            let rows = crate::store::payouts::batch(c, &b).await?;
            Some((b, rows))
        }
        None => None,
    };
    Ok(PaymentDetail { row, escrow, batch })
}

/// "payment #12 (1 065 000 XOF, Orange Money)": what the questions and toasts name.
fn naming(r: &PaymentRow, locale: Locale) -> [(&'static str, String); 4] {
    [
        ("id", r.id.to_string()),
        ("amount", format::money(r.amount, &r.currency, locale)),
        (
            "provider",
            sanitize_line(&crate::office::words::provider(&r.provider, locale)),
        ),
        (
            "direction",
            format::status("payment_direction", &r.direction, locale),
        ),
    ]
}

fn args<'a>(named: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    named.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The provider's reference as typed, then the confirmation naming the amount (a collection
/// into an escrow awaiting funds funds it).
pub fn confirm_step(r: &PaymentRow, typed: String, locale: Locale) -> Job {
    confirm_checked(r, typed, locale, false)
}

/// `confirm_step` for a payout marked sent: the transaction is checked to be a payout first.
pub fn confirm_payout_step(r: &PaymentRow, typed: String, locale: Locale) -> Job {
    confirm_checked(r, typed, locale, true)
}

fn confirm_checked(r: &PaymentRow, typed: String, locale: Locale, payout_only: bool) -> Job {
    let reference = sanitize_line(typed.trim());
    if reference.is_empty() {
        return answer(vec![Effect::Refuse(tr(
            locale,
            "payments_view.reference_needed",
            &[],
        ))]);
    }
    let mut named = naming(r, locale).to_vec();
    named.push(("reference", reference.clone()));
    let key = match (r.direction.as_str(), r.escrow_id) {
        ("collection", Some(_)) => "payments_view.confirm_funds",
        _ => "payments_view.confirm_question",
    };
    let question = tr(locale, key, &args(&named));
    let (id, payout) = (r.id, r.direction == "payout");
    let job = Job::write(move |db, actor, origin| async move {
        if payout_only {
            service::payouts_guard::require_payout(&mut db.clone(), id).await?;
        }
        service::payments::confirm(&db, &actor, &origin, id, &reference).await?;
        let key = match payout {
            true => "payments_view.sent_payout_toast",
            false => "payments_view.confirmed_toast",
        };
        Ok(Done::text(tr(locale, key, &args(&named))))
    });
    answer(vec![Effect::Confirm {
        title: tr(locale, "confirm.title", &[]),
        question,
        job,
    }])
}

/// The composer for why the provider refused it; a payout's money goes back on the
/// developer's payable balance.
pub fn fail_step(r: &PaymentRow, locale: Locale) -> Effect {
    fail_checked(r, locale, false)
}

/// `fail_step` for a payout marked failed: the transaction is checked to be a payout first.
pub fn fail_payout_step(r: &PaymentRow, locale: Locale) -> Effect {
    fail_checked(r, locale, true)
}

fn fail_checked(r: &PaymentRow, locale: Locale, payout_only: bool) -> Effect {
    let named = naming(r, locale).to_vec();
    let title = tr(locale, "payments_view.fail_reason", &args(&named));
    let (id, payout) = (r.id, r.direction == "payout");
    let purpose = Compose::new(
        format!("payment-{id}-fail"),
        TextSize::Reason,
        move |reason| {
            let named = named.clone();
            Job::write(move |db, actor, origin| async move {
                if payout_only {
                    service::payouts_guard::require_payout(&mut db.clone(), id).await?;
                }
                service::payments::fail(&db, &actor, &origin, id, &reason).await?;
                let key = match payout {
                    true => "payments_view.failed_payout_toast",
                    false => "payments_view.failed_toast",
                };
                Ok(Done::text(tr(locale, key, &args(&named))))
            })
        },
    );
    Effect::Compose { title, purpose }
}

/// `I`: whose statement it is, then its file (the demo's own statement is offered where the
/// first run wrote it).
pub fn reconcile_start(data_dir: Option<&Path>, locale: Locale) -> Effect {
    let options = FORMATS
        .iter()
        .map(|f| {
            let provider = f.provider;
            let suggested = data_dir
                .map(|d| crate::seed::demo::statement_path(d, provider))
                .filter(|p| p.exists())
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let name = crate::office::words::provider(provider, locale);
            let prompt = Effect::Prompt {
                title: tr(
                    locale,
                    "payments_view.statement_file",
                    &[("provider", &name)],
                ),
                text: suggested,
                submit: Arc::new(move |typed| reconcile_step(provider, typed, locale)),
            };
            (name, prompt)
        })
        .collect();
    Effect::Pick {
        title: tr(locale, "payments_view.statement_provider", &[]),
        options,
    }
}

/// Reads the statement at `path` (streamed: a line at a time) and answers its report as a
/// list: every line that does not match first (the first `KEPT`, then how many more), then how
/// many do. Nothing is changed: a line the provider says succeeded (or failed) while ours
/// still waits offers that record, behind its own confirmation.
pub fn reconcile_step(provider: &'static str, path: String, locale: Locale) -> Job {
    Job::new(move |mut db, _| async move {
        let path = path.trim().to_string();
        let unreadable = |e: std::io::Error| {
            let why = tr(
                locale,
                "cli_payment.unreadable",
                &[("path", &sanitize_line(&path)), ("error", &e.to_string())],
            );
            Ok::<_, ServiceError>(vec![Effect::Refuse(why)])
        };
        let input = match tokio::fs::File::open(&path).await {
            Ok(f) => tokio::io::BufReader::with_capacity(256 * 1024, f),
            Err(e) => return unreadable(e),
        };
        let report = match reconcile_stream(&mut db, provider, input).await {
            Ok(r) => r,
            Err(ReconcileError::Read(e)) => return unreadable(e),
            Err(ReconcileError::Service(e)) => return Err(e),
        };
        let mut options = Vec::new();
        for e in &report.entries {
            // Only a status that differs offers to record something: it needs our row.
            let row = match (&e.outcome, e.transaction_id) {
                (Outcome::StatusMismatch, Some(id)) => {
                    crate::store::payments::get(&mut db, id).await?
                }
                _ => None,
            };
            options.push(entry_option(e, row, locale));
        }
        if report.entries_not_listed > 0 {
            let text = format!("✗ … +{}", report.entries_not_listed);
            options.push((text.clone(), Effect::Toast(text)));
        }
        for u in &report.unreadable {
            let text = format!(
                "⚠ {} {} · {}",
                tr(locale, "cli_payment.line", &[]),
                u.line,
                sanitize_line(&u.reason)
            );
            options.push((text.clone(), Effect::Toast(text)));
        }
        let count = |key: &str, n: usize| {
            let key = format!("cli_payment.{key}");
            plural(locale, &key, n, &[("n", &n.to_string())])
        };
        if report.unreadable_not_listed > 0 {
            let more = count("count.unreadable", report.unreadable_not_listed);
            let text = format!("⚠ … +{more}");
            options.push((text.clone(), Effect::Toast(text)));
        }
        let matched = report.count(&Outcome::Matched);
        let text = format!("✓ {}", count("count.matched", matched));
        options.push((text.clone(), Effect::Toast(text)));
        let key = match report.reconciles() {
            true => "payments_view.report_reconciles",
            false => "payments_view.report_mismatches",
        };
        let mismatches = report.mismatch_count() + report.unreadable_count();
        let title = tr(
            locale,
            key,
            &[
                (
                    "provider",
                    &crate::office::words::provider(provider, locale),
                ),
                ("lines", &count("lines_count", report.lines)),
                ("matched", &count("count.matched", matched)),
                ("mismatches", &mismatches.to_string()),
            ],
        );
        Ok(vec![Effect::Pick { title, options }])
    })
}

/// One line of the report, and what choosing it does.
fn entry_option(e: &Entry, row: Option<PaymentRow>, locale: Locale) -> (String, Effect) {
    let outcome = match e.outcome {
        Outcome::Matched => "cli_payment.matched",
        Outcome::AmountMismatch => "cli_payment.amount_mismatch",
        Outcome::CurrencyMismatch => "cli_payment.currency_mismatch",
        Outcome::StatusMismatch => "cli_payment.status_mismatch",
        Outcome::MissingOnOurSide => "cli_payment.missing_ours",
        Outcome::MissingAtProvider => "cli_payment.missing_theirs",
    };
    let side = |v: &Option<(i64, String, String)>| {
        v.as_ref()
            .map(|(a, c, s)| {
                let status = format::status("payment", s, locale);
                format!("{} {status}", format::money(*a, c, locale))
            })
            .unwrap_or_else(|| "—".into())
    };
    let line = e
        .line
        .map(|n| format!(" · {} {n}", tr(locale, "cli_payment.line", &[])))
        .unwrap_or_default();
    let text = format!(
        "✗ {} · {}{line} · {} {} · {} {}",
        tr(locale, outcome, &[]),
        sanitize_line(&e.reference),
        tr(locale, "cli_payment.ours", &[]),
        side(&e.ours),
        tr(locale, "cli_payment.theirs", &[]),
        side(&e.theirs),
    );
    let theirs = e.theirs.as_ref().map(|(_, _, s)| s.as_str());
    let effect = match (&e.outcome, row) {
        (Outcome::StatusMismatch, Some(r))
            if matches!(r.status.as_str(), "initiated" | "pending") =>
        {
            match theirs {
                Some("succeeded") => Effect::write(confirm_step(&r, e.reference.clone(), locale)),
                Some("failed") => fail_step(&r, locale),
                _ => Effect::Toast(tr(locale, "payments_view.report_check", &[])),
            }
        }
        _ => Effect::Toast(tr(locale, "payments_view.report_check", &[])),
    };
    (text, effect)
}
