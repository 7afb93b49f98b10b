//! Reference rows every database needs (currencies, spatie roles and permissions, default
//! settings). Every insert is idempotent: existing rows are left alone.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, OnConflict, Query};
use serde_json::Value as JsonValue;

use super::{Result, Tx};

pub async fn ensure_currency(
    tx: &mut Tx,
    code: &str,
    name: &str,
    exponent: i64,
    symbol: &str,
) -> Result<()> {
    let q = Query::insert()
        .into_table("currencies")
        .columns(["code", "name", "exponent", "symbol"])
        .values_panic([code.into(), name.into(), exponent.into(), symbol.into()])
        .on_conflict(OnConflict::column("code").do_nothing().to_owned())
        .to_owned();
    tx.exec(&q).await?;
    Ok(())
}

/// Inserts a permission or role name (`table` is "permissions" or "roles").
pub async fn ensure_named(
    tx: &mut Tx,
    table: &'static str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let q = Query::insert()
        .into_table(table)
        .columns(["name", "guard_name", "created_at", "updated_at"])
        .values_panic([name.into(), "web".into(), now.into(), now.into()])
        .on_conflict(
            OnConflict::columns(["name", "guard_name"])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    tx.exec(&q).await?;
    Ok(())
}

pub async fn ensure_role_permission(tx: &mut Tx, role_id: i64, permission: &str) -> Result<()> {
    let find = Query::select()
        .column("id")
        .from("permissions")
        .and_where(Expr::col("name").eq(permission))
        .to_owned();
    let Some((perm_id,)) = tx.opt::<(i64,)>(&find).await? else {
        return Ok(());
    };
    let q = Query::insert()
        .into_table("role_has_permissions")
        .columns(["permission_id", "role_id"])
        .values_panic([perm_id.into(), role_id.into()])
        .on_conflict(
            OnConflict::columns(["permission_id", "role_id"])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    tx.exec(&q).await?;
    Ok(())
}

pub async fn ensure_setting(
    tx: &mut Tx,
    group: &str,
    name: &str,
    payload: JsonValue,
    now: DateTime<Utc>,
) -> Result<()> {
    let q = Query::insert()
        .into_table("settings")
        .columns([
            "group",
            "name",
            "locked",
            "payload",
            "created_at",
            "updated_at",
        ])
        .values_panic([
            group.into(),
            name.into(),
            false.into(),
            payload.into(),
            now.into(),
            now.into(),
        ])
        .on_conflict(
            OnConflict::columns(["group", "name"])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    tx.exec(&q).await?;
    Ok(())
}

/// Dates the reference rows to a generated history: roles, permissions and settings dated
/// later than `since` are moved to `since` (a history set in the past shows no reference data
/// from its future), and the setting (`group`, `name`) was last changed at `changed`.
pub async fn date_reference_data(
    tx: &mut Tx,
    since: DateTime<Utc>,
    changed: (&str, &str, DateTime<Utc>),
) -> Result<()> {
    for table in ["permissions", "roles", "settings"] {
        let q = Query::update()
            .table(table)
            .values([("created_at", since.into()), ("updated_at", since.into())])
            .and_where(Expr::col("created_at").gt(since))
            .to_owned();
        tx.exec(&q).await?;
    }
    let (group, name, at) = changed;
    let q = Query::update()
        .table("settings")
        .values([("updated_at", Ord::max(at, since).into())])
        .and_where(Expr::col("group").eq(group))
        .and_where(Expr::col("name").eq(name))
        .to_owned();
    tx.exec(&q).await?;
    Ok(())
}
