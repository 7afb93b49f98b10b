//! Referral codes, the people who signed up with them, and the rewards their referrers earn
//! on the commissions of the projects those people took part in.

use rand::Rng;

use super::Terms;
use super::commissions::Commission;
use crate::domain::referral::{RewardRule, reward_amount};
use crate::domain::{CommissionStatus, Currency, PayoutMethod};
use crate::seed::Plan;
use crate::seed::people::User;
use crate::seed::projects::Project;
use crate::seed::util::{self, DAY, HOUR, MINUTE, Sink, after, i, j, oi, ot, pick, s, t};
use crate::service::ServiceError;
use crate::store::{StoreError, schema};

pub(crate) struct RefCode {
    pub id: i64,
    pub user: i64,
    pub code: String,
    pub rate_bps: i64,
    pub max_uses: Option<i64>,
    pub uses: i64,
    pub expires: Option<i64>,
    pub created: i64,
    pub updated: i64,
    /// Where the owner is paid: a developer's payout method, or the one a client who hands
    /// out a code registers on their client profile (the account is written with it).
    pub payout: PayoutMethod,
    pub client_payout: Option<String>,
}

pub(crate) struct Referral {
    pub id: i64,
    pub code: usize,
    pub referrer: i64,
    pub referred: i64,
    pub created: i64,
    /// Its fraud signals as stored (`suspects::flag`), and when they were computed.
    pub flags: serde_json::Value,
    pub checked: i64,
}

pub(crate) struct Reward {
    pub id: i64,
    pub referral: i64,
    pub commission: usize,
    pub amount: i64,
    pub currency: Currency,
    /// How its referrer is paid.
    pub method: PayoutMethod,
    pub status: &'static str,
    /// The transfer that made it owed (once approved).
    pub transfer: Option<i64>,
    pub created: i64,
    pub updated: i64,
    pub approved: Option<i64>,
    /// When a payout paid it, and which (a payment id once payments are numbered).
    pub paid: Option<i64>,
    pub payout: Option<i64>,
    /// When a refund clawed it back, and the transfer that did.
    pub clawed: Option<i64>,
    pub clawback: Option<i64>,
}

