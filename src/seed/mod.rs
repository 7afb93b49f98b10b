//! Deterministic demo and performance data: 18 months of marketplace history (~8 % monthly
//! growth) generated from a seed and an anchor ("now"), consistent across every table (state
//! machines, four-eyes approvals, a balancing ledger, SLA stamps, audit trail, notifications).
//!
//! The world is generated in memory in compact form (people, projects, money, tickets), then
//! written table by table in foreign-key order through `store::bulk::insert_rows`, in
//! transactions of a few tens of thousands of rows. The biggest tables (messages, workload,
//! audit rows, notifications) are generated while they are written, batch by batch.

mod content;
mod finance;
mod history;
mod partners;
mod people;
mod projects;
mod support;
mod threads;
mod util;
mod words;

pub mod demo;
pub mod media_files;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::Rng;

use crate::service::ServiceError;
use crate::store::{self, Db, bulk};

use self::util::{Clock, Sink, Writer};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// ~60 users, ~120 projects: a lively demo that every screen can show.
    Demo,
    /// 50k users, 240k projects, millions of messages, audit rows and notifications, 200k
    /// referral rewards.
    Large,
}

pub struct SeedOptions {
    pub size: Size,
    pub seed: u64,
    /// "Now" of the generated history: every event happened at or before it.
    pub anchor: DateTime<Utc>,
}

pub struct SeedReport {
    /// Rows written per table, in the order they were written.
    pub rows: Vec<(&'static str, u64)>,
    pub elapsed: Duration,
}

/// Staff accounts: (id, email, name, role). Ids 1..=7 in this order.
pub(crate) const STAFF: [(i64, &str, &str, &str); 7] = [
    (1, "admin@obryl.test", "Aminata Ndiaye", "super-admin"),
    (2, "finance@obryl.test", "Awa Diop", "finance"),
    (3, "finance2@obryl.test", "Ibrahima Coulibaly", "finance"),
    (4, "support@obryl.test", "Fatou Sow", "support"),
    (5, "support2@obryl.test", "Koffi Kouassi", "support"),
    (6, "editor@obryl.test", "Éloïse Ouédraogo", "editor"),
    (7, "ops@obryl.test", "Sékou Keïta", "ops"),
];
pub(crate) const ADMIN: i64 = 1;
pub(crate) const FINANCE: [i64; 2] = [2, 3];
pub(crate) const SUPPORT: [i64; 2] = [4, 5];
pub(crate) const EDITOR: i64 = 6;
pub(crate) const OPS: i64 = 7;

/// How much of everything a size generates.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub clients: usize,
    pub devs: usize,
    pub both: usize,
    pub projects: usize,
    /// Multiplies the weights of the project fates (normal, revision, dispute then done,
    /// dispute then cancelled, cancelled as draft / open / assigned, left as draft / open).
    pub fate_bias: [u32; 9],
    /// Commissions exist for projects delivered in the last N days (older ones were settled
    /// by the previous platform).
    pub commission_launch_days: i64,
    /// The commission rate went from 12 % to 15 % this many days ago.
    pub rate_switch_days: i64,
    /// Share of eligible projects with external contributors.
    pub ext_share: f64,
    pub tickets: usize,
    /// Share of tickets opened in the last three weeks (the rest follow the growth curve).
    pub ticket_recent_share: f64,
    pub articles: usize,
    /// Share of assigned projects with a conversation.
    pub project_conv_share: f64,
    pub messages: usize,
    /// Share of (message, other participant) pairs that raised a "new message" notification.
    pub message_notify_share: f64,
    /// Mean extra "updated" audit rows per project / ticket / user.
    pub project_updates: f64,
    pub ticket_updates: f64,
    pub user_updates: f64,
    /// Share of current workload rows edited by ops (each edit is audited).
    pub workload_updates: f64,
    pub referral_codes: usize,
    pub referral_share: f64,
    /// Plant suspect referrals, one of each signal the data can raise (demo).
    pub suspects: bool,
    pub media: usize,
    pub tokens: usize,
    /// Changes of the last N days are also in the webhook outbox.
    pub webhook_days: i64,
    /// Large: more staff copies of notifications (finance and ops follow more events).
    pub busy_staff: bool,
    /// Audit escrow movements, reviews and e-mail verifications too (large: they only notify,
    /// which keeps the audit trail near its million rows).
    pub audit_everything: bool,
}

