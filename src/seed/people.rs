//! Users: the seven staff accounts, then clients and developers (a few are both) with their
//! profiles and spatie roles.

use rand::Rng;
use rand::seq::SliceRandom;
use serde_json::json;

use super::history::{Ev, K, St};
use super::util::{
    self, Clock, DAY, HOUR, MINUTE, R, Sink, after, between, i, os, ot, pick, s, t, weighted,
};
use super::words::WORDS;
use super::{Plan, STAFF};
use crate::domain::{Availability, PayoutMethod, slugify, sort_key};
use crate::store::{StoreError, schema};

pub(crate) struct Dev {
    pub availability: Availability,
    pub capacity: i64,
    pub max_active: i64,
    pub skills: Vec<&'static str>,
    /// Per hour, in minor units of the city's currency.
    pub hourly: i64,
    pub payout: PayoutMethod,
    pub payout_account: String,
    pub bio: &'static str,
    /// Active projects (assigned .. disputed) at the anchor.
    pub active: i64,
}

pub(crate) struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub locale: &'static str,
    /// The language chosen at sign-up (later changes are audited).
    pub locale0: &'static str,
    pub city: usize,
    pub created: i64,
    pub verified: Option<i64>,
    pub deleted: Option<i64>,
    pub updated: i64,
    /// Staff role name, for staff accounts.
    pub staff: Option<&'static str>,
    pub client: bool,
    pub company: Option<&'static str>,
    pub client_bio: Option<&'static str>,
    pub dev: Option<Dev>,
}

impl User {
    pub fn city(&self) -> &'static super::words::City {
        &WORDS.cities[self.city]
    }
}

/// An E.164 mobile number for a city's country.
pub(super) fn phone(rng: &mut R, city: usize) -> String {
    let c = &WORDS.cities[city];
    let lead: &str = match c.country {
        "SN" => pick(rng, &["70", "75", "76", "77", "78"]),
        "CI" => pick(rng, &["01", "05", "07"]),
        "ML" => pick(rng, &["6", "7"]),
        "BF" => pick(rng, &["5", "6", "7"]),
        "BJ" => pick(rng, &["0140", "0150", "0196", "0197"]),
        "TG" => pick(rng, &["9", "7"]),
        "NE" => pick(rng, &["8", "9"]),
        "CM" => pick(rng, &["65", "67", "69"]),
        "GA" => pick(rng, &["06", "07"]),
        "FR" => pick(rng, &["6", "7"]),
        "BE" => pick(rng, &["47", "48", "49"]),
        _ => "7",
    };
    let rest = c.digits.saturating_sub(lead.len());
    format!("{}{lead}{}", c.prefix, util::digits(rng, rest))
}

/// A payout method of the city's country, with its account (a mobile-money account is the
/// phone number).
pub(crate) fn payout(rng: &mut R, city: usize, phone: &str) -> (PayoutMethod, String) {
    use PayoutMethod::*;
    let c = &WORDS.cities[city];
    let method = match c.country {
        "SN" => pick(rng, &[Wave, Wave, OrangeMoney, OrangeMoney, Bank]),
        "CI" => pick(rng, &[OrangeMoney, MtnMomo, Wave, MoovMoney, Bank]),
        "ML" | "BF" | "NE" => pick(rng, &[OrangeMoney, OrangeMoney, MoovMoney, Bank]),
        "BJ" | "TG" => pick(rng, &[MtnMomo, MoovMoney, Bank]),
        "CM" => pick(rng, &[MtnMomo, OrangeMoney, Bank]),
        "GA" => pick(rng, &[MoovMoney, Bank]),
        _ => pick(rng, &[Bank, Stripe]),
    };
    let account = match method {
        Bank => format!(
            "{}{} {} {} {}",
            c.country,
            util::digits(rng, 2),
            util::alnum(rng, 4).to_uppercase(),
            util::digits(rng, 4),
            util::digits(rng, 4)
        ),
        Stripe => format!("acct_1{}", util::alnum(rng, 15)),
        _ => phone.to_owned(),
    };
    (method, account)
}

