//! Bearer tokens: `Authorization: Bearer ID|SECRET` is checked against its row (401 without a
//! token, with a wrong, expired or orphaned one), then counted against the token's rate (429),
//! before the route checks its ability (403). The token's last use is written at most once a
//! minute. Nothing here logs or echoes what was presented.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::domain::api_token::Ability;
use crate::service::tokens::{self, Bearer, Refusal, Verdict};
use crate::store::tokens::TOUCH_EVERY;

use super::Api;
use super::problem::Problem;

/// The token that made a request, for the request log (set on the response).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenId(pub i64);

/// The token of the request, as a route sees it.
#[derive(Clone, Debug)]
pub struct Caller(pub Bearer);

impl Caller {
    /// 403 unless the token holds `ability` (or `*`).
    pub fn require(&self, ability: Ability) -> Result<(), Problem> {
        if self.0.can(ability) {
            Ok(())
        } else {
            Err(Problem::forbidden(ability.as_str()))
        }
    }
}

/// The token part of an `Authorization` value using the Bearer scheme (any case).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn refused(r: Refusal) -> Problem {
    let detail = match r {
        Refusal::Malformed | Refusal::Unknown => {
            "the token is not valid; send it as it was shown at creation: Authorization: Bearer ID|TOKEN"
        }
        Refusal::Expired => "the token has expired; create a new one",
        Refusal::OwnerGone => "the account this token belongs to was deleted; create a new one",
    };
    Problem::unauthorized(detail, true)
}

pub async fn authenticate(State(api): State<Arc<Api>>, mut req: Request, next: Next) -> Response {
    let presented = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer)
        .map(str::to_owned);
    let Some(presented) = presented else {
        return Problem::unauthorized("send a token: Authorization: Bearer ID|TOKEN", false)
            .into_response();
    };
    let now = crate::service::now();
    let bearer = match tokens::authenticate(&api.db, &presented, now).await {
        Ok(Verdict::Valid(b)) => b,
        Ok(Verdict::Refused(r)) => return refused(r).into_response(),
        Err(e) => return Problem::from(e).into_response(),
    };
    drop(presented);
    let id = bearer.token_id;
    let mut response = match api.limiter.take(id, Instant::now()) {
        Err(wait) => Problem::rate_limited(api.limiter.rate(), wait).into_response(),
        Ok(()) => {
            api.touches.record(&api.db, &bearer, now);
            req.extensions_mut().insert(Caller(bearer));
            next.run(req).await
        }
    };
    response.extensions_mut().insert(TokenId(id));
    response
}

/// When each token's last use was last written by this process, so a token in constant use
/// costs one write a minute and no query at the other requests.
#[derive(Default)]
pub struct Touches {
    last: Mutex<HashMap<i64, Instant>>,
}

impl Touches {
    /// Writes `bearer`'s last use in the background unless it was written less than a minute
    /// ago (by this process, or by any as its row says). Returns whether a write was started.
    pub fn record(
        &self,
        db: &crate::store::Db,
        bearer: &Bearer,
        now: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        let every = TOUCH_EVERY.to_std().unwrap_or(Duration::from_secs(60));
        let instant = Instant::now();
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(at) = last.get(&bearer.token_id)
            && instant.saturating_duration_since(*at) < every
        {
            return false;
        }
        // Written recently by another process (or before a restart): remember when.
        if let Some(age) = bearer
            .last_used_at
            .and_then(|at| (now - at).to_std().ok())
            .filter(|age| *age < every)
        {
            last.insert(bearer.token_id, instant.checked_sub(age).unwrap_or(instant));
            return false;
        }
        last.insert(bearer.token_id, instant);
        drop(last);
        let (db, id) = (db.clone(), bearer.token_id);
        tokio::spawn(async move {
            if let Err(e) = tokens::mark_used(&db, id, now).await {
                tracing::warn!(target: "obryl::api", token_id = id, error = %e, "last use not recorded");
            }
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_bearer_scheme_is_read() {
        assert_eq!(bearer("Bearer 1|abc"), Some("1|abc"));
        assert_eq!(bearer("bearer   1|abc "), Some("1|abc"));
        assert_eq!(bearer("Basic dXNlcg=="), None);
        assert_eq!(bearer("Bearer"), None);
    }
}
