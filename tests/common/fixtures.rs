//! A small, hand-built world for rule tests: staff in every position the four-eyes rule cares
//! about, a client, developers, projects and commissions in known states.
#![allow(dead_code)]

use chrono::{Datelike, Duration, SubsecRound, Utc};
use obryl::service::Actor;
use obryl::store::{Db, bulk};
use sea_query::Value;

pub const AWA: i64 = 1; // finance
pub const IBRAHIMA: i64 = 2; // finance
pub const SEKOU: i64 = 3; // ops
pub const REQUESTER: i64 = 4; // finance, requests the commissions
pub const CLIENT_FIN: i64 = 5; // finance, and the client of project 2
pub const DEV_FIN: i64 = 6; // finance, and the developer of project 3
pub const FATOU: i64 = 7; // support
pub const KOFFI: i64 = 8; // support
pub const ELOISE: i64 = 9; // editor
pub const CLIENT: i64 = 10; // platform client
pub const MOUSSA: i64 = 11; // developer, 40 h/week, max 3 projects
pub const IDLE: i64 = 12; // developer, unavailable

pub const C_SMALL: i64 = 1; // pending, 67 500 XOF, project 1 (client 10, dev 11)
pub const C_CLIENT: i64 = 2; // pending, project 2 whose client is CLIENT_FIN
pub const C_DEV: i64 = 3; // pending, project 3 whose developer is DEV_FIN
pub const C_BIG: i64 = 4; // pending, 3 000 000 XOF: above the dual-approval threshold
pub const C_APPROVED: i64 = 5; // approved, ready to pay
pub const P_OPEN: i64 = 5; // open project, 80 h over the next weeks
pub const P_WORK: i64 = 7; // in progress, developer Moussa (hours are planned on it)
pub const P_WORK_2: i64 = 8; // in progress, developer Moussa
pub const T_NEW: i64 = 1; // new, unassigned ticket
pub const A_DRAFT: i64 = 1; // draft article by Éloïse

/// Any bcrypt hash: fixtures never log in with a password.
const HASH: &str = "$2y$12$H4aG6ZvgaLAHEquoN9PEpeI5ECWzr.R0H0bBEBLzcZq85IDQiq.HS";

fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

