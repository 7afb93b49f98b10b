//! Access control on real SQLite and PostgreSQL: the permission matrix (every mutating use case
//! as every seeded staff role; a refusal writes nothing), role administration, rights re-read at
//! every write, and login throttling.

mod common;

use obryl::service::escrow::Take;

use chrono::Duration;
use obryl::domain::access::{UseCase, matrix_markdown, staff_roles};
use obryl::domain::{ArticleStatus, ProjectStatus, Role, RoleRule, ThrottlePolicy};
use obryl::domain::{TicketPriority, TicketStatus};
use obryl::service::auth::{self, SessionKind};
use obryl::service::commissions::Kind;
use obryl::service::content::ArticleEdit as Edit;
use obryl::service::projects::NewProject;
use obryl::service::{self, Actor, Origin, ServiceError};
use obryl::store::{self, Db};

use common::fixtures::*;

const PASSWORD: &str = "correct horse";

fn origin() -> Origin {
    Origin::cli()
}

/// Rows in the tables every change writes besides itself.
async fn traces(db: &Db) -> Vec<(&'static str, i64)> {
    store::stats::table_counts(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|(t, _)| matches!(*t, "audit_logs" | "notifications" | "webhook_events"))
        .collect()
}

/// A staff member holding only `role`, created on the operator's path.
async fn member(db: &Db, role: Role, email: &str) -> Actor {
    let o = Origin::operator();
    let id = service::users::create(db, None, &o, role.as_str(), email, PASSWORD)
        .await
        .unwrap();
    service::users::set_role(db, None, &o, email, role, true)
        .await
        .unwrap();
    Actor::load(&mut db.clone(), id).await.unwrap()
}

fn email(id: i64) -> String {
    format!("u{id}@obryl.test")
}