/// The codes, the referrals made with them and the rewards on live commissions.
#[allow(clippy::type_complexity)]
pub(super) fn build(
    plan: &Plan,
    terms: &Terms,
    users: &[User],
    projects: &[Project],
    commissions: &[Commission],
) -> Result<(Vec<RefCode>, Vec<Referral>, Vec<Reward>), ServiceError> {
    let (seed, a) = (terms.seed, terms.a);
    let mut rng = util::rng(seed, "referrals");
    let platform: Vec<&User> = users.iter().filter(|u| u.staff.is_none()).collect();
    let mut codes: Vec<RefCode> = Vec::new();
    let early: Vec<&&User> = platform
        .iter()
        .filter(|u| u.created < a - 60 * DAY)
        .collect();
    let mut taken = vec![false; users.len() + 1];
    for _ in 0..plan.referral_codes.min(early.len()) {
        let mut u = pick(&mut rng, &early);
        while taken[u.id as usize] {
            u = pick(&mut rng, &early);
        }
        taken[u.id as usize] = true;
        let created = after(&mut rng, u.created, DAY, 60 * DAY, a - DAY);
        let first = u.name.split(' ').next().unwrap_or("OBRYL");
        let mut stem: String = crate::domain::slugify(first)
            .replace('-', "")
            .to_uppercase();
        stem.truncate(8);
        codes.push(RefCode {
            id: 0,
            user: u.id,
            code: String::new(),
            rate_bps: if rng.random_bool(0.7) { 1_000 } else { 2_000 },
            max_uses: rng.random_bool(0.5).then(|| pick(&mut rng, &[10, 25, 50])),
            uses: 0,
            expires: rng.random_bool(0.6).then_some(created + 365 * DAY),
            created,
            updated: created,
            payout: PayoutMethod::Bank,
            client_payout: None,
        });
        let c = codes.last_mut().expect("just pushed");
        c.code = stem;
    }
    codes.sort_by_key(|c| c.created);
    // Drawn apart, so that the codes and referrals stay as they were.
    let mut payouts = util::rng(seed, "referrer_payouts");
    for c in &mut codes {
        let u = &users[(c.user - 1) as usize];
        match &u.dev {
            Some(d) => c.payout = d.payout,
            None => {
                let (method, account) = crate::seed::people::payout(&mut payouts, u.city, &u.phone);
                (c.payout, c.client_payout) = (method, Some(account));
            }
        }
    }
    for (k, c) in codes.iter_mut().enumerate() {
        c.id = k as i64 + 1;
        c.code = format!(
            "{}-{}{}",
            c.code,
            radix36(c.id),
            util::alnum(&mut rng, 2).to_uppercase()
        );
    }
    let mut referrals: Vec<Referral> = Vec::new();
    let mut referred_by: Vec<Option<usize>> = vec![None; users.len() + 1];
    for u in &platform {
        if !rng.random_bool(plan.referral_share) {
            continue;
        }
        let n = codes.partition_point(|c| c.created < u.created - HOUR);
        if n == 0 {
            continue;
        }
        for _ in 0..10 {
            let k = rng.random_range(0..n);
            let c = &codes[k];
            let open =
                c.max_uses.is_none_or(|m| c.uses < m) && c.expires.is_none_or(|e| e > u.created);
            if c.user != u.id && open {
                let c = &mut codes[k];
                c.uses += 1;
                c.updated = c.updated.max(u.created);
                referrals.push(Referral {
                    id: referrals.len() as i64 + 1,
                    code: k,
                    referrer: c.user,
                    referred: u.id,
                    created: u.created,
                    flags: serde_json::json!([]),
                    checked: u.created,
                });
                referred_by[u.id as usize] = Some(referrals.len() - 1);
                break;
            }
        }
    }
    // Rewards come from money that moved: a paid platform commission of a project whose
    // client or developer was referred earns each of their referrals one reward, within the
    // window, to a referrer not party to it (caps count per referral and currency).
    let mut rewards: Vec<Reward> = Vec::new();
    let mut earned: Vec<[i64; 3]> = vec![[0; 3]; referrals.len()];
    for (k, c) in commissions.iter().enumerate() {
        let Some((_, paid_at)) = c.d.paid.filter(|_| c.d.status == CommissionStatus::Paid) else {
            continue;
        };
        let p = &projects[c.project];
        let via = [Some(p.client), p.dev]
            .into_iter()
            .flatten()
            .filter_map(|u| referred_by[u as usize].filter(|r| referrals[*r].created <= paid_at));
        for r in via {
            let Some(reward) = earn(
                &mut rng,
                (terms, p),
                (&codes, &referrals, r, &mut earned[r]),
                (k, c, paid_at),
                rewards.len() as i64 + 1,
            )?
            else {
                continue;
            };
            rewards.push(reward);
        }
    }
    // A paid reward can end clawed back; when chance clawed none back (the demo's few), the
    // first of two or more paid ones was, a day after its payout.
    let paid: Vec<usize> = (0..rewards.len())
        .filter(|k| rewards[*k].status == "paid")
        .collect();
    if paid.len() >= 2 && !rewards.iter().any(|r| r.status == "clawed_back") {
        let r = &mut rewards[paid[0]];
        let back = r.paid.map_or(a, |out| (out + DAY).min(a - MINUTE));
        (r.status, r.updated, r.clawed) = ("clawed_back", back, Some(back));
    }
    Ok((codes, referrals, rewards))
}

/// The reward referral `r` earns on commission `k` paid at `paid_at`, with where it stands
/// at the anchor; none to a party of the project, outside the window or above the caps.
#[allow(clippy::type_complexity)]
fn earn(
    rng: &mut util::R,
    (terms, p): (&Terms, &Project),
    (codes, referrals, r, earned): (&[RefCode], &[Referral], usize, &mut [i64; 3]),
    (k, c, paid_at): (usize, &Commission, i64),
    id: i64,
) -> Result<Option<Reward>, ServiceError> {
    let a = terms.a;
    let referral = &referrals[r];
    let code = &codes[referral.code];
    if code.user == p.client || p.dev == Some(code.user) {
        return Ok(None);
    }
    let within = paid_at < referral.created + WINDOW_MONTHS * 30 * DAY;
    let caps = caps(code.id);
    let cap = |name: &str| {
        caps.get(c.currency.code())
            .and_then(|c| c.get(name))
            .and_then(|v| v.as_i64())
    };
    let rule = RewardRule {
        rate_bps: code.rate_bps,
        cap_per_reward: cap("per_reward"),
        cap_per_referral: cap("per_referral"),
    };
    let cur = super::cur_index(c.currency) as usize;
    let amount = reward_amount(c.amount, &rule, earned[cur])?;
    if !within || amount == 0 {
        return Ok(None);
    }
    earned[cur] += amount;
    let due = paid_at + HOLD_DAYS * DAY;
    // Held while the hold runs; past it, pending, approved or paid as finance got to it
    // (every referrer has a payout method: a client handing out a code registers one); a
    // few rejected, cancelled, or clawed back after they were paid, because the client was
    // refunded.
    let (mut status, mut updated) = ("held", paid_at);
    let (mut approved, mut paid, mut clawed) = (None, None, None);
    if due <= a {
        let at = after(rng, due, HOUR, 5 * DAY, a - 3 * MINUTE);
        let out = after(rng, at, HOUR, 2 * DAY, a - 2 * MINUTE);
        let back = after(rng, out, HOUR, 3 * DAY, a - MINUTE);
        (status, updated) = match rng.random_range(0..20) {
            0..7 => ("pending", due),
            7 if id % 2 == 0 => ("rejected", at),
            7 => ("cancelled", at),
            8..13 => ("approved", at),
            13..18 => ("paid", out),
            _ => ("clawed_back", back),
        };
        approved = matches!(status, "approved" | "paid" | "clawed_back").then_some(at);
        paid = matches!(status, "paid" | "clawed_back").then_some(out);
        clawed = (status == "clawed_back").then_some(back);
    }
    Ok(Some(Reward {
        id,
        referral: referral.id,
        commission: k,
        amount,
        currency: c.currency,
        method: code.payout,
        status,
        transfer: None,
        created: paid_at,
        updated,
        approved,
        paid,
        payout: None,
        clawed,
        clawback: None,
    }))
}

