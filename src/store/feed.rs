//! The change feed: other writers' changes, as they happen. PostgreSQL pushes them through
//! LISTEN obryl_events (fed by triggers, so any program's writes are seen, and by the worker
//! for delivery attempts); SQLite is polled cheaply (the highest audit id and notification
//! rowid, and the deliveries marker of delivery_watch.rs).

use std::time::Duration;

use serde::Deserialize;
use sqlx::postgres::PgListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{Db, audit, delivery_watch};

#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Audit {
        id: i64,
        event: String,
        auditable_type: String,
        auditable_id: i64,
    },
    Notification {
        user_id: i64,
    },
    /// Webhook delivery attempts landed (or were queued): to this endpoint, or, None, to some
    /// endpoint (a poller cannot tell which). Bookkeeping, not audited, so announced apart.
    Deliveries {
        endpoint_id: Option<i64>,
    },
    /// The feed lost or regained its connection. `live: true` is also sent once when the feed
    /// is ready (PostgreSQL: listening; SQLite: its starting point taken), so a caller can wait
    /// for it instead of guessing how long that takes: changes committed after it are seen.
    Connection {
        live: bool,
    },
}

#[derive(Deserialize)]
struct Payload {
    table: String,
    id: serde_json::Value,
    event: Option<String>,
    auditable_type: Option<String>,
    auditable_id: Option<i64>,
    notifiable_id: Option<i64>,
}

fn parse(payload: &str) -> Option<Change> {
    let p: Payload = serde_json::from_str(payload).ok()?;
    match p.table.as_str() {
        "audit_logs" => Some(Change::Audit {
            id: p.id.as_i64()?,
            event: p.event.unwrap_or_default(),
            auditable_type: p.auditable_type.unwrap_or_default(),
            auditable_id: p.auditable_id.unwrap_or_default(),
        }),
        "notifications" => Some(Change::Notification {
            user_id: p.notifiable_id?,
        }),
        "webhook_deliveries" => Some(Change::Deliveries {
            endpoint_id: p.id.as_i64(),
        }),
        _ => None,
    }
}

/// One change feed for the whole process, fanned out to every App in it (the local TUI, each
/// SSH session): one LISTEN connection or one poller, however many staff are connected.
#[derive(Clone)]
pub struct Hub {
    tx: tokio::sync::broadcast::Sender<Change>,
}

impl Hub {
    /// Starts the feed on `db` until `cancel`. A poller takes its starting point before this
    /// returns, on the connection the caller just used: the first screens then have the pool
    /// to themselves, and nothing written after this call is missed.
    pub async fn start(db: Db, cancel: CancellationToken, poll: Duration) -> Hub {
        let (tx, _) = tokio::sync::broadcast::channel(1024);
        let (out, mut changes) = mpsc::unbounded_channel();
        match &db {
            Db::Sqlite(_) | Db::MySql(_) => {
                let from = PollStart::now(&db).await;
                tokio::spawn(poll_tables(db, out, cancel, poll, from));
            }
            Db::Postgres(_) => {
                tokio::spawn(run(db, out, cancel, poll));
            }
        }
        let fan = tx.clone();
        tokio::spawn(async move {
            while let Some(change) = changes.recv().await {
                // Nobody listening yet is fine: the change is for whoever is.
                let _ = fan.send(change);
            }
        });
        Hub { tx }
    }

    /// A new listener: every change from now on. One that falls more than 1 024 changes
    /// behind is told `Lagged` and refetches what it shows.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Change> {
        self.tx.subscribe()
    }
}

/// Runs until `cancel`, sending every change to `out`. Reconnects on its own.
pub async fn run(
    db: Db,
    out: mpsc::UnboundedSender<Change>,
    cancel: CancellationToken,
    poll: Duration,
) {
    match &db {
        Db::Postgres(pool) => loop {
            let listener = async {
                let mut l = PgListener::connect_with(pool).await?;
                l.listen("obryl_events").await?;
                Ok::<_, sqlx::Error>(l)
            };
            match listener.await {
                Ok(mut l) => {
                    let _ = out.send(Change::Connection { live: true });
                    loop {
                        tokio::select! {
                            _ = cancel.cancelled() => return,
                            n = l.recv() => match n {
                                Ok(n) => {
                                    if let Some(c) = parse(n.payload())
                                        && out.send(c).is_err()
                                    {
                                        return;
                                    }
                                }
                                Err(_) => break,
                            }
                        }
                    }
                }
                Err(e) => tracing::warn!("change feed: {e}"),
            }
            let _ = out.send(Change::Connection { live: false });
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        },
        Db::Sqlite(_) | Db::MySql(_) => {
            let from = PollStart::now(&db).await;
            poll_tables(db.clone(), out, cancel, poll, from).await
        }
    }
}

