//! The payouts view's reads and writes: a payout with the transfers that paid it out and its
//! batch; a new batch through a provider (which provider, which currency, then a confirmation
//! naming the payouts and their total in that currency; its files written under exports/);
//! marking a payout sent or failed with the payments view's own questions, the transaction
//! checked to be a payout first.

use std::path::PathBuf;
use std::sync::Arc;

use crate::domain::{Locale, sanitize_line};
use crate::office::format;
use crate::office::messages::plural;
use crate::office::payout_file::{self, ProviderOwed};
use crate::service::{self, ServiceError};
use crate::store::escrows::PaymentRow;
use crate::store::payouts::{PayoutFilter, PayoutRow};
use crate::store::{Anchor, Conn, Page};
use crate::tr;
use crate::ui::data::{Done, Job};
use crate::ui::screens::payments::jobs as payment_jobs;
use crate::ui::screens::{Choices, Effect, found};

/// Project balances read at most to say what developers are owed.
pub const OWED_READ: u64 = 100_000;
/// Payouts of the same batch shown in a detail at most.
const BATCH_LINES: u64 = 50;

/// A payout, the transfers that paid it out — (transfer id, amount, currency, project) — and
/// the payouts of its batch.
#[derive(Clone, Debug, PartialEq)]
pub struct PayoutDetail {
    pub row: PayoutRow,
    pub transfers: Vec<(i64, i64, String, Option<i64>)>,
    pub batch: Vec<PayoutRow>,
}

pub async fn detail(c: &mut impl Conn, id: i64) -> Result<PayoutDetail, ServiceError> {
    let row = found(crate::store::payouts::payout(c, id).await?, "payout", id)?;
    let transfers = crate::store::payouts::transfers_of(c, id)
        .await?
        .into_iter()
        // A netted clawback shows as what it took off the payout.
        .map(|(t, _, _, amount, currency, project, code)| {
            let netted = code == crate::store::escrows::code::NETTING;
            (t, if netted { -amount } else { amount }, currency, project)
        })
        .collect();
    let batch = match &row.batch_id {
        Some(b) => {
            let f = PayoutFilter {
                batch_id: Some(b.clone()),
                ..PayoutFilter::default()
            };
            let page: Page<PayoutRow> =
                crate::store::payouts::page_payouts(c, &f, &Anchor::First, BATCH_LINES).await?;
            page.rows
        }
        None => Vec::new(),
    };
    Ok(PayoutDetail {
        row,
        transfers,
        batch,
    })
}

