//! Reference rows every database needs (currencies, spatie roles and permissions, default
//! settings). Every insert is idempotent: existing rows are left alone.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Query};
use serde_json::Value as JsonValue;

use super::{Result, StoreError, Tx, schema};

pub async fn ensure_currency(
    tx: &mut Tx,
    code: &str,
    name: &str,
    exponent: i64,
    symbol: &str,
) -> Result<()> {
    let t = schema::CURRENCIES;
    let q = t
        .insert([
            ("code", code.into()),
            ("name", name.into()),
            ("exponent", exponent.into()),
            ("symbol", symbol.into()),
        ])
        .on_conflict(t.skip_existing(["code"]))
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
    let t = match table {
        "roles" => schema::ROLES,
        "permissions" => schema::PERMISSIONS,
        other => {
            return Err(StoreError::statement(format!(
                "no names to ensure in {other}"
            )));
        }
    };
    let q = t
        .insert_new(now, [("name", name.into()), ("guard_name", "web".into())])
        .on_conflict(t.skip_existing(["name", "guard_name"]))
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
    let t = schema::ROLE_HAS_PERMISSIONS;
    let q = t
        .insert([
            ("permission_id", perm_id.into()),
            ("role_id", role_id.into()),
        ])
        .on_conflict(t.skip_existing(["permission_id", "role_id"]))
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
    let q = super::settings::new_setting(group, name, payload, now)
        .on_conflict(schema::SETTINGS.skip_existing(["group", "name"]))
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
