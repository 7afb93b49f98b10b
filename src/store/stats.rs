//! Row counts per table, for `obryl doctor` (never on a screen's first paint).

use sea_query::{Expr, Query};

use super::{Db, Result, migrations::TABLES};

pub async fn table_counts(db: &Db) -> Result<Vec<(&'static str, i64)>> {
    let mut out = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let q = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from(*table)
            .to_owned();
        let (n,): (i64,) = db.one(&q).await?;
        out.push((*table, n));
    }
    Ok(out)
}

pub fn tables() -> &'static [&'static str] {
    TABLES
}