/// The payout as the payments view's questions read a transaction.
fn as_payment(r: &PayoutRow) -> PaymentRow {
    PaymentRow {
        id: r.id,
        project_id: r.project_id,
        escrow_id: None,
        provider: r.provider.clone(),
        provider_reference: r.provider_reference.clone(),
        direction: "payout".into(),
        amount: r.amount,
        currency: r.currency.clone(),
        status: r.status.clone(),
        failure_reason: r.failure_reason.clone(),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// `K`: the provider's reference (the batch's own is offered), then the payments view's
/// confirmation naming the amount.
pub fn mark_sent(r: &PayoutRow, locale: Locale) -> Effect {
    let title = tr(
        locale,
        "payouts_view.sent_title",
        &[
            ("id", &r.id.to_string()),
            ("amount", &format::money(r.amount, &r.currency, locale)),
            (
                "developer",
                &sanitize_line(r.developer_name.as_deref().unwrap_or("—")),
            ),
            (
                "provider",
                &sanitize_line(&crate::office::words::provider(&r.provider, locale)),
            ),
        ],
    );
    let row = as_payment(r);
    Effect::Prompt {
        title,
        text: sanitize_line(&r.provider_reference),
        submit: Arc::new(move |typed| payment_jobs::confirm_payout_step(&row, typed, locale)),
    }
}

/// `x`: why the provider could not pay it (the payments view's composer); the amount is owed
/// to the developer again.
pub fn mark_failed(r: &PayoutRow, locale: Locale) -> Effect {
    payment_jobs::fail_payout_step(&as_payment(r), locale)
}

/// "3 payouts, 1 250 000 XOF".
fn payouts_and_total(p: &ProviderOwed, locale: Locale) -> String {
    let n = p.payouts.to_string();
    let payouts = plural(locale, "payouts_view.payouts", p.payouts, &[("n", &n)]);
    format!("{payouts}, {}", format::money(p.total, &p.currency, locale))
}

/// `N`: what could be batched now, by provider (each with its currencies, never summed).
pub fn pick_provider(dir: Option<PathBuf>, locale: Locale) -> Job {
    Job::new(move |mut db, _| async move {
        let owed = payout_file::owed_now(&mut db, OWED_READ).await?;
        let through = payout_file::per_provider(&owed);
        let mut providers: Vec<&'static str> = through.iter().map(|p| p.provider).collect();
        providers.dedup();
        let mut options = Vec::new();
        for provider in providers {
            let of: Vec<ProviderOwed> = through
                .iter()
                .filter(|p| p.provider == provider)
                .cloned()
                .collect();
            let parts: Vec<String> = of.iter().map(|p| payouts_and_total(p, locale)).collect();
            let name = crate::office::words::provider(provider, locale);
            let label = format!("{name} · {}", parts.join(" · "));
            let next = match of.len() {
                1 => confirm(provider, &of[0], dir.clone(), locale),
                _ => pick_currency(provider, &of, dir.clone(), locale),
            };
            options.push((label, next));
        }
        let title = match options.is_empty() {
            true => tr(locale, "payouts_view.nothing_to_batch", &[]),
            false => tr(locale, "payouts_view.pick_provider", &[]),
        };
        Ok::<_, ServiceError>(Choices { title, options })
    })
}

/// Which currency of a provider owing several.
fn pick_currency(
    provider: &'static str,
    of: &[ProviderOwed],
    dir: Option<PathBuf>,
    locale: Locale,
) -> Effect {
    let options = of
        .iter()
        .map(|p| {
            let label = format!("{} · {}", p.currency, payouts_and_total(p, locale));
            (label, confirm(provider, p, dir.clone(), locale))
        })
        .collect();
    Effect::Pick {
        title: tr(
            locale,
            "payouts_view.pick_currency",
            &[(
                "provider",
                &crate::office::words::provider(provider, locale),
            )],
        ),
        options,
    }
}

/// The confirmation naming the payouts and their total in the chosen currency: a batch takes
/// one provider and one currency.
fn confirm(
    provider: &'static str,
    chosen: &ProviderOwed,
    dir: Option<PathBuf>,
    locale: Locale,
) -> Effect {
    let shown_dir = dir
        .as_ref()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| "—".into());
    let n = chosen.payouts.to_string();
    let question = tr(
        locale,
        "payouts_view.batch_question",
        &[
            (
                "provider",
                &crate::office::words::provider(provider, locale),
            ),
            ("currency", &chosen.currency),
            (
                "payouts",
                &plural(locale, "payouts_view.payouts", chosen.payouts, &[("n", &n)]),
            ),
            (
                "total",
                &format::money(chosen.total, &chosen.currency, locale),
            ),
            ("dir", &shown_dir),
        ],
    );
    Effect::Confirm {
        title: tr(locale, "confirm.title", &[]),
        question,
        job: create(provider, chosen.currency.clone(), dir, locale),
    }
}

/// Makes the batch and writes its files, one per currency; says where they are.
fn create(provider: &'static str, currency: String, dir: Option<PathBuf>, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        let (batch, payouts) =
            service::payouts::create_batch(&db, &actor, &origin, provider, Some(&currency)).await?;
        if payouts.is_empty() {
            return Ok(Done::say(
                locale,
                "payouts_view.nothing_batched",
                &[(
                    "provider",
                    &crate::office::words::provider(provider, locale),
                )],
            ));
        }
        let n = payouts.len().to_string();
        let count = plural(locale, "payouts_view.payouts", payouts.len(), &[("n", &n)]);
        let Some(dir) = dir else {
            return Ok(Done::say(
                locale,
                "payouts_view.batch_no_dir",
                &[("batch", &batch), ("payouts", &count)],
            ));
        };
        let written = {
            let (dir, batch, payouts) = (dir.clone(), batch.clone(), payouts.clone());
            tokio::task::spawn_blocking(move || payout_file::write(&dir, &batch, &payouts)).await
        };
        let written = match written {
            Ok(Ok(w)) => w,
            Ok(Err(e)) => return Ok(unwritable(&batch, &count, &dir, &e.to_string(), locale)),
            Err(e) => return Ok(unwritable(&batch, &count, &dir, &e.to_string(), locale)),
        };
        let files: Vec<String> = written
            .iter()
            .map(|w| {
                format!(
                    "{} → {}",
                    format::money(w.total, &w.currency, locale),
                    w.path.display()
                )
            })
            .collect();
        Ok(Done::say(
            locale,
            "payouts_view.batch_toast",
            &[
                ("batch", &batch),
                ("payouts", &count),
                ("files", &files.join(" · ")),
            ],
        ))
    })
}

/// The batch was made but its files could not be written: say so, and what to do.
fn unwritable(batch: &str, count: &str, dir: &std::path::Path, e: &str, locale: Locale) -> Done {
    Done::say(
        locale,
        "payouts_view.batch_unwritable",
        &[
            ("batch", batch),
            ("payouts", count),
            ("dir", &dir.display().to_string()),
            ("error", e),
        ],
    )
}
