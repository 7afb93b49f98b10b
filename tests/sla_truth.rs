//! One SLA truth on SQLite and PostgreSQL: the SLA column (`sla_cell`), the "SLA due first"
//! order, the `breached` filter and the ticket detail say the same thing about every ticket;
//! the services keep what happened (met targets keep their deadlines, a breach stays a
//! breach) and closed tickets take no more messages.

mod common;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use common::fixtures::{self, CLIENT, FATOU, T_NEW};
use obryl::domain::sla::{NO_CLOCK_KEY, SlaTarget};
use obryl::domain::{DomainError, Locale, SlaState, TicketPriority, TicketStatus};
use obryl::office;
use obryl::service::{self, Actor, Origin, ServiceError};
use obryl::store::tickets::{Filter, Sort, TicketRow};
use obryl::store::{self, Anchor, Db, bulk};
use obryl::ui::screens::tickets::{TicketsScreen, sla_cell};
use obryl::ui::screens::{Ctx, ListScreen};
use obryl::ui::theme::Theme;
use obryl::ui::widgets::detail::DetailLine;
use sea_query::Value;

/// A ticket's SLA stamps, in minutes from `now` (None: not set).
#[derive(Clone, Copy)]
struct Spec {
    id: i64,
    status: &'static str,
    priority: &'static str,
    created: i64,
    first_due: Option<i64>,
    first_at: Option<i64>,
    resolution_due: i64,
    resolved: Option<i64>,
    paused_minutes: i64,
    paused_since: Option<i64>,
}

const OPEN: Spec = Spec {
    id: 0,
    status: "open",
    priority: "normal",
    created: -5 * 24 * 60,
    first_due: Some(-5 * 24 * 60 + 8 * 60),
    first_at: Some(-5 * 24 * 60 + 60),
    resolution_due: 0,
    resolved: None,
    paused_minutes: 0,
    paused_since: None,
};

const H: i64 = 60;
const D: i64 = 24 * 60;

