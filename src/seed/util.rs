//! Shared helpers of the seed: deterministic random streams, time arithmetic, typed SQL values
//! and the batched table writer.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_query::Value;

use std::sync::Mutex;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::store::{Db, StoreError, bulk, schema};

pub(super) type R = ChaCha8Rng;

pub(super) const MINUTE: i64 = 60;
pub(super) const HOUR: i64 = 3_600;
pub(super) const DAY: i64 = 86_400;
pub(super) const WEEK: i64 = 7 * DAY;
/// 18 months of history.
pub(super) const HISTORY: i64 = 548 * DAY;
const MONTH: f64 = 30.44 * DAY as f64;
/// ~8 % more activity every month.
const GROWTH: f64 = 1.08;

/// An independent random stream per part of the seed, so adding a table to one part does not
/// shift the data of another.
pub(super) fn rng(seed: u64, section: &str) -> R {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in section.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    R::seed_from_u64(seed ^ h)
}

/// "Now" of the generated history and the start of it, in whole seconds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Clock {
    pub anchor: i64,
    pub start: i64,
}

impl Clock {
    pub fn new(anchor: i64) -> Clock {
        Clock {
            anchor,
            start: anchor - HISTORY,
        }
    }

    /// Maps `u` in [0, 1) to a time in [from, anchor) whose density grows ~8 % a month.
    pub fn grow(&self, from: i64, u: f64) -> i64 {
        let months = (self.anchor - from) as f64 / MONTH;
        let total = GROWTH.powf(months) - 1.0;
        let m = (1.0 + u.clamp(0.0, 1.0) * total).ln() / GROWTH.ln();
        (from + (m * MONTH) as i64).min(self.anchor - 1)
    }

    /// `n` increasing times on the growth curve over [from, anchor): the i-th of n.
    pub fn nth(&self, rng: &mut R, from: i64, i: usize, n: usize) -> i64 {
        let u = (i as f64 + rng.random::<f64>()) / n.max(1) as f64;
        self.grow(from, u)
    }

    /// The Monday of the anchor's ISO week.
    pub fn anchor_week(&self) -> NaiveDate {
        monday(self.anchor)
    }
}

