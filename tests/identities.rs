//! The background processes act as someone, on SQLite and PostgreSQL: `obryl worker` runs each
//! job only while its identity (a staff member or a service account) holds the job's
//! permission, audited under that identity's name; a right taken away stops its job, an
//! identity that can no longer act stops the worker; `obryl serve --api` serves as an identity
//! holding `api_tokens.manage` and stops when it loses it. Refusals name the permission and
//! write nothing. Service accounts: created under the role rules, never logged into.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use obryl::config::Config;
use obryl::domain::Role;
use obryl::seed::{SeedOptions, Size, seed};
use obryl::service::auth::{self, SessionKind};
use obryl::service::{self, Actor, Origin, ServiceError, service_accounts};
use obryl::store::{self, Db};
use obryl::worker::{self, Identity, Job, WorkerError};
use tokio_util::sync::CancellationToken;

const AUTOMATION: &str = obryl::seed::demo::SERVICE_ACCOUNT;

/// The demo (seed 7) with what a first run adds (its service account, its statements in
/// `dir`), every delivered escrow due for auto-release, and no webhook endpoint to call.
async fn demo(db: &Db) -> tempfile::TempDir {
    let opts = SeedOptions {
        size: Size::Demo,
        seed: 7,
        anchor: Utc::now() - chrono::Duration::minutes(5),
    };
    seed(db, &opts, &|_, _, _| {}).await.expect("seed");
    let dir = tempfile::tempdir().unwrap();
    obryl::seed::demo::finish(db, dir.path(), opts.anchor)
        .await
        .expect("finish");
    let admin = actor(db, "admin@obryl.test").await;
    service::settings::update(
        db,
        &admin,
        &Origin::cli(),
        "escrow",
        "auto_release_days",
        1.into(),
    )
    .await
    .unwrap();
    let mut tx = db.begin().await.unwrap();
    let q = sea_query::Query::update()
        .table("webhook_endpoints")
        .value("status", "disabled")
        .to_owned();
    tx.exec(&q).await.unwrap();
    tx.commit().await.unwrap();
    dir
}

async fn actor(db: &Db, email: &str) -> Actor {
    let user = store::users::find_by_email(&mut db.clone(), email)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no {email}"));
    Actor::load(&mut db.clone(), user.id).await.unwrap()
}

async fn audit_rows(db: &Db) -> i64 {
    store::stats::table_counts(db)
        .await
        .unwrap()
        .into_iter()
        .find(|(t, _)| *t == "audit_logs")
        .map_or(0, |(_, n)| n)
}

/// The audit rows of `event` and who wrote them.
async fn authors(db: &Db, event: &str) -> Vec<Option<i64>> {
    let page = store::audit::page(
        &mut db.clone(),
        &store::audit::AuditFilter {
            event: Some(event.to_owned()),
            ..Default::default()
        },
        &store::Anchor::First,
        500,
    )
    .await
    .unwrap();
    page.rows.iter().map(|r| r.user_id).collect()
}

fn config(jobs_every_seconds: u64) -> Config {
    let mut c = Config::defaults();
    c.worker.jobs_every_seconds = jobs_every_seconds;
    c.worker.poll_ms = 50;
    c
}

