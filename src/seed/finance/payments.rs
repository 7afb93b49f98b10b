//! PSP transactions: collections, payouts and refunds with each provider's references, fees
//! and failure reasons, numbered by time.

use crate::domain::{Currency, PayoutMethod, commission_amount};
use crate::seed::people::User;
use crate::seed::projects::Project;
use crate::seed::util::{self, R, Sink, i, oi, os, pick, s, t};
use crate::service::ServiceError;
use crate::store::{StoreError, schema};

pub(crate) struct Payment {
    pub id: i64,
    pub project: i64,
    pub escrow: Option<i64>,
    pub provider: &'static str,
    pub reference: String,
    pub direction: &'static str,
    pub amount: i64,
    pub currency: Currency,
    pub status: &'static str,
    pub failure: Option<&'static str>,
    /// In the demo's pending payout batch.
    pub batched: bool,
    pub created: i64,
    pub updated: i64,
}

pub(super) fn collection_provider(rng: &mut R, client: &User) -> &'static str {
    let c = client.city();
    match (c.currency, c.country) {
        (Currency::EUR, _) => "stripe",
        (Currency::XAF, _) => pick(rng, &["mtn_momo", "orange_money", "cinetpay"]),
        (_, "SN") => pick(rng, &["wave", "wave", "orange_money", "stripe"]),
        (_, "CI") => pick(
            rng,
            &["cinetpay", "mtn_momo", "orange_money", "wave", "moov_money"],
        ),
        _ => pick(rng, &["cinetpay", "orange_money", "moov_money", "mtn_momo"]),
    }
}

pub(super) fn payout_provider(method: PayoutMethod) -> &'static str {
    method.provider()
}

/// The PSP's fee on a collection, in minor units.
pub(super) fn fee(provider: &str, amount: i64, currency: Currency) -> Result<i64, ServiceError> {
    let bps = match provider {
        "wave" => 100,
        "stripe" => 290,
        "cinetpay" => 300,
        _ => 150,
    };
    let fixed = if provider == "stripe" && currency == Currency::EUR {
        25
    } else {
        0
    };
    Ok(commission_amount(amount, bps)? + fixed)
}

pub(super) fn failure(rng: &mut R, provider: &str) -> &'static str {
    if provider == "stripe" {
        pick(
            rng,
            &[
                "Carte refusée (do_not_honor)",
                "Fonds insuffisants (insufficient_funds)",
                "Authentification 3-D Secure échouée",
            ],
        )
    } else {
        pick(
            rng,
            &[
                "Solde insuffisant",
                "Délai de confirmation dépassé",
                "Transaction annulée par l'utilisateur",
                "Numéro non éligible au paiement marchand",
            ],
        )
    }
}

/// A PSP transaction; the final reference is completed once ids are known.
#[allow(clippy::too_many_arguments)]
pub(super) fn payment(
    rng: &mut R,
    provider: &'static str,
    p: &Project,
    escrow: Option<i64>,
    direction: &'static str,
    amount: i64,
    status: &'static str,
    failure: Option<&'static str>,
    created: i64,
    updated: i64,
) -> Payment {
    let reference = match provider {
        "stripe" => format!("pi_3{}", util::alnum(rng, 16)),
        "wave" => format!("wave_{}", util::alnum(rng, 14).to_lowercase()),
        "mtn_momo" => util::uuid(rng).to_string(),
        _ => util::digits(rng, 4),
    };
    Payment {
        id: 0,
        project: p.id,
        escrow,
        provider,
        reference,
        direction,
        amount,
        currency: p.currency,
        status,
        failure,
        batched: false,
        created,
        updated,
    }
}

/// Payments numbered by time, with the references their providers give them.
pub(super) fn number(payments: &mut [Payment]) {
    payments.sort_by_key(|p| p.created);
    for (k, p) in payments.iter_mut().enumerate() {
        p.id = k as i64 + 1;
        let year = util::year(p.created);
        p.reference = match p.provider {
            "stripe" => format!("{}{:06x}", p.reference, p.id),
            "cinetpay" => format!("CP{year}{:09}", p.id),
            "orange_money" => format!(
                "MP{}.{}.C{:06}",
                util::date(p.created).format("%y%m%d"),
                &p.reference[..4],
                p.id
            ),
            "moov_money" => format!("MOOV{year}{:09}", p.id),
            "wave" => format!("{}{:06x}", p.reference, p.id),
            _ => std::mem::take(&mut p.reference),
        };
    }
}

/// The payment transactions table.
pub(super) async fn write(
    m: &super::Money,
    sink: Sink<'_>,
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    let mut table = sink.table(schema::PAYMENT_TRANSACTIONS, m.payments.len() as u64);
    for p in &m.payments {
        table
            .push(vec![
                i(p.id),
                i(p.project),
                oi(p.escrow),
                s(p.provider),
                s(p.reference.as_str()),
                s(p.direction),
                i(p.amount),
                s(p.currency.code()),
                s(p.status),
                os(p.failure),
                t(p.created),
                t(p.updated),
                os(p.batched.then(|| m.payout_batch.clone())),
            ])
            .await?;
    }
    report.push(table.finish().await?);
    Ok(())
}
