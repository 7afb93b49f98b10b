//! Whether anything is delivering webhooks, as the webhooks view and its toasts say it: a
//! worker holds the workers' lease, or attempts that are due wait with no worker to send them
//! (a database named with `--database-url` has no worker unless someone starts `obryl
//! worker` on it). Read with the list (`store::delivery_watch::pulse`), shown above it.

use chrono::{DateTime, Duration, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::domain::Locale;
use crate::office::format;
use crate::store::delivery_watch::Pulse;
use crate::tr;
use crate::ui::screens::Ctx;
use crate::ui::widgets::detail::Tone;

/// How long past its end a worker's lease still counts: the lease is renewed once per jobs
/// round, a moment after it ends.
const LEASE_GRACE: Duration = Duration::seconds(30);
/// An attempt made this recently shows someone delivers.
const RECENT: Duration = Duration::seconds(120);
/// How long a due attempt may wait unclaimed before nobody is said to deliver it (a busy
/// worker works through a backlog in seconds).
const STALL_AFTER: Duration = Duration::seconds(60);

/// What the view says about delivery.
#[derive(Clone, Debug, PartialEq)]
pub enum Delivery {
    /// A worker runs and nothing due waits on it.
    Running { last: Option<DateTime<Utc>> },
    /// No worker runs; nothing due waits yet (what is queued will).
    Stopped { last: Option<DateTime<Utc>> },
    /// Attempts due since `since` wait unclaimed: no worker delivers them (`worker`: one runs,
    /// but does not deliver).
    Stalled { since: DateTime<Utc>, worker: bool },
}

impl Delivery {
    pub fn of(p: &Pulse, now: DateTime<Utc>) -> Delivery {
        // A worker's lease, or an attempt made a moment ago (a worker that may only deliver
        // holds no lease on PostgreSQL).
        let worker = p
            .worker
            .as_ref()
            .is_some_and(|(_, until)| *until + LEASE_GRACE > now)
            || p.last_attempt.is_some_and(|t| t + RECENT > now);
        match p.waiting_since {
            Some(since) if since + STALL_AFTER <= now => Delivery::Stalled { since, worker },
            _ if worker => Delivery::Running {
                last: p.last_attempt,
            },
            _ => Delivery::Stopped {
                last: p.last_attempt,
            },
        }
    }

    pub fn delivering(&self) -> bool {
        matches!(self, Delivery::Running { .. })
    }

    /// What the view says: the state, then what to do (nothing to do when delivering).
    pub fn lines(&self, now: DateTime<Utc>, locale: Locale) -> Vec<(String, Tone)> {
        let when = |t: Option<DateTime<Utc>>| match t {
            Some(_) => format::when(t, now, locale),
            None => tr(locale, "webhooks_view.worker_never", &[]),
        };
        let start = (tr(locale, "webhooks_view.worker_start", &[]), Tone::Plain);
        match self {
            Delivery::Running { last } => vec![(
                tr(
                    locale,
                    "webhooks_view.worker_running",
                    &[("last", &when(*last))],
                ),
                Tone::Ok,
            )],
            Delivery::Stopped { last } => vec![
                (
                    tr(
                        locale,
                        "webhooks_view.worker_none",
                        &[("last", &when(*last))],
                    ),
                    Tone::Warning,
                ),
                start,
            ],
            Delivery::Stalled { since, worker } => {
                // A moment, not a duration: the banner may be read long after.
                let since = format::absolute(Some(*since), locale);
                let key = match worker {
                    true => "webhooks_view.worker_stuck",
                    false => "webhooks_view.worker_stalled",
                };
                let mut out = vec![(tr(locale, key, &[("since", &since)]), Tone::Danger)];
                if !worker {
                    out.push(start);
                }
                out
            }
        }
    }

    /// The toast after `T`: on its way when a worker delivers, else queued and waiting, and
    /// how to start a worker.
    pub fn test_toast(&self, id: i64, locale: Locale) -> String {
        let id = id.to_string();
        match self {
            Delivery::Running { .. } => tr(locale, "webhooks_view.test_toast", &[("id", &id)]),
            Delivery::Stalled { worker: true, .. } => {
                tr(locale, "webhooks_view.test_stuck", &[("id", &id)])
            }
            _ => tr(locale, "webhooks_view.test_waiting", &[("id", &id)]),
        }
    }
}

/// `text` cut into lines of at most `width` columns, at spaces where it can.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let (lw, ww) = (
            unicode_width::UnicodeWidthStr::width(line.as_str()),
            unicode_width::UnicodeWidthStr::width(word),
        );
        if !line.is_empty() && lw + 1 + ww > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        // A word longer than the line is cut where the line ends.
        while unicode_width::UnicodeWidthStr::width(line.as_str()) > width {
            let mut used = 0;
            let cut = line
                .char_indices()
                .find(|(_, c)| {
                    used += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
                    used > width
                })
                .map_or(line.len(), |(i, c)| if i == 0 { c.len_utf8() } else { i });
            let rest = line.split_off(cut);
            out.push(std::mem::replace(&mut line, rest));
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// Rows the banner needs in `width` columns, whichever language it is drawn in and however
/// its times read when it is drawn (a few columns to spare).
pub fn height(d: &Delivery, now: DateTime<Utc>, width: u16) -> u16 {
    let room = usize::from(width.saturating_sub(4).max(8));
    Locale::ALL
        .iter()
        .map(|l| {
            d.lines(now, *l)
                .iter()
                .map(|(t, _)| wrap(t, room).len())
                .sum::<usize>()
        })
        .max()
        .and_then(|n| u16::try_from(n).ok())
        .unwrap_or(1)
}

/// Draws the banner in `area`, every line whole (wrapped, never cut).
pub fn draw(d: &Delivery, f: &mut Frame, area: Rect, ctx: &Ctx, now: DateTime<Utc>) {
    let mut lines = Vec::new();
    for (text, tone) in d.lines(now, ctx.locale) {
        for part in wrap(&text, area.width.into()) {
            lines.push(Line::from(Span::styled(part, tone.style(ctx.theme))));
        }
    }
    f.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap()
    }

    #[test]
    fn a_lease_or_waiting_attempts_say_who_delivers() {
        let now = at(0);
        let running = Pulse {
            worker: Some(("host:1:ab".into(), at(20))),
            waiting_since: None,
            last_attempt: Some(at(-5)),
        };
        assert!(Delivery::of(&running, now).delivering());
        // Just past the lease's end, before its renewal: still running.
        let renewing = Pulse {
            worker: Some(("host:1:ab".into(), at(-10))),
            ..running.clone()
        };
        assert!(Delivery::of(&renewing, now).delivering());
        let gone = Pulse {
            worker: Some(("host:1:ab".into(), at(-120))),
            last_attempt: Some(at(-3600)),
            ..running.clone()
        };
        assert_eq!(
            Delivery::of(&gone, now),
            Delivery::Stopped {
                last: Some(at(-3600))
            }
        );
        // No lease, but an attempt a moment ago: someone delivers.
        let leaseless = Pulse {
            worker: None,
            ..running.clone()
        };
        assert!(Delivery::of(&leaseless, now).delivering());
        assert_eq!(
            Delivery::of(&Pulse::default(), now),
            Delivery::Stopped { last: None }
        );
        // Due a moment ago: a worker will take it. Due long ago: nobody delivers.
        let due = Pulse {
            waiting_since: Some(at(-10)),
            ..running.clone()
        };
        assert!(Delivery::of(&due, now).delivering());
        let stalled = Pulse {
            waiting_since: Some(at(-600)),
            ..running
        };
        assert_eq!(
            Delivery::of(&stalled, now),
            Delivery::Stalled {
                since: at(-600),
                worker: true
            }
        );
    }

    #[test]
    fn every_state_says_how_to_start_a_worker_unless_one_delivers() {
        let now = at(0);
        for l in Locale::ALL {
            let stopped = Delivery::Stopped { last: None }.lines(now, *l);
            assert!(stopped.iter().any(|(t, _)| t.contains("obryl --as")));
            let running = Delivery::Running { last: None }.lines(now, *l);
            assert_eq!(running.len(), 1);
            let toast = Delivery::Stopped { last: None }.test_toast(4, *l);
            assert!(
                toast.contains("obryl --as") && toast.contains('4'),
                "{toast}"
            );
        }
    }

    #[test]
    fn wrapping_keeps_every_word() {
        let text = "No worker is delivering: what is queued waits until one runs.";
        for width in [10, 20, 33, 80] {
            let lines = wrap(text, width);
            assert!(
                lines.iter().all(|l| l.chars().count() <= width),
                "{lines:?}"
            );
            assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
            if width >= 20 {
                assert_eq!(lines.join(" "), text);
            }
        }
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }
}