impl Plan {
    pub fn for_size(size: Size) -> Plan {
        match size {
            Size::Demo => Plan {
                clients: 28,
                devs: 22,
                both: 5,
                projects: 120,
                fate_bias: [1; 9],
                commission_launch_days: 200,
                rate_switch_days: 183,
                ext_share: 0.14,
                tickets: 40,
                ticket_recent_share: 0.45,
                articles: 14,
                project_conv_share: 0.7,
                messages: 420,
                message_notify_share: 0.3,
                project_updates: 7.0,
                ticket_updates: 1.6,
                user_updates: 5.0,
                workload_updates: 0.6,
                referral_codes: 6,
                referral_share: 0.2,
                suspects: true,
                media: 16,
                tokens: 5,
                webhook_days: 10,
                busy_staff: false,
                audit_everything: true,
            },
            Size::Large => Plan {
                clients: 29_000,
                devs: 18_000,
                both: 2_993,
                // Enough paid commissions, with most parties referred, for 200 k rewards.
                projects: 240_000,
                fate_bias: [6, 5, 5, 3, 3, 2, 3, 2, 2],
                commission_launch_days: 600,
                rate_switch_days: 396,
                ext_share: 0.08,
                tickets: 50_000,
                ticket_recent_share: 0.05,
                articles: 600,
                project_conv_share: 0.9,
                messages: 2_000_000,
                message_notify_share: 0.12,
                project_updates: 0.25,
                ticket_updates: 0.2,
                user_updates: 0.2,
                workload_updates: 0.05,
                referral_codes: 6_000,
                referral_share: 0.9,
                suspects: false,
                media: 200_000,
                tokens: 400,
                webhook_days: 2,
                busy_staff: true,
                audit_everything: false,
            },
        }
    }
}