async fn insert(db: &Db, now: DateTime<Utc>, specs: &[Spec]) {
    let at = |m: i64| Value::from(now + Duration::minutes(m));
    let maybe = |m: Option<i64>| Value::from(m.map(|m| now + Duration::minutes(m)));
    let mut tx = db.begin().await.unwrap();
    bulk::insert_rows(
        &mut tx,
        "support_tickets",
        &[
            "id",
            "reference",
            "requester_id",
            "assignee_id",
            "subject",
            "body",
            "category",
            "priority",
            "status",
            "first_response_due_at",
            "first_responded_at",
            "resolution_due_at",
            "resolved_at",
            "resolution",
            "paused_seconds",
            "paused_since",
            "last_activity_at",
            "created_at",
            "updated_at",
        ],
        specs
            .iter()
            .map(|s| {
                let done = matches!(s.status, "solved" | "closed");
                vec![
                    Value::from(s.id),
                    Value::from(format!("TCK-2026-{:06}", s.id)),
                    Value::from(CLIENT),
                    Value::from(FATOU),
                    Value::from(format!("Ticket {}", s.id)),
                    Value::from("Bonjour…"),
                    Value::from("billing"),
                    Value::from(s.priority),
                    Value::from(s.status),
                    maybe(s.first_due),
                    maybe(s.first_at),
                    at(s.resolution_due),
                    maybe(s.resolved),
                    Value::from(done.then_some("Remboursé via Wave")),
                    Value::from(s.paused_minutes * 60),
                    maybe(s.paused_since),
                    at(s.created),
                    at(s.created),
                    at(s.created),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    bulk::reset_sequences(db, &["support_tickets"])
        .await
        .unwrap();
}

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

fn ctx<'a>(theme: &'a Theme, actor: &'a Actor, now: DateTime<Utc>, locale: Locale) -> Ctx<'a> {
    Ctx {
        locale,
        theme,
        now,
        actor,
        read_only: false,
        data_dir: None,
        graphics: None,
    }
}

async fn get(db: &Db, id: i64) -> TicketRow {
    store::tickets::get(&mut db.clone(), id)
        .await
        .unwrap()
        .unwrap()
}

/// Every row of the list, `limit` at a time: forward from the first row, and backward from the
/// last one (given back in list order).
async fn walk(db: &Db, f: &Filter, limit: u64) -> (Vec<TicketRow>, Vec<TicketRow>) {
    let page = |anchor: Anchor| async move {
        store::tickets::page(&mut db.clone(), f, Sort::Due, &anchor, limit)
            .await
            .unwrap()
    };
    let mut forward = Vec::new();
    let mut anchor = Anchor::First;
    loop {
        let p = page(anchor).await;
        assert!(p.rows.len() as u64 <= limit);
        forward.extend(p.rows.iter().cloned());
        match p.rows.last() {
            Some(last) if p.has_after => anchor = Anchor::After(Sort::Due.cursor(last)),
            _ => break,
        }
    }
    let mut backward = Vec::new();
    let mut anchor = Anchor::Last;
    loop {
        let p = page(anchor).await;
        backward.splice(0..0, p.rows.iter().cloned());
        match p.rows.first() {
            Some(first) if p.has_before => anchor = Anchor::Before(Sort::Due.cursor(first)),
            _ => break,
        }
    }
    (forward, backward)
}

fn ids(rows: &[TicketRow]) -> Vec<i64> {
    rows.iter().map(|r| r.id).collect()
}

#[tokio::test]
async fn the_due_order_and_the_breached_filter_agree_with_the_sla_column() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let now = now();
        let specs = [
            // Breached, running: 3 d late by the book, but paused 3 d minus 1 h → -1 h.
            Spec {
                id: 101,
                resolution_due: -3 * D,
                paused_minutes: 3 * D - H,
                ..OPEN
            },
            Spec {
                id: 102,
                resolution_due: -2 * D,
                ..OPEN
            },
            Spec {
                id: 103,
                status: "on_hold",
                resolution_due: -D,
                ..OPEN
            },
            // Pending since 5 h, already 5 h late when it was paused: frozen at -5 h.
            Spec {
                id: 104,
                status: "pending",
                resolution_due: -10 * H,
                paused_since: Some(-5 * H),
                ..OPEN
            },
            // Pending since 6 h with 4 h left then: frozen at 4 h 10 min.
            Spec {
                id: 105,
                status: "pending",
                resolution_due: -2 * H + 10,
                paused_since: Some(-6 * H),
                ..OPEN
            },
            // New: its clock counts to the first response (in 30 min), not the resolution.
            Spec {
                id: 106,
                status: "new",
                created: -30,
                first_due: Some(30),
                first_at: None,
                resolution_due: 7 * H + 30,
                ..OPEN
            },
            // Answered 1 h late: breached, whatever the resolution clock says.
            Spec {
                id: 107,
                first_due: Some(-5 * H),
                first_at: Some(-4 * H),
                resolution_due: 20 * H,
                ..OPEN
            },
            Spec {
                id: 108,
                resolution_due: 3 * H,
                ..OPEN
            },
            // New and 30 min past its first-response deadline.
            Spec {
                id: 109,
                status: "new",
                created: -90,
                first_due: Some(-30),
                first_at: None,
                resolution_due: 6 * H,
                ..OPEN
            },
            // Solved in time, and solved after missing both targets.
            Spec {
                id: 110,
                status: "solved",
                resolution_due: -D,
                resolved: Some(-2 * D),
                ..OPEN
            },
            Spec {
                id: 111,
                status: "closed",
                first_due: Some(-4 * D),
                first_at: Some(-3 * D),
                resolution_due: -2 * D,
                resolved: Some(-D),
                ..OPEN
            },
        ];
        insert(&db, now, &specs).await;
        let theme = Theme::load("dark", true);
        let fatou = fixtures::actor(&db, FATOU).await;
        let ctx = ctx(&theme, &fatou, now, Locale::En);

        let all = Filter {
            now: Some(now),
            ..Filter::default()
        };
        let (forward, backward) = walk(&db, &all, 2).await;
        assert_eq!(ids(&forward), ids(&backward), "both ways, the same list");
        let mut every = ids(&forward);
        every.sort();
        let mut expected: Vec<i64> = specs.iter().map(|s| s.id).collect();
        expected.push(T_NEW);
        expected.sort();
        assert_eq!(every, expected, "each ticket once");

        // Most overdue first, as the SLA column reads: -2 d, -1 d, ‖ -5 h, -1 h, -30 min...
        let cells: Vec<String> = forward.iter().map(|r| sla_cell(r, &ctx).0).collect();
        assert_eq!(
            &ids(&forward)[..6],
            &[102, 103, 104, 101, 109, 106],
            "{cells:?}"
        );
        assert_eq!(
            &cells[..6],
            &[
                "✕ -2 d",
                "✕ -1 d",
                "✕ -5 h",
                "✕ -1 h",
                "✕ -30 min",
                "30 min"
            ]
        );
        assert_eq!(&ids(&forward)[10..], &[110, 111], "no clock, last");
        assert_eq!(&cells[10..], &["✓", "✕"]);
        let mut last_left = i64::MIN;
        for r in &forward {
            let sla = r.sla();
            assert_eq!(r.sla_order, sla.order_key(now), "{}", r.reference);
            match sla.reading(now).and_then(|x| x.clock) {
                Some((_, left)) => {
                    assert!(left.num_seconds() >= last_left, "{cells:?}");
                    last_left = left.num_seconds();
                }
                None => assert_eq!(r.sla_order, NO_CLOCK_KEY),
            }
        }

        // A window read again from one of its rows starts at that row.
        let from = store::tickets::page(
            &mut db.clone(),
            &all,
            Sort::Due,
            &Anchor::From(Sort::Due.cursor(&forward[3])),
            4,
        )
        .await
        .unwrap();
        assert_eq!(ids(&from.rows), ids(&forward[3..7]));

        // `breached` is exactly the ✕ of the column, paused tickets included.
        let breached = Filter {
            breached_at: Some(now),
            ..all.clone()
        };
        let (rows, _) = walk(&db, &breached, 3).await;
        let crossed: Vec<i64> = forward
            .iter()
            .filter(|r| sla_cell(r, &ctx).0.starts_with('✕'))
            .map(|r| r.id)
            .collect();
        assert_eq!(ids(&rows), crossed);
        assert_eq!(crossed, vec![102, 103, 104, 101, 109, 107, 111]);
        for r in &rows {
            assert_eq!(r.sla().state(now), Some(SlaState::Breached));
            assert!(r.sla().breach_at().is_some_and(|at| at <= now.timestamp()));
        }
        // The triage queue's breached tickets: the pending one is there.
        let queue = Filter {
            statuses: ["new", "open", "pending", "on_hold"]
                .map(String::from)
                .to_vec(),
            ..breached.clone()
        };
        let (rows, _) = walk(&db, &queue, 100).await;
        assert_eq!(ids(&rows), vec![102, 103, 104, 101, 109, 107]);
    });
}

#[tokio::test]
async fn a_breach_stays_a_breach_after_solving() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let now = now();
        insert(
            &db,
            now,
            &[
                // Urgent, opened 10 h ago: first response due 9 h ago, resolution 2 h ago.
                Spec {
                    id: 201,
                    priority: "urgent",
                    created: -10 * H,
                    first_due: Some(-9 * H),
                    first_at: None,
                    resolution_due: -2 * H,
                    ..OPEN
                },
                Spec {
                    id: 202,
                    priority: "urgent",
                    created: -30,
                    first_due: Some(30),
                    first_at: None,
                    resolution_due: 7 * H + 30,
                    ..OPEN
                },
            ],
        )
        .await;
        let fatou = fixtures::actor(&db, FATOU).await;
        let o = Origin::tui();
        for id in [201, 202] {
            service::tickets::reply(&db, &fatou, &o, id, "Nous regardons.", false)
                .await
                .unwrap();
            service::tickets::transition(
                &db,
                &fatou,
                &o,
                id,
                TicketStatus::Solved,
                Some("Paiement Wave retrouvé et crédité."),
                None,
            )
            .await
            .unwrap();
        }
        let theme = Theme::load("dark", true);
        let now = Utc::now();
        let ctx = ctx(&theme, &fatou, now, Locale::En);
        let late = get(&db, 201).await;
        assert_eq!(late.status, "solved");
        assert_eq!(sla_cell(&late, &ctx).0, "✕");
        let reading = late.sla().reading(now).unwrap();
        assert_eq!(reading.state, SlaState::Breached);
        assert_eq!(
            reading.missed,
            [Some(SlaTarget::FirstResponse), Some(SlaTarget::Resolution)]
        );
        let on_time = get(&db, 202).await;
        assert_eq!(sla_cell(&on_time, &ctx).0, "✓");
        assert_eq!(on_time.sla().state(now), Some(SlaState::Met));

        let solved_breached = Filter {
            statuses: vec!["solved".into()],
            breached_at: Some(now),
            now: Some(now),
            ..Filter::default()
        };
        let page = store::tickets::page(
            &mut db.clone(),
            &solved_breached,
            Sort::Due,
            &Anchor::First,
            10,
        )
        .await
        .unwrap();
        assert_eq!(ids(&page.rows), vec![201]);
    });
}

