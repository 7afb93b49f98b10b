//! When a failed delivery is tried again: the configured schedule of delays ("5s", "5m", "2h",
//! "1d"; "250ms" for tests), each stretched by a random jitter so retries from one outage do
//! not arrive together, and never earlier than the receiver's `Retry-After` (within a bound).

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error(
        "\"{0}\" is not a retry delay: write a whole number and a unit, ms, s, m, h or d (e.g. 5m)"
    )]
    BadDelay(String),
}

/// The delays before each retry, in order: a schedule of n delays allows n + 1 attempts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetrySchedule {
    delays: Vec<Duration>,
}

impl RetrySchedule {
    pub fn new(delays: Vec<Duration>) -> RetrySchedule {
        RetrySchedule { delays }
    }

    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<RetrySchedule, ScheduleError> {
        let delays = items
            .iter()
            .map(|s| parse_delay(s.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(RetrySchedule { delays })
    }

    pub fn delays(&self) -> &[Duration] {
        &self.delays
    }

    /// Attempts in all: the first and one per delay.
    pub fn attempts(&self) -> i64 {
        self.delays.len() as i64 + 1
    }

    /// The delay before the next attempt once attempt `attempt` (1-based) failed; None when
    /// it was the last one the schedule allows.
    pub fn after(&self, attempt: i64) -> Option<Duration> {
        usize::try_from(attempt - 1)
            .ok()
            .and_then(|i| self.delays.get(i).copied())
    }

    /// The whole schedule end to end, jitter aside.
    pub fn total(&self) -> Duration {
        self.delays.iter().fold(Duration::zero(), |a, d| a + *d)
    }
}

/// "250ms", "5s", "5m", "2h", "1d" (spaces around are allowed).
pub fn parse_delay(text: &str) -> Result<Duration, ScheduleError> {
    let t = text.trim();
    let bad = || ScheduleError::BadDelay(text.to_owned());
    let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (digits, unit) = t.split_at(split);
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let d = match unit.trim() {
        "ms" => Duration::try_milliseconds(n),
        "s" => Duration::try_seconds(n),
        "m" => Duration::try_minutes(n),
        "h" => Duration::try_hours(n),
        "d" => Duration::try_days(n),
        _ => None,
    };
    // Longer than a year is a typo, not a retry policy.
    d.filter(|d| *d <= Duration::days(366)).ok_or_else(bad)
}

/// `delay` stretched by up to ±10 %: `u` is a uniform draw in [0, 1).
pub fn jittered(delay: Duration, u: f64) -> Duration {
    let factor = 0.9 + 0.2 * u.clamp(0.0, 1.0);
    let ms = (delay.num_milliseconds() as f64 * factor).round() as i64;
    Duration::milliseconds(ms.max(0))
}

/// A `Retry-After` value: seconds, or an HTTP date; None when it is neither.
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = value.trim();
    if let Ok(seconds) = v.parse::<i64>() {
        return (seconds >= 0).then(|| Duration::seconds(seconds));
    }
    let at = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
    Some((at - now).max(Duration::zero()))
}

/// The wait before the next attempt: the schedule's (jittered) delay, or longer when the
/// receiver asked for it with `Retry-After`, up to `max_retry_after`.
pub fn next_delay(
    scheduled: Duration,
    asked: Option<Duration>,
    max_retry_after: Duration,
) -> Duration {
    match asked {
        Some(asked) => scheduled.max(asked.min(max_retry_after)),
        None => scheduled,
    }
}
