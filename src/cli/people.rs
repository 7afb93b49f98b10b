//! `obryl user list` and `obryl review list|hide|restore`: the Users and Reviews views from a
//! script, with the same rules as the TUI.

use clap::{Subcommand, ValueEnum};
use serde_json::json;

use crate::domain::{Availability, Locale, Role};
use crate::office::format::status as status_word;
use crate::service::{self, Origin};
use crate::store::people::{self, Kind, PersonRow};
use crate::store::reviews::{self, ReviewListRow};
use crate::store::{Anchor, Db};
use crate::tr;

use super::output::or_dash;
use super::{CliError, OrCli, output, session};
use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// List reviews, newest first.
    List {
        /// Hidden reviews only.
        #[arg(long, conflicts_with = "visible")]
        hidden: bool,
        /// Visible reviews only.
        #[arg(long)]
        visible: bool,
        /// Only these ratings, 1 to 5 (repeat or separate with commas).
        #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(i64).range(1..=5))]
        rating: Vec<i64>,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// Hide a review from the platform (reviews.moderate); the reason is kept and sent to its
    /// author.
    Hide {
        id: i64,
        #[arg(long)]
        reason: String,
        /// Print the review as it now is, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a hidden review again (reviews.moderate).
    Restore {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

/// Which people `obryl user list --type` shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PersonKind {
    Client,
    Developer,
    Staff,
}

/// What `obryl user list` filters on.
pub struct UserListArgs {
    pub kind: Option<PersonKind>,
    pub role: Option<Role>,
    pub availability: Option<Availability>,
    pub limit: u64,
    pub json: bool,
}

/// One person as `--json` writes it (`user list` and the staff-account commands).
pub fn person_json(p: &PersonRow) -> serde_json::Value {
    let profile = |pr: &people::Profile| {
        json!({
            "display_name": pr.display_name, "company_name": pr.company_name,
            "city": pr.city, "country": pr.country,
            "availability": pr.availability, "weekly_capacity_hours": pr.weekly_capacity_hours,
            "max_active_projects": pr.max_active_projects, "payout_method": pr.payout_method,
            "hourly_rate": pr.hourly_rate, "hourly_rate_currency": pr.hourly_rate_currency,
            "skills": pr.skills,
        })
    };
    json!({
        "id": p.id, "name": p.name, "email": p.email, "locale": p.locale, "roles": p.roles,
        "client": p.client.as_ref().map(profile), "developer": p.developer.as_ref().map(profile),
        "created_at": output::time(p.created_at), "deleted_at": output::time(p.deleted_at),
    })
}

fn review_json(r: &ReviewListRow) -> serde_json::Value {
    let t = output::time;
    json!({
        "id": r.id, "project_id": r.project_id, "project": r.project_title,
        "project_status": r.project_status,
        "reviewer_id": r.reviewer_id, "reviewer": r.reviewer_name,
        "reviewee_id": r.reviewee_id, "reviewee": r.reviewee_name,
        "rating": r.rating, "comment": r.comment, "created_at": t(r.created_at),
        "hidden_at": t(r.hidden_at), "hidden_by": r.hidden_by_name, "hidden_reason": r.hidden_reason,
    })
}

/// Prints one person as JSON, read again after a change.
pub async fn print_person(db: &Db, id: i64, locale: Locale) -> Result<(), CliError> {
    let person = people::get(&mut db.clone(), id)
        .await
        .or_cli(locale)?
        .ok_or_else(|| {
            let e = crate::service::ServiceError::NotFound {
                what: "user",
                key: id.to_string(),
            };
            CliError::from_service(e, locale)
        })?;
    output::print_json(&person_json(&person));
    Ok(())
}

async fn print_review(db: &Db, id: i64, locale: Locale) -> Result<(), CliError> {
    let review = reviews::get(&mut db.clone(), id)
        .await
        .or_cli(locale)?
        .ok_or_else(|| {
            let e = crate::service::ServiceError::NotFound {
                what: "review",
                key: id.to_string(),
            };
            CliError::from_service(e, locale)
        })?;
    output::print_json(&review_json(&review));
    Ok(())
}

fn header(locale: Locale, keys: &[&str]) -> Vec<String> {
    keys.iter()
        .map(|k| tr(locale, &format!("cli.col.{k}"), &[]))
        .collect()
}

/// Everyone by name, with their roles and developer capacity (the caller checked the reader).
pub async fn list_users(db: &Db, locale: Locale, args: UserListArgs) -> Result<(), CliError> {
    let filter = people::Filter {
        kind: args.kind.map(|k| match k {
            PersonKind::Client => Kind::Client,
            PersonKind::Developer => Kind::Developer,
            PersonKind::Staff => Kind::Staff,
        }),
        role: args.role.map(|r| r.as_str().to_owned()),
        availability: args.availability.map(|a| a.as_str().to_owned()),
        ..people::Filter::default()
    };
    let staff = Role::staff_names();
    let page = people::page(
        &mut db.clone(),
        &filter,
        &staff,
        people::Sort::Name,
        &Anchor::First,
        args.limit,
    )
    .await
    .or_cli(locale)?;
    if args.json {
        output::print_list(page.rows.iter().map(person_json).collect());
        return Ok(());
    }
    let rows: Vec<Vec<String>> =
        page.rows
            .iter()
            .map(|p| {
                let dev = p.developer.as_ref();
                vec![
                    p.id.to_string(),
                    p.name.clone(),
                    p.email.clone(),
                    p.roles.join(", "),
                    or_dash(dev.map(|d| status_word("availability", &d.availability, locale))),
                    or_dash(dev.map(|d| {
                        format!("{} h · {}", d.weekly_capacity_hours, d.max_active_projects)
                    })),
                    or_dash(
                        p.payout()
                            .and_then(|pr| pr.payout_method.as_deref())
                            .map(|m| status_word("payout", m, locale)),
                    ),
                ]
            })
            .collect();
    let head = header(
        locale,
        &[
            "id",
            "name",
            "email",
            "roles",
            "availability",
            "capacity",
            "payout",
        ],
    );
    output::table(
        &head.iter().map(String::as_str).collect::<Vec<_>>(),
        &rows,
        &[0],
    );
    if page.has_after {
        println!("{}", tr(locale, "cli.more", &[]));
    }
    Ok(())
}

pub async fn review(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: ReviewCommand,
) -> Result<(), CliError> {
    let (db, actor) = session::open_as(config, locale, as_email).await?;
    let origin = Origin::cli();
    match cmd {
        ReviewCommand::List {
            hidden,
            visible,
            rating,
            limit,
            json,
        } => {
            let filter = reviews::Filter {
                hidden: (hidden || visible).then_some(hidden),
                ratings: rating,
                ..reviews::Filter::default()
            };
            let page = reviews::page(
                &mut db.clone(),
                &filter,
                reviews::Sort::Newest,
                &Anchor::First,
                limit,
            )
            .await
            .or_cli(locale)?;
            if json {
                output::print_list(page.rows.iter().map(review_json).collect());
                return Ok(());
            }
            let rows: Vec<Vec<String>> = page
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        format!("{}/5", r.rating),
                        r.project_title.clone(),
                        format!("{} → {}", r.reviewer_name, r.reviewee_name),
                        or_dash(r.comment.clone()),
                        if r.hidden_at.is_some() {
                            tr(locale, "detail.hidden", &[])
                        } else {
                            tr(locale, "reviews.visible", &[])
                        },
                    ]
                })
                .collect();
            let head = header(
                locale,
                &["id", "rating", "project", "reviewer", "comment", "status"],
            );
            output::table(
                &head.iter().map(String::as_str).collect::<Vec<_>>(),
                &rows,
                &[0],
            );
            if page.has_after {
                println!("{}", tr(locale, "cli.more", &[]));
            }
        }
        ReviewCommand::Hide { id, reason, json } => {
            service::content::hide_review(&db, &actor, &origin, id, &reason)
                .await
                .or_cli(locale)?;
            if json {
                return print_review(&db, id, locale).await;
            }
            output::say(&tr(
                locale,
                "toast.review_hidden",
                &[("id", &id.to_string())],
            ));
        }
        ReviewCommand::Restore { id, json } => {
            service::content::restore_review(&db, &actor, &origin, id)
                .await
                .or_cli(locale)?;
            if json {
                return print_review(&db, id, locale).await;
            }
            output::say(&tr(
                locale,
                "toast.review_restored",
                &[("id", &id.to_string())],
            ));
        }
    }
    Ok(())
}