fn person_name(rng: &mut R) -> String {
    let (first, _) = pick(rng, &WORDS.first);
    let last = pick(rng, &WORDS.last);
    format!("{first} {last}")
}

fn email(name: &str, id: i64, rng: &mut R) -> String {
    let local = slugify(name).replace('-', ".");
    let domain = pick(rng, &["example.com", "example.org", "example.net"]);
    format!("{local}.{id}@{domain}")
}

pub(super) fn build(plan: &Plan, seed: u64, clock: Clock, events: &mut Vec<Ev>) -> Vec<User> {
    let mut rng = util::rng(seed, "users");
    let mut users = Vec::with_capacity(STAFF.len() + plan.clients + plan.devs + plan.both);
    let staff_cities = [
        "Dakar",
        "Dakar",
        "Bamako",
        "Dakar",
        "Abidjan",
        "Ouagadougou",
        "Bamako",
    ];
    for (k, (id, mail, name, role)) in STAFF.iter().enumerate() {
        let city = WORDS
            .cities
            .iter()
            .position(|c| c.name == staff_cities[k])
            .unwrap_or(0);
        let created = clock.start - 120 * DAY + k as i64 * 3 * HOUR;
        users.push(User {
            id: *id,
            name: (*name).to_owned(),
            email: (*mail).to_owned(),
            phone: phone(&mut rng, city),
            locale: "fr",
            locale0: "fr",
            city,
            created,
            verified: Some(created + 10 * MINUTE),
            deleted: None,
            updated: created + 10 * MINUTE,
            staff: Some(role),
            client: false,
            company: None,
            client_bio: None,
            dev: None,
        });
    }

    // 0 = client, 1 = developer, 2 = both; exact counts, shuffled.
    let mut kinds: Vec<u8> = std::iter::repeat_n(0u8, plan.clients)
        .chain(std::iter::repeat_n(1u8, plan.devs))
        .chain(std::iter::repeat_n(2u8, plan.both))
        .collect();
    kinds.shuffle(&mut rng);
    let n = kinds.len();
    let founders = n / 5;
    for (k, kind) in kinds.into_iter().enumerate() {
        let id = (users.len() + 1) as i64;
        // The first fifth joined during the two months before the history starts (beta).
        let created = if k < founders {
            clock.start - 60 * DAY
                + ((k as f64 + rng.random::<f64>()) / founders as f64 * (60 * DAY) as f64) as i64
        } else {
            clock.nth(&mut rng, clock.start, k - founders, n - founders)
        };
        let city = weighted(&mut rng, &WORDS.city_weights);
        let name = person_name(&mut rng);
        let email = email(&name, id, &mut rng);
        let phone = phone(&mut rng, city);
        let verified = rng
            .random_bool(0.93)
            .then(|| after(&mut rng, created, 2 * MINUTE, 3 * DAY, clock.anchor));
        let locale = if WORDS.cities[city].country == "FR" || rng.random_bool(0.92) {
            "fr"
        } else {
            "en"
        };
        let client = kind != 1;
        let (company, client_bio) = if client {
            (
                rng.random_bool(0.45)
                    .then(|| pick(&mut rng, &WORDS.companies)),
                rng.random_bool(0.6)
                    .then(|| pick(&mut rng, &WORDS.client_bios)),
            )
        } else {
            (None, None)
        };
        let dev = (kind != 0).then(|| {
            let availability = [
                Availability::Available,
                Availability::Busy,
                Availability::Unavailable,
            ][weighted(&mut rng, &[72, 20, 8])];
            let capacity = [40, 30, 20][weighted(&mut rng, &[80, 10, 10])];
            let mut skills: Vec<&'static str> = WORDS.skills.clone();
            skills.shuffle(&mut rng);
            skills.truncate(rng.random_range(3..=6));
            let hourly = match WORDS.cities[city].currency {
                crate::domain::Currency::EUR => {
                    util::round_to(rng.random_range(2_500.0..9_000.0), 500)
                }
                _ => util::round_to(rng.random_range(4_000.0..20_000.0), 500),
            };
            let (payout, payout_account) = payout(&mut rng, city, &phone);
            Dev {
                availability,
                capacity,
                max_active: 3,
                skills,
                hourly,
                payout,
                payout_account,
                bio: pick(&mut rng, &WORDS.dev_bios),
                active: 0,
            }
        });
        let mut updated = verified.unwrap_or(created);
        events.push(Ev::new(created, id, K::Created, St::User, id));
        if let Some(at) = verified {
            events.push(Ev::new(at, id, K::Verified, St::User, id));
        }
        // Profile edits (availability for developers, language otherwise), audited. Their
        // times come first; then the values, chained so that each edit starts from the value
        // the previous one left and the last one lands on the current value.
        let edits = (plan.user_updates * rng.random::<f64>() * 2.0).round() as usize;
        let mut at = updated;
        let mut times = Vec::with_capacity(edits);
        let mut picks = Vec::with_capacity(edits);
        for e in 0..edits {
            at = after(&mut rng, at, HOUR, 40 * DAY, clock.anchor);
            if at >= clock.anchor - MINUTE {
                break;
            }
            if dev.is_some() && e + 1 != edits {
                picks.push(pick(&mut rng, Availability::ALL));
            }
            times.push(at);
        }
        let locale0 = match &dev {
            Some(d) => {
                for (at, (from, to)) in
                    times
                        .iter()
                        .zip(availability_chain(d.availability, &picks, times.len()))
                {
                    let mut ev = Ev::new(*at, id, K::Updated, St::User, id);
                    (ev.a, ev.b, ev.c) = (1, avail_index(from), avail_index(to));
                    events.push(ev);
                    updated = *at;
                }
                locale
            }
            None => {
                // Language toggles: an odd number of them started from the other language.
                let other = if locale == "fr" { "en" } else { "fr" };
                let first = if times.len() % 2 == 0 { locale } else { other };
                let mut fr = first == "fr";
                for at in &times {
                    let mut ev = Ev::new(*at, id, K::Updated, St::User, id);
                    (ev.a, ev.b, ev.c) = (2, i64::from(fr), i64::from(!fr));
                    fr = !fr;
                    events.push(ev);
                    updated = *at;
                }
                first
            }
        };
        users.push(User {
            id,
            name,
            email,
            phone,
            locale,
            locale0,
            city,
            created,
            verified,
            deleted: None,
            updated,
            staff: None,
            client,
            company,
            client_bio,
            dev,
        });
    }
    users
}

