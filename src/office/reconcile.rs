//! Provider statements against our payment transactions: the report says, per line, whether
//! it matches ours (amount, currency, status), and which of our succeeded transactions of the
//! same period the provider does not list. Nothing is changed.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::domain::statement::{FORMATS, Unreadable, format_of, read};
use crate::service::ServiceError;
use crate::store::{self, Conn};

type Result<T> = std::result::Result<T, ServiceError>;

/// How one statement line (or one of our transactions) compares.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Matched,
    AmountMismatch,
    CurrencyMismatch,
    StatusMismatch,
    /// The provider lists it; we have no such transaction.
    MissingOnOurSide,
    /// We have it as succeeded in the statement's period; the provider does not list it.
    MissingAtProvider,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    pub outcome: Outcome,
    pub reference: String,
    /// The statement line (None for what only we have).
    pub line: Option<usize>,
    pub ours: Option<(i64, String, String)>,
    pub theirs: Option<(i64, String, String)>,
    pub transaction_id: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub provider: String,
    pub lines: usize,
    pub entries: Vec<Entry>,
    pub unreadable: Vec<Unreadable>,
}

impl Report {
    pub fn count(&self, outcome: &Outcome) -> usize {
        self.entries
            .iter()
            .filter(|e| &e.outcome == outcome)
            .count()
    }
    /// Every line matched and nothing is missing either way.
    pub fn reconciles(&self) -> bool {
        self.unreadable.is_empty() && self.entries.iter().all(|e| e.outcome == Outcome::Matched)
    }
}

/// Compares a statement of `provider` with our transactions.
pub async fn reconcile(c: &mut impl Conn, provider: &str, text: &str) -> Result<Report> {
    let format = format_of(provider).ok_or_else(|| ServiceError::Invalid {
        field: "provider",
        message: format!(
            "statements are read for {}",
            FORMATS.map(|f| f.provider).join(", ")
        ),
    })?;
    let (lines, unreadable) = read(format, text);
    let references: Vec<String> = lines.iter().map(|l| l.reference.clone()).collect();
    let ours = store::payments::by_references(c, provider, &references).await?;
    let by_ref: HashMap<&str, &store::escrows::PaymentRow> = ours
        .iter()
        .map(|p| (p.provider_reference.as_str(), p))
        .collect();
    let mut entries = Vec::new();
    for l in &lines {
        let theirs = Some((l.amount, l.currency.clone(), l.status.clone()));
        let entry = match by_ref.get(l.reference.as_str()) {
            None => Entry {
                outcome: Outcome::MissingOnOurSide,
                reference: l.reference.clone(),
                line: Some(l.number),
                ours: None,
                theirs,
                transaction_id: None,
            },
            Some(p) => {
                let outcome = if p.currency != l.currency {
                    Outcome::CurrencyMismatch
                } else if p.amount != l.amount {
                    Outcome::AmountMismatch
                } else if p.status != l.status {
                    Outcome::StatusMismatch
                } else {
                    Outcome::Matched
                };
                Entry {
                    outcome,
                    reference: l.reference.clone(),
                    line: Some(l.number),
                    ours: Some((p.amount, p.currency.clone(), p.status.clone())),
                    theirs,
                    transaction_id: Some(p.id),
                }
            }
        };
        entries.push(entry);
    }
    // What we have as succeeded over the statement's period that it does not list.
    let dates: Vec<DateTime<Utc>> = lines.iter().filter_map(|l| l.at).collect();
    if let (Some(from), Some(to)) = (dates.iter().min(), dates.iter().max()) {
        let listed: HashSet<&str> = lines.iter().map(|l| l.reference.as_str()).collect();
        let period = store::payments::succeeded_between(c, provider, *from, *to).await?;
        for p in period {
            if !listed.contains(p.provider_reference.as_str()) {
                entries.push(Entry {
                    outcome: Outcome::MissingAtProvider,
                    reference: p.provider_reference.clone(),
                    line: None,
                    ours: Some((p.amount, p.currency.clone(), p.status.clone())),
                    theirs: None,
                    transaction_id: Some(p.id),
                });
            }
        }
    }
    Ok(Report {
        provider: provider.to_owned(),
        lines: lines.len() + unreadable.len(),
        entries,
        unreadable,
    })
}
