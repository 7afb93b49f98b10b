//! Fraud flags on the demo's referrals: a few suspect ones planted so that every signal the
//! platform's data can raise shows (a shared phone on a referral with a reward due, a shared
//! payout account, a shared private e-mail domain, eleven sign-ups with one code in one
//! evening), then every referral's flags computed with the rules the back-office applies
//! (`domain::referral::signals`, stored as `service::referral_flags` stores them). A project
//! between referrer and referred comes from the projects themselves. `users` records no
//! sign-up address, so the same-address signal never shows.
//!
//! Planting changes only contact details of people already referred, and adds the burst's
//! accounts (clients who never did anything) after everything else is drawn: no project,
//! commission, reward or ticket changes.

use std::collections::HashMap;

use rand::Rng;
use serde_json::json;

use super::Money;
use crate::domain::referral::{FraudRules, Party, signals};
use crate::domain::{CommissionStatus, PayoutMethod, slugify};
use crate::seed::history::{Ev, K, St};
use crate::seed::people::{self, User};
use crate::seed::projects::Project;
use crate::seed::util::{self, Clock, DAY, HOUR, MINUTE, R, pick, weighted};
use crate::seed::words::WORDS;
use crate::service::bootstrap::{default_settings, keys};
use crate::service::referral_flags::stored_flags;

use super::referrals::Referral;

/// The program's fraud rules as `bootstrap` sets them.
fn rules() -> FraudRules {
    let setting = |name: &str, default: i64| {
        default_settings()
            .into_iter()
            .find(|(g, n, _)| *g == keys::REFERRALS && *n == name)
            .and_then(|(_, _, p)| p.as_i64())
            .unwrap_or(default)
    };
    FraudRules {
        same_address_minutes: setting(keys::REFERRAL_SAME_ADDRESS_MINUTES, 30),
        burst_per_day: setting(keys::REFERRAL_BURST_PER_DAY, 10),
    }
}

fn user(users: &[User], id: i64) -> &User {
    &users[(id - 1) as usize]
}

/// Whether two payout methods take the same kind of account (a phone, an IBAN, Stripe).
fn same_kind(a: PayoutMethod, b: PayoutMethod) -> bool {
    let kind = |m: PayoutMethod| match m {
        PayoutMethod::Bank => 1,
        PayoutMethod::Stripe => 2,
        _ => 0,
    };
    kind(a) == kind(b)
}

