//! The analytics read model the dashboard and `obryl analytics` both show: per month and per
//! currency (never summed across currencies) the money figures (referred revenue and referral
//! rewards among them) and their growth, the project
//! and ticket counts, the SLA figures; the top developers by amount released; workload
//! utilisation per week. Money and counts come from the daily rollup (a primary-key range);
//! SLA, releases per developer and workload from bounded, indexed reads. Definitions:
//! docs/ANALYTICS.md.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::{Serialize, Serializer};

use crate::domain::Currency;
use crate::service::ServiceError;
use crate::store::Conn;
use crate::store::analytics::{self as rollup, Cell, TicketTimes, metric};

type Result<T> = std::result::Result<T, ServiceError>;

/// A calendar month (UTC), written `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<YearMonth> {
        (1..=12)
            .contains(&month)
            .then_some(YearMonth { year, month })
    }

    /// "2026-11".
    pub fn parse(text: &str) -> std::result::Result<YearMonth, String> {
        let invalid = || format!("expected a month as YYYY-MM, not {text:?}");
        let (y, m) = text.trim().split_once('-').ok_or_else(invalid)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(invalid());
        }
        let year = y.parse().map_err(|_| invalid())?;
        let month = m.parse().map_err(|_| invalid())?;
        YearMonth::new(year, month).ok_or_else(invalid)
    }

    pub fn of(at: DateTime<Utc>) -> YearMonth {
        YearMonth {
            year: at.year(),
            month: at.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a valid month")
    }

    /// Midnight UTC on the first day.
    pub fn start(self) -> DateTime<Utc> {
        Utc.from_utc_datetime(&self.first_day().and_hms_opt(0, 0, 0).expect("midnight"))
    }

    pub fn next(self) -> YearMonth {
        self.plus(1)
    }

    pub fn prev(self) -> YearMonth {
        self.plus(-1)
    }

    pub fn plus(self, months: i32) -> YearMonth {
        let n = self.year * 12 + self.month as i32 - 1 + months;
        YearMonth {
            year: n.div_euclid(12),
            month: n.rem_euclid(12) as u32 + 1,
        }
    }

    /// Every month from `self` to `to`, both included (empty when `to` is earlier).
    pub fn through(self, to: YearMonth) -> Vec<YearMonth> {
        let mut out = Vec::new();
        let mut m = self;
        while m <= to {
            out.push(m);
            m = m.next();
        }
        out
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One month in one currency. Money in the currency's minor unit; growth in percent with one
/// decimal, None when the previous month is zero. Counts and SLA figures are platform-wide
/// (not per currency): each currency's row of a month carries the same.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthRow {
    pub month: YearMonth,
    pub currency: String,
    pub collected: i64,
    pub released: i64,
    pub commission: i64,
    pub refunded: i64,
    pub collected_growth: Option<f64>,
    pub released_growth: Option<f64>,
    pub commission_growth: Option<f64>,
    pub refunded_growth: Option<f64>,
    /// Platform commissions paid this month that earned referral rewards (each once).
    pub referred_revenue: i64,
    /// Referral rewards earned this month, whatever became of them since.
    pub referral_rewards: i64,
    pub referred_revenue_growth: Option<f64>,
    pub referral_rewards_growth: Option<f64>,
    pub projects_created: i64,
    pub projects_completed: i64,
    pub projects_cancelled: i64,
    pub tickets_opened: i64,
    pub tickets_solved: i64,
    #[serde(flatten)]
    pub sla: Sla,
}

/// The SLA of the tickets created in a month.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Sla {
    /// Tickets with a first-response target that were answered (or solved).
    pub tickets_answered: i64,
    /// Of those, answered before the target, in percent (one decimal).
    pub first_response_sla: Option<f64>,
    /// Tickets with a resolution target that were solved.
    pub tickets_resolved: i64,
    /// Of those, solved before the target (moved by the paused time), in percent.
    pub resolution_sla: Option<f64>,
    /// Median time to the first response, in seconds (the lower middle of an even count).
    pub median_first_response_seconds: Option<i64>,
}

/// A developer and what was released to them in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeveloperEarning {
    pub developer_id: i64,
    pub name: String,
    pub currency: String,
    pub released: i64,
}

