//! Support SLA clocks. A ticket's deadline moves later by however long it sat
//! in `pending` (waiting on the customer), so staff are not blamed for the
//! customer's silence.
//!
//! `TicketSla` is the one definition of a ticket's SLA: the SLA column and detail show it, and
//! the store's derived keys (`sla_due`, `sla_left`, `sla_breach_at`, migration 0022) are the
//! same rules in SQL, so the "SLA due first" sort and the `breached` filter agree with it.

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};

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
    /// Solved or closed with every target met in time.
    Met,
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

/// The promise a ticket's clock counts down to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaTarget {
    FirstResponse,
    Resolution,
}

/// The sort key of a ticket with no clock running (solved, closed, no deadline): after every
/// clock, at 9999-12-31T23:59:59Z in epoch seconds.
pub const NO_CLOCK_KEY: i64 = 253_402_300_799;

/// A ticket's SLA stamps: what the SLA column, the detail, the "SLA due first" sort and the
/// `breached` filter all read.
///
/// - While no first response was given, the clock counts to the first response. It runs in
///   calendar time: nobody waits on the customer before answering them.
/// - Then it counts to the resolution. That clock stops while the ticket is pending (waiting on
///   the customer): its deadline moves later by every completed pause, and the time left is
///   frozen during a pause.
/// - A target met late stays a breach, while the ticket is worked on and after it is solved;
///   a ticket solved without a first response answered it when it was solved.
/// - Everything is counted in whole seconds, as the database keys are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TicketSla {
    pub created_at: Option<DateTime<Utc>>,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Completed pauses of the resolution clock, in seconds.
    pub paused_seconds: i64,
    pub paused_since: Option<DateTime<Utc>>,
    /// Solved or closed: no clock runs any more, only the verdict is left.
    pub done: bool,
}

/// What a ticket's SLA says at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlaReading {
    pub state: SlaState,
    /// The clock still counting and the time it has left (negative once past its deadline);
    /// None once the ticket is solved or closed.
    pub clock: Option<(SlaTarget, TimeDelta)>,
    /// Targets met late, in order (first response, resolution).
    pub missed: [Option<SlaTarget>; 2],
}

fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

impl TicketSla {
    /// Whether no first response was given while one is expected.
    fn awaiting_first_response(&self) -> bool {
        !self.done && self.first_responded_at.is_none() && self.first_response_due_at.is_some()
    }

    /// The first response came (or the ticket was solved without one) at or after its deadline.
    pub fn first_response_late(&self) -> bool {
        let answered = self
            .first_responded_at
            .or(self.resolved_at.filter(|_| self.done));
        matches!(
            (answered, self.first_response_due_at),
            (Some(at), Some(due)) if secs(at) >= secs(due)
        )
    }

    /// The ticket was solved at or after its resolution deadline (pauses included).
    pub fn resolution_late(&self) -> bool {
        match (self.done, self.resolved_at, self.resolution_due_at) {
            (true, Some(at), Some(due)) => {
                secs(at) >= secs(due).saturating_add(self.paused_seconds.max(0))
            }
            _ => false,
        }
    }

    /// The clock still counting, in whole seconds; None once solved or closed, or when no
    /// deadline is known.
    pub fn clock(&self) -> Option<(SlaTarget, SlaClock)> {
        if self.done {
            return None;
        }
        let whole = |t: DateTime<Utc>| t.trunc_subsecs(0);
        let started = self.created_at.map(whole);
        if self.awaiting_first_response() {
            let due = whole(self.first_response_due_at?);
            let clock = SlaClock {
                started_at: started.unwrap_or(due),
                due_at: due,
                paused_seconds: 0,
                paused_since: None,
            };
            return Some((SlaTarget::FirstResponse, clock));
        }
        let due = whole(self.resolution_due_at?);
        let clock = SlaClock {
            started_at: started.unwrap_or(due),
            due_at: due,
            paused_seconds: self.paused_seconds.max(0),
            paused_since: self.paused_since.map(whole),
        };
        Some((SlaTarget::Resolution, clock))
    }

