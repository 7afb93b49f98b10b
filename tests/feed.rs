//! The change feed sees rows written by other programs: a raw INSERT into audit_logs on
//! another connection reaches an open feed (PostgreSQL: NOTIFY trigger; SQLite: polling).

mod common;

use std::time::{Duration, Instant};

use obryl::store::Db;
use obryl::store::feed::{self, Change};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

async fn insert_foreign_audit_row(db: &Db) {
    let sql = "INSERT INTO audit_logs (user_type, user_id, event, auditable_type, auditable_id, old_values, new_values, url, created_at) \
               VALUES (NULL, NULL, 'updated', 'project', 42, '{}', '{\"status\":\"open\"}', 'https://obryl.test/admin', CURRENT_TIMESTAMP)";
    match db {
        Db::Sqlite(p) => {
            sqlx::query(sql).execute(p).await.unwrap();
        }
        Db::Postgres(p) => {
            sqlx::query(sql).execute(p).await.unwrap();
        }
    }
}

async fn next_audit(rx: &mut mpsc::UnboundedReceiver<Change>) -> Change {
    loop {
        let c = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("no change within 10 s")
            .unwrap();
        if matches!(c, Change::Audit { .. }) {
            return c;
        }
    }
}

#[tokio::test]
async fn rows_written_by_another_program_reach_the_feed() {
    on_both!(|db| {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let cancel = CancellationToken::new();
        tokio::spawn(feed::run(
            db.clone(),
            tx,
            cancel.clone(),
            Duration::from_millis(100),
        ));
        // Let the listener connect (PostgreSQL) or take its starting point (SQLite).
        tokio::time::sleep(Duration::from_millis(300)).await;
        let writer = match &db {
            Db::Sqlite(p) => Db::connect(&format!(
                "sqlite://{}",
                p.connect_options().get_filename().display()
            ))
            .await
            .unwrap(),
            Db::Postgres(_) => db.clone(),
        };
        let started = Instant::now();
        insert_foreign_audit_row(&writer).await;
        let change = next_audit(&mut rx).await;
        eprintln!("feed latency: {:?}", started.elapsed());
        match change {
            Change::Audit {
                auditable_type,
                auditable_id,
                event,
                ..
            } => {
                assert_eq!(
                    (auditable_type.as_str(), auditable_id, event.as_str()),
                    ("project", 42, "updated")
                );
            }
            other => panic!("{other:?}"),
        }
        cancel.cancel();
    });
}
