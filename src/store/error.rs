use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot open the database {target}: {reason}")]
    Connect { target: String, reason: String },
    #[error("the database is not migrated (run `obryl migrate`)")]
    NotMigrated,
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// A background writer (the bulk loader) stopped before its work was handed over.
    pub fn writer_stopped() -> StoreError {
        StoreError::Sqlx(sqlx::Error::WorkerCrashed)
    }

    /// A statement that could not be built (a select giving fewer values than columns, a
    /// table a function does not write).
    pub(super) fn statement(e: impl std::fmt::Display) -> StoreError {
        StoreError::Sqlx(sqlx::Error::Protocol(e.to_string()))
    }

    /// The name of the unique constraint or index that refused a write, if that is what happened.
    pub fn unique_violation(&self) -> Option<String> {
        match self {
            StoreError::Sqlx(sqlx::Error::Database(e)) if e.is_unique_violation() => Some(
                e.constraint()
                    .map(str::to_owned)
                    .unwrap_or_else(|| e.message().to_owned()),
            ),
            _ => None,
        }
    }

    /// True when a CHECK or foreign key refused the write (bad input that slipped past validation).
    pub fn constraint_violation(&self) -> bool {
        matches!(self, StoreError::Sqlx(sqlx::Error::Database(e))
            if e.is_check_violation() || e.is_foreign_key_violation())
    }

    /// True when the connection itself is gone (server down, network cut): worth a reconnect.
    pub fn is_connection_lost(&self) -> bool {
        match self {
            StoreError::Connect { .. } => true,
            StoreError::Sqlx(sqlx::Error::Database(e)) => {
                // SQLSTATE class 08 (connection exception) and 57P01-03 (server shutting
                // down, crashed, or not accepting connections yet).
                e.code().is_some_and(|c| {
                    c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03")
                })
            }
            StoreError::Sqlx(e) => matches!(
                e,
                sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::WorkerCrashed
                    | sqlx::Error::Tls(_)
                    // A connection cut mid-handshake or mid-answer reads as a protocol error.
                    | sqlx::Error::Protocol(_)
            ),
            _ => false,
        }
    }
}