/// Calls the service function behind `use_case` with inputs valid on the fixture world.
/// None for reads (checked through `access::authorize` instead).
async fn call(db: &Db, a: &Actor, use_case: UseCase) -> Option<Result<(), ServiceError>> {
    use UseCase as U;
    let o = &origin();
    let week = service::projects::week_start(chrono::Utc::now().date_naive());
    let r = match use_case {
        U::CommissionApprove => {
            service::commissions::approve(db, a, o, Kind::Platform, C_SMALL, None)
                .await
                .map(drop)
        }
        U::CommissionReject => {
            service::commissions::reject(db, a, o, Kind::Platform, C_CLIENT, "no", None)
                .await
                .map(drop)
        }
        U::CommissionPay => {
            service::commissions::pay(db, a, o, Kind::Platform, C_APPROVED, "VIR-1", None)
                .await
                .map(drop)
        }
        U::CommissionCancel => {
            service::commissions::cancel(db, a, o, Kind::Platform, C_DEV, "duplicate", None)
                .await
                .map(drop)
        }
        U::CommissionCreate => service::commissions::create(db, a, o, P_OPEN, 100_000)
            .await
            .map(drop),
        U::ExtCommissionApprove => service::commissions::approve(db, a, o, Kind::External, 1, None)
            .await
            .map(drop),
        U::ExtCommissionReject => {
            service::commissions::reject(db, a, o, Kind::External, 1, "no", None)
                .await
                .map(drop)
        }
        U::ExtCommissionPay => {
            service::commissions::pay(db, a, o, Kind::External, 1, "VIR-2", None)
                .await
                .map(drop)
        }
        U::ExtCommissionCancel => {
            service::commissions::cancel(db, a, o, Kind::External, 1, "duplicate", None)
                .await
                .map(drop)
        }
        U::TicketAssign => service::tickets::assign(db, a, o, T_NEW, FATOU, None)
            .await
            .map(drop),
        U::TicketReply => service::tickets::reply(db, a, o, T_NEW, "Bonjour", false)
            .await
            .map(drop),
        U::TicketStatus => {
            service::tickets::transition(db, a, o, T_NEW, TicketStatus::Open, None, None)
                .await
                .map(drop)
        }
        U::TicketPriority => {
            service::tickets::set_priority(db, a, o, T_NEW, TicketPriority::High, None)
                .await
                .map(drop)
        }
        U::TicketLinkProject => service::tickets::link_project(db, a, o, T_NEW, Some(P_OPEN))
            .await
            .map(drop),
        U::TicketPresence => service::tickets::presence(db, a, T_NEW, false)
            .await
            .map(drop),
        U::TicketFollowUp => service::tickets::follow_up(db, a, o, T_NEW, "Suite")
            .await
            .map(drop),
        U::ProjectAssign => service::projects::assign_developer(db, a, o, P_OPEN, MOUSSA, None)
            .await
            .map(drop),
        U::ProjectStatus => service::projects::transition(
            db,
            a,
            o,
            P_OPEN,
            ProjectStatus::Cancelled,
            Some("client left"),
            None,
        )
        .await
        .map(drop),
        U::ProjectCreate => {
            let p = NewProject {
                client_id: CLIENT,
                title: "Matrix",
                slug: None,
                description: "A project",
                budget: "450 000",
                currency: "XOF",
                estimated_hours: Some(10),
            };
            service::projects::create(db, a, o, &p).await.map(drop)
        }
        U::WorkloadPlan => service::projects::set_planned_hours(db, a, o, MOUSSA, P_WORK, week, 1)
            .await
            .map(drop),
        U::DeveloperAvailability => service::users::set_availability(
            db,
            a,
            o,
            MOUSSA,
            obryl::domain::Availability::Busy,
            None,
        )
        .await
        .map(drop),
        U::DeveloperCapacity => service::users::set_capacity(db, a, o, MOUSSA, 40, None)
            .await
            .map(drop),
        U::ArticleEdit => {
            let edit = Edit {
                title: "Titre",
                excerpt: "Résumé",
                body: "Corps",
            };
            service::content::edit_article(db, a, o, A_DRAFT, &edit, None)
                .await
                .map(drop)
        }
        U::ArticlePublish => {
            service::content::set_article_status(db, a, o, A_DRAFT, ArticleStatus::Published, None)
                .await
                .map(drop)
        }
        U::ReviewCreate => service::content::create_review(db, a, o, P_OPEN, CLIENT, 5, None)
            .await
            .map(drop),
        U::ReviewHide => service::content::hide_review(db, a, o, 1, "spam")
            .await
            .map(drop),
        U::ReviewRestore => service::content::restore_review(db, a, o, 1)
            .await
            .map(drop),
        U::SettingsEdit => service::settings::update(
            db,
            a,
            o,
            "commission",
            "default_rate_bps",
            serde_json::json!(1500),
        )
        .await
        .map(drop),
        U::UserCreate => service::users::create(db, Some(a), o, "New", "new@obryl.test", PASSWORD)
            .await
            .map(drop),
        U::UserRole => service::users::set_role(db, Some(a), o, &email(KOFFI), Role::Ops, true)
            .await
            .map(drop),
        U::UserPassword => {
            service::users::set_password(db, Some(a), o, &email(KOFFI), "new password")
                .await
                .map(drop)
        }
        U::PasswordOwn => service::users::set_password(db, Some(a), o, &a.email, PASSWORD)
            .await
            .map(drop),
        U::UserDelete => service::users::delete(db, Some(a), o, &email(IDLE))
            .await
            .map(drop),
        U::SessionRevokeOwn => auth::revoke(db, a, o, a.id, None).await.map(drop),
        U::SessionRevokeOthers => auth::revoke(db, a, o, FATOU, None).await.map(drop),
        U::NotificationsRead => service::notifications::mark_read(db, a, None)
            .await
            .map(drop),
        U::EscrowRelease => service::escrow::release(db, a, o, 1, Take::All, None)
            .await
            .map(drop),
        U::EscrowRefund => service::escrow::refund(db, a, o, 1, Take::All, "left", None)
            .await
            .map(drop),
        U::EscrowDispute => {
            let split = service::escrow::Split::DeveloperBps(5_000);
            service::escrow::decide_dispute(db, a, o, 1, split, "mediation", None)
                .await
                .map(drop)
        }
        U::ProjectMessage => service::conversations::post(db, a, o, P_OPEN, "Bonjour", false)
            .await
            .map(drop),
        U::PaymentRecord => service::payments::fail(db, a, o, 1, "refused")
            .await
            .map(drop),
        U::PayoutBatch => service::payouts::create_batch(db, a, o, "wave", None)
            .await
            .map(drop),
        U::TokenManage => {
            let abilities = ["projects:read".to_owned()];
            let new = service::tokens::NewToken {
                name: "matrix",
                abilities: &abilities,
                expires_in_days: Some(1),
            };
            service::tokens::create(db, a, o, &new).await.map(drop)
        }
        U::WebhookManage => {
            let types = ["*".to_owned()];
            let input = service::webhooks::EndpointInput {
                url: "http://127.0.0.1:9/matrix",
                description: None,
                event_types: &types,
            };
            let policy = obryl::domain::webhook::Policy {
                allow_private_addresses: true,
                ..Default::default()
            };
            service::webhooks::add(db, a, o, &policy, &input)
                .await
                .map(drop)
        }
        U::AnalyticsRebuild => service::analytics::rebuild(db, a, o).await.map(drop),
        U::ReferralCodeManage => {
            let new = service::referrals::NewCode {
                owner_email: email(CLIENT),
                ..Default::default()
            };
            service::referrals::create_code(db, a, o, &new)
                .await
                .map(drop)
        }
        U::ReferralRewardDecide => service::referral_decisions::reject(db, a, o, 999_999, "x")
            .await
            .map(drop),
        U::ReferralCheck => service::referral_flags::check(db, a, o, true)
            .await
            .map(drop),
        U::MediaDecide => service::media::reject(db, a, o, 999_999, "x")
            .await
            .map(drop),
        U::AuditRead | U::AnalyticsRead | U::DataRead | U::MediaRead => return None,
    };
    Some(r)
}

