//! Support SLA clocks. A ticket's deadline moves later by however long it sat
//! in `pending` (waiting on the customer), so staff are not blamed for the
//! customer's silence.

use chrono::{DateTime, TimeDelta, Utc};

use super::status::TicketPriority;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SlaTargets {
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
}

/// DOMAIN.md's matrix; the live values come from settings, these seed them.
pub fn default_targets(priority: TicketPriority) -> SlaTargets {
    let (first_response_minutes, resolution_minutes) = match priority {
        TicketPriority::Urgent => (60, 8 * 60),
        TicketPriority::High => (4 * 60, 24 * 60),
        TicketPriority::Normal => (8 * 60, 72 * 60),
        TicketPriority::Low => (24 * 60, 120 * 60),
    };
    SlaTargets {
        first_response_minutes,
        resolution_minutes,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    Ok,
    /// A quarter or less of the budget is left.
    Warning,
    Breached,
    Paused,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SlaClock {
    pub started_at: DateTime<Utc>,
    /// Deadline before any pause.
    pub due_at: DateTime<Utc>,
    /// Completed pauses, in seconds.
    pub paused_seconds: i64,
    /// Set while the clock is paused.
    pub paused_since: Option<DateTime<Utc>>,
}

impl SlaClock {
    /// A running clock due `minutes` after `started_at`.
    pub fn start(started_at: DateTime<Utc>, minutes: i64) -> SlaClock {
        SlaClock {
            started_at,
            due_at: add_seconds(started_at, minutes.saturating_mul(60)),
            paused_seconds: 0,
            paused_since: None,
        }
    }

    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some()
    }

    /// Deadline pushed back by all paused time, including a pause in progress.
    pub fn effective_due(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let current = self
            .paused_since
            .map_or(0, |since| (now - since).num_seconds().max(0));
        add_seconds(
            self.due_at,
            self.paused_seconds.max(0).saturating_add(current),
        )
    }

    /// Time left; negative once breached. Frozen while paused.
    pub fn remaining(&self, now: DateTime<Utc>) -> TimeDelta {
        self.effective_due(now) - now
    }

    /// A breach stays visible even while paused: pausing must not hide it.
    pub fn state(&self, now: DateTime<Utc>) -> SlaState {
        let remaining = self.remaining(now).num_seconds();
        if remaining <= 0 {
            return SlaState::Breached;
        }
        if self.is_paused() {
            return SlaState::Paused;
        }
        let budget = (self.due_at - self.started_at).num_seconds();
        if remaining.saturating_mul(4) <= budget {
            SlaState::Warning
        } else {
            SlaState::Ok
        }
    }

    /// Idempotent: pausing a paused clock keeps the original pause start.
    pub fn pause(&mut self, now: DateTime<Utc>) {
        if self.paused_since.is_none() {
            self.paused_since = Some(now);
        }
    }

    /// Idempotent: resuming a running clock changes nothing.
    pub fn resume(&mut self, now: DateTime<Utc>) {
        if let Some(since) = self.paused_since.take() {
            let paused = (now - since).num_seconds().max(0);
            self.paused_seconds = self.paused_seconds.max(0).saturating_add(paused);
        }
    }
}

/// Saturating, so corrupt stored values give a far deadline instead of a panic.
fn add_seconds(at: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
    TimeDelta::try_seconds(seconds)
        .and_then(|d| at.checked_add_signed(d))
        .unwrap_or(if seconds < 0 {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, h, m, 0).unwrap()
    }

    #[test]
    fn default_matrix() {
        let urgent = default_targets(TicketPriority::Urgent);
        assert_eq!(
            (urgent.first_response_minutes, urgent.resolution_minutes),
            (60, 480)
        );
        let low = default_targets(TicketPriority::Low);
        assert_eq!(
            (low.first_response_minutes, low.resolution_minutes),
            (1440, 7200)
        );
        assert_eq!(
            default_targets(TicketPriority::High).resolution_minutes,
            1440
        );
        assert_eq!(
            default_targets(TicketPriority::Normal).resolution_minutes,
            4320
        );
    }

    #[test]
    fn states_over_time() {
        let clock = SlaClock::start(t(8, 0), 8 * 60); // due 16:00
        assert_eq!(clock.due_at, t(16, 0));
        assert_eq!(clock.state(t(9, 0)), SlaState::Ok);
        assert_eq!(clock.state(t(13, 59)), SlaState::Ok);
        assert_eq!(clock.state(t(14, 0)), SlaState::Warning); // exactly 25 % left
        assert_eq!(clock.state(t(15, 59)), SlaState::Warning);
        assert_eq!(clock.state(t(16, 0)), SlaState::Breached);
        assert_eq!(clock.remaining(t(17, 0)), TimeDelta::hours(-1));
    }

    #[test]
    fn pauses_push_the_deadline() {
        let mut clock = SlaClock::start(t(8, 0), 60); // due 9:00
        clock.pause(t(8, 30));
        clock.pause(t(8, 45)); // idempotent
        assert_eq!(clock.state(t(10, 0)), SlaState::Paused);
        assert_eq!(clock.effective_due(t(10, 0)), t(10, 30));
        assert_eq!(clock.remaining(t(10, 0)), TimeDelta::minutes(30));
        clock.resume(t(10, 0));
        clock.resume(t(11, 0)); // idempotent
        assert_eq!(clock.paused_seconds, 90 * 60);
        assert_eq!(clock.effective_due(t(11, 0)), t(10, 30));
        assert_eq!(clock.state(t(10, 20)), SlaState::Warning);
        assert_eq!(clock.state(t(10, 30)), SlaState::Breached);

        // A second pause adds up.
        clock.pause(t(10, 10));
        clock.resume(t(10, 40));
        assert_eq!(clock.paused_seconds, 120 * 60);
        assert_eq!(clock.effective_due(t(12, 0)), t(11, 0));
    }

    #[test]
    fn breach_shows_through_a_pause() {
        let mut clock = SlaClock::start(t(8, 0), 60);
        clock.pause(t(9, 30));
        assert_eq!(clock.state(t(12, 0)), SlaState::Breached);
    }

    #[test]
    fn corrupt_values_do_not_panic() {
        let mut clock = SlaClock::start(t(8, 0), i64::MAX);
        clock.paused_seconds = i64::MAX;
        clock.pause(t(9, 0));
        assert_eq!(clock.effective_due(t(10, 0)), DateTime::<Utc>::MAX_UTC);
        let _ = clock.state(t(10, 0));
        clock.resume(t(8, 0)); // clock went backwards: no negative pause
        assert_eq!(clock.paused_seconds, i64::MAX);
    }
}
