//! The embedded demo database: created, migrated, given its reference data and seeded under a
//! temporary name, then renamed into place, so an interrupted first run never leaves a
//! half-seeded database behind. [`ensure`] is the one door every front end goes through (the
//! TUI's first run, any command on a fresh data directory): it builds the demo when none is
//! there, under a lock, so two first runs at once build it once. [`finish`] adds what a demo
//! has beyond the generated history (the provider statements, the service account its worker
//! acts as), for `obryl seed --size demo` too.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SubsecRound, Utc};

use crate::domain::Role;
use crate::service::{ServiceError, bootstrap, service_accounts};
use crate::store::{self, Db};

use super::{SeedOptions, SeedReport, Size, seed};

/// The service account the demo's in-process worker acts as (`--as automation` for `obryl
/// worker` and `obryl serve --api` on the demo). A super-admin: every job needs its own
/// permission, and only that role carries `webhooks.manage` and `api_tokens.manage`.
pub const SERVICE_ACCOUNT: &str = "automation";

/// The demo's staff accounts as the generator makes them (e-mail, role), all with the
/// password `demo`. Whether a database holds them is for it to say.
pub fn staff_accounts() -> impl Iterator<Item = (&'static str, &'static str)> {
    super::STAFF
        .iter()
        .map(|(_, email, _, role)| (*email, *role))
}

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