/// The matrix: each use case as each seeded staff role. Allowed: anything but a permission
/// refusal (a domain rule may still say no). Refused: the use case's permission is named, and
/// no audit row, notification or outbox event was written.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_use_case_as_every_role_follows_the_matrix() {
    on_all!(|db| {
        world(&db).await;
        let mut refusals = Vec::new();
        for role in staff_roles() {
            let a = member(&db, role, &format!("{}@matrix.test", role.as_str())).await;
            for use_case in UseCase::ALL.iter().copied() {
                let allowed = use_case.allowed(role);
                let before = traces(&db).await;
                let result = match call(&db, &a, use_case).await {
                    Some(r) => r,
                    None => service::access::authorize(&db, &a, use_case)
                        .await
                        .map(drop),
                };
                let refused = matches!(result, Err(ServiceError::Forbidden { .. }));
                assert_eq!(
                    !refused,
                    allowed,
                    "{} as {}: {result:?}",
                    use_case.as_str(),
                    role.as_str()
                );
                if let Err(ServiceError::Forbidden { permission }) = &result {
                    assert_eq!(Some(*permission), use_case.permission().map(|p| p.as_str()));
                    assert_eq!(traces(&db).await, before, "{} wrote", use_case.as_str());
                    refusals.push(format!("{} × {}", role.as_str(), use_case.as_str()));
                }
            }
        }
        eprintln!("{} refusals: {}", refusals.len(), refusals.join(", "));
    });
}

