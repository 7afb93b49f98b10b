//! Provider statements against our payment transactions: the report says, per line, whether
//! it matches ours (amount, currency, status), and which of our succeeded transactions of the
//! same period the provider does not list. Nothing is changed.
//!
//! A statement is streamed: read a line at a time, compared with ours a batch of lines at a
//! time, so a file of millions of lines is reconciled in bounded memory. The report keeps the
//! counts of every outcome and the first `KEPT` lines that do not match (and the first `KEPT`
//! unreadable lines); the others are counted, not listed.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::domain::statement::{FORMATS, Fed, Line, Reader, Unreadable, format_of};
use crate::service::ServiceError;
use crate::store::escrows::PaymentRow;
use crate::store::{self, Anchor, Conn, Cursor, SortValue, StoreError};

type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// How many lines that do not match (and how many unreadable lines) a report lists; the
/// others are counted.
pub const KEPT: usize = 1_000;
/// Statement lines compared with ours per lookup (the store queries them by 500).
const BATCH: usize = 1_000;
/// Our transactions of the statement's period read per page for "missing at the provider".
const PAGE: u64 = 1_000;
/// The longest line read: the rest of a longer one is skipped and the line reported.
pub const LINE_MAX_BYTES: usize = 64 * 1024;

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

/// How many lines (and transactions only we have) came out each way.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub matched: usize,
    pub amount_mismatch: usize,
    pub currency_mismatch: usize,
    pub status_mismatch: usize,
    pub missing_on_our_side: usize,
    pub missing_at_provider: usize,
}