/// One ISO week of the workload grid, all developers planned that week together.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeekLoad {
    /// The week's Monday.
    pub week_start: NaiveDate,
    pub planned_hours: i64,
    /// The weekly capacity of the developers planned that week.
    pub capacity_hours: i64,
    /// planned ÷ capacity, in percent (one decimal); None without capacity.
    pub utilisation: Option<f64>,
}

/// `part` of `whole` in percent, one decimal, half away from zero; None when `whole` is 0.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    if whole == 0 {
        return None;
    }
    let (p, w) = (part as i128 * 1000, whole as i128);
    let tenths = (2 * p + w.signum() * p.signum() * w.abs()) / (2 * w);
    Some(tenths as f64 / 10.0)
}

/// Month-over-month change of `now` against `before`, in percent with one decimal; None
/// when `before` is zero.
pub fn growth(now: i64, before: i64) -> Option<f64> {
    percent(now - before, before)
}

fn sums(cells: &[Cell]) -> BTreeMap<(String, &str, &str), i64> {
    cells
        .iter()
        .map(|c| {
            (
                (c.period.clone(), c.metric.as_str(), c.currency.as_str()),
                c.value,
            )
        })
        .collect()
}

/// Each month of `[from, to]` × each currency (the one asked, or every currency with money
/// in the range), from the rollup; growth against the month before, even before `from`.
pub async fn months(
    c: &mut impl Conn,
    from: YearMonth,
    to: YearMonth,
    currency: Option<Currency>,
) -> Result<Vec<MonthRow>> {
    let mut rows = money_and_counts(c, from, to, currency).await?;
    let sla = sla_by_month(c, from, to).await?;
    for r in &mut rows {
        r.sla = sla.get(&r.month).cloned().unwrap_or_default();
    }
    Ok(rows)
}

/// [`months`] without the SLA figures (left at their default): the rollup alone, a read
/// whose cost does not grow with the number of tickets. The dashboard's first paint.
pub async fn money_and_counts(
    c: &mut impl Conn,
    from: YearMonth,
    to: YearMonth,
    currency: Option<Currency>,
) -> Result<Vec<MonthRow>> {
    if to < from {
        return Ok(Vec::new());
    }
    let code = currency.map(|c| c.code());
    let cells = rollup::months(c, from.prev().first_day(), to.next().first_day(), code).await?;
    let by = sums(&cells);
    let currencies: BTreeSet<String> = match code {
        Some(code) => [code.to_owned()].into(),
        None => cells
            .iter()
            .filter(|c| !c.currency.is_empty())
            .map(|c| c.currency.clone())
            .collect(),
    };
    let get = |m: YearMonth, metric: &str, cur: &str| {
        by.get(&(m.to_string(), metric, cur)).copied().unwrap_or(0)
    };
    let mut out = Vec::new();
    for m in from.through(to) {
        for cur in &currencies {
            let money = |metric: &str| (get(m, metric, cur), get(m.prev(), metric, cur));
            let (collected, collected_before) = money(metric::COLLECTED);
            let (released, released_before) = money(metric::RELEASED);
            let (commission, commission_before) = money(metric::COMMISSION);
            let (refunded, refunded_before) = money(metric::REFUNDED);
            let (referred, referred_before) = money(metric::REFERRED_REVENUE);
            let (rewards, rewards_before) = money(metric::REFERRAL_REWARDS);
            out.push(MonthRow {
                month: m,
                currency: cur.clone(),
                collected,
                released,
                commission,
                refunded,
                collected_growth: growth(collected, collected_before),
                released_growth: growth(released, released_before),
                commission_growth: growth(commission, commission_before),
                refunded_growth: growth(refunded, refunded_before),
                referred_revenue: referred,
                referral_rewards: rewards,
                referred_revenue_growth: growth(referred, referred_before),
                referral_rewards_growth: growth(rewards, rewards_before),
                projects_created: get(m, metric::PROJECTS_CREATED, ""),
                projects_completed: get(m, metric::PROJECTS_COMPLETED, ""),
                projects_cancelled: get(m, metric::PROJECTS_CANCELLED, ""),
                tickets_opened: get(m, metric::TICKETS_OPENED, ""),
                tickets_solved: get(m, metric::TICKETS_SOLVED, ""),
                sla: Sla::default(),
            });
        }
    }
    Ok(out)
}