    /// The SLA at `now`; None when there is nothing to show (an open ticket with no deadline).
    pub fn reading(&self, now: DateTime<Utc>) -> Option<SlaReading> {
        let missed = [
            self.first_response_late()
                .then_some(SlaTarget::FirstResponse),
            self.resolution_late().then_some(SlaTarget::Resolution),
        ];
        let now = now.trunc_subsecs(0);
        let breached = self.breach_at().is_some_and(|at| at <= secs(now));
        if self.done {
            let state = if breached {
                SlaState::Breached
            } else {
                SlaState::Met
            };
            return Some(SlaReading {
                state,
                clock: None,
                missed,
            });
        }
        let (target, clock) = self.clock()?;
        let state = if breached {
            SlaState::Breached
        } else {
            clock.state(now)
        };
        Some(SlaReading {
            state,
            clock: Some((target, clock.remaining(now))),
            missed,
        })
    }

    pub fn state(&self, now: DateTime<Utc>) -> Option<SlaState> {
        self.reading(now).map(|r| r.state)
    }

    /// When the ticket breached, or will if nothing changes, in epoch seconds: the earliest
    /// deadline of a target met late or of the running clock. None while nothing can breach
    /// (every target met in time, or the clock paused in time). The ticket is breached at
    /// `now` exactly when this is at or before it (the store's `sla_breach_at`).
    pub fn breach_at(&self) -> Option<i64> {
        let first_due = self.first_response_due_at.map(secs);
        let resolution_due = self
            .resolution_due_at
            .map(|d| secs(d).saturating_add(self.paused_seconds.max(0)));
        let first_late = first_due.filter(|_| self.first_response_late());
        let other = if self.done {
            resolution_due.filter(|_| self.resolution_late())
        } else if self.awaiting_first_response() {
            first_due
        } else {
            match self.paused_since {
                None => resolution_due,
                Some(since) => resolution_due.filter(|due| *due <= secs(since)),
            }
        };
        match (first_late, other) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Where the ticket sits in "SLA due first" at `now`, in epoch seconds: the deadline of a
    /// running clock, `now` plus the frozen time left of a paused one, `NO_CLOCK_KEY` when no
    /// clock runs. Ascending keys are ascending time left (the store's `sla_due`/`sla_left`).
    pub fn order_key(&self, now: DateTime<Utc>) -> i64 {
        match self.clock() {
            None => NO_CLOCK_KEY,
            Some((_, c)) => match c.paused_since {
                None => secs(c.due_at).saturating_add(c.paused_seconds),
                Some(since) => secs(c.due_at)
                    .saturating_add(c.paused_seconds)
                    .saturating_sub(secs(since))
                    .saturating_add(secs(now)),
            },
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

    fn ticket(created: DateTime<Utc>, first_due: i64, resolution_due: i64) -> TicketSla {
        TicketSla {
            created_at: Some(created),
            first_response_due_at: Some(created + TimeDelta::minutes(first_due)),
            first_responded_at: None,
            resolution_due_at: Some(created + TimeDelta::minutes(resolution_due)),
            resolved_at: None,
            paused_seconds: 0,
            paused_since: None,
            done: false,
        }
    }

    #[test]
    fn a_new_ticket_counts_to_its_first_response() {
        let tk = ticket(t(8, 0), 60, 8 * 60);
        let r = tk.reading(t(8, 20)).unwrap();
        assert_eq!(
            r.clock,
            Some((SlaTarget::FirstResponse, TimeDelta::minutes(40)))
        );
        assert_eq!(r.state, SlaState::Ok);
        assert_eq!(tk.state(t(8, 50)), Some(SlaState::Warning));
        assert_eq!(tk.state(t(9, 0)), Some(SlaState::Breached));
        assert_eq!(tk.breach_at(), Some(t(9, 0).timestamp()));
        assert_eq!(tk.order_key(t(8, 20)), t(9, 0).timestamp());
        // Waiting on the customer does not stop the first-response clock.
        let pending = TicketSla {
            paused_since: Some(t(8, 10)),
            ..tk
        };
        assert_eq!(pending.state(t(9, 30)), Some(SlaState::Breached));
    }

    #[test]
    fn after_the_first_response_it_counts_to_the_resolution() {
        let tk = TicketSla {
            first_responded_at: Some(t(8, 30)),
            ..ticket(t(8, 0), 60, 8 * 60)
        };
        let r = tk.reading(t(10, 0)).unwrap();
        assert_eq!(r.clock, Some((SlaTarget::Resolution, TimeDelta::hours(6))));
        assert_eq!(r.state, SlaState::Ok);
        assert_eq!(tk.breach_at(), Some(t(16, 0).timestamp()));
    }

    #[test]
    fn a_late_first_response_stays_a_breach() {
        let tk = TicketSla {
            first_responded_at: Some(t(9, 30)),
            ..ticket(t(8, 0), 60, 8 * 60)
        };
        let r = tk.reading(t(10, 0)).unwrap();
        assert_eq!(r.state, SlaState::Breached);
        assert_eq!(r.missed, [Some(SlaTarget::FirstResponse), None]);
        assert_eq!(r.clock, Some((SlaTarget::Resolution, TimeDelta::hours(6))));
        assert_eq!(tk.breach_at(), Some(t(9, 0).timestamp()));
    }

    #[test]
    fn solved_tickets_keep_their_verdict() {
        let on_time = TicketSla {
            first_responded_at: Some(t(8, 30)),
            resolved_at: Some(t(12, 0)),
            done: true,
            ..ticket(t(8, 0), 60, 8 * 60)
        };
        assert_eq!(on_time.state(t(23, 0)), Some(SlaState::Met));
        assert_eq!(on_time.breach_at(), None);
        assert_eq!(on_time.order_key(t(23, 0)), NO_CLOCK_KEY);
        let late = TicketSla {
            first_responded_at: Some(t(10, 0)),
            resolved_at: Some(t(18, 0)),
            ..on_time
        };
        let r = late.reading(t(23, 0)).unwrap();
        assert_eq!(r.state, SlaState::Breached);
        assert_eq!(
            r.missed,
            [Some(SlaTarget::FirstResponse), Some(SlaTarget::Resolution)]
        );
        assert_eq!(r.clock, None);
        // Late by the clock only: the pauses moved the deadline past the solving.
        let paused = TicketSla {
            first_responded_at: Some(t(8, 30)),
            paused_seconds: 3 * 3600,
            ..late
        };
        assert_eq!(paused.state(t(23, 0)), Some(SlaState::Met));
        // Solved without any reply, after the first-response deadline.
        let silent = TicketSla {
            first_responded_at: None,
            ..on_time
        };
        assert_eq!(silent.state(t(23, 0)), Some(SlaState::Breached));
    }

    #[test]
    fn a_paused_resolution_clock_is_frozen_and_keeps_its_breach() {
        let tk = TicketSla {
            first_responded_at: Some(t(8, 30)),
            paused_seconds: 30 * 60,
            paused_since: Some(t(15, 0)),
            ..ticket(t(8, 0), 60, 8 * 60)
        };
        // Due 16:30 with the completed pause; paused at 15:00 with 1 h 30 left.
        for now in [t(15, 0), t(20, 0)] {
            let r = tk.reading(now).unwrap();
            assert_eq!(r.state, SlaState::Paused);
            assert_eq!(
                r.clock,
                Some((SlaTarget::Resolution, TimeDelta::minutes(90)))
            );
            assert_eq!(
                tk.order_key(now),
                (now + TimeDelta::minutes(90)).timestamp()
            );
        }
        assert_eq!(tk.breach_at(), None);
        let breached = TicketSla {
            paused_since: Some(t(17, 0)),
            ..tk
        };
        let r = breached.reading(t(20, 0)).unwrap();
        assert_eq!(r.state, SlaState::Breached);
        assert_eq!(
            r.clock,
            Some((SlaTarget::Resolution, TimeDelta::minutes(-30)))
        );
        assert_eq!(breached.breach_at(), Some(t(16, 30).timestamp()));
    }

    #[test]
    fn whole_seconds_as_the_database_counts() {
        let tk = ticket(t(8, 0), 60, 8 * 60);
        let just_before = t(9, 0) - TimeDelta::milliseconds(1);
        // 08:59:59.999 reads as 08:59:59: one second left, not yet breached.
        assert_eq!(tk.state(just_before), Some(SlaState::Warning));
        assert!(tk.breach_at().unwrap() > just_before.timestamp());
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
