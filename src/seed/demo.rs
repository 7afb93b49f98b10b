//! The embedded demo database of a first run: created, migrated, given its reference data and
//! seeded under a temporary name, then renamed into place, so an interrupted first run never
//! leaves a half-seeded database behind.

use std::path::Path;

use chrono::{DateTime, SubsecRound, Utc};

use crate::service::bootstrap;
use crate::store::Db;

use super::{SeedOptions, Size, seed};

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
    db.close().await;
    std::fs::rename(&partial, path)
        .map_err(|e| format!("cannot move the demo database into place: {e}"))?;
    Ok(())
}
