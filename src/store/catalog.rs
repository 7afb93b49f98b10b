//! What the database itself says its tables are, against what the store reads and writes
//! (`schema`): `doctor` reports what `migrate` cannot bridge on a database someone else made
//! (a platform column missing, or of a type the store cannot read).

use std::collections::BTreeMap;

use super::{Db, Result, mysql, schema};

/// Every table's columns and their declared types (lower case), from the database's catalogue.
pub async fn columns(db: &Db) -> Result<BTreeMap<String, BTreeMap<String, String>>> {
    let rows: Vec<(String, String, String)> = match db {
        Db::Sqlite(p) => {
            sqlx::query_as(
                "SELECT m.name, c.name, lower(c.type) FROM sqlite_master m, \
                 pragma_table_info(m.name) c WHERE m.type = 'table'",
            )
            .fetch_all(p)
            .await?
        }
        Db::Postgres(p) => {
            sqlx::query_as(
                "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), \
                 CAST(data_type AS TEXT) FROM information_schema.columns \
                 WHERE table_schema = current_schema()",
            )
            .fetch_all(p)
            .await?
        }
        Db::MySql(p) => {
            sqlx::query_as(
                "SELECT CAST(table_name AS CHAR), CAST(column_name AS CHAR), \
                 CAST(column_type AS CHAR) FROM information_schema.columns \
                 WHERE table_schema = DATABASE()",
            )
            .fetch_all(p)
            .await?
        }
    };
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (table, column, kind) in rows {
        out.entry(table)
            .or_default()
            .insert(column, kind.to_lowercase());
    }
    Ok(out)
}

/// What the store needs and the database lacks: missing tables and columns, and id columns
/// that are not integers. Empty when the back-office can work on it.
pub async fn differences(db: &Db) -> Result<Vec<String>> {
    let found = columns(db).await?;
    let mut out = Vec::new();
    for table in schema::ALL {
        let Some(have) = found.get(table.name) else {
            out.push(format!("table {} is missing", table.name));
            continue;
        };
        for column in table.all_columns() {
            match have.get(column) {
                None => out.push(format!("column {}.{column} is missing", table.name)),
                Some(kind) if is_id(table.name, column) && !kind.contains("int") => {
                    out.push(format!(
                        "column {}.{column} is {kind}, not an integer id",
                        table.name
                    ))
                }
                Some(_) => {}
            }
        }
    }
    Ok(out)
}

/// Columns the store reads as integer ids (notifications are keyed by uuid).
fn is_id(table: &str, column: &str) -> bool {
    table != "notifications" && mysql::UNSIGNED_COLUMNS.contains(&column)
}