/// Where a poller starts: the newest audit row and notification, and the deliveries marker,
/// when it was started.
struct PollStart {
    audit: i64,
    notification: i64,
    deliveries: (i64, i64),
}

impl PollStart {
    async fn now(db: &Db) -> PollStart {
        PollStart {
            audit: audit::max_id(&mut db.clone()).await.unwrap_or(0),
            notification: max_notification_rowid(db).await.unwrap_or(0),
            deliveries: delivery_watch::marker(db).await.unwrap_or_default(),
        }
    }
}

/// SQLite and MariaDB have no LISTEN: the audit log, notifications and deliveries are read
/// every `every` for what is new.
async fn poll_tables(
    db: Db,
    out: mpsc::UnboundedSender<Change>,
    cancel: CancellationToken,
    every: Duration,
    from: PollStart,
) {
    let mut conn = db.clone();
    let mut last_audit = from.audit;
    let mut last_notification = from.notification;
    let mut last_deliveries = from.deliveries;
    let mut live = true;
    if out.send(Change::Connection { live: true }).is_err() {
        return;
    }
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        match audit::since(&mut conn, last_audit, 500).await {
            Ok(rows) => {
                if !live {
                    live = true;
                    let _ = out.send(Change::Connection { live: true });
                }
                for r in rows {
                    last_audit = last_audit.max(r.id);
                    let change = Change::Audit {
                        id: r.id,
                        event: r.event,
                        auditable_type: r.auditable_type,
                        auditable_id: r.auditable_id,
                    };
                    if out.send(change).is_err() {
                        return;
                    }
                }
            }
            Err(e) => {
                tracing::warn!("change feed: {e}");
                if live {
                    live = false;
                    let _ = out.send(Change::Connection { live: false });
                }
                continue;
            }
        }
        if let Ok(max) = max_notification_rowid(&db).await
            && max > last_notification
        {
            last_notification = max;
            // Polling cannot tell whose it is cheaply: let every screen recount its own.
            if out.send(Change::Notification { user_id: 0 }).is_err() {
                return;
            }
        }
        if let Ok(marker) = delivery_watch::marker(&db).await
            && marker != last_deliveries
        {
            last_deliveries = marker;
            if out.send(Change::Deliveries { endpoint_id: None }).is_err() {
                return;
            }
        }
    }
}

async fn max_notification_rowid(db: &Db) -> super::Result<i64> {
    match db {
        Db::Sqlite(p) => Ok(sqlx::query_scalar(
            "SELECT COALESCE(MAX(rowid), 0) FROM notifications",
        )
        .fetch_one(p)
        .await?),
        // Laravel's notification ids are uuids: the newest creation time stands for them.
        Db::MySql(p) => Ok(sqlx::query_scalar(
            "SELECT CAST(COALESCE(UNIX_TIMESTAMP(MAX(created_at)) * 1000000, 0) AS SIGNED) \
             FROM notifications",
        )
        .fetch_one(p)
        .await?),
        Db::Postgres(_) => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_trigger_payloads() {
        let c = parse(
            r#"{"table":"audit_logs","id":7,"event":"approved","auditable_type":"commission","auditable_id":3}"#,
        );
        assert_eq!(
            c,
            Some(Change::Audit {
                id: 7,
                event: "approved".into(),
                auditable_type: "commission".into(),
                auditable_id: 3
            })
        );
        assert_eq!(
            parse(r#"{"table":"notifications","id":"x","notifiable_id":4}"#),
            Some(Change::Notification { user_id: 4 })
        );
        assert_eq!(
            parse(r#"{"table":"webhook_deliveries","id":4}"#),
            Some(Change::Deliveries {
                endpoint_id: Some(4)
            })
        );
        assert_eq!(parse("not json"), None);
    }
}
