//! settings (spatie/laravel-settings): `group` + `name` -> JSON payload.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, InsertStatement, Order, Query};
use serde_json::Value as JsonValue;

use super::{Conn, Result, Tx, schema};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct SettingRow {
    pub id: i64,
    pub group: String,
    pub name: String,
    pub locked: bool,
    #[sqlx(json)]
    pub payload: JsonValue,
    pub updated_at: Option<DateTime<Utc>>,
}

pub async fn get(c: &mut impl Conn, group: &str, name: &str) -> Result<Option<SettingRow>> {
    let q = Query::select()
        .columns(["id", "group", "name", "locked", "payload", "updated_at"])
        .from("settings")
        .and_where(Expr::col("group").eq(group))
        .and_where(Expr::col("name").eq(name))
        .to_owned();
    c.opt(&q).await
}

pub async fn all(c: &mut impl Conn) -> Result<Vec<SettingRow>> {
    let q = Query::select()
        .columns(["id", "group", "name", "locked", "payload", "updated_at"])
        .from("settings")
        .order_by("group", Order::Asc)
        .order_by("name", Order::Asc)
        .to_owned();
    c.all(&q).await
}

/// Writes a setting, inserting it when missing.
pub async fn put(
    tx: &mut Tx,
    group: &str,
    name: &str,
    payload: JsonValue,
    now: DateTime<Utc>,
) -> Result<()> {
    let update = Query::update()
        .table("settings")
        .values([
            ("payload", payload.clone().into()),
            ("updated_at", now.into()),
        ])
        .and_where(Expr::col("group").eq(group))
        .and_where(Expr::col("name").eq(name))
        .to_owned();
    if tx.exec(&update).await? == 0 {
        tx.exec(&new_setting(group, name, payload, now)).await?;
    }
    Ok(())
}

/// The insert of a setting, unlocked (`reference::ensure_setting` adds its ON CONFLICT).
pub(super) fn new_setting(
    group: &str,
    name: &str,
    payload: JsonValue,
    now: DateTime<Utc>,
) -> InsertStatement {
    schema::SETTINGS.insert_new(
        now,
        [
            ("group", group.into()),
            ("name", name.into()),
            ("locked", false.into()),
            ("payload", payload.into()),
        ],
    )
}