fn avail_index(a: Availability) -> i64 {
    Availability::ALL.iter().position(|x| *x == a).unwrap_or(0) as i64
}

/// The (from, to) of `n` availability changes, starting from `available` (a new developer's
/// value) and ending on `now`; `picks` suggests the values in between. Each change changes
/// something; fewer than `n` come back when the first one would not (`available` to itself).
fn availability_chain(
    now: Availability,
    picks: &[Availability],
    n: usize,
) -> Vec<(Availability, Availability)> {
    let mut values = Vec::with_capacity(n + 1);
    values.push(Availability::Available);
    for k in 1..=n {
        let prev = values[k - 1];
        let v = if k == n {
            now
        } else {
            let wanted = picks.get(k - 1).copied().unwrap_or(prev);
            // Not the previous value, and not the final one just before it is reached.
            let fits = |v: Availability| v != prev && (k + 1 != n || v != now);
            if fits(wanted) {
                wanted
            } else {
                Availability::ALL
                    .iter()
                    .copied()
                    .find(|v| fits(*v))
                    .unwrap_or(now)
            }
        };
        values.push(v);
    }
    let changes: Vec<_> = values.windows(2).map(|w| (w[0], w[1])).collect();
    // Only the first can be a non-change (n == 1 and `now` is `available`).
    changes.into_iter().filter(|(a, b)| a != b).collect()
}

/// A few clients who never posted a project nor a ticket closed their account.
pub(super) fn soft_delete(
    seed: u64,
    clock: Clock,
    users: &mut [User],
    projects: &[super::projects::Project],
    tickets: &[super::support::Ticket],
) {
    let mut rng = util::rng(seed, "soft-delete");
    let mut used = vec![false; users.len() + 1];
    for p in projects {
        used[p.client as usize] = true;
        if let Some(d) = p.dev {
            used[d as usize] = true;
        }
    }
    for t in tickets {
        used[t.requester as usize] = true;
    }
    for u in users.iter_mut() {
        if u.staff.is_none() && u.dev.is_none() && !used[u.id as usize] && rng.random_bool(0.06) {
            let at = between(
                &mut rng,
                u.updated + DAY,
                u.updated + 120 * DAY,
                clock.anchor - HOUR,
            );
            if at > u.updated {
                u.deleted = Some(at);
                u.updated = at;
            }
        }
    }
}