#[tokio::test]
async fn a_priority_change_recomputes_only_the_targets_not_met() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let now = now();
        insert(
            &db,
            now,
            &[
                // Normal, opened 6 h ago (first response due in 2 h, resolution in 66 h).
                Spec {
                    id: 301,
                    created: -6 * H,
                    first_due: Some(2 * H),
                    first_at: None,
                    resolution_due: 66 * H,
                    ..OPEN
                },
                Spec {
                    id: 302,
                    created: -30,
                    first_due: Some(8 * H - 30),
                    first_at: None,
                    resolution_due: 72 * H - 30,
                    ..OPEN
                },
            ],
        )
        .await;
        let fatou = fixtures::actor(&db, FATOU).await;
        let o = Origin::tui();
        // Answered in time (5 h 59 in, the normal target is 8 h) ...
        service::tickets::reply(&db, &fatou, &o, 301, "Bonjour, c'est noté.", false)
            .await
            .unwrap();
        let before = get(&db, 301).await;
        // ... then raised to urgent (first response 1 h, resolution 8 h).
        for id in [301, 302] {
            service::tickets::set_priority(&db, &fatou, &o, id, TicketPriority::Urgent, None)
                .await
                .unwrap();
        }
        let after = get(&db, 301).await;
        assert_eq!(after.priority, "urgent");
        assert_eq!(
            after.first_response_due_at, before.first_response_due_at,
            "a met target keeps its deadline"
        );
        let created = after.created_at.unwrap();
        assert_eq!(after.resolution_due_at, Some(created + Duration::hours(8)));
        assert!(!after.sla().first_response_late());
        let theme = Theme::load("dark", true);
        let now = Utc::now();
        let ctx = ctx(&theme, &fatou, now, Locale::En);
        let (cell, _) = sla_cell(&after, &ctx);
        assert!(!cell.starts_with('✕') && cell.ends_with(" h"), "{cell}");
        let breached = Filter {
            breached_at: Some(now),
            now: Some(now),
            ..Filter::default()
        };
        let page = store::tickets::page(&mut db.clone(), &breached, Sort::Due, &Anchor::First, 50)
            .await
            .unwrap();
        assert!(!ids(&page.rows).contains(&301), "{:?}", ids(&page.rows));

        // Not answered yet: both deadlines follow the new priority.
        let pending = get(&db, 302).await;
        let created = pending.created_at.unwrap();
        assert_eq!(
            pending.first_response_due_at,
            Some(created + Duration::hours(1))
        );
        assert_eq!(
            pending.resolution_due_at,
            Some(created + Duration::hours(8))
        );
        let audit = store::audit::history(&mut db.clone(), "support_ticket", 301, 10)
            .await
            .unwrap();
        let change = audit.iter().find(|a| a.event == "updated").unwrap();
        let new = change.new_values.clone().unwrap_or_default().to_string();
        assert!(!new.contains("first_response_due_at"), "{new}");
        assert!(new.contains("resolution_due_at"), "{new}");
    });
}

