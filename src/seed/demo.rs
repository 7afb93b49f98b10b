//! The embedded demo database of a first run: created, migrated, given its reference data and
//! seeded under a temporary name, then renamed into place, so an interrupted first run never
//! leaves a half-seeded database behind.

use std::path::Path;

use chrono::{DateTime, SubsecRound, Utc};

use crate::service::bootstrap;
use crate::store::Db;

use super::{SeedOptions, Size, seed};

/// Where the demo's statement of `provider` is written, in the data directory.
pub fn statement_path(data_dir: &Path, provider: &str) -> std::path::PathBuf {
    data_dir
        .join("statements")
        .join(format!("demo-{provider}.csv"))
}

/// A statement as the provider with the most succeeded demo transactions exports it, for
/// trying `obryl reconcile`: every one of that provider's succeeded transactions, but with two
/// deliberate mismatches (one amount differs, one transaction is left out).
async fn write_statement(db: &Db, dir: &Path) -> Result<(), crate::store::StoreError> {
    use crate::domain::statement::{FORMATS, write};
    let mut best: Option<(&crate::domain::statement::Format, Vec<_>)> = None;
    for f in &FORMATS {
        let rows = crate::store::payments::succeeded_between(
            &mut db.clone(),
            f.provider,
            DateTime::from_timestamp(946_684_800, 0).unwrap_or_default(),
            Utc::now(),
        )
        .await?;
        if best.as_ref().is_none_or(|(_, b)| rows.len() > b.len()) {
            best = Some((f, rows));
        }
    }
    let Some((format, rows)) = best.filter(|(_, rows)| rows.len() >= 4) else {
        return Ok(());
    };
    let mut lines: Vec<_> = rows
        .iter()
        .filter_map(|p| {
            let currency = crate::domain::Currency::parse(&p.currency).ok()?;
            Some((
                p.provider_reference.clone(),
                p.created_at?,
                p.amount,
                currency,
                "succeeded".to_owned(),
            ))
        })
        .collect();
    // The two mismatches sit inside the statement's period, so both are reported.
    let middle = lines.len() / 2;
    lines[middle].2 += if lines[middle].3.exponent() == 0 {
        5_000
    } else {
        500
    };
    lines.remove(middle + 1);
    let path = statement_path(dir, format.provider);
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    // A demo without its sample statement still works: the file is a convenience.
    let _ = std::fs::write(path, write(format, &lines));
    Ok(())
}

/// Builds the demo database at `path` (its folder is created); `progress` hears every table.
pub async fn build(path: &Path, progress: &(dyn Fn(&str, u64, u64) + Sync)) -> Result<(), String> {
    build_at(path, Utc::now(), progress).await
}

/// [`build`] with the history ending at `now`.
pub async fn build_at(
    path: &Path,
    now: DateTime<Utc>,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let partial = dir.join("obryl.db.partial");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
    }
    let db = Db::connect(&format!("sqlite://{}", partial.display()))
        .await
        .map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    bootstrap::ensure_reference_data(&db)
        .await
        .map_err(|e| e.to_string())?;
    // The history ends now: a first run at 07:07 shows nothing dated 07:08 or later.
    let anchor = now.trunc_subsecs(0);
    let opts = SeedOptions {
        size: Size::Demo,
        seed: 7,
        anchor,
    };
    seed(&db, &opts, progress)
        .await
        .map_err(|e| e.to_string())?;
    write_statement(&db, dir).await.map_err(|e| e.to_string())?;
    db.close().await;
    std::fs::rename(&partial, path)
        .map_err(|e| format!("cannot move the demo database into place: {e}"))?;
    Ok(())
}