pub(super) fn ts(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

pub(super) fn date(secs: i64) -> NaiveDate {
    ts(secs).date_naive()
}

/// Monday of the ISO week holding `secs`.
pub(super) fn monday(secs: i64) -> NaiveDate {
    let d = date(secs);
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The first Monday strictly after `secs`' day.
pub(super) fn next_monday(secs: i64) -> NaiveDate {
    monday(secs) + Duration::days(7)
}

/// Midnight UTC of a day, in seconds.
pub(super) fn day_secs(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .unwrap_or_default()
}

pub(super) fn year(secs: i64) -> i32 {
    date(secs).year()
}

/// RFC 3339 text of a time (for JSON payloads).
pub(super) fn iso(secs: i64) -> String {
    ts(secs).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A random time in [lo, hi] (hi clamped to `max`); returns `lo` when the range is empty.
pub(super) fn between(rng: &mut R, lo: i64, hi: i64, max: i64) -> i64 {
    let hi = hi.min(max);
    if hi <= lo {
        lo.min(max)
    } else {
        rng.random_range(lo..=hi)
    }
}

/// `base + [lo, hi]` seconds, never later than `max`: when little time is left the step
/// shrinks to fit in (base, max] instead of piling every late event onto `max`.
pub(super) fn after(rng: &mut R, base: i64, lo: i64, hi: i64, max: i64) -> i64 {
    let room = max - base;
    if room <= 1 {
        return max.min(base + room.max(0));
    }
    let lo = lo.min(room / 2).max(1);
    let hi = hi.min(room).max(lo);
    base + rng.random_range(lo..=hi)
}

/// When a notification sent at `at` was read: most old ones, a few recent ones.
pub(super) fn read_at(rng: &mut R, at: i64, anchor: i64) -> Option<i64> {
    let p = if anchor - at > 3 * DAY { 0.9 } else { 0.3 };
    rng.random_bool(p)
        .then(|| after(rng, at, 5 * MINUTE, 2 * DAY, anchor))
}

/// Index picked with the given integer weights.
pub(super) fn weighted(rng: &mut R, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.random_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Standard normal variate (Box-Muller).
pub(super) fn normal(rng: &mut R) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Round to the nearest multiple of `step` (at least `step`).
pub(super) fn round_to(x: f64, step: i64) -> i64 {
    ((x / step as f64).round() as i64).max(1) * step
}

pub(super) fn pick<T: Copy>(rng: &mut R, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

pub(super) fn uuid(rng: &mut R) -> uuid::Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

/// A version-7 uuid: the time first, so notifications written in time order go into the
/// primary-key index in order (like Laravel's ordered uuids); the rest from the seed's stream.
pub(super) fn ordered_uuid(rng: &mut R, secs: i64) -> uuid::Uuid {
    let millis = secs.max(0) as u64 * 1_000 + rng.random_range(0..1_000);
    uuid::Builder::from_unix_timestamp_millis(millis, &rng.random()).into_uuid()
}

pub(super) fn alnum(rng: &mut R, n: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..n)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

pub(super) fn digits(rng: &mut R, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

// --- typed SQL values (NULLs keep their type, which PostgreSQL needs) -------------------------

pub(super) fn t(secs: i64) -> Value {
    Value::ChronoDateTimeUtc(Some(ts(secs)))
}
pub(super) fn ot(secs: Option<i64>) -> Value {
    Value::ChronoDateTimeUtc(secs.map(ts))
}
pub(super) fn i(v: i64) -> Value {
    Value::BigInt(Some(v))
}
pub(super) fn oi(v: Option<i64>) -> Value {
    Value::BigInt(v)
}
pub(super) fn s(v: impl Into<String>) -> Value {
    Value::String(Some(v.into()))
}
pub(super) fn os<S: Into<String>>(v: Option<S>) -> Value {
    Value::String(v.map(Into::into))
}
pub(super) fn b(v: bool) -> Value {
    Value::Bool(Some(v))
}
/// A JSON column left empty (NULL).
pub(super) fn no_json() -> Value {
    Value::Json(None)
}
pub(super) fn j(v: serde_json::Value) -> Value {
    Value::Json(Some(Box::new(v)))
}
pub(super) fn d(v: NaiveDate) -> Value {
    Value::ChronoDate(Some(v))
}
pub(super) fn od(v: Option<NaiveDate>) -> Value {
    Value::ChronoDate(v)
}

// --- the writer -------------------------------------------------------------------------------

pub(super) type Progress<'a> = &'a (dyn Fn(&str, u64, u64) + Sync);

struct Job {
    table: &'static str,
    cols: &'static [&'static str],
    rows: Vec<Vec<Value>>,
}

/// Writes batches in a background task, one transaction at a time and in the order they
/// were handed over (so foreign keys hold), while the next batch is being generated.
pub(super) struct Writer {
    jobs: mpsc::Sender<Job>,
    done: Mutex<mpsc::UnboundedReceiver<(&'static str, u64)>>,
    task: Mutex<Option<JoinHandle<Result<(), StoreError>>>>,
    /// (table, rows committed, rows expected)
    counts: Counts,
}

fn stopped() -> StoreError {
    StoreError::writer_stopped()
}

impl Writer {
    pub fn start(db: &Db) -> Writer {
        // One batch queued while another is written: memory stays bounded.
        let (jobs, mut queue) = mpsc::channel::<Job>(1);
        let (report, done) = mpsc::unbounded_channel();
        let db = db.clone();
        let task = tokio::spawn(async move {
            while let Some(job) = queue.recv().await {
                let n = job.rows.len() as u64;
                let mut tx = db.begin().await?;
                bulk::insert_rows(&mut tx, job.table, job.cols, job.rows).await?;
                tx.commit().await?;
                let _ = report.send((job.table, n));
            }
            Ok(())
        });
        Writer {
            jobs,
            done: Mutex::new(done),
            task: Mutex::new(Some(task)),
            counts: Mutex::new(Vec::new()),
        }
    }

    fn expect(&self, table: &'static str, rows: u64) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        match counts.iter_mut().find(|c| c.0 == table) {
            Some(c) => c.2 += rows,
            None => counts.push((table, 0, rows)),
        }
    }

    /// Reports the batches committed since the last call.
    fn report(&self, progress: Progress<'_>) {
        report(&self.done, &self.counts, progress);
    }

    async fn send(&self, job: Job, progress: Progress<'_>) -> Result<(), StoreError> {
        if self.jobs.send(job).await.is_err() {
            // The task stopped: its error says why.
            let task = self.task.lock().unwrap_or_else(|e| e.into_inner()).take();
            return match task {
                Some(task) => task.await.map_err(|_| stopped())?.and(Err(stopped())),
                None => Err(stopped()),
            };
        }
        self.report(progress);
        Ok(())
    }

    /// Waits until everything handed over is committed.
    pub async fn finish(self, progress: Progress<'_>) -> Result<(), StoreError> {
        let Writer {
            jobs,
            done,
            task,
            counts,
        } = self;
        drop(jobs);
        let task = task.into_inner().unwrap_or_else(|e| e.into_inner());
        if let Some(task) = task {
            task.await.map_err(|_| stopped())??;
        }
        report(&done, &counts, progress);
        let counts = counts.into_inner().unwrap_or_else(|e| e.into_inner());
        for (table, committed, _) in counts {
            progress(table, committed, committed);
        }
        Ok(())
    }
}

type Counts = Mutex<Vec<(&'static str, u64, u64)>>;

fn report(
    done: &Mutex<mpsc::UnboundedReceiver<(&'static str, u64)>>,
    counts: &Counts,
    progress: Progress<'_>,
) {
    let mut done = done.lock().unwrap_or_else(|e| e.into_inner());
    let mut counts = counts.lock().unwrap_or_else(|e| e.into_inner());
    while let Ok((table, n)) = done.try_recv() {
        if let Some(c) = counts.iter_mut().find(|c| c.0 == table) {
            c.1 += n;
            c.2 = c.2.max(c.1);
            progress(table, c.1, c.2);
        }
    }
}

/// Where tables are written: the background writer, the progress callback and the rows per
/// transaction.
#[derive(Clone, Copy)]
pub(super) struct Sink<'a> {
    pub writer: &'a Writer,
    pub progress: Progress<'a>,
    pub batch: usize,
}

impl<'a> Sink<'a> {
    /// Starts writing `def`, of which `total` rows are expected.
    pub fn table(self, def: schema::Table, total: u64) -> Table<'a> {
        self.writer.expect(def.name, total);
        Table {
            sink: self,
            name: def.name,
            cols: def.columns,
            rows: Vec::new(),
            queued: 0,
        }
    }
}

/// Rows of one table, handed to the writer in batches of `batch` rows as they are pushed.
pub(super) struct Table<'a> {
    sink: Sink<'a>,
    name: &'static str,
    cols: &'static [&'static str],
    rows: Vec<Vec<Value>>,
    queued: u64,
}

impl Table<'_> {
    pub async fn push(&mut self, row: Vec<Value>) -> Result<(), StoreError> {
        debug_assert_eq!(row.len(), self.cols.len(), "{}", self.name);
        if self.rows.is_empty() {
            self.rows.reserve(self.sink.batch.min(4_096));
        }
        self.rows.push(row);
        if self.rows.len() >= self.sink.batch {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), StoreError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.rows);
        self.queued += rows.len() as u64;
        let job = Job {
            table: self.name,
            cols: self.cols,
            rows,
        };
        self.sink.writer.send(job, self.sink.progress).await
    }

    /// Hands over what is left; returns (table, rows written once the writer finishes).
    pub async fn finish(mut self) -> Result<(&'static str, u64), StoreError> {
        self.flush().await?;
        Ok((self.name, self.queued))
    }
}