#[tokio::test]
async fn a_new_ticket_shows_its_first_response_clock() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let now = now();
        insert(
            &db,
            now,
            &[Spec {
                id: 401,
                status: "new",
                created: 0,
                first_due: Some(45),
                first_at: None,
                resolution_due: 8 * H,
                ..OPEN
            }],
        )
        .await;
        let fatou = fixtures::actor(&db, FATOU).await;
        let theme = Theme::load("dark", true);
        for (locale, first) in [
            (Locale::En, "45 min · to first response"),
            (Locale::Fr, "45 min · avant première réponse"),
        ] {
            let ctx = ctx(&theme, &fatou, now, locale);
            let row = get(&db, 401).await;
            assert_eq!(sla_cell(&row, &ctx).0, "45 min");
            let lines = detail_lines(&db, 401, &ctx).await;
            assert!(
                lines.contains(&DetailLine::Styled(
                    "SLA".into(),
                    first.into(),
                    obryl::ui::widgets::detail::Tone::Ok
                )),
                "{lines:?}"
            );
        }
        // Once answered, the clock counts to the resolution.
        service::tickets::reply(&db, &fatou, &Origin::tui(), 401, "Bonjour !", false)
            .await
            .unwrap();
        let ctx = ctx(&theme, &fatou, now, Locale::En);
        let lines = detail_lines(&db, 401, &ctx).await;
        assert!(
            lines.iter().any(|l| matches!(
                l,
                DetailLine::Styled(k, v, _) if k == "SLA" && v.ends_with("· to resolution")
            )),
            "{lines:?}"
        );
    });
}