pub async fn world(db: &Db) {
    let now = Utc::now().trunc_subsecs(0);
    let mut tx = db.begin().await.unwrap();
    let users = [
        (AWA, "Awa Diop"),
        (IBRAHIMA, "Ibrahima Coulibaly"),
        (SEKOU, "Sékou Keïta"),
        (REQUESTER, "Aminata Ndiaye"),
        (CLIENT_FIN, "Akissi Kouassi"),
        (DEV_FIN, "Koffi N'Guessan"),
        (FATOU, "Fatou Sow"),
        (KOFFI, "Koffi Kouassi"),
        (ELOISE, "Éloïse Ouédraogo"),
        (CLIENT, "Pharmacie du Plateau"),
        (MOUSSA, "Moussa Traoré"),
        (IDLE, "Ibrahima Diallo"),
    ];
    bulk::insert_rows(
        &mut tx,
        "users",
        &[
            "id",
            "name",
            "name_key",
            "email",
            "password",
            "locale",
            "created_at",
            "updated_at",
        ],
        users
            .iter()
            .map(|(id, name)| {
                vec![
                    v(*id),
                    v(*name),
                    v(obryl::domain::sort_key(name)),
                    v(format!("u{id}@obryl.test")),
                    v(HASH),
                    v("fr"),
                    v(now),
                    v(now),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    let role = |name: &str| name.to_owned();
    let grants = [
        (AWA, role("finance")),
        (IBRAHIMA, role("finance")),
        (SEKOU, role("ops")),
        (REQUESTER, role("finance")),
        (CLIENT_FIN, role("finance")),
        (DEV_FIN, role("finance")),
        (FATOU, role("support")),
        (KOFFI, role("support")),
        (ELOISE, role("editor")),
    ];
    for (uid, r) in grants {
        let rid = obryl::store::users::role_id(&mut tx, &r)
            .await
            .unwrap()
            .unwrap();
        obryl::store::users::grant_role(&mut tx, uid, rid)
            .await
            .unwrap();
    }
    let profiles = [
        (1, CLIENT, "client", "available", 40, 3),
        (2, CLIENT_FIN, "client", "available", 40, 3),
        (3, MOUSSA, "developer", "available", 40, 3),
        (4, DEV_FIN, "developer", "available", 40, 3),
        (5, IDLE, "developer", "unavailable", 40, 3),
    ];
    bulk::insert_rows(
        &mut tx,
        "profiles",
        &[
            "id",
            "user_id",
            "type",
            "display_name",
            "skills",
            "availability",
            "weekly_capacity_hours",
            "max_active_projects",
            "created_at",
        ],
        profiles
            .iter()
            .map(|(id, uid, t, a, cap, max)| {
                vec![
                    v(*id),
                    v(*uid),
                    v(*t),
                    v(format!("profile {uid}")),
                    v(serde_json::json!(["rust", "laravel"])),
                    v(*a),
                    v(*cap as i64),
                    v(*max as i64),
                    v(now),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    let monday = now.date_naive() - Duration::days(i64::from(now.weekday().num_days_from_monday()));
    let projects: [(i64, i64, Option<i64>, &str, i64); 8] = [
        (1, CLIENT, Some(MOUSSA), "completed", 450_000),
        (2, CLIENT_FIN, Some(MOUSSA), "completed", 450_000),
        (3, CLIENT, Some(DEV_FIN), "completed", 450_000),
        (4, CLIENT, Some(MOUSSA), "completed", 20_000_000),
        (P_OPEN, CLIENT, None, "open", 900_000),
        (6, CLIENT, Some(MOUSSA), "completed", 1_000_000),
        (P_WORK, CLIENT, Some(MOUSSA), "in_progress", 300_000),
        (P_WORK_2, CLIENT, Some(MOUSSA), "in_progress", 300_000),
    ];
    bulk::insert_rows(
        &mut tx,
        "projects",
        &[
            "id",
            "client_id",
            "developer_id",
            "title",
            "slug",
            "budget_amount",
            "agreed_amount",
            "currency",
            "status",
            "estimated_hours",
            "starts_on",
            "deadline_at",
            "created_at",
            "updated_at",
        ],
        projects
            .iter()
            .map(|(id, client, dev, status, amount)| {
                vec![
                    v(*id),
                    v(*client),
                    v(*dev),
                    v(format!("Projet n°{id} « Refonte »")),
                    v(format!("projet-{id}")),
                    v(*amount),
                    v(*amount),
                    v("XOF"),
                    v(*status),
                    v(80i64),
                    v(monday),
                    v(now + Duration::days(13)),
                    v(now - Duration::days(30)),
                    v(now),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    let commissions: [(i64, i64, i64, &str); 5] = [
        (C_SMALL, 1, 450_000, "pending"),
        (C_CLIENT, 2, 450_000, "pending"),
        (C_DEV, 3, 450_000, "pending"),
        (C_BIG, 4, 20_000_000, "pending"),
        (C_APPROVED, 6, 1_000_000, "approved"),
    ];
    bulk::insert_rows(
        &mut tx,
        "commissions",
        &[
            "id",
            "project_id",
            "gross_amount",
            "rate_bps",
            "amount",
            "currency",
            "status",
            "requested_by",
            "approved_by",
            "approved_at",
            "created_at",
            "updated_at",
        ],
        commissions
            .iter()
            .map(|(id, pid, gross, status)| {
                let approved = *status == "approved";
                vec![
                    v(*id),
                    v(*pid),
                    v(*gross),
                    v(1500i64),
                    v(gross * 15 / 100),
                    v("XOF"),
                    v(*status),
                    v(REQUESTER),
                    v(approved.then_some(IBRAHIMA)),
                    v(approved.then_some(now)),
                    v(now - Duration::days(3 - id % 3)),
                    v(now),
                ]
            })
            .collect(),
    )
    .await
    .unwrap();
    bulk::insert_rows(
        &mut tx,
        "support_tickets",
        &[
            "id",
            "reference",
            "requester_id",
            "subject",
            "body",
            "category",
            "priority",
            "status",
            "first_response_due_at",
            "resolution_due_at",
            "last_activity_at",
            "created_at",
            "updated_at",
        ],
        vec![vec![
            v(T_NEW),
            v("TCK-2026-000001"),
            v(CLIENT),
            v("Paiement Wave non reçu"),
            v("Bonjour…"),
            v("billing"),
            v("high"),
            v("new"),
            v(now + Duration::hours(4)),
            v(now + Duration::hours(24)),
            v(now),
            v(now),
            v(now),
        ]],
    )
    .await
    .unwrap();
    bulk::insert_rows(
        &mut tx,
        "articles",
        &[
            "id",
            "author_id",
            "title",
            "slug",
            "excerpt",
            "body",
            "status",
            "created_at",
            "updated_at",
        ],
        vec![vec![
            v(A_DRAFT),
            v(ELOISE),
            v("Payer ses développeurs en FCFA"),
            v("payer-en-fcfa"),
            v("Résumé"),
            v("Corps de l'article"),
            v("draft"),
            v(now),
            v(now),
        ]],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    bulk::reset_sequences(
        db,
        &[
            "users",
            "profiles",
            "projects",
            "commissions",
            "support_tickets",
            "articles",
        ],
    )
    .await
    .unwrap();
}

pub async fn actor(db: &Db, id: i64) -> Actor {
    Actor::load(&mut db.clone(), id).await.unwrap()
}