impl Counts {
    pub fn get(&self, outcome: &Outcome) -> usize {
        match outcome {
            Outcome::Matched => self.matched,
            Outcome::AmountMismatch => self.amount_mismatch,
            Outcome::CurrencyMismatch => self.currency_mismatch,
            Outcome::StatusMismatch => self.status_mismatch,
            Outcome::MissingOnOurSide => self.missing_on_our_side,
            Outcome::MissingAtProvider => self.missing_at_provider,
        }
    }
    fn of(&mut self, outcome: &Outcome) -> &mut usize {
        match outcome {
            Outcome::Matched => &mut self.matched,
            Outcome::AmountMismatch => &mut self.amount_mismatch,
            Outcome::CurrencyMismatch => &mut self.currency_mismatch,
            Outcome::StatusMismatch => &mut self.status_mismatch,
            Outcome::MissingOnOurSide => &mut self.missing_on_our_side,
            Outcome::MissingAtProvider => &mut self.missing_at_provider,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub provider: String,
    /// The statement's lines, header and blank lines aside (unreadable ones included).
    pub lines: usize,
    pub counts: Counts,
    /// What does not match: the statement's lines in their order, then what only we have; the
    /// first `KEPT` of them (matched lines are only counted).
    pub entries: Vec<Entry>,
    /// Entries that do not match beyond the first `KEPT`: counted, not listed.
    pub entries_not_listed: usize,
    /// The first `KEPT` lines that could not be read, with why.
    pub unreadable: Vec<Unreadable>,
    pub unreadable_not_listed: usize,
}

impl Report {
    pub fn count(&self, outcome: &Outcome) -> usize {
        self.counts.get(outcome)
    }
    /// Every unreadable line, listed or not.
    pub fn unreadable_count(&self) -> usize {
        self.unreadable.len() + self.unreadable_not_listed
    }
    /// Every entry that does not match, listed or not.
    pub fn mismatch_count(&self) -> usize {
        self.entries.len() + self.entries_not_listed
    }
    /// Every line matched and nothing is missing either way.
    pub fn reconciles(&self) -> bool {
        self.unreadable_count() == 0 && self.mismatch_count() == 0
    }

    fn add(&mut self, entry: Entry) {
        *self.counts.of(&entry.outcome) += 1;
        if entry.outcome == Outcome::Matched {
            return;
        }
        match self.entries.len() < KEPT {
            true => self.entries.push(entry),
            false => self.entries_not_listed += 1,
        }
    }

    fn unreadable(&mut self, u: Unreadable) {
        self.lines += 1;
        match self.unreadable.len() < KEPT {
            true => self.unreadable.push(u),
            false => self.unreadable_not_listed += 1,
        }
    }
}

/// Why a statement could not be reconciled: its file could not be read on, or the database
/// answered an error.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error("{0}")]
    Read(#[from] std::io::Error),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<StoreError> for ReconcileError {
    fn from(e: StoreError) -> Self {
        ReconcileError::Service(e.into())
    }
}

/// Our succeeded transactions that the statement lists, by id, to tell afterwards which of
/// those in its period it does not list.
///
/// One bit per id, in 4 KiB pages of 32 768 consecutive ids allocated when one of their ids is
/// first seen. Ids are dense (autoincrement), so 3 million listed transactions take about
/// 370 KiB, and the bound is our table's id range (12 MiB for 100 million ids), never the
/// statement's size. Marking the references in a temporary table was the other way: it costs a
/// write per line, and a temporary table lives on one connection while the pool hands out any.
#[derive(Default)]
struct Seen(HashMap<u64, Box<[u64; 512]>>);

impl Seen {
    fn insert(&mut self, id: i64) {
        let id = id as u64;
        let page = self.0.entry(id >> 15).or_insert_with(|| Box::new([0; 512]));
        page[((id >> 6) & 511) as usize] |= 1 << (id & 63);
    }
    fn contains(&self, id: i64) -> bool {
        let id = id as u64;
        self.0
            .get(&(id >> 15))
            .is_some_and(|page| page[((id >> 6) & 511) as usize] & (1 << (id & 63)) != 0)
    }
}

/// The report as it is built, what the statement listed and the period it spans.
struct Progress<'a> {
    provider: &'a str,
    report: Report,
    seen: Seen,
    period: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Progress<'_> {
    /// Compares a batch of read lines with ours (one lookup for the batch), and empties it.
    async fn compare(&mut self, c: &mut impl Conn, batch: &mut Vec<Line>) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let references: Vec<String> = batch.iter().map(|l| l.reference.clone()).collect();
        let ours = store::payments::by_references(c, self.provider, &references).await?;
        for p in ours.iter().filter(|p| p.status == "succeeded") {
            self.seen.insert(p.id);
        }
        let by_ref: HashMap<&str, &PaymentRow> = ours
            .iter()
            .map(|p| (p.provider_reference.as_str(), p))
            .collect();
        for l in batch.drain(..) {
            self.report.lines += 1;
            if let Some(at) = l.at {
                self.period = Some(match self.period {
                    Some((from, to)) => (from.min(at), to.max(at)),
                    None => (at, at),
                });
            }
            let p = by_ref.get(l.reference.as_str());
            let outcome = match p {
                None => Outcome::MissingOnOurSide,
                Some(p) if p.currency != l.currency => Outcome::CurrencyMismatch,
                Some(p) if p.amount != l.amount => Outcome::AmountMismatch,
                Some(p) if p.status != l.status => Outcome::StatusMismatch,
                Some(_) => Outcome::Matched,
            };
            self.report.add(Entry {
                outcome,
                line: Some(l.number),
                ours: p.map(|p| (p.amount, p.currency.clone(), p.status.clone())),
                transaction_id: p.map(|p| p.id),
                theirs: Some((l.amount, l.currency, l.status)),
                reference: l.reference,
            });
        }
        Ok(())
    }

