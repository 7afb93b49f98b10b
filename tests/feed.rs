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
        Db::MySql(p) => {
            sqlx::query(sql).execute(p).await.unwrap();
        }
    }
}

/// The next change that `wanted` accepts; fails with `what` if none comes (a generous wait for
/// a signal, not a speed requirement).
async fn next_change(
    rx: &mut mpsc::UnboundedReceiver<Change>,
    what: &str,
    wanted: impl Fn(&Change) -> bool,
) -> Change {
    loop {
        let c = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .unwrap_or_else(|_| panic!("{what} never came"))
            .unwrap_or_else(|| panic!("the feed stopped before {what}"));
        if wanted(&c) {
            return c;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rows_written_by_another_program_reach_the_feed() {
    on_all!(|db| {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let cancel = CancellationToken::new();
        tokio::spawn(feed::run(
            db.clone(),
            tx,
            cancel.clone(),
            Duration::from_millis(100),
        ));
        // The feed says when it is live: PostgreSQL listening, SQLite's starting point taken.
        // Anything committed after that is seen.
        next_change(&mut rx, "the live signal", |c| {
            *c == Change::Connection { live: true }
        })
        .await;
        let writer = match &db {
            Db::Sqlite(p) => Db::connect(&format!(
                "sqlite://{}",
                p.connect_options().get_filename().display()
            ))
            .await
            .unwrap(),
            Db::Postgres(_) | Db::MySql(_) => db.clone(),
        };
        let started = Instant::now();
        insert_foreign_audit_row(&writer).await;
        let change = next_change(&mut rx, "the foreign audit row", |c| {
            matches!(c, Change::Audit { .. })
        })
        .await;
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
