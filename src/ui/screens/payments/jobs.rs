//! The payments view's reads and writes: a transaction with its escrow, project and payout
//! batch; a provider's confirmation (its reference, then a confirmation naming the amount)
//! and a failure (its reason); each write says what it did.

use crate::domain::{Locale, sanitize_line};
use crate::office::format;
use crate::service::{self, ServiceError};
use crate::store::escrows::{EscrowRow, PaymentRow};
use crate::tr;
use crate::ui::data::{Done, Job};
use crate::ui::screens::{Compose, Effect, TextSize};

/// A payment transaction and what it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct PaymentDetail {
    pub row: PaymentRow,
    pub escrow: Option<EscrowRow>,
    /// A payout's batch: its id and every transaction in it.
    pub batch: Option<(String, Vec<PaymentRow>)>,
}

pub fn detail(id: i64) -> Job {
    Job::new(move |mut db, _| async move {
        let c = &mut db;
        let row = crate::store::payments::get(c, id)
            .await?
            .ok_or(ServiceError::NotFound {
                what: "payment",
                key: id.to_string(),
            })?;
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
        Ok::<_, ServiceError>((id, PaymentDetail { row, escrow, batch }))
    })
}

/// The next question, answered at once (the step after a typed value).
fn answer(effects: Vec<Effect>) -> Job {
    Job::new(move |_, _| async move { Ok::<_, ServiceError>(effects) })
}

/// "payment #12 (1 065 000 XOF, orange_money)": what the questions and toasts name.
fn naming(r: &PaymentRow, locale: Locale) -> [(&'static str, String); 4] {
    [
        ("id", r.id.to_string()),
        ("amount", format::money(r.amount, &r.currency, locale)),
        ("provider", sanitize_line(&r.provider)),
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
    let id = r.id;
    let job = Job::write(move |db, actor, origin| async move {
        service::payments::confirm(&db, &actor, &origin, id, &reference).await?;
        Ok(Done::text(tr(
            locale,
            "payments_view.confirmed_toast",
            &args(&named),
        )))
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
    let named = naming(r, locale).to_vec();
    let title = tr(locale, "payments_view.fail_reason", &args(&named));
    let (id, payout) = (r.id, r.direction == "payout");
    let purpose = Compose::new(
        format!("payment-{id}-fail"),
        TextSize::Reason,
        move |reason| {
            let named = named.clone();
            Job::write(move |db, actor, origin| async move {
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