/// The README's table is the matrix.
#[test]
fn the_readme_shows_the_matrix() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    assert!(
        readme.contains(&matrix_markdown()),
        "README.md's permission table differs from domain::access; paste:\n{}",
        matrix_markdown()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn role_administration_follows_its_rules() {
    on_all!(|db| {
        world(&db).await;
        let o = origin();
        let ops = actor(&db, SEKOU).await;
        let admin = member(&db, Role::SuperAdmin, "admin@matrix.test").await;
        let refused = |r: Result<bool, ServiceError>| match r {
            Err(ServiceError::RoleRule(rule)) => rule,
            other => panic!("expected a role rule, got {other:?}"),
        };
        let before = traces(&db).await;
        // Nobody changes their own roles.
        let (sekou, fatou, awa) = (email(SEKOU), email(FATOU), email(AWA));
        let r = service::users::set_role(&db, Some(&ops), &o, &sekou, Role::SuperAdmin, true);
        assert_eq!(refused(r.await), RoleRule::OwnRoles);
        // Super-admin only by a super-admin.
        let r = service::users::set_role(&db, Some(&ops), &o, &fatou, Role::SuperAdmin, true);
        assert_eq!(refused(r.await), RoleRule::SuperAdminOnly);
        // Nobody hands out more than they hold.
        let r = service::users::set_role(&db, Some(&ops), &o, &fatou, Role::Finance, true);
        assert!(matches!(refused(r.await), RoleRule::MoreThanHeld(m) if !m.is_empty()));
        // Nor takes over an account holding more (its password).
        let r = service::users::set_password(&db, Some(&ops), &o, &awa, "taken over");
        assert!(matches!(
            r.await,
            Err(ServiceError::RoleRule(RoleRule::MoreThanHeld(_)))
        ));
        // The only super-admin cannot revoke itself, nor be revoked or deleted by the operator.
        let r =
            service::users::set_role(&db, Some(&admin), &o, &admin.email, Role::SuperAdmin, false);
        assert_eq!(refused(r.await), RoleRule::OwnRoles);
        let op = Origin::operator();
        let r = service::users::set_role(&db, None, &op, &admin.email, Role::SuperAdmin, false);
        assert_eq!(refused(r.await), RoleRule::LastSuperAdmin);
        let r = service::users::delete(&db, None, &op, &admin.email).await;
        assert!(matches!(
            r,
            Err(ServiceError::RoleRule(RoleRule::LastSuperAdmin))
        ));
        assert_eq!(traces(&db).await, before, "refusals wrote nothing");
        // Ops may hand out ops; the super-admin anything.
        assert!(
            service::users::set_role(&db, Some(&ops), &o, &email(FATOU), Role::Ops, true)
                .await
                .unwrap()
        );
        assert!(
            service::users::set_role(&db, Some(&admin), &o, &email(FATOU), Role::Finance, true)
                .await
                .unwrap()
        );
    });
}

/// Two super-admins revoking each other at the same moment leave exactly one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_super_admins_revoking_each_other_leave_one() {
    on_all!(|db| {
        for round in 0..5 {
            let a = member(&db, Role::SuperAdmin, &format!("a{round}@matrix.test")).await;
            let b = member(&db, Role::SuperAdmin, &format!("b{round}@matrix.test")).await;
            // Only these two hold it in this round.
            for other in store::access::role_holders(
                &mut db.clone(),
                store::users::role_id(&mut db.clone(), "super-admin")
                    .await
                    .unwrap()
                    .unwrap(),
            )
            .await
            .unwrap()
            {
                if other != a.id && other != b.id {
                    let e = store::users::find(&mut db.clone(), other)
                        .await
                        .unwrap()
                        .unwrap();
                    service::users::delete(&db, None, &Origin::operator(), &e.email)
                        .await
                        .unwrap();
                }
            }
            let (ra, rb) = tokio::join!(
                tokio::spawn({
                    let (db, a, to) = (db.clone(), a.clone(), b.email.clone());
                    async move {
                        service::users::set_role(
                            &db,
                            Some(&a),
                            &origin(),
                            &to,
                            Role::SuperAdmin,
                            false,
                        )
                        .await
                    }
                }),
                tokio::spawn({
                    let (db, b, to) = (db.clone(), b.clone(), a.email.clone());
                    async move {
                        service::users::set_role(
                            &db,
                            Some(&b),
                            &origin(),
                            &to,
                            Role::SuperAdmin,
                            false,
                        )
                        .await
                    }
                }),
            );
            let (ra, rb) = (ra.unwrap(), rb.unwrap());
            assert!(
                ra.is_ok() != rb.is_ok(),
                "exactly one wins: {ra:?} / {rb:?}"
            );
            let loser = if ra.is_ok() { rb } else { ra };
            assert!(
                matches!(
                    loser,
                    Err(ServiceError::RoleRule(RoleRule::LastSuperAdmin))
                        | Err(ServiceError::RoleRemoved { .. })
                        | Err(ServiceError::Forbidden { .. })
                        | Err(ServiceError::NotStaff { .. })
                ),
                "{loser:?}"
            );
            let holders = store::access::role_holders(
                &mut db.clone(),
                store::users::role_id(&mut db.clone(), "super-admin")
                    .await
                    .unwrap()
                    .unwrap(),
            )
            .await
            .unwrap();
            assert_eq!(holders.len(), 1, "round {round}: {holders:?}");
        }
    });
}