/// The SLA figures of the tickets created in each month of `[from, to]`.
pub async fn sla_by_month(
    c: &mut impl Conn,
    from: YearMonth,
    to: YearMonth,
) -> Result<BTreeMap<YearMonth, Sla>> {
    let tickets = rollup::tickets_created(c, from.start(), to.next().start()).await?;
    let mut grouped: BTreeMap<YearMonth, Vec<TicketTimes>> = BTreeMap::new();
    for t in tickets {
        grouped
            .entry(YearMonth::of(t.created_at))
            .or_default()
            .push(t);
    }
    Ok(grouped
        .into_iter()
        .map(|(m, ts)| (m, sla_of(&ts)))
        .collect())
}

/// SLA attainment as the SLA column counts it: a target met at or after its deadline is
/// breached; a ticket solved without a first response was answered when it was solved.
pub fn sla_of(tickets: &[TicketTimes]) -> Sla {
    let (mut answered, mut answered_in_time) = (0, 0);
    let (mut resolved, mut resolved_in_time) = (0, 0);
    let mut waits = Vec::new();
    for t in tickets {
        let response = t.first_responded_at.or(t.resolved_at);
        if let Some(r) = response {
            waits.push((r - t.created_at).num_seconds().max(0));
            if let Some(due) = t.first_response_due_at {
                answered += 1;
                answered_in_time += i64::from(r < due);
            }
        }
        if let (Some(done), Some(due)) = (t.resolved_at, t.resolution_due_at) {
            resolved += 1;
            resolved_in_time += i64::from(done < due + Duration::seconds(t.paused_seconds));
        }
    }
    waits.sort_unstable();
    Sla {
        tickets_answered: answered,
        first_response_sla: percent(answered_in_time, answered),
        tickets_resolved: resolved,
        resolution_sla: percent(resolved_in_time, resolved),
        median_first_response_seconds: (!waits.is_empty()).then(|| waits[(waits.len() - 1) / 2]),
    }
}

/// The `n` developers with the most released to them in `currency` over `[from, to]`.
pub async fn top_developers(
    c: &mut impl Conn,
    from: YearMonth,
    to: YearMonth,
    currency: Currency,
    n: u64,
) -> Result<Vec<DeveloperEarning>> {
    let rows =
        rollup::top_developers(c, from.start(), to.next().start(), currency.code(), n).await?;
    Ok(rows
        .into_iter()
        .map(|(developer_id, name, released)| DeveloperEarning {
            developer_id,
            name,
            currency: currency.code().to_owned(),
            released,
        })
        .collect())
}

/// Workload utilisation of the weeks starting in `[from, to]` (weeks with nothing planned
/// are left out).
pub async fn weekly_utilisation(
    c: &mut impl Conn,
    from: YearMonth,
    to: YearMonth,
) -> Result<Vec<WeekLoad>> {
    let rows = rollup::weekly_load(c, from.first_day(), to.next().first_day()).await?;
    Ok(rows
        .into_iter()
        .map(|(week_start, planned, capacity)| WeekLoad {
            week_start,
            planned_hours: planned,
            capacity_hours: capacity,
            utilisation: percent(planned, capacity),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_step() {
        let m = YearMonth::parse("2026-11").unwrap();
        assert_eq!(m.to_string(), "2026-11");
        assert_eq!(m.plus(2).to_string(), "2027-01");
        assert_eq!(m.plus(-11).to_string(), "2025-12");
        assert_eq!(m.prev().through(m.next()).len(), 3);
        assert!(YearMonth::parse("2026-13").is_err());
        assert!(YearMonth::parse("26-11").is_err());
    }

    #[test]
    fn growth_has_one_decimal_and_is_blank_after_zero() {
        assert_eq!(growth(110, 100), Some(10.0));
        assert_eq!(growth(1, 3), Some(-66.7));
        assert_eq!(growth(2, 3), Some(-33.3));
        assert_eq!(growth(1001, 1000), Some(0.1));
        assert_eq!(growth(10005, 10000), Some(0.1));
        assert_eq!(growth(9995, 10000), Some(-0.1));
        assert_eq!(growth(0, 100), Some(-100.0));
        assert_eq!(growth(5, 0), None);
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(2, 3), Some(66.7));
    }
}
