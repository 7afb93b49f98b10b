//! Database administration: migrate, seed, doctor, staff accounts.

use std::time::Instant;

use chrono::{NaiveTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
use crate::domain::Role;
use crate::service::{self, Origin, bootstrap, seed};
use crate::store::{self, Db, db_redact};

use super::{CliError, UserCommand};

/// Opens the configured database. The embedded demo's folder is created on demand.
pub async fn open(config: &Config) -> Result<(Db, String), CliError> {
    let (url, is_demo) = config.database_url();
    if is_demo {
        std::fs::create_dir_all(config.data_dir()).map_err(|e| {
            CliError::failed(format!(
                "cannot create {}: {e}",
                config.data_dir().display()
            ))
        })?;
    }
    let db = Db::connect(&url).await?;
    Ok((db, url))
}

pub async fn migrate(config: &Config) -> Result<(), CliError> {
    let (db, url) = open(config).await?;
    let (before, known) = db.migration_state().await?;
    db.migrate().await?;
    bootstrap::ensure_reference_data(&db).await?;
    if before == known {
        println!(
            "{}: schema up to date ({known} migrations).",
            db_redact(&url)
        );
    } else {
        println!(
            "{}: applied {} migration(s); schema at {known}.",
            db_redact(&url),
            known - before
        );
    }
    Ok(())
}

pub async fn seed(
    config: &Config,
    size: seed::Size,
    seed_value: u64,
    anchor: Option<chrono::NaiveDate>,
) -> Result<(), CliError> {
    let (db, url) = open(config).await?;
    db.migrate().await?;
    bootstrap::ensure_reference_data(&db).await?;
    let day = anchor.unwrap_or_else(|| Utc::now().date_naive());
    let anchor = day
        .and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default())
        .and_utc();
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg:<26} [{bar:30}] {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let progress = |table: &str, done: u64, total: u64| {
        bar.set_message(table.to_owned());
        bar.set_length(total);
        bar.set_position(done);
    };
    let opts = seed::SeedOptions {
        size,
        seed: seed_value,
        anchor,
    };
    let report = seed::seed(&db, &opts, &progress).await;
    bar.finish_and_clear();
    let report = report?;
    let total: u64 = report.rows.iter().map(|(_, n)| n).sum();
    println!(
        "Seeded {} ({:?}, seed {seed_value}, anchor {day}): {total} rows in {:.1} s.",
        db_redact(&url),
        size,
        started.elapsed().as_secs_f64()
    );
    for (table, n) in &report.rows {
        println!("  {table:<28} {n:>10}");
    }
    Ok(())
}

pub async fn doctor(config: &Config) -> Result<(), CliError> {
    let (url, is_demo) = config.database_url();
    println!("database   {}", db_redact(&url));
    if is_demo && !config.demo_database_path().exists() {
        return Err(CliError::failed(format!(
            "the demo database {} does not exist yet: run `obryl` once, or `obryl migrate` then `obryl seed`",
            config.demo_database_path().display()
        )));
    }
    let db = Db::connect(&url)
        .await
        .map_err(|e| CliError::failed(format!("unreachable: {e}")))?;
    db.ping().await?;
    println!("connection ok ({})", db.describe());
    let (applied, known) = db.migration_state().await?;
    if applied < known {
        return Err(CliError::failed(format!(
            "schema: {applied} of {known} migrations applied; run `obryl migrate`"
        )));
    }
    println!("schema     {applied}/{known} migrations applied");
    println!("rows");
    for (table, n) in store::stats::table_counts(&db).await? {
        println!("  {table:<28} {n:>10}");
    }
    println!("data dir   {}", config.data_dir().display());
    Ok(())
}

fn password_from_env_or_prompt(email: &str) -> Result<String, CliError> {
    if let Ok(p) = std::env::var("OBRYL_PASSWORD") {
        return Ok(p);
    }
    let first = rpassword::prompt_password(format!("New password for {email}: ")).map_err(|e| {
        CliError::failed(format!(
            "cannot read the password: {e} (set OBRYL_PASSWORD)"
        ))
    })?;
    let again =
        rpassword::prompt_password("Again: ").map_err(|e| CliError::failed(e.to_string()))?;
    if first != again {
        return Err(CliError::refused("the two passwords differ"));
    }
    Ok(first)
}

fn role(name: &str) -> Result<Role, CliError> {
    Role::parse(name).map_err(|e| CliError::refused(e.to_string()))
}

pub async fn user(config: &Config, cmd: UserCommand) -> Result<(), CliError> {
    let (db, _) = open(config).await?;
    db.ensure_migrated().await?;
    let origin = Origin::cli();
    match cmd {
        UserCommand::Create { name, email, roles } => {
            let roles = roles
                .iter()
                .map(|r| role(r))
                .collect::<Result<Vec<_>, _>>()?;
            let password = password_from_env_or_prompt(&email)?;
            let id = service::users::create(&db, None, &origin, &name, &email, &password).await?;
            for r in roles {
                service::users::set_role(&db, None, &origin, &email, r, true).await?;
            }
            println!("Created user {id} <{email}>.");
        }
        UserCommand::Grant { email, role: r } => {
            let changed =
                service::users::set_role(&db, None, &origin, &email, role(&r)?, true).await?;
            println!(
                "{}",
                if changed {
                    format!("{email} is now {r}.")
                } else {
                    format!("{email} already was {r}.")
                }
            );
        }
        UserCommand::Revoke { email, role: r } => {
            let changed =
                service::users::set_role(&db, None, &origin, &email, role(&r)?, false).await?;
            println!(
                "{}",
                if changed {
                    format!("{email} is no longer {r}.")
                } else {
                    format!("{email} was not {r}.")
                }
            );
        }
        UserCommand::Passwd { email } => {
            let password = password_from_env_or_prompt(&email)?;
            service::users::set_password(&db, None, &origin, &email, &password).await?;
            println!("Password changed for {email}.");
        }
    }
    Ok(())
}
