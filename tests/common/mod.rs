//! Shared test support: a fresh, migrated database per test on SQLite and, whenever a server is
//! reachable, on PostgreSQL and MariaDB. CI sets OBRYL_REQUIRE_PG=1 and OBRYL_REQUIRE_MYSQL=1 so
//! a missing server fails loudly.
#![allow(dead_code)]

pub mod cli;
pub mod fixtures;
pub mod ui;

use std::sync::atomic::{AtomicU32, Ordering};

use obryl::store::Db;

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn pg_admin_url() -> String {
    std::env::var("OBRYL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn require_pg() -> bool {
    std::env::var("OBRYL_REQUIRE_PG").is_ok_and(|v| v == "1")
}

pub fn mysql_server_url() -> String {
    std::env::var("OBRYL_TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
}

fn require_mysql() -> bool {
    std::env::var("OBRYL_REQUIRE_MYSQL").is_ok_and(|v| v == "1")
}

fn scratch_name() -> String {
    format!(
        "obryl_t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        rand::random::<u32>()
    )
}

/// A new SQLite database file in a temp dir (kept alive by the returned guard).
pub async fn sqlite() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let db = Db::connect(&url).await.expect("open sqlite");
    db.migrate().await.expect("migrate sqlite");
    obryl::service::bootstrap::ensure_reference_data(&db)
        .await
        .expect("reference data");
    (db, dir)
}

/// A new, empty PostgreSQL database, or None when no server is reachable (and not required).
pub async fn postgres_empty() -> Option<(Db, String)> {
    let admin_url = pg_admin_url();
    let admin = match Db::connect(&admin_url).await {
        Ok(db) => db,
        Err(e) => {
            if require_pg() {
                panic!(
                    "PostgreSQL is required (OBRYL_REQUIRE_PG=1) but unreachable at {admin_url}: {e}"
                );
            }
            eprintln!("skipping PostgreSQL half of this test: {e}");
            return None;
        }
    };
    let name = scratch_name();
    let Db::Postgres(pool) = &admin else {
        panic!("OBRYL_TEST_PG_URL must be a postgres URL")
    };
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(pool)
        .await
        .expect("create test database");
    admin.close().await;
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b.to_owned())
        .unwrap_or(admin_url);
    let url = format!("{base}/{name}");
    let db = Db::connect(&url).await.expect("open test database");
    Some((db, url))
}

/// A new, migrated PostgreSQL database with reference data, or None (see `postgres_empty`).
pub async fn postgres() -> Option<Db> {
    let (db, _) = postgres_empty().await?;
    db.migrate().await.expect("migrate postgres");
    obryl::service::bootstrap::ensure_reference_data(&db)
        .await
        .expect("reference data");
    Some(db)
}

/// A new, empty MariaDB/MySQL database (made as `migrate` makes it), or None when no server
/// is reachable (and not required).
pub async fn mysql_empty() -> Option<(Db, String)> {
    let url = format!("{}/{}", mysql_server_url(), scratch_name());
    let made = match Db::create_missing(&url).await {
        Ok(()) => Db::connect(&url).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(db) => Some((db, url)),
        Err(e) => {
            if require_mysql() {
                panic!("MariaDB is required (OBRYL_REQUIRE_MYSQL=1) but unreachable at {url}: {e}");
            }
            eprintln!("skipping MariaDB part of this test: {e}");
            None
        }
    }
}

/// A new, migrated MariaDB/MySQL database with reference data, or None (see `mysql_empty`).
pub async fn mysql() -> Option<Db> {
    let (db, _) = mysql_empty().await?;
    db.migrate().await.expect("migrate mysql");
    obryl::service::bootstrap::ensure_reference_data(&db)
        .await
        .expect("reference data");
    Some(db)
}

/// Runs `f` on a fresh SQLite database and, when their servers answer, on fresh PostgreSQL
/// and MariaDB databases.
#[macro_export]
macro_rules! on_all {
    (|$db:ident| $body:expr) => {{
        {
            let ($db, _dir) = common::sqlite().await;
            eprintln!("-- sqlite");
            $body;
        }
        if let Some($db) = common::postgres().await {
            eprintln!("-- postgres");
            $body;
        }
        if let Some($db) = common::mysql().await {
            eprintln!("-- mysql");
            $body;
        }
    }};
}
