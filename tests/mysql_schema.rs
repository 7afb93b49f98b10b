//! The MariaDB schema (`migrations/mysql`), applied by the program's own migrator on the local
//! server: on an empty database it makes every table and column the store uses; on a database
//! Laravel already made (`tests/fixtures/laravel/mysql.sql`: Laravel 11's default tables,
//! Sanctum's tokens, spatie/laravel-permission's tables and rows as Eloquent writes them) it
//! adds only what the back-office needs and leaves every platform table, column and row as it
//! was. Skipped when MariaDB does not answer, unless OBRYL_REQUIRE_MYSQL=1 (CI).

use std::collections::BTreeMap;

use obryl::store::{Db, schema};
use sqlx::mysql::{MySqlConnectOptions, MySqlPool};
use sqlx::{AssertSqlSafe, ConnectOptions, Executor};

fn server_url() -> String {
    std::env::var("OBRYL_TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
}

/// A new empty database on the server (dropped when the test ends), or None when the server
/// does not answer and it is not required.
async fn scratch(tag: &str) -> Option<(MySqlPool, Scratch)> {
    let admin = match MySqlPool::connect(&server_url()).await {
        Ok(pool) => pool,
        Err(e) if std::env::var("OBRYL_REQUIRE_MYSQL").as_deref() == Ok("1") => {
            panic!(
                "MariaDB is required and unreachable at {}: {e}",
                server_url()
            )
        }
        Err(e) => {
            eprintln!("{tag}: skipped, MariaDB unreachable ({e})");
            return None;
        }
    };
    let name = format!("obryl_t_{tag}_{}", std::process::id());
    let drop = format!("DROP DATABASE IF EXISTS `{name}`");
    admin.execute(AssertSqlSafe(drop.clone())).await.unwrap();
    let create =
        format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    admin.execute(AssertSqlSafe(create)).await.unwrap();
    let opts: MySqlConnectOptions = server_url().parse().unwrap();
    let pool = MySqlPool::connect_with(opts.database(&name).disable_statement_logging())
        .await
        .unwrap();
    Some((pool, Scratch { admin, drop, name }))
}

struct Scratch {
    admin: MySqlPool,
    drop: String,
    name: String,
}

impl Scratch {
    async fn end(self) {
        self.admin.execute(AssertSqlSafe(self.drop)).await.unwrap();
    }
}

/// Every column of every table: (table, column) -> "type nullable default".
async fn columns(pool: &MySqlPool) -> BTreeMap<(String, String), String> {
    let rows: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT CAST(table_name AS CHAR), CAST(column_name AS CHAR), CAST(column_type AS CHAR), \
         CAST(is_nullable AS CHAR), CAST(column_default AS CHAR) \
         FROM information_schema.columns WHERE table_schema = DATABASE()",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(t, c, ty, null, default)| {
            let default = default.unwrap_or_default();
            ((t, c), format!("{ty} {null} {default}"))
        })
        .collect()
}

fn missing(found: &BTreeMap<(String, String), String>) -> Vec<String> {
    schema::ALL
        .iter()
        .flat_map(|t| t.columns.iter().map(move |c| (t.name, *c)))
        .filter(|(t, c)| !found.contains_key(&(t.to_string(), c.to_string())))
        .map(|(t, c)| format!("{t}.{c}"))
        .collect()
}

#[tokio::test]
async fn the_schema_makes_every_table_and_column_the_store_uses() {
    let Some((pool, scratch)) = scratch("empty").await else {
        return;
    };
    obryl::store::migrations::mysql().run(&pool).await.unwrap();
    let found = columns(&pool).await;
    assert_eq!(missing(&found), Vec::<String>::new());
    // The audit log is append-only.
    pool.execute(
        "INSERT INTO audit_logs (event, auditable_type, auditable_id, created_at) \
         VALUES ('created', 'user', 1, '2026-12-05 16:22:58')",
    )
    .await
    .unwrap();
    let update = pool
        .execute("UPDATE audit_logs SET event = 'changed'")
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = pool.execute("DELETE FROM audit_logs").await;
    assert!(delete.is_err());
    pool.close().await;
    scratch.end().await;
}