/// Plants the suspect referrals (demo only).
pub(crate) fn plant(
    seed: u64,
    clock: Clock,
    users: &mut Vec<User>,
    projects: &[Project],
    m: &mut Money,
    events: &mut Vec<Ev>,
) {
    let mut rng = util::rng(seed, "referral-suspects");
    let mut used: Vec<usize> = Vec::new();
    // A shared phone on a referral with a reward due, so the demo walks the four-eyes rule. The
    // newest due reward is left to an unflagged referral when another one can carry it.
    let due: Vec<(i64, i64)> = m
        .rewards
        .iter()
        .filter(|w| w.status == "pending")
        .map(|w| (w.id, w.referral))
        .collect();
    let newest = due.iter().max().map(|d| d.1);
    let phone = due
        .iter()
        .map(|d| d.1)
        .find(|r| Some(*r) != newest)
        .or(newest)
        .and_then(|id| m.referrals.iter().position(|r| r.id == id));
    if let Some(k) = phone {
        let (referrer, referred) = (m.referrals[k].referrer, m.referrals[k].referred);
        let shared = user(users, referrer).phone.clone();
        users[(referred - 1) as usize].phone = shared;
        used.push(k);
    }
    // A shared payout account between two developers paid the same way: a pair already
    // referred, else a developer who signed up with the other's code.
    let payable = |users: &[User], a: i64, b: i64| {
        matches!((&user(users, a).dev, &user(users, b).dev),
            (Some(x), Some(y)) if same_kind(x.payout, y.payout))
    };
    let payout = (0..m.referrals.len())
        .find(|k| {
            !used.contains(k) && payable(users, m.referrals[*k].referrer, m.referrals[*k].referred)
        })
        .or_else(|| adopt(users, projects, m, |users, o, x| payable(users, o, x)));
    if let Some(k) = payout {
        let r = &m.referrals[k];
        let account = user(users, r.referrer)
            .dev
            .as_ref()
            .map(|d| d.payout_account.clone());
        if let (Some(account), Some(d)) = (account, users[(r.referred - 1) as usize].dev.as_mut()) {
            d.payout_account = account;
        }
        used.push(k);
    }
    // A project between referrer and referred: a pair already referred, else someone who
    // signed up with the code of a person they worked with.
    let hired = |a: i64, b: i64| {
        projects
            .iter()
            .any(|p| (p.client, p.dev) == (a, Some(b)) || (p.client, p.dev) == (b, Some(a)))
    };
    let pair =
        (0..m.referrals.len()).find(|k| hired(m.referrals[*k].referrer, m.referrals[*k].referred));
    if let Some(k) = pair.or_else(|| adopt(users, projects, m, |_, o, x| hired(o, x))) {
        used.push(k);
    }
    // Colleagues: both write from the referrer's firm's own domain.
    let mail = (0..m.referrals.len())
        .filter(|k| !used.contains(k))
        .max_by_key(|k| user(users, m.referrals[*k].referrer).company.is_some());
    if let Some(k) = mail {
        let r = &m.referrals[k];
        let owner = user(users, r.referrer);
        let firm = match owner.company {
            Some(company) => slugify(company),
            None => format!(
                "cabinet-{}",
                slugify(owner.name.rsplit(' ').next().unwrap_or("conseil"))
            ),
        };
        let domain = format!("{firm}.{}", owner.city().country.to_lowercase());
        for id in [r.referrer, r.referred] {
            let u = &mut users[(id - 1) as usize];
            let local = u.email.split('@').next().unwrap_or_default().to_owned();
            u.email = format!("{local}@{domain}");
        }
    }
    burst(&mut rng, clock, users, m, events);
}

/// A referral, added at sign-up, of a platform user not referred yet by the owner of a code
/// that was open then, when `fits(users, owner, user)`; only someone whose paid commissions
/// would earn its referrer nothing (none, or only on projects with the owner), so the
/// rewards stay as drawn. Returns its index.
fn adopt(
    users: &[User],
    projects: &[Project],
    m: &mut Money,
    fits: impl Fn(&[User], i64, i64) -> bool,
) -> Option<usize> {
    let referred: Vec<i64> = m.referrals.iter().map(|r| r.referred).collect();
    let quiet = |x: &User, owner: i64| {
        m.commissions.iter().all(|c| {
            let p = &projects[c.project];
            let party = p.client == x.id || p.dev == Some(x.id);
            let owners = p.client == owner || p.dev == Some(owner);
            let paid = c.d.paid.filter(|_| c.d.status == CommissionStatus::Paid);
            !party || owners || paid.is_none_or(|(_, at)| at < x.created)
        })
    };
    let (k, x) = m.codes.iter().enumerate().find_map(|(k, c)| {
        let x = users.iter().find(|x| {
            x.staff.is_none()
                && x.id != c.user
                && !referred.contains(&x.id)
                && c.created < x.created - HOUR
                && c.max_uses.is_none_or(|max| c.uses < max)
                && c.expires.is_none_or(|e| e > x.created)
                && fits(users, c.user, x.id)
                && quiet(x, c.user)
        })?;
        Some((k, x))
    })?;
    let code = &mut m.codes[k];
    code.uses += 1;
    code.updated = code.updated.max(x.created);
    m.referrals.push(Referral {
        id: m.referrals.len() as i64 + 1,
        code: k,
        referrer: code.user,
        referred: x.id,
        created: x.created,
        flags: json!([]),
        checked: x.created,
    });
    Some(m.referrals.len() - 1)
}