async fn until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn service_accounts_follow_the_role_rules_and_nobody_logs_into_one() {
    on_all!(|db| {
        let _dir = demo(&db).await;
        let list = service_accounts::list(&db).await.unwrap();
        assert_eq!(
            list,
            vec![(AUTOMATION.to_owned(), vec!["super-admin".to_owned()])]
        );
        let policy = Config::defaults().login.throttle_policy();
        let email = service_accounts::email_of(AUTOMATION);
        for password in ["demo", "", "automation"] {
            let login = auth::login(
                &db,
                &email,
                password,
                &Origin::cli(),
                &policy,
                SessionKind::None,
            )
            .await;
            assert!(
                matches!(login, Err(ServiceError::InvalidCredentials)),
                "{login:?}"
            );
        }

        // Refusals name the rule and write nothing.
        let before = audit_rows(&db).await;
        let finance = actor(&db, "finance@obryl.test").await;
        let e =
            service_accounts::create(&db, Some(&finance), &Origin::cli(), "bot", &[Role::Finance])
                .await
                .unwrap_err();
        assert!(
            matches!(
                e,
                ServiceError::Forbidden {
                    permission: "users.manage"
                }
            ),
            "{e:?}"
        );
        let ops = actor(&db, "ops@obryl.test").await;
        let e = service_accounts::create(&db, Some(&ops), &Origin::cli(), "bot", &[Role::Finance])
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::RoleRule(_)), "{e:?}");
        assert_eq!(audit_rows(&db).await, before);
        assert_eq!(service_accounts::list(&db).await.unwrap().len(), 1);

        // An operator's: audited with its rights.
        let admin = actor(&db, "admin@obryl.test").await;
        service_accounts::create(
            &db,
            Some(&admin),
            &Origin::cli(),
            "Reports-1",
            &[Role::Finance],
        )
        .await
        .unwrap();
        let bot = service_accounts::find(&db, "reports-1").await.unwrap();
        assert_eq!(bot.email, "reports-1@service.invalid");
        assert!(bot.can(obryl::domain::Permission::EscrowRelease));
        assert!(!bot.can(obryl::domain::Permission::WebhooksManage));
        let e = service_accounts::find(&db, "nobody").await.unwrap_err();
        assert!(matches!(e, ServiceError::NotFound { .. }), "{e:?}");
        let e = service_accounts::check_name("no spaces").unwrap_err();
        assert!(matches!(e, ServiceError::Invalid { .. }), "{e:?}");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_worker_runs_what_its_identity_may_and_its_audit_rows_name_it() {
    on_all!(|db| {
        let _dir = demo(&db).await;
        // An editor may run none of the jobs: refused, naming each permission; nothing written.
        let before = audit_rows(&db).await;
        let editor = actor(&db, "editor@obryl.test").await;
        let identity = Identity::check(&db, &editor).await.unwrap();
        assert!(identity.jobs().is_empty());
        assert_eq!(identity.refused(), &Job::ALL);
        let e = worker::run(
            db.clone(),
            &config(60),
            identity,
            true,
            CancellationToken::new(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, WorkerError::NoJob { refused } if refused.len() == Job::ALL.len()),
            "{e:?}"
        );
        assert_eq!(audit_rows(&db).await, before, "nothing written");
        // Nor can it release by hand what is due.
        let e = service::escrow::auto_release_due(&db, &editor, &Origin::worker())
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                ServiceError::Forbidden {
                    permission: "escrow.release"
                }
            ),
            "{e:?}"
        );
        assert_eq!(audit_rows(&db).await, before, "nothing written");

        // Finance: auto-release and referral flags only, audited under its name.
        let awa = actor(&db, "finance@obryl.test").await;
        let identity = Identity::check(&db, &awa).await.unwrap();
        assert_eq!(identity.jobs(), &[Job::AutoRelease, Job::ReferralFlags]);
        let report = worker::run(
            db.clone(),
            &config(60),
            identity,
            true,
            CancellationToken::new(),
        )
        .await
        .unwrap();
        assert!(report.escrows_released > 0, "{report:?}");
        assert_eq!((report.succeeded, report.failed), (0, 0), "{report:?}");
        let released = authors(&db, "auto_released").await;
        assert_eq!(released.len() as u64, report.escrows_released);
        assert!(
            released.iter().all(|by| *by == Some(awa.id)),
            "{released:?}"
        );

        // The demo's service account: every job, under its name.
        let automation = service_accounts::find(&db, AUTOMATION).await.unwrap();
        let identity = Identity::check(&db, &automation).await.unwrap();
        assert_eq!(identity.jobs(), &Job::ALL);
        let report = worker::run(
            db.clone(),
            &config(60),
            identity,
            true,
            CancellationToken::new(),
        )
        .await
        .unwrap();
        assert_eq!(report.jobs_stopped, 0, "{report:?}");
        let breaches = authors(&db, "sla_breached").await;
        assert!(
            breaches.iter().all(|by| *by == Some(automation.id)),
            "{breaches:?}"
        );
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_right_taken_away_stops_its_job_and_a_deleted_identity_stops_the_worker() {
    on_all!(|db| {
        let _dir = demo(&db).await;
        let admin = actor(&db, "admin@obryl.test").await;
        let o = Origin::cli();
        let email = service_accounts::email_of(AUTOMATION);
        let automation = service_accounts::find(&db, AUTOMATION).await.unwrap();
        let stops: Arc<Mutex<Vec<(Job, String)>>> = Arc::default();
        let heard = stops.clone();
        let identity = Identity::check(&db, &automation)
            .await
            .unwrap()
            .on_stop(move |s| {
                heard
                    .lock()
                    .unwrap()
                    .push((s.job, s.error.code().to_owned()))
            });
        let cancel = CancellationToken::new();
        let running = worker::spawn(db.clone(), &config(1), identity, cancel.clone());
        tokio::time::sleep(Duration::from_millis(300)).await;

        // Finance instead of super-admin: auto-release and referral flags go on, the rest stops.
        service::users::set_role(&db, Some(&admin), &o, &email, Role::Finance, true)
            .await
            .unwrap();
        service::users::set_role(&db, Some(&admin), &o, &email, Role::SuperAdmin, false)
            .await
            .unwrap();
        assert!(
            until(Duration::from_secs(10), || stops.lock().unwrap().len() >= 3).await,
            "{:?}",
            stops.lock().unwrap()
        );
        let stopped: Vec<Job> = stops.lock().unwrap().iter().map(|(j, _)| *j).collect();
        for job in [Job::Deliveries, Job::SessionExpiry, Job::SlaBreaches] {
            assert!(stopped.contains(&job), "{stopped:?}");
        }
        assert!(!stopped.contains(&Job::AutoRelease), "{stopped:?}");
        assert!(!stopped.contains(&Job::ReferralFlags), "{stopped:?}");
        // Said with who took it and when, as for any staff member.
        assert!(
            stops
                .lock()
                .unwrap()
                .iter()
                .all(|(_, code)| code == "service.role_removed"),
            "{:?}",
            stops.lock().unwrap()
        );
        assert!(!running.is_finished(), "auto-release still runs");

        // Deleted: the worker stops on its own, saying why.
        service::users::delete(&db, Some(&admin), &o, &email)
            .await
            .unwrap();
        let result = tokio::time::timeout(Duration::from_secs(10), running)
            .await
            .expect("the worker stops")
            .unwrap();
        assert!(
            matches!(
                &result,
                Err(WorkerError::Identity(ServiceError::AccountDeleted { .. }))
            ),
            "{result:?}"
        );
        assert!(!cancel.is_cancelled(), "the caller's token is its own");
        let e = service_accounts::find(&db, AUTOMATION).await.unwrap_err();
        assert!(matches!(e, ServiceError::AccountDeleted { .. }), "{e:?}");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_api_serves_as_an_identity_holding_api_tokens_manage_while_it_does() {
    on_all!(|db| {
        let _dir = demo(&db).await;
        let finance = actor(&db, "finance@obryl.test").await;
        let e = obryl::api::Identity::check(&db, &finance)
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                ServiceError::Forbidden {
                    permission: "api_tokens.manage"
                }
            ),
            "{e:?}"
        );
        let automation = service_accounts::find(&db, AUTOMATION).await.unwrap();
        let identity = obryl::api::Identity::check(&db, &automation).await.unwrap();
        let server = obryl::api::Server::bind(
            db.clone(),
            &Config::defaults(),
            "127.0.0.1:0".parse().unwrap(),
            identity,
        )
        .await
        .unwrap();
        let addr = server.local_addr().unwrap();
        let lost = server.lost();
        let (_never, shutdown) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(server.run(async move {
            let _ = shutdown.await;
        }));
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let r = client
            .get(format!("http://{addr}/api/v1/openapi.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(lost.take().is_none());

        // Its super-admin role taken away (it keeps finance): it stops serving.
        let admin = actor(&db, "admin@obryl.test").await;
        let (o, email) = (Origin::cli(), service_accounts::email_of(AUTOMATION));
        service::users::set_role(&db, Some(&admin), &o, &email, Role::Finance, true)
            .await
            .unwrap();
        service::users::set_role(&db, Some(&admin), &o, &email, Role::SuperAdmin, false)
            .await
            .unwrap();
        let served = tokio::time::timeout(obryl::api::CHECK_EVERY * 5, serving)
            .await
            .expect("the server stops on its own")
            .unwrap();
        assert!(served.is_ok(), "{served:?}");
        let why = lost.take().expect("why it stopped");
        assert_eq!(why.code(), "service.role_removed", "{why:?}");
        assert!(
            client
                .get(format!("http://{addr}/api/v1/openapi.json"))
                .send()
                .await
                .is_err(),
            "nothing listens any more"
        );
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_and_serve_from_the_command_line_act_as_someone() {
    use common::cli::{code, json, obryl, obryl_with, text};
    let (db, dir) = common::ui::demo_db().await;
    obryl::seed::demo::finish(&db, dir.path(), common::ui::anchor())
        .await
        .unwrap();
    db.close().await;
    let path = dir.path().join("demo.db");
    let expect = |o: &std::process::Output, want: i32, says: &str| {
        assert_eq!(code(o), Some(want), "{}", text(o));
        assert!(text(o).contains(says), "{says:?} in {}", text(o));
    };

    // Nobody named: refused, saying how to name someone.
    let o = obryl_with(&path, None, &["worker", "--once"]);
    expect(&o, 1, "Who does this run as?");
    let o = obryl_with(&path, None, &["serve", "--api", "--listen", "127.0.0.1:0"]);
    expect(&o, 1, "Who does this run as?");
    // A service account, without a password; a staff member with theirs.
    let o = obryl_with(&path, None, &["--as", AUTOMATION, "worker", "--once"]);
    expect(&o, 0, "Webhooks:");
    let o = obryl(&path, &["--as", "finance@obryl.test", "worker", "--once"]);
    expect(
        &o,
        0,
        "Not run, Awa Diop (finance@obryl.test) lacks the permission: webhook deliveries (needs webhooks.manage",
    );
    // Refusals name the permissions and write nothing.
    let audit = |p: &std::path::Path| {
        let o = obryl(
            p,
            &[
                "--as",
                "admin@obryl.test",
                "audit",
                "tail",
                "--lines",
                "1",
                "--json",
            ],
        );
        json(&o)[0]["id"].as_i64().unwrap()
    };
    let before = audit(&path);
    let o = obryl(&path, &["--as", "editor@obryl.test", "worker", "--once"]);
    expect(&o, 1, "may run none of the worker's jobs");
    for permission in [
        "webhooks.manage",
        "escrow.release",
        "users.manage",
        "tickets.assign",
    ] {
        assert!(text(&o).contains(permission), "{}", text(&o));
    }
    let o = obryl(
        &path,
        &[
            "--as",
            "finance@obryl.test",
            "serve",
            "--api",
            "--listen",
            "127.0.0.1:0",
        ],
    );
    expect(
        &o,
        1,
        "Missing permission: manage API tokens (api_tokens.manage)",
    );
    let o = obryl(
        &path,
        &[
            "--as",
            "finance@obryl.test",
            "service-account",
            "add",
            "bot",
            "--role",
            "finance",
        ],
    );
    expect(&o, 1, "users.manage");
    assert_eq!(audit(&path), before, "nothing written");
    // A service account acts for the background commands only.
    let o = obryl_with(&path, None, &["--as", AUTOMATION, "payment", "list"]);
    expect(&o, 1, "is not an e-mail");
    let o = obryl_with(&path, None, &["--as", "nobody", "worker", "--once"]);
    expect(&o, 1, "No service account named nobody");

    // The operator makes one, lists it, takes its rights back: the worker refuses.
    let o = obryl(
        &path,
        &[
            "--as",
            "admin@obryl.test",
            "service-account",
            "add",
            "payouts",
            "--role",
            "finance",
            "--json",
        ],
    );
    expect(&o, 0, "payouts@service.invalid");
    let o = obryl(
        &path,
        &[
            "--as",
            "admin@obryl.test",
            "service-account",
            "list",
            "--json",
        ],
    );
    let names: Vec<String> = json(&o)
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, vec![AUTOMATION, "payouts"]);
    let o = obryl_with(&path, None, &["--as", "payouts", "worker", "--once"]);
    expect(
        &o,
        0,
        "Not run, the service account payouts lacks the permission",
    );
    let o = obryl(
        &path,
        &[
            "--as",
            "admin@obryl.test",
            "service-account",
            "revoke",
            "payouts",
            "finance",
        ],
    );
    expect(&o, 0, "Role finance revoked");
    let o = obryl_with(&path, None, &["--as", "payouts", "worker", "--once"]);
    expect(&o, 1, "Your finance role was removed");
    // In French too.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_obryl"))
        .arg("--database-url")
        .arg(format!("sqlite://{}", path.display()))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--locale", "fr", "--as", "payouts", "worker", "--once"])
        .env_remove("DATABASE_URL")
        .env_remove("OBRYL_DATABASE_URL")
        .output()
        .unwrap();
    expect(&o, 1, "Votre rôle finance a été retiré");
}