#[tokio::test]
async fn migrating_a_database_laravel_made_keeps_every_platform_table_column_and_row() {
    let Some((pool, scratch)) = scratch("laravel").await else {
        return;
    };
    let fixture = include_str!("fixtures/laravel/mysql.sql");
    pool.execute(fixture).await.unwrap();
    let before = columns(&pool).await;
    let users_before: Vec<(String, String)> =
        sqlx::query_as("SELECT email, CAST(created_at AS CHAR) FROM users ORDER BY email")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(!users_before.is_empty(), "the fixture holds platform rows");

    obryl::store::migrations::mysql().run(&pool).await.unwrap();
    let after = columns(&pool).await;
    // Nothing of the platform's dropped, renamed or retyped.
    for (column, shape) in &before {
        assert_eq!(after.get(column), Some(shape), "{column:?} changed");
    }
    assert_eq!(missing(&after), Vec::<String>::new());
    let users_after: Vec<(String, String)> =
        sqlx::query_as("SELECT email, CAST(created_at AS CHAR) FROM users ORDER BY email")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(users_after, users_before);
    // Running it again changes nothing.
    obryl::store::migrations::mysql().run(&pool).await.unwrap();
    assert_eq!(columns(&pool).await, after);

    // The back-office works on it: the platform's user (an unsigned id, a time as Eloquent
    // wrote it, a spatie role) reads through the store, and a staff member is created beside.
    let db = Db::connect(&format!("{}/{}", server_url(), scratch.name))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    db.ensure_migrated().await.unwrap();
    obryl::service::bootstrap::ensure_reference_data(&db)
        .await
        .unwrap();
    let mut c = db.clone();
    let platform = obryl::store::users::find_by_email(&mut c, "aissatou.ndiaye@example.sn")
        .await
        .unwrap()
        .expect("the platform's user");
    assert_eq!(platform.name, "Aïssatou N'Diaye");
    let written = chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
        .unwrap()
        .and_hms_opt(16, 22, 58)
        .unwrap()
        .and_utc();
    assert_eq!(platform.created_at, Some(written));
    // Polymorphic types are short aliases (the platform's `Relation::enforceMorphMap`): the
    // fixture's `App\Models\User` role row is the platform's own and left as it is.
    assert!(
        obryl::store::users::roles_of(&mut c, platform.id)
            .await
            .unwrap()
            .is_empty()
    );
    let staff = obryl::service::users::create(
        &db,
        None,
        &obryl::service::Origin::cli(),
        "Awa Diop",
        "awa.diop@obryl.test",
        "a long enough passphrase 42",
    )
    .await
    .unwrap();
    assert!(staff > platform.id);
    db.close().await;
    pool.close().await;
    scratch.end().await;
}

/// `store::mysql::UNSIGNED_COLUMNS` (the columns read as signed) against the server: every
/// unsigned integer column of the back-office's tables is listed, and every listed name is an
/// integer wherever it appears (casting it loses nothing), notifications' uuid aside.
#[tokio::test]
async fn the_columns_read_as_signed_are_the_unsigned_ones() {
    let Some((pool, scratch)) = scratch("unsigned").await else {
        return;
    };
    pool.execute(include_str!("fixtures/laravel/mysql.sql"))
        .await
        .unwrap();
    obryl::store::migrations::mysql().run(&pool).await.unwrap();
    let ours: Vec<&str> = schema::ALL.iter().map(|t| t.name).collect();
    for ((table, column), shape) in columns(&pool).await {
        if !ours.contains(&table.as_str()) {
            continue;
        }
        let listed = obryl::store::mysql::UNSIGNED_COLUMNS.contains(&column.as_str());
        if shape.contains("unsigned") {
            assert!(
                listed,
                "{table}.{column} ({shape}) is unsigned but not listed"
            );
        }
        if listed && !(table == "notifications" && column == "id") {
            assert!(
                shape.contains("int"),
                "{table}.{column} ({shape}) is listed but not an integer"
            );
        }
    }
    pool.close().await;
    scratch.end().await;
}
