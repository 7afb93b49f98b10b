//! Database administration: migrate, seed, doctor, staff accounts.

use std::path::PathBuf;
use std::time::Instant;

use chrono::{SubsecRound, Utc};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
use crate::domain::{Locale, UseCase, display_width};
use crate::office::messages::plural;
use crate::seed;
use crate::service::{self, Origin, bootstrap};
use crate::store::{self, Db, db_redact};
use crate::tr;

use super::{CliError, OrCli, UserCommand, session};

/// Opens the configured database, which must exist: a SQLite file that a URL names and that is
/// not there is an error naming the path (only `migrate` creates one, see [`open_creating`]).
/// The embedded demo's folder is created on demand.
pub async fn open(config: &Config, locale: Locale) -> Result<(Db, String), CliError> {
    let (url, is_demo) = config.database_url();
    if !is_demo && let Some(path) = missing_sqlite_file(&url) {
        return Err(CliError::failed(tr(
            locale,
            "cli_contract.no_database",
            &[("path", &path.display().to_string())],
        )));
    }
    open_creating(config, locale).await
}

/// Opens the configured database, creating a SQLite file that does not exist yet (`migrate`).
/// Who runs a staff-account command: the staff member logged in (`--as` or the remembered
/// login), or else the operating-system operator, said on stderr (the bootstrap path).
pub async fn acting(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
) -> Result<(Db, Option<crate::service::Actor>, Origin), CliError> {
    let (db, url) = open(config, locale).await?;
    db.ensure_migrated().await.or_cli(locale)?;
    let actor = session::find_actor(config, locale, &db, &url, as_email).await?;
    let origin = match &actor {
        Some(_) => Origin::cli(),
        None => {
            let origin = Origin::operator();
            eprintln!(
                "{}",
                tr(
                    locale,
                    "cli.user.operator",
                    &[("user", origin.operator.as_deref().unwrap_or_default())]
                )
            );
            origin
        }
    };
    Ok((db, actor, origin))
}

pub async fn open_creating(config: &Config, locale: Locale) -> Result<(Db, String), CliError> {
    let (url, is_demo) = config.database_url();
    if is_demo {
        std::fs::create_dir_all(config.data_dir()).map_err(|e| {
            CliError::failed(tr(
                locale,
                "cli.cannot_create_dir",
                &[
                    ("dir", &config.data_dir().display().to_string()),
                    ("reason", &e.to_string()),
                ],
            ))
        })?;
    }
    let db = Db::connect(&url).await.or_cli(locale)?;
    Ok((db, url))
}

/// The file a `sqlite:` URL names when it does not exist (None for other URLs, in-memory
/// databases and files that exist).
fn missing_sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || query.split('&').any(|p| p == "mode=memory") {
        return None;
    }
    let path = PathBuf::from(path);
    (!path.exists()).then_some(path)
}

pub async fn migrate(config: &Config, locale: Locale) -> Result<(), CliError> {
    Db::create_missing(&config.database_url().0)
        .await
        .or_cli(locale)?;
    let (db, url) = open_creating(config, locale).await?;
    let (before, known) = db.migration_state().await.or_cli(locale)?;
    db.migrate().await.or_cli(locale)?;
    bootstrap::ensure_reference_data(&db).await.or_cli(locale)?;
    let database = db_redact(&url);
    let known_text = known.to_string();
    if before == known {
        println!(
            "{}",
            tr(
                locale,
                "cli.migrate.up_to_date",
                &[("database", &database), ("known", &known_text)],
            )
        );
    } else {
        let applied = known.saturating_sub(before);
        println!(
            "{}",
            plural(
                locale,
                "cli.migrate.applied",
                applied,
                &[
                    ("database", &database),
                    ("n", &applied.to_string()),
                    // The newest migration's number (numbers may leave gaps).
                    ("known", &store::migrations::latest().to_string()),
                ],
            )
        );
    }
    Ok(())
}

