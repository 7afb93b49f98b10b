//! `obryl commission ...`: the finance queue from a script, with the same rules as the TUI.

use clap::{Subcommand, ValueEnum};
use serde_json::json;

use crate::config::Config;
use crate::domain::{Locale, format_rate};
use crate::office::{
    self,
    format::{absolute, money, status as status_word},
};
use crate::service::{self, Origin, commissions::Kind};
use crate::store::{
    Anchor,
    commissions::{CommissionRow, Filter, Sort},
};
use crate::tr;

use super::output::or_dash;
use super::{CliError, OrCli, output, session};

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
        "dual_approval_threshold": r.dual_threshold, "needs_two_approvers": r.needs_two(),
        "lock_version": r.lock_version, "created_at": r.created_at,
    })
}

/// One commission for a person: labels in their language, amounts in the currency's format.
fn show(r: &CommissionRow, locale: Locale) {
    let l = |key: &str| tr(locale, key, &[]);
    let when = |t| absolute(t, locale);
    let who_when = |name: &Option<String>, at| match name {
        Some(name) => format!("{name} · {}", when(at)),
        None => "—".into(),
    };
    let mut fields = vec![
        (l("cli.label.id"), r.id.to_string()),
        (
            l("cli.label.project"),
            format!("{} (#{})", r.project_title, r.project_id),
        ),
        (l("cli.label.client"), r.client_name.clone()),
        (l("cli.label.developer"), or_dash(r.developer_name.clone())),
    ];
    if let Some(contributor) = &r.contributor {
        fields.push((l("cli.label.contributor"), contributor.clone()));
    }
    fields.extend([
        (
            l("cli.label.gross"),
            money(r.gross_amount, &r.currency, locale),
        ),
        (l("cli.label.rate"), format_rate(r.rate_bps, locale)),
        (
            l("cli.label.commission"),
            money(r.amount, &r.currency, locale),
        ),
        (
            l("cli.label.status"),
            status_word("commission", &r.status, locale),
        ),
        (l("cli.label.requested_by"), r.requester_name.clone()),
        (
            l("cli.label.first_approval"),
            who_when(&r.first_approver_name, r.first_approved_at),
        ),
        (
            l("cli.label.approved"),
            who_when(&r.approver_name, r.approved_at),
        ),
        (
            l("cli.label.rejected"),
            who_when(&r.rejecter_name, r.rejected_at),
        ),
        (l("cli.label.reason"), or_dash(r.rejection_reason.clone())),
        (l("cli.label.paid"), who_when(&r.payer_name, r.paid_at)),
        (
            l("cli.label.payment_reference"),
            or_dash(r.payment_reference.clone()),
        ),
    ]);
    if r.contributor.is_none() {
        fields.push((
            l("cli.label.external_total"),
            money(r.ext_total, &r.currency, locale),
        ));
    }
    fields.extend([
        (l("cli.label.version"), r.lock_version.to_string()),
        (l("cli.label.created"), when(r.created_at)),
    ]);
    output::record(&fields);
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: CommissionCommand,
) -> Result<(), CliError> {
    let (db, actor) = session::open_as(config, locale, as_email).await?;
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
            // The TUI's queue reads the same page, dual-approval state included.
            let page = office::queue::page(
                &mut db.clone(),
                kind(external),
                &filter,
                Sort::Oldest,
                &Anchor::First,
                limit,
            )
            .await
            .or_cli(locale)?;
            if json {
                let rows: Vec<_> = page.rows.iter().map(as_json).collect();
                output::print_json(&rows.into());
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
                            office::queue::status_cell(r, locale),
                        ]
                    })
                    .collect();
                let header = [
                    tr(locale, "cli.col.id", &[]),
                    tr(locale, "cli.col.project", &[]),
                    tr(locale, "cli.col.developer", &[]),
                    tr(locale, "cli.col.gross", &[]),
                    tr(locale, "cli.col.rate", &[]),
                    tr(locale, "cli.col.commission", &[]),
                    tr(locale, "cli.col.status", &[]),
                ];
                output::table(
                    &header.iter().map(String::as_str).collect::<Vec<_>>(),
                    &rows,
                    &[0, 3, 4, 5],
                );
                if page.has_after {
                    println!("{}", tr(locale, "cli.more", &[]));
                }
            }
        }
        CommissionCommand::Show { id, external, json } => {
            let row = office::queue::get(&mut db.clone(), kind(external), id)
                .await
                .or_cli(locale)?;
            if json {
                output::print_json(&as_json(&row));
            } else {
                show(&row, locale);
            }
        }
        CommissionCommand::Approve { id, external } => {
            let id_text = id.to_string();
            let args = [("id", id_text.as_str())];
            match service::commissions::approve(&db, &actor, &origin, kind(external), id, None)
                .await
                .or_cli(locale)?
            {
                service::commissions::Approval::Approved => {
                    output::say(&tr(locale, "cli.commission.approved", &args));
                }
                service::commissions::Approval::FirstOfTwo => {
                    output::say(&tr(locale, "cli.commission.first_approval", &args));
                }
            }
        }
        CommissionCommand::Reject {
            id,
            reason,
            external,
        } => {
            service::commissions::reject(&db, &actor, &origin, kind(external), id, &reason, None)
                .await
                .or_cli(locale)?;
            output::say(&tr(
                locale,
                "cli.commission.rejected",
                &[("id", &id.to_string())],
            ));
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
            .await
            .or_cli(locale)?;
            output::say(&tr(
                locale,
                "cli.commission.paid",
                &[("id", &id.to_string()), ("transfer", &transfer.to_string())],
            ));
        }
    }
    Ok(())
}