/// The ticket detail as the Tickets screen shows it.
async fn detail_lines(db: &Db, id: i64, ctx: &Ctx<'_>) -> Vec<DetailLine> {
    let detail = office::details::ticket(&mut db.clone(), id, 50)
        .await
        .unwrap();
    let mut screen = TicketsScreen::default();
    screen.detail.show(id, detail);
    screen.detail_lines(ctx)
}

#[tokio::test]
async fn closed_means_closed_and_solving_needs_a_resolution() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let fatou = fixtures::actor(&db, FATOU).await;
        let o = Origin::tui();
        let audits = || async {
            store::audit::count_for(&mut db.clone(), "support_ticket", T_NEW, None)
                .await
                .unwrap()
        };

        // No resolution, no solving: refused, nothing written.
        let before = audits().await;
        for resolution in [None, Some("   ")] {
            let err = service::tickets::transition(
                &db,
                &fatou,
                &o,
                T_NEW,
                TicketStatus::Solved,
                resolution,
                None,
            )
            .await
            .unwrap_err();
            assert!(
                matches!(
                    err,
                    ServiceError::Domain(DomainError::EmptyText {
                        field: "resolution"
                    })
                ),
                "{err:?}"
            );
            assert!(err.is_refusal());
            assert_eq!(
                office::messages::error_text(&err, Locale::En),
                "The resolution must not be empty."
            );
        }
        assert_eq!(get(&db, T_NEW).await.status, "new");
        assert_eq!(audits().await, before);

        // Solved with one: the detail shows how and when.
        service::tickets::transition(
            &db,
            &fatou,
            &o,
            T_NEW,
            TicketStatus::Solved,
            Some("Paiement Wave retrouvé, crédité le 3 mars."),
            None,
        )
        .await
        .unwrap();
        let detail = office::details::ticket(&mut db.clone(), T_NEW, 50)
            .await
            .unwrap();
        assert_eq!(
            detail.resolution.as_deref(),
            Some("Paiement Wave retrouvé, crédité le 3 mars.")
        );
        let solved_at = detail.row.resolved_at.expect("solving time");
        let theme = Theme::load("dark", true);
        let ctx = ctx(&theme, &fatou, Utc::now(), Locale::En);
        let lines = detail_lines(&db, T_NEW, &ctx).await;
        assert!(
            lines.contains(&DetailLine::Field(
                "Resolution".into(),
                "Paiement Wave retrouvé, crédité le 3 mars.".into()
            )),
            "{lines:?}"
        );
        assert!(
            lines.contains(&DetailLine::Field(
                "Solved".into(),
                office::format::absolute(Some(solved_at), Locale::En)
            )),
            "{lines:?}"
        );

        // Reopened, it is not solved any more: no resolution shown.
        service::tickets::transition(&db, &fatou, &o, T_NEW, TicketStatus::Open, None, None)
            .await
            .unwrap();
        let detail = office::details::ticket(&mut db.clone(), T_NEW, 50)
            .await
            .unwrap();
        assert_eq!((detail.resolution, detail.row.resolved_at), (None, None));
        let lines = detail_lines(&db, T_NEW, &ctx).await;
        assert!(
            !lines.iter().any(
                |l| matches!(l, DetailLine::Field(k, _) if k == "Resolution" || k == "Solved")
            ),
            "{lines:?}"
        );
        service::tickets::transition(
            &db,
            &fatou,
            &o,
            T_NEW,
            TicketStatus::Solved,
            Some("Crédité pour de bon."),
            None,
        )
        .await
        .unwrap();

        // Closed: neither a reply nor a note gets in.
        service::tickets::transition(&db, &fatou, &o, T_NEW, TicketStatus::Closed, None, None)
            .await
            .unwrap();
        let detail = office::details::ticket(&mut db.clone(), T_NEW, 50)
            .await
            .unwrap();
        assert_eq!(detail.resolution.as_deref(), Some("Crédité pour de bon."));
        let before = audits().await;
        for internal in [false, true] {
            let err = service::tickets::reply(&db, &fatou, &o, T_NEW, "Encore une chose", internal)
                .await
                .unwrap_err();
            assert!(
                matches!(
                    &err,
                    ServiceError::Domain(DomainError::IllegalTransition { kind: "ticket", from, .. })
                        if from == "closed"
                ),
                "{err:?}"
            );
            assert!(err.is_refusal());
            let en = office::messages::error_text(&err, Locale::En);
            let fr = office::messages::error_text(&err, Locale::Fr);
            assert!(en.contains("closed"), "{en}");
            assert!(fr.contains("fermé"), "{fr}");
        }
        assert_eq!(audits().await, before);
        assert!(
            store::messages::conversation_of(&mut db.clone(), "support_ticket", T_NEW)
                .await
                .unwrap()
                .is_none(),
            "no message was kept"
        );
    });
}

