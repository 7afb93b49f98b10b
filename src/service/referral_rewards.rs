//! Referral rewards from money that moved: when a referred party's platform commission is
//! paid, each referral that brought its client or developer earns a held reward in the same
//! transaction (rate × commission, capped, in its currency; never outside the attribution
//! window, never to a party of the project). A held reward is pending approval once its hold
//! has passed (`due_at`): read so, nothing is written when time passes.

use chrono::{DateTime, Utc};

use crate::domain::UseCase;
use crate::domain::referral::{Attribution, RewardRule, due_at, reward_for};
use crate::store::commissions::CommissionRow;
use crate::store::referral_rewards::{self as stored, NewReward, RewardRow};
use crate::store::{self, Db, Tx};

use super::bootstrap::keys;
use super::{Actor, Result, access};

/// A reward the payment earned: (referral, amount in the commission's currency).
pub type Earned = (i64, i64);

async fn setting(tx: &mut Tx, name: &str, default: i64) -> Result<i64> {
    let row = store::settings::get(tx, keys::REFERRALS, name).await?;
    Ok(row.and_then(|r| r.payload.as_i64()).unwrap_or(default))
}

/// The code's rule in `currency`: its rate and that currency's caps.
fn rule(a: &stored::Attributed, currency: &str) -> RewardRule {
    let caps = a.reward_caps.as_ref().and_then(|c| c.get(currency));
    let cap = |name: &str| caps.and_then(|c| c.get(name)).and_then(|v| v.as_i64());
    RewardRule {
        rate_bps: a.reward_rate_bps,
        cap_per_reward: cap("per_reward"),
        cap_per_referral: cap("per_referral"),
    }
}

/// Inside the payment's transaction: the held rewards platform commission `row`, paid at
/// `paid_at`, earns its referrers. One per referral × commission (a unique key). When it
/// earned any, the rollup counts the commission once as referred revenue and the rewards as
/// earned (`analytics::bump_referral`).
pub(crate) async fn earn(
    tx: &mut Tx,
    row: &CommissionRow,
    paid_at: DateTime<Utc>,
) -> Result<Vec<Earned>> {
    let parties: Vec<i64> = std::iter::once(row.client_id)
        .chain(row.developer_id)
        .collect();
    let attributed = stored::attributions(tx, &parties).await?;
    if attributed.is_empty() {
        return Ok(Vec::new());
    }
    let window = setting(tx, keys::REFERRAL_WINDOW_MONTHS, 12).await?.max(0) as u32;
    let hold = setting(tx, keys::REFERRAL_HOLD_DAYS, 30).await?;
    let mut earned = Vec::new();
    for a in &attributed {
        // A referral without a recorded sign-up time earns nothing: its window is unknown.
        let Some(referred_at) = a.referred_at else {
            continue;
        };
        let who = Attribution {
            referrer_id: a.referrer_id,
            referred_id: a.referred_user_id,
            referred_at,
            client_id: row.client_id,
            developer_id: row.developer_id,
        };
        stored::lock_referral(tx, a.referral_id).await?;
        let before = stored::earned(tx, a.referral_id, &row.currency).await?;
        let reward = reward_for(
            &who,
            row.amount,
            paid_at,
            window,
            &rule(a, &row.currency),
            before,
        )?;
        let Ok(amount) = reward else { continue };
        let new = NewReward {
            referral_id: a.referral_id,
            commission_id: row.id,
            amount,
            currency: &row.currency,
            due_at: due_at(paid_at, hold),
            now: paid_at,
        };
        if stored::insert_held(tx, &new).await? {
            earned.push((a.referral_id, amount));
        }
    }
    if !earned.is_empty() {
        let amounts = earned.iter().map(|(_, amount)| *amount);
        super::analytics::bump_referral(tx, paid_at, &row.currency, row.amount, amounts).await?;
    }
    Ok(earned)
}

/// The rewards of one status (or all), newest first: any staff member may read them.
pub async fn list(
    db: &Db,
    actor: &Actor,
    status: Option<&str>,
    limit: u64,
) -> Result<Vec<RewardRow>> {
    access::authorize(db, actor, UseCase::DataRead).await?;
    Ok(stored::list(&mut db.clone(), status, super::now(), limit).await?)
}