pub(super) async fn write(
    w: &super::World,
    sink: Sink<'_>,
    password: &str,
    roles: &[(&str, i64)],
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    let users = &w.users;
    let mut table = sink.table(schema::USERS, users.len() as u64);
    for u in users {
        table
            .push(vec![
                i(u.id),
                s(u.name.as_str()),
                s(sort_key(&u.name)),
                s(u.email.as_str()),
                ot(u.verified),
                s(password),
                os(None::<String>),
                s(u.phone.as_str()),
                s(u.locale),
                s(u.city().tz),
                t(u.created),
                t(u.updated),
                ot(u.deleted),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let role = |name: &str| {
        roles
            .iter()
            .find(|r| r.0 == name)
            .map(|r| r.1)
            .unwrap_or_default()
    };
    let total: usize = users
        .iter()
        .map(|u| {
            usize::from(u.staff.is_some()) + usize::from(u.client) + usize::from(u.dev.is_some())
        })
        .sum();
    let mut table = sink.table(schema::MODEL_HAS_ROLES, total as u64);
    for u in users {
        let mut names = Vec::new();
        names.extend(u.staff);
        if u.client {
            names.push("client");
        }
        if u.dev.is_some() {
            names.push("developer");
        }
        for name in names {
            table.push(vec![i(role(name)), s("user"), i(u.id)]).await?;
        }
    }
    report.push(table.finish().await?);

    let total: usize = users
        .iter()
        .map(|u| usize::from(u.client) + usize::from(u.dev.is_some()))
        .sum();
    let mut table = sink.table(schema::PROFILES, total as u64);
    // A client who hands out a referral code is paid its rewards through the client profile.
    let client_payouts: std::collections::HashMap<i64, (&str, &str)> = w
        .money
        .codes
        .iter()
        .filter_map(|c| Some((c.user, (c.payout.as_str(), c.client_payout.as_deref()?))))
        .collect();
    let mut id = 0;
    for u in users {
        let c = u.city();
        if u.client {
            let payout = client_payouts.get(&u.id);
            id += 1;
            table
                .push(vec![
                    i(id),
                    i(u.id),
                    s("client"),
                    s(u.company.unwrap_or(u.name.as_str())),
                    os(u.company),
                    os(u.client_bio),
                    s(c.country),
                    s(c.name),
                    util::j(json!([])),
                    util::oi(None),
                    os(None::<String>),
                    s("available"),
                    i(40),
                    i(3),
                    os(payout.map(|p| p.0)),
                    os(payout.map(|p| p.1)),
                    t(u.created),
                    t(u.updated),
                ])
                .await?;
        }
        if let Some(d) = &u.dev {
            id += 1;
            table
                .push(vec![
                    i(id),
                    i(u.id),
                    s("developer"),
                    s(u.name.as_str()),
                    os(None::<String>),
                    s(d.bio),
                    s(c.country),
                    s(c.name),
                    util::j(json!(d.skills)),
                    i(d.hourly),
                    s(c.currency.code()),
                    s(d.availability.as_str()),
                    i(d.capacity),
                    i(d.max_active),
                    s(d.payout.as_str()),
                    s(d.payout_account.as_str()),
                    t(u.created),
                    t(u.updated),
                ])
                .await?;
        }
    }
    report.push(table.finish().await?);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn phones_are_e164() {
        let mut rng = super::util::rng(1, "t");
        for city in 0..super::WORDS.cities.len() {
            let p = super::phone(&mut rng, city);
            assert!(p.starts_with('+'), "{p}");
            assert!(p[1..].bytes().all(|b| b.is_ascii_digit()), "{p}");
            assert!((9..=16).contains(&p.len()), "{p}");
        }
    }
}