#[tokio::test]
async fn the_command_line_cannot_solve_without_a_resolution() {
    let (db, dir) = common::ui::demo_db().await;
    let path = dir.path().join("demo.db");
    let open = Filter {
        statuses: vec!["open".into()],
        ..Filter::default()
    };
    let page = store::tickets::page(&mut db.clone(), &open, Sort::Newest, &Anchor::First, 1)
        .await
        .unwrap();
    let t = &page.rows[0];
    let run = |args: &[&str]| {
        let mut all = vec![
            "--as",
            "support@obryl.test",
            "ticket",
            "status",
            t.reference.as_str(),
        ];
        all.extend_from_slice(args);
        common::cli::obryl(&path, &all)
    };
    let o = run(&["solved"]);
    assert_eq!(o.status.code(), Some(1), "{}", common::cli::text(&o));
    assert!(
        common::cli::text(&o).contains("The resolution must not be empty"),
        "{}",
        common::cli::text(&o)
    );
    assert_eq!(get(&db, t.id).await.status, "open");
    let o = run(&[
        "solved",
        "--resolution",
        "Compte débloqué après vérification.",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", common::cli::text(&o));
    let detail = office::details::ticket(&mut db.clone(), t.id, 10)
        .await
        .unwrap();
    assert_eq!(detail.row.status, "solved");
    assert_eq!(
        detail.resolution.as_deref(),
        Some("Compte débloqué après vérification.")
    );
}

/// The database's SLA keys and the domain's rules, on many made-up tickets (sub-second stamps,
/// pauses, late and early answers, every status): the same order, the same breaches.
#[tokio::test]
async fn the_database_keys_are_the_domain_rules() {
    use rand::{Rng, SeedableRng};
    on_all!(|db| {
        fixtures::world(&db).await;
        let now = now() + Duration::milliseconds(250);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(22);
        let statuses = ["new", "open", "pending", "on_hold", "solved", "closed"];
        let at = |rng: &mut rand_chacha::ChaCha8Rng, spread: i64| {
            now + Duration::milliseconds(
                rng.random_range(-spread..spread) * 1000 + rng.random_range(0..1000),
            )
        };
        let rows: Vec<Vec<Value>> = (500..700)
            .map(|id: i64| {
                let status = statuses[rng.random_range(0..statuses.len())];
                let done = matches!(status, "solved" | "closed");
                let created = at(&mut rng, 6 * 86_400);
                let first_due = rng.random_bool(0.95).then(|| at(&mut rng, 3 * 86_400));
                let first_at =
                    (status != "new" && rng.random_bool(0.8)).then(|| at(&mut rng, 3 * 86_400));
                let resolution_due = at(&mut rng, 5 * 86_400);
                let resolved =
                    (done || rng.random_bool(0.05)).then(|| at(&mut rng, 86_400).min(now));
                let paused_since = (status == "pending" || rng.random_bool(0.05))
                    .then(|| at(&mut rng, 86_400).min(now));
                let paused_seconds = if rng.random_bool(0.5) {
                    rng.random_range(0..200_000i64)
                } else {
                    0
                };
                vec![
                    Value::from(id),
                    Value::from(format!("TCK-2026-{id:06}")),
                    Value::from(CLIENT),
                    Value::from(format!("Ticket {id}")),
                    Value::from(status),
                    Value::from(first_due),
                    Value::from(first_at),
                    Value::from(resolution_due),
                    Value::from(resolved),
                    Value::from(paused_seconds),
                    Value::from(paused_since),
                    Value::from(created),
                ]
            })
            .collect();
        let mut tx = db.begin().await.unwrap();
        bulk::insert_rows(
            &mut tx,
            "support_tickets",
            &[
                "id",
                "reference",
                "requester_id",
                "subject",
                "status",
                "first_response_due_at",
                "first_responded_at",
                "resolution_due_at",
                "resolved_at",
                "paused_seconds",
                "paused_since",
                "created_at",
            ],
            rows,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let all = Filter {
            now: Some(now),
            ..Filter::default()
        };
        let (forward, backward) = walk(&db, &all, 37).await;
        assert_eq!(ids(&forward), ids(&backward));
        assert_eq!(forward.len(), 201);
        let keys: Vec<(i64, i64)> = forward
            .iter()
            .map(|r| (r.sla().order_key(now), r.id))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "the list is in the domain's order");
        for r in &forward {
            assert_eq!(r.sla_order, r.sla().order_key(now), "{r:?}");
        }
        let breached = Filter {
            breached_at: Some(now),
            ..all.clone()
        };
        let (rows, _) = walk(&db, &breached, 50).await;
        let expected: Vec<i64> = forward
            .iter()
            .filter(|r| r.sla().state(now) == Some(SlaState::Breached))
            .map(|r| r.id)
            .collect();
        assert_eq!(ids(&rows), expected);
        assert!(
            expected.len() > 40 && expected.len() < 180,
            "{}",
            expected.len()
        );
    });
}

/// The follow-up of a closed ticket: a new ticket, linked both ways, with the message as its
/// first reply; an open ticket is not followed up (it takes replies), and refusing writes nothing.
#[tokio::test]
async fn a_closed_ticket_is_followed_up_not_reopened() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let fatou = fixtures::actor(&db, FATOU).await;
        let o = Origin::tui();
        let refused = service::tickets::follow_up(&db, &fatou, &o, T_NEW, "Suite")
            .await
            .unwrap_err();
        assert!(
            office::messages::error_text(&refused, Locale::En).contains("is not closed"),
            "{refused:?}"
        );
        assert!(
            store::tickets::follow_links(&mut db.clone(), T_NEW)
                .await
                .unwrap()
                .1
                .is_empty()
        );
        for (to, resolution) in [
            (TicketStatus::Solved, Some("Crédité.")),
            (TicketStatus::Closed, None),
        ] {
            service::tickets::transition(&db, &fatou, &o, T_NEW, to, resolution, None)
                .await
                .unwrap();
        }
        let (id, reference) =
            service::tickets::follow_up(&db, &fatou, &o, T_NEW, "Nous reprenons ici.")
                .await
                .unwrap();
        assert_ne!(id, T_NEW);
        let old = office::details::ticket(&mut db.clone(), T_NEW, 50)
            .await
            .unwrap();
        assert_eq!(old.row.status, "closed");
        assert_eq!(old.follow_ups, vec![(id, reference.clone())]);
        let new = office::details::ticket(&mut db.clone(), id, 50)
            .await
            .unwrap();
        assert_eq!(
            new.row.reference,
            format!("TCK-{}-{id:06}", Utc::now().format("%Y"))
        );
        assert_eq!(new.follows, Some((T_NEW, old.row.reference.clone())));
        assert_eq!(new.row.requester_id, old.row.requester_id);
        assert_eq!(new.row.status, "open");
        assert_eq!(new.row.assignee_id, Some(FATOU));
        assert_eq!(new.body, old.body, "the requester's words carry over");
        assert_eq!(new.messages.len(), 1);
        assert_eq!(new.messages[0].body, "Nous reprenons ici.");
        assert!(!new.messages[0].is_internal);
        assert!(new.row.first_responded_at.is_some());
        assert_eq!(new.row.sla().state(Utc::now()), Some(SlaState::Ok));
        let created =
            store::audit::count_for(&mut db.clone(), "support_ticket", id, Some("created"))
                .await
                .unwrap();
        assert_eq!(created, 1);
        let lines = detail_lines(
            &db,
            id,
            &ctx(&Theme::load("dark", true), &fatou, Utc::now(), Locale::Fr),
        )
        .await;
        assert!(
            lines.contains(&DetailLine::Field(
                "Fait suite à".into(),
                old.row.reference.clone()
            )),
            "{lines:?}"
        );
    });
}
