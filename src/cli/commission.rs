//! `obryl commission ...`: the finance queue from a script, with the same rules as the TUI.

use clap::{Subcommand, ValueEnum};
use serde_json::json;

use crate::config::Config;
use crate::domain::{Currency, format_money, format_rate, sanitize};
use crate::service::{self, Origin, commissions::Kind};
use crate::store::{
    self, Anchor,
    commissions::{CommissionRow, Filter, Sort},
};

use super::{CliError, admin, output, session};

#[derive(Debug, Subcommand)]
pub enum CommissionCommand {
    /// List commissions (pending first by default).
    List {
        #[arg(long, value_enum, default_value = "pending")]
        status: StatusArg,
        /// External commissions instead of platform ones.
        #[arg(long)]
        external: bool,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// Show one commission.
    Show {
        id: i64,
        #[arg(long)]
        external: bool,
        #[arg(long)]
        json: bool,
    },
    /// Approve (four-eyes; a second approver above the dual-approval threshold).
    Approve {
        id: i64,
        #[arg(long)]
        external: bool,
    },
    /// Reject with a reason.
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        external: bool,
    },
    /// Mark an approved commission paid.
    Pay {
        id: i64,
        #[arg(long)]
        reference: String,
        #[arg(long)]
        external: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Pending,
    Approved,
    Rejected,
    Paid,
    Cancelled,
    All,
}

fn kind(external: bool) -> Kind {
    if external {
        Kind::External
    } else {
        Kind::Platform
    }
}

fn money(minor: i64, currency: &str, locale: crate::domain::Locale) -> String {
    match Currency::parse(currency) {
        Ok(c) => format_money(minor, c, locale),
        Err(_) => format!("{minor} {currency}"),
    }
}

fn as_json(r: &CommissionRow) -> serde_json::Value {
    json!({
        "id": r.id, "project_id": r.project_id, "project_title": r.project_title,
        "client": r.client_name, "developer": r.developer_name,
        "gross_amount": r.gross_amount, "rate_bps": r.rate_bps, "amount": r.amount,
        "currency": r.currency, "status": r.status, "requested_by": r.requester_name,
        "first_approved_by": r.first_approver_name, "approved_by": r.approver_name,
        "approved_at": r.approved_at, "rejected_by": r.rejecter_name,
        "rejection_reason": r.rejection_reason, "paid_at": r.paid_at,
        "payment_reference": r.payment_reference, "external_total": r.ext_total,
        "lock_version": r.lock_version, "created_at": r.created_at,
    })
}

pub async fn run(
    config: &Config,
    as_email: Option<&str>,
    cmd: CommissionCommand,
) -> Result<(), CliError> {
    let (db, url) = admin::open(config).await?;
    db.ensure_migrated().await?;
    let actor = session::actor(config, &db, &url, as_email).await?;
    let locale = config.locale(|k| std::env::var(k).ok());
    let origin = Origin::cli();
    match cmd {
        CommissionCommand::List {
            status,
            external,
            limit,
            json,
        } => {
            let statuses = match status {
                StatusArg::All => Vec::new(),
                s => vec![format!("{s:?}").to_lowercase()],
            };
            let filter = Filter {
                statuses,
                ..Filter::default()
            };
            let page = store::commissions::page(
                &mut db.clone(),
                kind(external),
                &filter,
                Sort::Oldest,
                &Anchor::First,
                limit,
            )
            .await?;
            if json {
                let rows: Vec<_> = page.rows.iter().map(as_json).collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&rows).unwrap_or_default()
                );
            } else {
                let rows: Vec<Vec<String>> = page
                    .rows
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.to_string(),
                            r.project_title.clone(),
                            r.developer_name.clone().unwrap_or_default(),
                            money(r.gross_amount, &r.currency, locale),
                            format_rate(r.rate_bps, locale),
                            money(r.amount, &r.currency, locale),
                            r.status.clone(),
                        ]
                    })
                    .collect();
                output::table(
                    &[
                        "ID",
                        "PROJECT",
                        "DEVELOPER",
                        "GROSS",
                        "RATE",
                        "COMMISSION",
                        "STATUS",
                    ],
                    &rows,
                    &[0, 3, 4, 5],
                );
                if page.has_after {
                    println!("… more: raise --limit");
                }
            }
        }
        CommissionCommand::Show { id, external, json } => {
            let row = store::commissions::get(&mut db.clone(), kind(external), id)
                .await?
                .ok_or_else(|| CliError::refused(format!("no commission {id}")))?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&as_json(&row)).unwrap_or_default()
                );
            } else {
                for (k, v) in as_json(&row).as_object().into_iter().flatten() {
                    let v = match v {
                        serde_json::Value::String(s) => sanitize(s),
                        serde_json::Value::Null => "—".into(),
                        other => other.to_string(),
                    };
                    println!("{k:<20} {v}");
                }
            }
        }
        CommissionCommand::Approve { id, external } => {
            match service::commissions::approve(&db, &actor, &origin, kind(external), id, None)
                .await?
            {
                service::commissions::Approval::Approved => println!("Commission {id} approved."),
                service::commissions::Approval::FirstOfTwo => {
                    println!(
                        "Commission {id}: first approval recorded; a second, different approver is needed."
                    )
                }
            }
        }
        CommissionCommand::Reject {
            id,
            reason,
            external,
        } => {
            service::commissions::reject(&db, &actor, &origin, kind(external), id, &reason, None)
                .await?;
            println!("Commission {id} rejected.");
        }
        CommissionCommand::Pay {
            id,
            reference,
            external,
        } => {
            let transfer = service::commissions::pay(
                &db,
                &actor,
                &origin,
                kind(external),
                id,
                &reference,
                None,
            )
            .await?;
            println!("Commission {id} paid (ledger transfer {transfer}).");
        }
    }
    Ok(())
}
