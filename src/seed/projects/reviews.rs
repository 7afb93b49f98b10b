//! Reviews of completed projects, client and developer each way, some hidden by moderation.

use rand::Rng;

use super::Project;
use crate::domain::ProjectStatus;
use crate::seed::OPS;
use crate::seed::history::{Ev, K, St};
use crate::seed::util::{self, Clock, DAY, HOUR, MINUTE, after, pick, weighted};
use crate::seed::words::WORDS;

pub(crate) struct Review {
    pub id: i64,
    pub project: i64,
    pub reviewer: i64,
    pub reviewee: i64,
    pub rating: i64,
    pub comment: Option<&'static str>,
    pub created: i64,
    pub hidden: Option<(i64, &'static str)>,
}

pub(in crate::seed) fn reviews(
    seed: u64,
    clock: Clock,
    projects: &[Project],
    events: &mut Vec<Ev>,
) -> Vec<Review> {
    let mut rng = util::rng(seed, "reviews");
    let mut out = Vec::new();
    for p in projects {
        let (Some(done), Some(dev)) = (p.completed_at, p.dev) else {
            continue;
        };
        if p.status != ProjectStatus::Completed {
            continue;
        }
        for (reviewer, reviewee, share) in [(p.client, dev, 0.8), (dev, p.client, 0.55)] {
            if !rng.random_bool(share) {
                continue;
            }
            let at = after(&mut rng, done, HOUR, 10 * DAY, clock.anchor - MINUTE);
            if at <= done {
                continue;
            }
            let rating = [5, 4, 3, 2, 1][weighted(&mut rng, &[45, 35, 12, 5, 3])];
            let comments: Vec<&'static str> = WORDS
                .reviews
                .iter()
                .filter(|r| r.0 == rating)
                .map(|r| r.1)
                .collect();
            let comment =
                (rng.random_bool(0.7) && !comments.is_empty()).then(|| pick(&mut rng, &comments));
            let hidden = (rating <= 2 && comment.is_some() && rng.random_bool(0.3)).then(|| {
                (
                    after(&mut rng, at, HOUR, 3 * DAY, clock.anchor),
                    "Signalé par l'autre partie : propos injurieux",
                )
            });
            out.push(Review {
                id: 0,
                project: p.id,
                reviewer,
                reviewee,
                rating,
                comment,
                created: at,
                hidden,
            });
        }
    }
    out.sort_by_key(|r| r.created);
    for (k, r) in out.iter_mut().enumerate() {
        r.id = k as i64 + 1;
        let mut ev = Ev::new(r.created, r.reviewer, K::Created, St::Review, r.id);
        ev.a = r.project;
        events.push(ev);
        if let Some((at, _)) = r.hidden {
            events.push(Ev::new(at, OPS, K::Hidden, St::Review, r.id));
        }
    }
    out
}