/// One code handed out on a forum one evening: one sign-up more than the day's limit, accounts
/// that never did anything after.
fn burst(rng: &mut R, clock: Clock, users: &mut Vec<User>, m: &mut Money, events: &mut Vec<Ev>) {
    let n = rules().burst_per_day + 1;
    let a = clock.anchor;
    // An evening 20 to 120 days ago, after the code was made, while it still works.
    let day = (a - rng.random_range(20..120) * DAY).div_euclid(DAY) * DAY;
    let start = day + 19 * HOUR;
    let open = |k: &usize| {
        let c = &m.codes[*k];
        c.created < day
            && c.expires.is_none_or(|e| e > day + DAY)
            && c.max_uses.is_none_or(|max| c.uses + n <= max)
    };
    let Some(k) = (0..m.codes.len()).rev().find(open) else {
        return;
    };
    let mut at = start;
    for _ in 0..n {
        at += rng.random_range(2..7) * MINUTE + rng.random_range(0..60);
        let id = users.len() as i64 + 1;
        let city = weighted(rng, &WORDS.city_weights);
        let (first, _) = pick(rng, &WORDS.first);
        let name = format!("{first} {}", pick(rng, &WORDS.last));
        let local = slugify(&name).replace('-', ".");
        let verified = rng
            .random_bool(0.3)
            .then(|| at + rng.random_range(1..20) * MINUTE);
        events.push(Ev::new(at, id, K::Created, St::User, id));
        if let Some(v) = verified {
            events.push(Ev::new(v, id, K::Verified, St::User, id));
        }
        users.push(User {
            id,
            email: format!("{local}.{id}@example.com"),
            name,
            phone: people::phone(rng, city),
            locale: "fr",
            locale0: "fr",
            city,
            created: at,
            verified,
            deleted: None,
            updated: verified.unwrap_or(at),
            staff: None,
            client: true,
            company: None,
            client_bio: None,
            dev: None,
        });
        let code = &mut m.codes[k];
        code.uses += 1;
        code.updated = code.updated.max(at);
        m.referrals.push(Referral {
            id: m.referrals.len() as i64 + 1,
            code: k,
            referrer: code.user,
            referred: id,
            created: at,
            flags: json!([]),
            checked: at,
        });
    }
}

/// Every referral's flags from the world as generated, checked when it was recorded (or when
/// the first project between the two was assigned, for a flag that came then).
pub(crate) fn flag(users: &[User], projects: &[Project], m: &mut Money) {
    let rules = rules();
    let mut between: HashMap<(i64, i64), Vec<&Project>> = HashMap::new();
    for p in projects {
        if let Some(dev) = p.dev {
            let pair = (p.client.min(dev), p.client.max(dev));
            between.entry(pair).or_default().push(p);
        }
    }
    // Per code and day: the uses, and the last of them (a burst shows once it is complete).
    let mut per_day: HashMap<(usize, i64), (i64, i64)> = HashMap::new();
    for r in &m.referrals {
        let day = per_day
            .entry((r.code, r.created.div_euclid(DAY)))
            .or_default();
        *day = (day.0 + 1, day.1.max(r.created));
    }
    let client_payouts: HashMap<i64, String> = m
        .codes
        .iter()
        .filter_map(|c| Some((c.user, c.client_payout.clone()?)))
        .collect();
    let party = |id: i64| {
        let u = user(users, id);
        Party {
            user_id: id,
            email: u.email.clone(),
            phone: Some(u.phone.clone()),
            payout_account: u
                .dev
                .as_ref()
                .map(|d| d.payout_account.clone())
                .or_else(|| client_payouts.get(&id).cloned()),
            signed_up_at: Some(util::ts(u.created)),
            signup_address: None,
        }
    };
    for r in &mut m.referrals {
        let (referrer, referred) = (party(r.referrer), party(r.referred));
        let pair = (r.referrer.min(r.referred), r.referrer.max(r.referred));
        let hired = between.get(&pair).map(Vec::as_slice).unwrap_or_default();
        let ids: Vec<i64> = hired.iter().map(|p| p.id).collect();
        let (uses, last) = per_day[&(r.code, r.created.div_euclid(DAY))];
        let found = signals(&referrer, &referred, &ids, uses, &rules);
        r.flags = stored_flags(&found, &referrer, Some(util::date(r.created)));
        let first = hired.iter().min_by_key(|p| p.id);
        let hired_at = first.map(|p| p.assigned_at.unwrap_or(p.created));
        let burst_at = (uses > rules.burst_per_day).then_some(last);
        r.checked = [Some(r.created), hired_at, burst_at]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(r.created);
    }
}