    /// What we have as succeeded over the statement's period that it does not list, read a
    /// page at a time.
    async fn missing_at_provider(&mut self, c: &mut impl Conn) -> Result<()> {
        let Some(period) = self.period else {
            return Ok(());
        };
        let mut anchor = Anchor::First;
        loop {
            let page =
                store::payments::succeeded_between_page(c, self.provider, period, &anchor, PAGE)
                    .await?;
            for p in &page.rows {
                if !self.seen.contains(p.id) {
                    self.report.add(Entry {
                        outcome: Outcome::MissingAtProvider,
                        reference: p.provider_reference.clone(),
                        line: None,
                        ours: Some((p.amount, p.currency.clone(), p.status.clone())),
                        theirs: None,
                        transaction_id: Some(p.id),
                    });
                }
            }
            match (page.has_after, page.rows.last()) {
                (true, Some(last)) => {
                    anchor = Anchor::After(Cursor {
                        key: last.created_at.map(SortValue::Time),
                        id: last.id,
                    })
                }
                _ => return Ok(()),
            }
        }
    }
}

/// Compares a statement of `provider` held in memory with our transactions.
pub async fn reconcile(c: &mut impl Conn, provider: &str, text: &str) -> Result<Report> {
    reconcile_stream(c, provider, text.as_bytes())
        .await
        .map_err(|e| match e {
            ReconcileError::Service(e) => e,
            ReconcileError::Read(e) => ServiceError::Invalid {
                field: "statement",
                message: crate::service::Said::new("statement_unreadable").arg("reason", e),
            },
        })
}

/// Compares the statement of `provider` that `input` reads (a file through a `BufReader`)
/// with our transactions, a line at a time: what stays in memory is one batch of lines, the
/// report (counts and the first `KEPT` entries) and one bit per listed transaction.
pub async fn reconcile_stream<R: AsyncBufRead + Unpin>(
    c: &mut impl Conn,
    provider: &str,
    mut input: R,
) -> Result<Report, ReconcileError> {
    let format = format_of(provider).ok_or_else(|| ServiceError::Invalid {
        field: "provider",
        message: crate::service::Said::new("statement_providers")
            .arg("providers", FORMATS.map(|f| f.provider).join(", ")),
    })?;
    let mut reader = Reader::new(format);
    let mut progress = Progress {
        provider,
        report: Report {
            provider: provider.to_owned(),
            ..Report::default()
        },
        seen: Seen::default(),
        period: None,
    };
    let mut batch = Vec::with_capacity(BATCH);
    let mut buf = Vec::new();
    let mut number = 0;
    while let Some(too_long) = next_line(&mut input, &mut buf).await? {
        number += 1;
        let fed = match too_long {
            true => reader.too_long(number, LINE_MAX_BYTES),
            false => reader.feed(number, &buf),
        };
        match fed {
            Fed::Blank | Fed::Header => {}
            Fed::Line(l) => {
                batch.push(l);
                if batch.len() == BATCH {
                    progress.compare(c, &mut batch).await?;
                }
            }
            Fed::Unreadable(u) => progress.report.unreadable(u),
            Fed::Stop(u) => {
                progress.report.unreadable(u);
                break;
            }
        }
    }
    if let Some(u) = reader.finish() {
        progress.report.unreadable(u);
    }
    progress.compare(c, &mut batch).await?;
    progress.missing_at_provider(c).await?;
    Ok(progress.report)
}

/// Reads the next line into `buf`, without its line break and keeping at most
/// `LINE_MAX_BYTES` of it: None at the end, Some(true) when the line was longer (its rest is
/// skipped, never held).
async fn next_line<R: AsyncBufRead + Unpin>(
    input: &mut R,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<bool>> {
    buf.clear();
    let (mut any, mut too_long) = (false, false);
    loop {
        let chunk = input.fill_buf().await?;
        if chunk.is_empty() {
            return Ok(any.then_some(too_long));
        }
        any = true;
        let end = chunk.iter().position(|b| *b == b'\n');
        let part = &chunk[..end.unwrap_or(chunk.len())];
        let room = LINE_MAX_BYTES - buf.len();
        too_long |= part.len() > room;
        buf.extend_from_slice(&part[..part.len().min(room)]);
        let used = end.map_or(chunk.len(), |i| i + 1);
        input.consume(used);
        if end.is_some() {
            return Ok(Some(too_long));
        }
    }
}