/// "  table                              12" lines under a report.
fn print_counts<N: std::fmt::Display>(rows: &[(&str, N)]) {
    for (table, n) in rows {
        println!("  {table:<28} {n:>10}");
    }
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg:<26} [{bar:30}] {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

pub async fn seed(
    config: &Config,
    locale: Locale,
    size: seed::Size,
    seed_value: u64,
    anchor: Option<chrono::DateTime<Utc>>,
) -> Result<(), CliError> {
    let (url, is_demo) = config.database_url();
    if is_demo {
        // A fresh data directory: built aside and renamed into place, as the first run does
        // (with these options), so an interrupted seed never passes for a demo.
        let opts = seed::SeedOptions {
            size,
            seed: seed_value,
            anchor: anchor.unwrap_or_else(|| Utc::now().trunc_subsecs(0)),
        };
        let started = Instant::now();
        let bar = progress_bar();
        let progress = |table: &str, done: u64, total: u64| {
            bar.set_message(table.to_owned());
            bar.set_length(total);
            bar.set_position(done);
        };
        let path = config.demo_database_path();
        let built = seed::demo::ensure_with(&path, &opts, &|| {}, &progress).await;
        bar.finish_and_clear();
        if let Some(report) = built.or_cli(locale)? {
            seeded(locale, &url, &opts, &report, started);
            return Ok(());
        }
    }
    let (db, url) = open(config, locale).await?;
    db.migrate().await.or_cli(locale)?;
    bootstrap::ensure_reference_data(&db).await.or_cli(locale)?;
    // Taken after the reference data, so none of it is later than the history's end.
    let anchor = anchor.unwrap_or_else(|| Utc::now().trunc_subsecs(0));
    let bar = progress_bar();
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
    let report = report.or_cli(locale)?;
    if size == seed::Size::Demo {
        // What a demo has besides its history: the statements `I` offers, its service account.
        seed::demo::finish(&db, &config.data_dir(), anchor)
            .await
            .or_cli(locale)?;
    }
    seeded(locale, &url, &opts, &report, started);
    Ok(())
}

/// The report of a seed: the database, options, rows written and time taken.
fn seeded(
    locale: Locale,
    url: &str,
    opts: &seed::SeedOptions,
    report: &seed::SeedReport,
    started: Instant,
) {
    let total: u64 = report.rows.iter().map(|(_, n)| n).sum();
    let size = format!("{:?}", opts.size).to_lowercase();
    println!(
        "{}",
        tr(
            locale,
            "cli.seed.done",
            &[
                ("database", &db_redact(url)),
                ("size", &size),
                ("seed", &opts.seed.to_string()),
                (
                    "anchor",
                    &opts
                        .anchor
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                ),
                ("total", &total.to_string()),
                (
                    "seconds",
                    &crate::office::format::decimal(started.elapsed().as_secs_f64(), locale)
                ),
            ],
        )
    );
    print_counts(&report.rows);
}

pub async fn doctor(config: &Config, locale: Locale) -> Result<(), CliError> {
    let labels = [
        tr(locale, "cli.doctor.database", &[]),
        tr(locale, "cli.doctor.schema", &[]),
        tr(locale, "cli.doctor.data_dir", &[]),
    ];
    let width = labels.iter().map(|l| display_width(l)).max().unwrap_or(0) + 2;
    let line = |label: &str, value: &str| {
        let pad = " ".repeat(width.saturating_sub(display_width(label)));
        println!("{label}{pad}{value}");
    };
    let [database, schema, data_dir] = &labels;
    let (url, is_demo) = config.database_url();
    line(database, &db_redact(&url));
    if is_demo && !config.demo_database_path().exists() {
        return Err(CliError::failed(tr(
            locale,
            "cli.doctor.no_demo",
            &[("path", &config.demo_database_path().display().to_string())],
        )));
    }
    let (db, _) = open(config, locale).await?;
    db.ping().await.or_cli(locale)?;
    println!(
        "{}",
        tr(
            locale,
            "cli.doctor.connection_ok",
            &[("database", &db.describe())]
        )
    );
    let (applied, known) = db.migration_state().await.or_cli(locale)?;
    let behind = applied < known;
    let (applied, known) = (applied.to_string(), known.to_string());
    if behind {
        return Err(CliError::failed(tr(
            locale,
            "cli.doctor.behind",
            &[("applied", &applied), ("known", &known)],
        )));
    }
    line(
        schema,
        &tr(
            locale,
            "cli.doctor.migrations",
            &[("applied", &applied), ("known", &known)],
        ),
    );
    let differences = store::catalog::differences(&db).await.or_cli(locale)?;
    if !differences.is_empty() {
        for d in &differences {
            println!("  {d}");
        }
        let count = differences.len().to_string();
        return Err(CliError::failed(tr(
            locale,
            "cli.doctor.differs",
            &[("count", &count)],
        )));
    }
    line(schema, &tr(locale, "cli.doctor.tables", &[]));
    println!("{}", tr(locale, "cli.doctor.rows", &[]));
    print_counts(&store::stats::table_counts(&db).await.or_cli(locale)?);
    line(data_dir, &config.data_dir().display().to_string());
    Ok(())
}

fn password_from_env_or_prompt(email: &str, locale: Locale) -> Result<String, CliError> {
    if let Ok(p) = std::env::var("OBRYL_PASSWORD") {
        return Ok(p);
    }
    let first = session::prompt(
        locale,
        &tr(locale, "cli.password.new_prompt", &[("email", email)]),
    )?;
    let again = session::prompt(locale, &tr(locale, "cli.password.again", &[]))?;
    if first != again {
        return Err(CliError::failed(tr(locale, "cli.password.differ", &[])));
    }
    Ok(first)
}

/// After a staff-account command, `--json` prints the person as they now are.
async fn print_user(db: &Db, email: &str, locale: Locale) -> Result<(), CliError> {
    let user = store::users::find_by_email(&mut db.clone(), email)
        .await
        .or_cli(locale)?
        .ok_or_else(|| {
            let e = service::ServiceError::NotFound {
                what: "user",
                key: email.to_owned(),
            };
            CliError::from_service(e, locale)
        })?;
    super::people::print_person(db, user.id, locale).await
}

/// Staff-account commands act as `--as` or the remembered login, with the role-administration
/// rules. With neither they are the operator's bootstrap path: permissions are bypassed (said
/// on stderr) and the audit rows name the operating-system user.
pub async fn user(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: UserCommand,
) -> Result<(), CliError> {
    let cmd = match cmd {
        UserCommand::Key(key) => return super::ssh_keys::run(config, locale, as_email, key).await,
        other => other,
    };
    if let UserCommand::List {
        kind,
        role,
        availability,
        limit,
        json,
    } = cmd
    {
        let (db, _) = session::open_for(config, locale, as_email, UseCase::DataRead).await?;
        let args = super::people::UserListArgs {
            kind,
            role,
            availability,
            limit,
            json,
        };
        return super::people::list_users(&db, locale, args).await;
    }
    let (db, actor, origin) = acting(config, locale, as_email).await?;
    let by = actor.as_ref();
    match cmd {
        UserCommand::Create {
            name,
            email,
            roles,
            json,
        } => {
            let password = password_from_env_or_prompt(&email, locale)?;
            let id = service::users::create(&db, by, &origin, &name, &email, &password)
                .await
                .or_cli(locale)?;
            for r in roles {
                service::users::set_role(&db, by, &origin, &email, r, true)
                    .await
                    .or_cli(locale)?;
            }
            if json {
                return super::people::print_person(&db, id, locale).await;
            }
            println!(
                "{}",
                tr(
                    locale,
                    "cli.user.created",
                    &[("id", &id.to_string()), ("email", &email)],
                )
            );
        }
        UserCommand::Grant {
            email,
            role: r,
            json,
        } => {
            let changed = service::users::set_role(&db, by, &origin, &email, r, true)
                .await
                .or_cli(locale)?;
            if json {
                return print_user(&db, &email, locale).await;
            }
            let args = [("email", email.as_str()), ("role", r.as_str())];
            if changed {
                println!("{}", tr(locale, "cli.user.granted", &args));
            } else {
                println!("{}", tr(locale, "cli.user.already_granted", &args));
            }
        }
        UserCommand::Revoke {
            email,
            role: r,
            json,
        } => {
            let changed = service::users::set_role(&db, by, &origin, &email, r, false)
                .await
                .or_cli(locale)?;
            if json {
                return print_user(&db, &email, locale).await;
            }
            let args = [("email", email.as_str()), ("role", r.as_str())];
            if changed {
                println!("{}", tr(locale, "cli.user.revoked", &args));
            } else {
                println!("{}", tr(locale, "cli.user.not_granted", &args));
            }
        }
        UserCommand::Passwd { email, json } => {
            let password = password_from_env_or_prompt(&email, locale)?;
            service::users::set_password(&db, by, &origin, &email, &password)
                .await
                .or_cli(locale)?;
            if json {
                return print_user(&db, &email, locale).await;
            }
            println!(
                "{}",
                tr(locale, "cli.user.password_changed", &[("email", &email)])
            );
        }
        UserCommand::Delete { email, json } => {
            service::users::delete(&db, by, &origin, &email)
                .await
                .or_cli(locale)?;
            if json {
                return print_user(&db, &email, locale).await;
            }
            println!("{}", tr(locale, "cli.user.deleted", &[("email", &email)]));
        }
        // Answered above: a read, never the operator's.
        UserCommand::List { .. } | UserCommand::Key(_) => {}
    }
    Ok(())
}
