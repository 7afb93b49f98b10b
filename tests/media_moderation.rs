//! Media moderation on every backend: ops approves a pending item and rejects one with a
//! reason, each audited with the owner notified (the text reads in the owner's language); a
//! decided item is refused with who decided it and when, also when two moderators decide at
//! once; an embed from a host off the allowlist and a file whose bytes are not what it claims
//! are refused with the rule named and nothing written; only `media.moderate` may decide or
//! read the queue; the queue is pending first and its keyset pages cover every row once.

mod common;

use chrono::{Duration, SubsecRound, Utc};
use obryl::domain::Locale;
use obryl::domain::media::EmbedPolicy;
use obryl::media::MediaDisk;
use obryl::service::media::{self, Rules};
use obryl::service::{Origin, ServiceError};
use obryl::store::media::MediaFilter;
use obryl::store::{Anchor, Db, bulk};
use sea_query::Value;
use serde_json::json;

use common::fixtures::{self, AWA, CLIENT, FATOU, MOUSSA, SEKOU};

/// Item `id` on `model` (`("user", dev)` or `("project", id)`), in `collection`, `status`.
async fn item(
    db: &Db,
    id: i64,
    model: (&str, i64),
    collection: &str,
    status: &str,
    custom: serde_json::Value,
) {
    let at = Utc::now().trunc_subsecs(0) - Duration::hours(100 - id);
    let (file, mime) = match collection {
        "demo_video" => (format!("demo-{id}.mp4"), "video/mp4"),
        "embed_3d" => (format!("scene-{id}.embed.json"), "application/json"),
        _ => (format!("capture-{id}.jpg"), "image/jpeg"),
    };
    let mut tx = db.begin().await.unwrap();
    let t = obryl::store::schema::MEDIA;
    let row: Vec<Value> = vec![
        id.into(),
        model.0.into(),
        model.1.into(),
        uuid::Uuid::new_v4().to_string().into(),
        collection.into(),
        format!("Capture {id}").into(),
        file.into(),
        mime.into(),
        "public".into(),
        "public".into(),
        120_000i64.into(),
        Value::from(json!([])),
        Value::from(custom),
        Value::from(json!({})),
        Value::from(json!([])),
        1i64.into(),
        status.into(),
        at.into(),
        at.into(),
    ];
    bulk::insert_rows(&mut tx, t.name, t.columns, vec![row])
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn rules() -> Rules {
    Rules {
        embeds: EmbedPolicy::default(),
        disk: None,
    }
}

async fn audit_rows(db: &Db, id: i64) -> usize {
    obryl::store::audit::history(&mut db.clone(), "media", id, 50)
        .await
        .unwrap()
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ops_approves_and_rejects_and_the_owner_reads_why_in_their_language() {
    on_all!(|db| {
        fixtures::world(&db).await;
        item(&db, 1, ("user", MOUSSA), "portfolio", "pending", json!({})).await;
        item(&db, 2, ("user", MOUSSA), "portfolio", "pending", json!({})).await;
        let ops = fixtures::actor(&db, SEKOU).await;
        let o = Origin::cli();
        media::approve(&db, &ops, &o, &rules(), 1).await.unwrap();
        media::reject(
            &db,
            &ops,
            &o,
            2,
            "Capture floue, merci d'en envoyer une nette",
        )
        .await
        .unwrap();
        let one = media::show(&db, &ops, 1).await.unwrap();
        assert_eq!(one.moderation_status, "approved");
        assert_eq!(one.moderator_name.as_deref(), Some("Sékou Keïta"));
        let two = media::show(&db, &ops, 2).await.unwrap();
        assert_eq!(two.moderation_status, "rejected");
        assert_eq!(
            two.moderation_reason.as_deref(),
            Some("Capture floue, merci d'en envoyer une nette")
        );
        assert_eq!(audit_rows(&db, 1).await, 1);
        assert_eq!(audit_rows(&db, 2).await, 1);
        // The owner (French) was told, in French, with the reason.
        let told = obryl::store::notifications::of_kind(
            &mut db.clone(),
            MOUSSA,
            "App\\Notifications\\MediaModerated",
        )
        .await
        .unwrap();
        assert_eq!(told.len(), 2);
        let texts: Vec<String> = told
            .iter()
            .map(|n| obryl::ui::notify::text(n, Locale::Fr))
            .collect();
        assert!(
            texts.contains(&"Votre « Capture 2 » n’a pas été publié : Capture floue, merci d'en envoyer une nette".to_owned()),
            "{texts:?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("Votre « Capture 1 » a été approuvé")),
            "{texts:?}"
        );
        let english: Vec<String> = told
            .iter()
            .map(|n| obryl::ui::notify::text(n, Locale::En))
            .collect();
        assert!(
            english
                .iter()
                .any(|t| t.starts_with("Your « Capture 2 » was not published"))
        );

        // Decided already: who and when, nothing written.
        match media::approve(&db, &ops, &o, &rules(), 2).await {
            Err(ServiceError::AlreadyDecided { status, by, .. }) => {
                assert_eq!((status.as_str(), by.as_str()), ("rejected", "Sékou Keïta"));
            }
            other => panic!("{other:?}"),
        }
        // An approved item may be taken down, with a reason; a rejected one not again.
        media::reject(&db, &ops, &o, 1, "Contient des données client")
            .await
            .unwrap();
        assert!(matches!(
            media::reject(&db, &ops, &o, 1, "encore").await,
            Err(ServiceError::AlreadyDecided { .. })
        ));
        assert!(media::reject(&db, &ops, &o, 1, "  ").await.is_err());
        assert_eq!(audit_rows(&db, 1).await, 2);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_moderators_at_once_decide_it_once() {
    on_all!(|db| {
        fixtures::world(&db).await;
        for id in 1..=6 {
            item(&db, id, ("user", MOUSSA), "portfolio", "pending", json!({})).await;
        }
        let a = fixtures::actor(&db, SEKOU).await;
        // A second ops member.
        let mut tx = db.begin().await.unwrap();
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
            vec![vec![
                1000i64.into(),
                "Awa Sarr".into(),
                "awa sarr".into(),
                "awa.sarr@obryl.test".into(),
                "x".into(),
                "fr".into(),
                Utc::now().into(),
                Utc::now().into(),
            ]],
        )
        .await
        .unwrap();
        let ops = obryl::store::users::role_id(&mut tx, "ops")
            .await
            .unwrap()
            .unwrap();
        obryl::store::users::grant_role(&mut tx, 1000, ops)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let b = fixtures::actor(&db, 1000).await;
        for id in 1..=6 {
            let (x, y) = (db.clone(), db.clone());
            let (a2, b2) = (a.clone(), b.clone());
            let approve =
                tokio::spawn(
                    async move { media::approve(&x, &a2, &Origin::cli(), &rules(), id).await },
                );
            let reject =
                tokio::spawn(
                    async move { media::reject(&y, &b2, &Origin::cli(), id, "doublon").await },
                );
            let (r1, r2) = (approve.await.unwrap(), reject.await.unwrap());
            let audits = audit_rows(&db, id).await;
            let m = media::show(&db, &a, id).await.unwrap();
            match (r1, r2) {
                // Both may win in turn only as approve then take-down.
                (Ok(()), Ok(())) => {
                    assert_eq!(m.moderation_status, "rejected");
                    assert_eq!(audits, 2);
                }
                (Ok(()), Err(ServiceError::AlreadyDecided { .. })) => {
                    assert_eq!(m.moderation_status, "approved");
                    assert_eq!(audits, 1);
                }
                (Err(ServiceError::AlreadyDecided { by, .. }), Ok(())) => {
                    assert_eq!(by, "Awa Sarr");
                    assert_eq!(m.moderation_status, "rejected");
                    assert_eq!(audits, 1);
                }
                other => panic!("item {id}: {other:?}"),
            }
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn embeds_off_the_allowlist_and_files_that_lie_are_refused_with_the_rule() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let spline = json!({"embed_url": "https://my.spline.design/cube-1a2b/"});
        let elsewhere = json!({"embed_url": "https://demos.example.com/three/cube/"});
        item(&db, 1, ("user", MOUSSA), "embed_3d", "pending", spline).await;
        item(&db, 2, ("user", MOUSSA), "embed_3d", "pending", elsewhere).await;
        item(&db, 3, ("user", MOUSSA), "portfolio", "pending", json!({})).await;
        let ops = fixtures::actor(&db, SEKOU).await;
        let o = Origin::cli();
        media::approve(&db, &ops, &o, &rules(), 1).await.unwrap();
        let refused = media::approve(&db, &ops, &o, &rules(), 2)
            .await
            .unwrap_err();
        let said = obryl::office::messages::error_text(&refused, Locale::En);
        assert!(
            said.contains("embeds from demos.example.com are not allowed"),
            "{said}"
        );
        assert!(said.contains("my.spline.design, sketchfab.com"), "{said}");
        let fr = obryl::office::messages::error_text(&refused, Locale::Fr);
        assert!(
            fr.contains("les intégrations de demos.example.com ne sont pas autorisées"),
            "{fr}"
        );
        assert_eq!(audit_rows(&db, 2).await, 0);
        // Configured otherwise, the same host passes.
        let theirs = Rules {
            embeds: EmbedPolicy::new(["demos.example.com".to_string()]),
            disk: None,
        };
        assert!(media::approvable(&media::show(&db, &ops, 2).await.unwrap(), &theirs).is_ok());

        // A page of HTML named like a picture: refused when the disk shows it.
        let dir = tempfile::tempdir().unwrap();
        let disk = MediaDisk::new(dir.path());
        let path = disk.original(3, "capture-3.jpg").unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"<!doctype html><script>alert(1)</script>").unwrap();
        let with_disk = Rules {
            embeds: EmbedPolicy::default(),
            disk: Some(disk),
        };
        let refused = media::approve(&db, &ops, &o, &with_disk, 3)
            .await
            .unwrap_err();
        assert_eq!(
            obryl::office::messages::error_text(&refused, Locale::En),
            "file: the file's content is text/html, not the image/jpeg it claims."
        );
        assert_eq!(audit_rows(&db, 3).await, 0);
        // A missing file is not a refusal: the platform may keep it on another disk.
        std::fs::remove_file(&path).unwrap();
        media::approve(&db, &ops, &o, &with_disk, 3).await.unwrap();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn only_media_moderate_reads_and_decides_and_a_refusal_writes_nothing() {
    on_all!(|db| {
        fixtures::world(&db).await;
        item(&db, 1, ("user", MOUSSA), "portfolio", "pending", json!({})).await;
        let o = Origin::cli();
        for who in [AWA, FATOU] {
            let a = fixtures::actor(&db, who).await;
            for refused in [
                media::approve(&db, &a, &o, &rules(), 1).await,
                media::reject(&db, &a, &o, 1, "non").await,
                media::list(&db, &a, &MediaFilter::default(), 10)
                    .await
                    .map(drop),
            ] {
                match refused {
                    Err(ServiceError::Forbidden { permission }) => {
                        assert_eq!(permission, "media.moderate")
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
        assert_eq!(audit_rows(&db, 1).await, 0);
        let n = obryl::store::notifications::of_kind(
            &mut db.clone(),
            MOUSSA,
            "App\\Notifications\\MediaModerated",
        )
        .await
        .unwrap();
        assert!(n.is_empty());
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_queue_is_pending_first_filters_narrow_it_and_pages_cover_every_row_once() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let statuses = ["approved", "pending", "rejected", "pending", "approved"];
        for id in 1..=25i64 {
            let status = statuses[(id % 5) as usize];
            let model = if id % 3 == 0 {
                ("project", 1)
            } else {
                ("user", MOUSSA)
            };
            let collection = if id % 4 == 0 {
                "demo_video"
            } else {
                "portfolio"
            };
            item(&db, id, model, collection, status, json!({})).await;
        }
        let mut c = db.clone();
        let all = obryl::store::media::list(&mut c, &MediaFilter::default(), 100)
            .await
            .unwrap();
        assert_eq!(all.len(), 25);
        let pending = all
            .iter()
            .take_while(|m| m.moderation_status == "pending")
            .count();
        assert_eq!(pending, 10);
        assert!(
            all[pending..]
                .iter()
                .all(|m| m.moderation_status != "pending")
        );
        assert!(all[..pending].windows(2).all(|w| w[0].id > w[1].id));
        assert!(all[pending..].windows(2).all(|w| w[0].id > w[1].id));
        // Pages of 4 forward, then the real last page.
        let mut seen = Vec::new();
        let mut anchor = Anchor::First;
        loop {
            let page = obryl::store::media::page(&mut c, &MediaFilter::default(), &anchor, 4)
                .await
                .unwrap();
            seen.extend(page.rows.iter().map(|m| m.id));
            match (page.has_after, page.rows.last()) {
                (true, Some(last)) => anchor = Anchor::After(obryl::store::media::cursor(last)),
                _ => break,
            }
        }
        assert_eq!(seen, all.iter().map(|m| m.id).collect::<Vec<_>>());
        let last = obryl::store::media::page(&mut c, &MediaFilter::default(), &Anchor::Last, 4)
            .await
            .unwrap();
        assert_eq!(
            last.rows.iter().map(|m| m.id).collect::<Vec<_>>(),
            all[21..].iter().map(|m| m.id).collect::<Vec<_>>()
        );
        // Filters: status, collection, owner (portfolio or delivered project), project.
        let f = |statuses: &[&str], collections: &[&str], owner, project| MediaFilter {
            statuses: statuses.iter().map(|s| s.to_string()).collect(),
            collections: collections.iter().map(|s| s.to_string()).collect(),
            owner_id: owner,
            project_id: project,
            text: None,
        };
        let count = |rows: Vec<obryl::store::media::MediaRow>| rows.len();
        let n = |filter: MediaFilter| {
            let mut c = db.clone();
            async move {
                count(
                    obryl::store::media::list(&mut c, &filter, 100)
                        .await
                        .unwrap(),
                )
            }
        };
        assert_eq!(n(f(&["rejected"], &[], None, None)).await, 5);
        assert_eq!(n(f(&[], &["demo_video"], None, None)).await, 6);
        assert_eq!(n(f(&[], &[], None, Some(1))).await, 8);
        // Project 1's developer is Moussa: everything is his.
        assert_eq!(n(f(&[], &[], Some(MOUSSA), None)).await, 25);
        assert_eq!(n(f(&[], &[], Some(CLIENT), None)).await, 0);
        let text = MediaFilter {
            text: Some("capture 1".into()),
            ..MediaFilter::default()
        };
        // "Capture 1", "Capture 10"…"Capture 19".
        assert_eq!(n(text).await, 11);
    });
}