/// Fills an empty, migrated database with the generated history.
pub async fn seed(
    db: &Db,
    opts: &SeedOptions,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<SeedReport, ServiceError> {
    let started = Instant::now();
    crate::service::bootstrap::ensure_reference_data(db).await?;
    let counts = store::stats::table_counts(db).await?;
    if counts.iter().any(|(table, n)| *table == "users" && *n > 0) {
        return Err(ServiceError::AlreadySeeded);
    }

    let mut roles = Vec::new();
    let setting_id;
    {
        let mut conn = db.clone();
        setting_id = store::settings::get(
            &mut conn,
            crate::service::bootstrap::keys::COMMISSION,
            crate::service::bootstrap::keys::DEFAULT_RATE_BPS,
        )
        .await?
        .map_or(0, |s| s.id);
        for name in [
            "super-admin",
            "finance",
            "support",
            "editor",
            "ops",
            "client",
            "developer",
        ] {
            let id = store::users::role_id(&mut conn, name)
                .await?
                .ok_or_else(|| ServiceError::Internal(format!("role {name} missing")))?;
            roles.push((name, id));
        }
    }

    // One bcrypt hash for every account; the salt comes from the seed so reruns are identical.
    let mut salt_rng = util::rng(opts.seed, "password");
    let salt: [u8; 16] = salt_rng.random();
    let password = bcrypt::hash_with_salt("demo", 12, salt)
        .map_err(|e| ServiceError::Internal(format!("bcrypt: {e}")))?
        .format_for_version(bcrypt::Version::TwoY);

    let plan = Plan::for_size(opts.size);
    let clock = Clock::new(opts.anchor.timestamp());
    let mut world = World::build(plan, opts.seed, clock, setting_id)?;

    let writer = Writer::start(db);
    let sink = Sink {
        writer: &writer,
        progress,
        batch: bulk::backend_batch_hint(db).min(25_000),
    };
    let mut report = Vec::new();
    people::write(&world, sink, &password, &roles, &mut report).await?;
    projects::write(&mut world, sink, &mut report).await?;
    finance::write(&world, sink, &mut report).await?;
    support::write(&world, sink, &mut report).await?;
    finance::write_ledger(&world, sink, &mut report).await?;
    support::write_messages(&world, sink, &mut report).await?;
    content::write(&world, sink, &mut report).await?;
    history::write(&mut world, sink, &mut report).await?;
    let rate_changed = world.clock.anchor - world.plan.rate_switch_days * util::DAY;
    let opened = world.clock.start - 121 * util::DAY;
    drop(world);
    writer.finish(progress).await?;

    // Roles, permissions and settings were there before the first staff account, and the
    // commission rate last changed when its audit row says, not when this seed ran.
    let mut tx = db.begin().await?;
    store::reference::date_reference_data(
        &mut tx,
        util::ts(opened),
        (
            crate::service::bootstrap::keys::COMMISSION,
            crate::service::bootstrap::keys::DEFAULT_RATE_BPS,
            util::ts(rate_changed),
        ),
    )
    .await?;
    tx.commit().await?;

    // A table written in two passes (notifications) is reported once.
    let mut merged: Vec<(&'static str, u64)> = Vec::new();
    for (table, n) in report {
        match merged.iter_mut().find(|(t, _)| *t == table) {
            Some(entry) => entry.1 += n,
            None => merged.push((table, n)),
        }
    }
    let mut report = merged;
    let mut tables: Vec<&str> = report
        .iter()
        .map(|(t, _)| *t)
        .filter(|t| !matches!(*t, "model_has_roles" | "notifications"))
        .collect();
    tables.dedup();
    bulk::reset_sequences(db, &tables).await?;
    for (table, n) in partners::write(db, opts.seed, opts.anchor).await? {
        match report.iter_mut().find(|(t, _)| *t == table) {
            Some(entry) => entry.1 += n,
            None => report.push((table, n)),
        }
    }
    // The rows above bypass the services, so the analytics rollup is computed from them.
    let rollup = crate::store::analytics::rebuild(db).await?;
    report.push(("analytics_daily", rollup));
    let payable = crate::store::payable::rebuild(db).await?;
    report.push(("payable_balances", payable));
    bulk::analyze(db).await?;
    Ok(SeedReport {
        rows: report,
        elapsed: started.elapsed(),
    })
}

/// Everything generated, in compact form; ids are positions + 1.
pub(crate) struct World {
    pub plan: Plan,
    pub seed: u64,
    pub clock: Clock,
    pub users: Vec<people::User>,
    pub projects: Vec<projects::Project>,
    pub reviews: Vec<projects::Review>,
    pub money: finance::Money,
    pub tickets: Vec<support::Ticket>,
    pub convs: Vec<support::Conv>,
    pub content: content::Content,
    pub events: Vec<history::Ev>,
}

impl World {
    fn build(plan: Plan, seed: u64, clock: Clock, setting_id: i64) -> Result<World, ServiceError> {
        let mut events = Vec::new();
        let mut users = people::build(&plan, seed, clock, &mut events);
        let projects = projects::build(&plan, seed, clock, &mut users, &mut events);
        let reviews = projects::reviews(seed, clock, &projects, &mut events);
        let mut money = finance::build(
            &plan,
            seed,
            clock,
            &users,
            &projects,
            setting_id,
            &mut events,
        )?;
        let tickets = support::tickets(&plan, seed, clock, &users, &projects, &mut events);
        people::soft_delete(seed, clock, &mut users, &projects, &tickets);
        let convs = support::conversations(&plan, seed, clock, &projects, &tickets, &money);
        let content = content::build(&plan, seed, clock, &users, &projects, &mut events);
        // Drawn last, so that nothing above changes: the demo's suspect referrals.
        if plan.suspects {
            finance::plant_suspects(seed, clock, &mut users, &projects, &mut money, &mut events);
        }
        finance::flag_referrals(&users, &projects, &mut money);
        Ok(World {
            plan,
            seed,
            clock,
            users,
            projects,
            reviews,
            money,
            tickets,
            convs,
            content,
            events,
        })
    }
}