/// Makes sure the embedded demo database is at `path`: when there is none (or only an empty
/// file with no table, left by an older version), builds it (seed 7, its history ending now),
/// calling `starting` first. Two processes doing this at once build it once (a lock beside
/// it). Returns whether it built it.
pub async fn ensure(
    path: &Path,
    starting: &(dyn Fn() + Sync),
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<bool, String> {
    let opts = SeedOptions {
        size: Size::Demo,
        seed: 7,
        anchor: Utc::now().trunc_subsecs(0),
    };
    ensure_with(path, &opts, starting, progress)
        .await
        .map(|built| built.is_some())
        .map_err(|e| e.to_string())
}

/// [`ensure`] generating with `opts` (`obryl seed` on a fresh data directory): the report of
/// what it wrote when it built the database, None when one was there.
pub async fn ensure_with(
    path: &Path,
    opts: &SeedOptions,
    starting: &(dyn Fn() + Sync),
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<Option<SeedReport>, ServiceError> {
    if complete(path) {
        return Ok(None);
    }
    let io = |what: &Path, e: std::io::Error| {
        ServiceError::Internal(format!("cannot create {}: {e}", what.display()))
    };
    let dir = parent(path);
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let lock_path = dir.join(".obryl.db.lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| io(&lock_path, e))?;
    // Waits while another process builds it; released when `lock` is dropped.
    let lock = tokio::task::spawn_blocking(move || lock.lock().map(|()| lock))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(|e| ServiceError::Internal(format!("cannot lock {}: {e}", dir.display())))?;
    if complete(path) {
        return Ok(None);
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    starting();
    let report = build_with(path, opts, progress).await;
    drop(lock);
    report.map(Some)
}

/// Whether `path` holds a database rather than nothing or an empty shell: a SQLite file of one
/// page (its header) holds no table, unless its write-ahead log has something in it.
pub fn complete(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    let wal = std::fs::metadata(format!("{}-wal", path.display())).map_or(0, |m| m.len());
    if wal > 0 {
        return true;
    }
    let page = std::fs::read(path)
        .ok()
        .filter(|b| b.len() >= 18)
        .map_or(4096, |b| match u16::from_be_bytes([b[16], b[17]]) {
            1 => 65_536,
            n => u64::from(n),
        });
    meta.len() > page
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
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
    // The history ends now: a first run at 07:07 shows nothing dated 07:08 or later.
    let opts = SeedOptions {
        size: Size::Demo,
        seed: 7,
        anchor: now.trunc_subsecs(0),
    };
    build_with(path, &opts, progress)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Builds a database generated with `opts` at `path`, under a temporary name renamed into
/// place once complete (a demo-sized one gets what [`finish`] adds). Nothing is left at
/// `path` when it fails.
pub async fn build_with(
    path: &Path,
    opts: &SeedOptions,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<SeedReport, ServiceError> {
    let dir = parent(path);
    std::fs::create_dir_all(dir)
        .map_err(|e| ServiceError::Internal(format!("cannot create {}: {e}", dir.display())))?;
    let name = path
        .file_name()
        .map_or("obryl.db".into(), |n| n.to_string_lossy().into_owned());
    let partial = dir.join(format!("{name}.partial"));
    let remove_partial = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
        }
    };
    remove_partial();
    let built = async {
        let db = Db::connect(&format!("sqlite://{}", partial.display())).await?;
        let report = async {
            db.migrate().await?;
            bootstrap::ensure_reference_data(&db).await?;
            let report = seed(&db, opts, progress).await?;
            if opts.size == Size::Demo {
                finish(&db, dir, opts.anchor).await?;
            }
            Ok::<_, ServiceError>(report)
        }
        .await;
        db.close().await;
        report
    }
    .await;
    let report = match built {
        Ok(report) => report,
        Err(e) => {
            remove_partial();
            return Err(e);
        }
    };
    // Closed, the log is folded into the file: the file alone is the database.
    let wal = PathBuf::from(format!("{}-wal", partial.display()));
    if wal.metadata().is_ok_and(|m| m.len() > 0) {
        remove_partial();
        return Err(ServiceError::Internal(
            "the demo database was not checkpointed; try again".into(),
        ));
    }
    remove_partial_side_files(&partial);
    std::fs::rename(&partial, path).map_err(|e| {
        remove_partial();
        ServiceError::Internal(format!("cannot move the demo database into place: {e}"))
    })?;
    Ok(report)
}

fn remove_partial_side_files(partial: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
    }
}

/// What a demo has besides its generated history: the provider statements written in
/// `data_dir` (`statements/demo-<provider>.csv`) and the service account its worker acts as
/// ([`SERVICE_ACCOUNT`], unless it is there), made by the operator when the history ends
/// (`anchor`): nothing in the demo is later than that.
pub async fn finish(db: &Db, data_dir: &Path, anchor: DateTime<Utc>) -> Result<(), ServiceError> {
    write_statement(db, data_dir).await?;
    service_account(db, anchor).await
}

/// [`SERVICE_ACCOUNT`]: a super-admin nobody logs into (its password hash matches no
/// password), created and granted its role at `anchor` on the operator's path, audited so.
async fn service_account(db: &Db, anchor: DateTime<Utc>) -> Result<(), ServiceError> {
    use crate::store::audit::{Diff, NewAudit, insert};
    let email = service_accounts::email_of(SERVICE_ACCOUNT);
    if store::users::find_by_email(&mut db.clone(), &email)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    let id = store::users::insert(
        &mut tx,
        &store::users::NewUser {
            name: SERVICE_ACCOUNT,
            email: &email,
            password_hash: "!",
            phone: None,
            locale: "fr",
            now: anchor,
        },
    )
    .await?;
    let role = Role::SuperAdmin.as_str();
    let role_id = store::users::role_id(&mut tx, role)
        .await?
        .ok_or_else(|| ServiceError::Internal(format!("role {role} missing")))?;
    store::users::grant_role(&mut tx, id, role_id).await?;
    let agent = format!("obryl-backoffice/{} (first run)", env!("CARGO_PKG_VERSION"));
    let null = serde_json::Value::Null;
    for (event, diff) in [
        (
            "created",
            Diff::new()
                .field("name", null.clone(), SERVICE_ACCOUNT)
                .field("email", null.clone(), email.as_str()),
        ),
        (
            "role_granted",
            Diff::new().field("role", null.clone(), role),
        ),
    ] {
        insert(
            &mut tx,
            &NewAudit {
                user_id: None,
                event,
                auditable_type: "user",
                auditable_id: id,
                old_values: diff.old_values(),
                new_values: diff.new_values(),
                url: Some("cli"),
                ip_address: None,
                user_agent: Some(&agent),
                tags: Some("operator:first run"),
                now: anchor,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
