//! The connection: one enum over the SQLite, PostgreSQL and MariaDB/MySQL pools (not sqlx's
//! `Any`, which neither rewrites placeholders nor decodes chrono/json).

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::MigrateDatabase;
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Executor, MySql, MySqlPool, PgPool, Postgres, Sqlite, SqlitePool, Transaction};

use super::{Result, StoreError, migrations};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    MySql(MySqlPool),
}

/// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE` so concurrent writers queue
/// on the busy timeout instead of failing when a read lock cannot be upgraded.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
    MySql(Transaction<'static, MySql>),
}

impl Db {
    /// Opens `url` (`sqlite://path`, `sqlite::memory:`, `postgres://...`, `mysql://...`). A
    /// SQLite file is created if missing (callers check first, see `create_missing`); on SQLite
    /// WAL and foreign keys are always on.
    pub async fn connect(url: &str) -> Result<Db> {
        Db::connect_sized(url, 8).await
    }

    /// [`Db::connect`] with a pool of `size` connections (`database.pool_size`): one pool per
    /// process, shared by every App and job in it.
    pub async fn connect_sized(url: &str, size: u32) -> Result<Db> {
        let size = size.max(1);
        let fail = |e: sqlx::Error| StoreError::Connect {
            target: redact(url),
            reason: e.to_string(),
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut opts = PgConnectOptions::from_str(url).map_err(fail)?;
            // On the loopback TLS protects nothing and its negotiation costs ~180 ms per
            // connection here: skip it unless the URL asks for an sslmode.
            if !url.contains("sslmode=")
                && matches!(opts.get_host(), "127.0.0.1" | "localhost" | "::1")
            {
                opts = opts.ssl_mode(sqlx::postgres::PgSslMode::Disable);
            }
            let pool = PgPoolOptions::new()
                .max_connections(size)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(opts)
                .await
                .map_err(fail)?;
            Ok(Db::Postgres(pool))
        } else if let Some(url) = mysql_url(url) {
            // sqlx sets UTC and utf8mb4; ANSI_QUOTES lets SQL written as text quote names as
            // the other backends do, and READ COMMITTED gives PostgreSQL's isolation.
            let opts = MySqlConnectOptions::from_str(&url).map_err(fail)?;
            let pool = MySqlPoolOptions::new()
                .max_connections(size)
                .acquire_timeout(Duration::from_secs(5))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')")
                            .await?;
                        conn.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
                            .await?;
                        Ok(())
                    })
                })
                .connect_with(opts)
                .await
                .map_err(fail)?;
            Ok(Db::MySql(pool))
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(fail)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let in_memory = url.contains(":memory:");
            let pool = SqlitePoolOptions::new()
                // An in-memory database lives in one connection only.
                .max_connections(if in_memory { 1 } else { size })
                .min_connections(if in_memory { 1 } else { 0 })
                .idle_timeout(if in_memory {
                    None
                } else {
                    Some(Duration::from_secs(600))
                })
                .max_lifetime(if in_memory {
                    None
                } else {
                    Some(Duration::from_secs(3600))
                })
                .acquire_timeout(Duration::from_secs(15))
                .connect_with(opts)
                .await
                .map_err(fail)?;
            Ok(Db::Sqlite(pool))
        } else {
            Err(StoreError::Connect {
                target: redact(url),
                reason: "unsupported URL: use sqlite://PATH, postgres://USER@HOST/DB or \
                         mysql://USER@HOST/DB"
                    .into(),
            })
        }
    }

    /// Creates the MariaDB/MySQL database `url` names when it does not exist yet (`migrate`
    /// does; anything else opening a missing database is told so). Nothing for other URLs.
    pub async fn create_missing(url: &str) -> Result<()> {
        let Some(url) = mysql_url(url) else {
            return Ok(());
        };
        let fail = |e: sqlx::Error| StoreError::Connect {
            target: redact(&url),
            reason: e.to_string(),
        };
        if !MySql::database_exists(&url).await.map_err(fail)? {
            MySql::create_database(&url).await.map_err(fail)?;
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
            Db::MySql(_) => Backend::MySql,
        }
    }

    /// "sqlite obryl.db" or "postgres obryl@127.0.0.1", for the status bar and `doctor`.
    pub fn describe(&self) -> String {
        match self {
            Db::Sqlite(pool) => {
                let opts = pool.connect_options();
                let name = opts
                    .get_filename()
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "memory".into());
                format!("sqlite {name}")
            }
            Db::Postgres(pool) => {
                let opts = pool.connect_options();
                format!(
                    "postgres {}@{}",
                    opts.get_database().unwrap_or("postgres"),
                    opts.get_host()
                )
            }
            Db::MySql(pool) => {
                let opts = pool.connect_options();
                format!(
                    "mysql {}@{}",
                    opts.get_database().unwrap_or("mysql"),
                    opts.get_host()
                )
            }
        }
    }

    /// Applies the migrations not yet applied, then fills what SQL cannot compute portably:
    /// the users' name sort keys (`users::refresh_name_keys`, idempotent).
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(pool) => migrations::sqlite().run(pool).await?,
            Db::Postgres(pool) => migrations::postgres().run(pool).await?,
            Db::MySql(pool) => migrations::mysql().run(pool).await?,
        }
        super::users::refresh_name_keys(self).await?;
        Ok(())
    }

    /// (applied, known) migration counts.
    pub async fn migration_state(&self) -> Result<(usize, usize)> {
        let known = migrations::sqlite().iter().count();
        let exists = self.table_exists("_sqlx_migrations").await?;
        if !exists {
            return Ok((0, known));
        }
        let sql = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success";
        let applied: i64 = match self {
            Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
            Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
            Db::MySql(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
        };
        Ok((applied as usize, known))
    }

    pub async fn table_exists(&self, table: &str) -> Result<bool> {
        let n: i64 = match self {
            Db::Sqlite(p) => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                )
                .bind(table)
                .fetch_one(p)
                .await?
            }
            Db::Postgres(p) => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_name = $1",
                )
                .bind(table)
                .fetch_one(p)
                .await?
            }
            Db::MySql(p) => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM information_schema.tables \
                     WHERE table_schema = DATABASE() AND table_name = ?",
                )
                .bind(table)
                .fetch_one(p)
                .await?
            }
        };
        Ok(n > 0)
    }

    /// Fails with `NotMigrated` unless every known migration is applied.
    pub async fn ensure_migrated(&self) -> Result<()> {
        let (applied, known) = self.migration_state().await?;
        if applied < known {
            return Err(StoreError::NotMigrated);
        }
        Ok(())
    }

    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
            Db::MySql(p) => Tx::MySql(p.begin().await?),
        })
    }

    /// A cheap round trip, used by the reconnect loop and `doctor`.
    pub async fn ping(&self) -> Result<()> {
        match self {
            Db::Sqlite(p) => {
                sqlx::query("SELECT 1").execute(p).await?;
            }
            Db::Postgres(p) => {
                sqlx::query("SELECT 1").execute(p).await?;
            }
            Db::MySql(p) => {
                sqlx::query("SELECT 1").execute(p).await?;
            }
        };
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
            Db::MySql(p) => p.close().await,
        }
    }
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
            Tx::MySql(_) => Backend::MySql,
        }
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
            Tx::MySql(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// A MariaDB/MySQL URL as sqlx reads it (`mariadb://` is accepted as `mysql://`).
fn mysql_url(url: &str) -> Option<String> {
    (url.starts_with("mysql://") || url.starts_with("mariadb://"))
        .then(|| url.replacen("mariadb://", "mysql://", 1))
}

/// Hides a password in a connection URL before it is shown or logged.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((creds, host)) = rest.split_once('@')
        && let Some((user, _)) = creds.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn redact_hides_password() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("sqlite://a.db"), "sqlite://a.db");
    }
}