fn radix36(mut n: i64) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Every third code caps its rewards, in the currencies most projects are paid in.
fn caps(id: i64) -> serde_json::Value {
    if id % 3 != 0 {
        return serde_json::json!({});
    }
    serde_json::json!({
        "XOF": {"per_reward": 25_000, "per_referral": 100_000},
        "EUR": {"per_reward": 4_000, "per_referral": 15_000},
    })
}

/// The program's default hold (`referrals.hold_days`): a reward is due this long after it
/// was earned.
const HOLD_DAYS: i64 = 30;

/// The program's attribution window (`referrals.window_months`), counted in 30-day months.
const WINDOW_MONTHS: i64 = 12;

/// The referral tables (written after the payments, in foreign-key order).
pub(super) async fn write(
    m: &super::Money,
    sink: Sink<'_>,
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    let mut table = sink.table(schema::REFERRAL_CODES, m.codes.len() as u64);
    for c in &m.codes {
        table
            .push(vec![
                i(c.id),
                i(c.user),
                s(c.code.as_str()),
                i(c.rate_bps),
                oi(c.max_uses),
                i(c.uses),
                ot(c.expires),
                t(c.created),
                t(c.updated),
                j(caps(c.id)),
                oi(None),
                // Every ninth code was disabled by the operator after its last use.
                ot((c.id % 9 == 0).then_some(c.updated)),
                oi(None),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let mut table = sink.table(schema::REFERRALS, m.referrals.len() as u64);
    for r in &m.referrals {
        table
            .push(vec![
                i(r.id),
                i(m.codes[r.code].id),
                i(r.referrer),
                i(r.referred),
                t(r.created),
                t(r.created),
                j(r.flags.clone()),
                t(r.checked),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let mut table = sink.table(schema::REFERRAL_REWARDS, m.rewards.len() as u64);
    for r in &m.rewards {
        let lock = match r.status {
            "clawed_back" => 3,
            "paid" => 2,
            "approved" | "cancelled" | "rejected" => 1,
            _ => 0,
        };
        let reason = match r.status {
            "cancelled" | "clawed_back" => Some("escrow refunded to the client"),
            "rejected" => Some("the referred account belongs to the referrer's own company"),
            _ => None,
        };
        let rejected = (r.status == "rejected").then_some(r.updated);
        table
            .push(vec![
                i(r.id),
                i(r.referral),
                i(m.commissions[r.commission].id),
                i(r.amount),
                s(r.currency.code()),
                s(r.status),
                oi(r.transfer),
                i(lock),
                t(r.created),
                t(r.updated),
                t(r.created + HOLD_DAYS * DAY),
                oi(None),
                ot(None),
                oi(None),
                ot(r.approved),
                oi(rejected.map(|_| crate::seed::FINANCE[1])),
                ot(rejected),
                reason.map(str::to_owned).into(),
                ot((r.status == "cancelled").then_some(r.updated)),
                oi(r.clawback),
                oi(r.payout),
                oi(None),
                ot(None),
            ])
            .await?;
    }
    report.push(table.finish().await?);
    Ok(())
}