/// A role removed or a session ended bites at the next write, with who and when.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rights_are_current_at_every_write() {
    on_all!(|db| {
        world(&db).await;
        let o = origin();
        let admin = member(&db, Role::SuperAdmin, "admin@matrix.test").await;
        let policy = ThrottlePolicy::default();
        let live = SessionKind::Live {
            ttl: Duration::hours(1),
        };
        service::users::set_password(&db, None, &Origin::operator(), &email(IBRAHIMA), PASSWORD)
            .await
            .unwrap();
        let finance = auth::login(&db, &email(IBRAHIMA), PASSWORD, &o, &policy, live)
            .await
            .unwrap();
        assert!(finance.actor.session_id.is_some() && finance.token.is_some());
        service::users::set_role(
            &db,
            Some(&admin),
            &o,
            &email(IBRAHIMA),
            Role::Finance,
            false,
        )
        .await
        .unwrap();
        let before = traces(&db).await;
        let r =
            service::commissions::approve(&db, &finance.actor, &o, Kind::Platform, C_SMALL, None)
                .await;
        match r {
            Err(ServiceError::RoleRemoved { role, by, .. }) => {
                assert_eq!(role, "finance");
                assert_eq!(by.as_deref(), Some("super-admin"));
            }
            other => panic!("expected the role's removal, got {other:?}"),
        }
        assert_eq!(traces(&db).await, before, "the refusal wrote nothing");
        assert_eq!(
            store::commissions::get(&mut db.clone(), Kind::Platform, C_SMALL)
                .await
                .unwrap()
                .unwrap()
                .status,
            "pending"
        );

        // A session ended elsewhere: the next write is refused, naming who ended it.
        service::users::set_password(&db, None, &Origin::operator(), &email(AWA), PASSWORD)
            .await
            .unwrap();
        let awa = auth::login(&db, &email(AWA), PASSWORD, &o, &policy, live)
            .await
            .unwrap();
        assert_eq!(auth::revoke(&db, &admin, &o, AWA, None).await.unwrap(), 1);
        let r =
            service::commissions::approve(&db, &awa.actor, &o, Kind::Platform, C_SMALL, None).await;
        match r {
            Err(e @ ServiceError::SessionRevoked { .. }) => {
                assert!(e.ends_session());
                assert!(e.to_string().contains("super-admin"), "{e}");
            }
            other => panic!("expected the session's end, got {other:?}"),
        }
        // `obryl logout` of a token ends that session the same way.
        let again = auth::login(&db, &email(AWA), PASSWORD, &o, &policy, live)
            .await
            .unwrap();
        assert!(
            auth::logout(&db, again.token.as_deref().unwrap(), &o)
                .await
                .unwrap()
        );
        let r = service::notifications::mark_read(&db, &again.actor, None).await;
        assert!(
            matches!(r, Err(ServiceError::SessionRevoked { .. })),
            "{r:?}"
        );
        // A deleted account cannot act.
        let fatou = actor(&db, FATOU).await;
        service::users::delete(&db, Some(&admin), &o, &email(FATOU))
            .await
            .unwrap();
        let r = service::tickets::reply(&db, &fatou, &o, T_NEW, "Bonjour", false).await;
        assert!(
            matches!(r, Err(ServiceError::AccountDeleted { .. })),
            "{r:?}"
        );
    });
}

/// Failed logins are audited (email tried, reason, source; never the password); after five,
/// even the right password is refused without being checked, until the delay has passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_logins_are_audited_and_throttled() {
    on_all!(|db| {
        world(&db).await;
        let o = origin();
        service::users::set_password(&db, None, &Origin::operator(), &email(AWA), PASSWORD)
            .await
            .unwrap();
        let policy = ThrottlePolicy {
            delays: vec![Duration::seconds(1)],
            ..ThrottlePolicy::default()
        };
        let none = SessionKind::None;
        let failed = |db: Db| async move {
            store::audit::count_for(&mut db.clone(), "user", AWA, Some("login_failed"))
                .await
                .unwrap()
        };
        for _ in 0..3 {
            let r = auth::login(&db, &email(AWA), "wrong", &o, &policy, none).await;
            assert!(matches!(r, Err(ServiceError::InvalidCredentials)));
        }
        assert_eq!(failed(db.clone()).await, 3);
        let history = store::audit::history(&mut db.clone(), "user", AWA, 10)
            .await
            .unwrap();
        let row = history.iter().find(|h| h.event == "login_failed").unwrap();
        let new = serde_json::to_string(&row.new_values).unwrap();
        assert!(
            new.contains("wrong_password") && new.contains(&o.source),
            "{new}"
        );
        assert!(
            !new.contains("\"wrong\""),
            "the password is never recorded: {new}"
        );
        for _ in 0..2 {
            let _ = auth::login(&db, &email(AWA), "wrong", &o, &policy, none).await;
        }
        let r = auth::login(&db, &email(AWA), PASSWORD, &o, &policy, none).await;
        match &r {
            Err(e @ ServiceError::Throttled { wait_seconds, .. }) => {
                assert!(*wait_seconds >= 1);
                assert!(e.to_string().contains("try again at"), "{e}");
            }
            other => panic!("expected the throttle, got {other:?}"),
        }
        assert_eq!(
            failed(db.clone()).await,
            6,
            "the refused attempt is audited too"
        );
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let ok = auth::login(&db, &email(AWA), PASSWORD, &o, &policy, none).await;
        assert!(ok.is_ok(), "{:?}", ok.err());
        // Unknown accounts are audited under the attempt.
        let r = auth::login(&db, "nobody@obryl.test", "x", &o, &policy, none).await;
        assert!(matches!(r, Err(ServiceError::InvalidCredentials)));
    });
}
