//! Audit log reads: filters by actor, subject, event and date range, keyset pages both ways.

mod common;

use chrono::{Duration, Utc};
use common::fixtures::{self, *};
use obryl::service::{self, Origin, commissions::Kind};
use obryl::store::audit::AuditFilter;
use obryl::store::{self, Anchor, Cursor};

#[tokio::test]
async fn filters_and_pages_of_the_audit_log() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let awa = fixtures::actor(&db, AWA).await;
        let ibrahima = fixtures::actor(&db, IBRAHIMA).await;
        service::commissions::approve(&db, &awa, &Origin::cli(), Kind::Platform, C_SMALL, None)
            .await
            .unwrap();
        service::commissions::approve(
            &db,
            &ibrahima,
            &Origin::cli(),
            Kind::Platform,
            C_CLIENT,
            None,
        )
        .await
        .unwrap();
        service::commissions::approve(&db, &awa, &Origin::cli(), Kind::Platform, C_DEV, None)
            .await
            .unwrap();
        let mut c = db.clone();
        let by_awa = AuditFilter {
            actor: Some("awa".into()),
            ..AuditFilter::default()
        };
        let page = store::audit::page(&mut c, &by_awa, &Anchor::First, 10)
            .await
            .unwrap();
        assert_eq!(page.rows.len(), 2);
        assert!(
            page.rows
                .iter()
                .all(|r| r.user_name.as_deref() == Some("Awa Diop"))
        );
        assert!(page.rows[0].id > page.rows[1].id, "newest first");
        let nobody = AuditFilter {
            actor: Some("zzz-nobody".into()),
            ..AuditFilter::default()
        };
        assert!(
            store::audit::page(&mut c, &nobody, &Anchor::First, 10)
                .await
                .unwrap()
                .rows
                .is_empty()
        );
        let today = AuditFilter {
            from: Some(Utc::now() - Duration::hours(1)),
            to: Some(Utc::now() + Duration::hours(1)),
            ..AuditFilter::default()
        };
        assert_eq!(
            store::audit::page(&mut c, &today, &Anchor::First, 10)
                .await
                .unwrap()
                .rows
                .len(),
            3
        );
        let last_year = AuditFilter {
            to: Some(Utc::now() - Duration::days(365)),
            ..AuditFilter::default()
        };
        assert!(
            store::audit::page(&mut c, &last_year, &Anchor::First, 10)
                .await
                .unwrap()
                .rows
                .is_empty()
        );
        let subject = AuditFilter {
            auditable_type: Some("commission".into()),
            auditable_id: Some(C_DEV),
            event: Some("approved".into()),
            ..AuditFilter::default()
        };
        assert_eq!(
            store::audit::page(&mut c, &subject, &Anchor::First, 10)
                .await
                .unwrap()
                .rows
                .len(),
            1
        );
        // Keyset both ways: two rows a page, the real last page in one query.
        let all = AuditFilter::default();
        let first = store::audit::page(&mut c, &all, &Anchor::First, 2)
            .await
            .unwrap();
        assert!(first.has_after && !first.has_before);
        let next = store::audit::page(
            &mut c,
            &all,
            &Anchor::After(Cursor::id(first.rows[1].id)),
            2,
        )
        .await
        .unwrap();
        assert_eq!(next.rows.len(), 1);
        assert!(!next.has_after);
        let last = store::audit::page(&mut c, &all, &Anchor::Last, 2)
            .await
            .unwrap();
        assert_eq!(last.rows.last().unwrap().id, next.rows[0].id);
        let back = store::audit::page(
            &mut c,
            &all,
            &Anchor::Before(Cursor::id(next.rows[0].id)),
            2,
        )
        .await
        .unwrap();
        assert_eq!(back.rows, first.rows);
    });
}

#[tokio::test]
async fn history_names_the_people_its_values_point_at() {
    on_all!(|db| {
        fixtures::world(&db).await;
        let awa = fixtures::actor(&db, AWA).await;
        service::commissions::approve(&db, &awa, &Origin::cli(), Kind::Platform, C_SMALL, None)
            .await
            .unwrap();
        let rows = store::audit::history(&mut db.clone(), "commission", C_SMALL, 10)
            .await
            .unwrap();
        let approved = rows
            .iter()
            .find(|r| {
                r.new_values
                    .as_ref()
                    .is_some_and(|v| v.get("approved_by").is_some())
            })
            .expect("the approval's row");
        let locale = obryl::domain::Locale::En;
        let summary = obryl::office::history::summary(approved, locale, None);
        assert!(summary.contains(&awa.name), "{summary}");
        assert!(!summary.contains(&format!("→ {}", awa.id)), "{summary}");
        let changes = obryl::office::history::changes(approved, locale, None);
        assert!(
            changes.iter().any(|[_, _, after]| *after == awa.name),
            "{changes:?}"
        );
    });
}
