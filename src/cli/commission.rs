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

use super::args::{CommissionId, commission_ref};
use super::output::or_dash;
use super::{CliError, OrCli, output, session};

#[derive(Debug, Subcommand)]
pub enum CommissionCommand {
    /// List commissions (pending first by default), with their approvals given / needed.
    List {
        #[arg(long, value_enum, default_value = "pending")]
        status: StatusArg,
        /// External commissions instead of platform ones (listed as X-12).
        #[arg(long)]
        external: bool,
        #[arg(long, default_value_t = 50)]
        limit: u64,
        #[arg(long)]
        json: bool,
    },
    /// Show one commission: 12, or X-12 for an external one.
    Show {
        #[arg(value_name = "ID")]
        id: CommissionId,
        /// Read a bare number as an external commission's (same as X-).
        #[arg(long)]
        external: bool,
        #[arg(long)]
        json: bool,
    },
    /// Approve (four-eyes; a second approver above the dual-approval threshold).
    Approve {
        #[arg(value_name = "ID")]
        id: CommissionId,
        #[arg(long)]
        external: bool,
        /// Print the commission as it now is, as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Reject with a reason.
    Reject {
        #[arg(value_name = "ID")]
        id: CommissionId,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        external: bool,
        #[arg(long)]
        json: bool,
    },
    /// Mark an approved commission paid.
    Pay {
        #[arg(value_name = "ID")]
        id: CommissionId,
        #[arg(long)]
        reference: String,
        #[arg(long)]
        external: bool,
        #[arg(long)]
        json: bool,
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

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Platform => "platform",
        Kind::External => "external",
    }
}

/// Approvals (needed, given): two once a first approval is in or when the amount is above the
/// currency's dual-approval threshold (unless one approver already decided alone).
pub fn approvals(r: &CommissionRow) -> (i64, i64) {
    let given = i64::from(r.first_approved_by.is_some()) + i64::from(r.approved_by.is_some());
    let needed = if r.first_approved_by.is_some() {
        2
    } else if r.approved_by.is_some() {
        1
    } else if r.needs_two() {
        2
    } else {
        1
    };
    (needed, given)
}

/// One commission as `--json` writes it, in lists, `show` and after a decision alike.
fn as_json(r: &CommissionRow, kind: Kind) -> serde_json::Value {
    let (needed, given) = approvals(r);
    let t = output::time;
    let mut v = json!({
        "id": r.id, "ref": commission_ref(kind, r.id), "kind": kind_name(kind),
        "project_id": r.project_id, "project_title": r.project_title,
        "project_status": r.project_status,
        "client_id": r.client_id, "client": r.client_name,
        "developer_id": r.developer_id, "developer": r.developer_name,
        "contributor": r.contributor,
        "gross_amount": r.gross_amount, "rate_bps": r.rate_bps, "amount": r.amount,
        "currency": r.currency, "status": r.status,
        "external_total": (kind == Kind::Platform).then_some(r.ext_total),
        "dual_approval_threshold": r.dual_threshold, "needs_two_approvers": r.needs_two(),
        "approvals_needed": needed, "approvals_given": given,
        "lock_version": r.lock_version, "created_at": t(r.created_at),
    });
    // Who decided what, and when (a second object: `json!` nests too deep for one).
    let decisions = json!({
        "requested_by_id": r.requested_by, "requested_by": r.requester_name,
        "first_approved_by_id": r.first_approved_by, "first_approved_by": r.first_approver_name,
        "first_approved_at": t(r.first_approved_at),
        "approved_by_id": r.approved_by, "approved_by": r.approver_name,
        "approved_at": t(r.approved_at),
        "rejected_by_id": r.rejected_by, "rejected_by": r.rejecter_name,
        "rejected_at": t(r.rejected_at), "rejection_reason": r.rejection_reason,
        "paid_by_id": r.paid_by, "paid_by": r.payer_name, "paid_at": t(r.paid_at),
        "payment_reference": r.payment_reference, "ledger_transfer_id": r.ledger_transfer_id,
        "cancelled_by_id": r.cancelled_by, "cancelled_by": r.canceller_name,
        "cancelled_at": t(r.cancelled_at),
    });
    if let (Some(all), serde_json::Value::Object(more)) = (v.as_object_mut(), decisions) {
        all.extend(more);
    }
    v
}

/// Why a cancelled commission was cancelled, as its history recorded it.
fn cancellation_reason(d: &office::details::CommissionDetail) -> Option<String> {
    d.row.cancelled_at?;
    d.history
        .iter()
        .filter(|a| a.event == "cancelled")
        .find_map(|a| {
            a.new_values
                .as_ref()?
                .get("reason")?
                .as_str()
                .map(str::to_owned)
        })
}

/// A commission's detail as JSON: the record, and for a platform commission the external
/// commissions on its project.
fn detail_json(d: &office::details::CommissionDetail, kind: Kind) -> serde_json::Value {
    let mut v = as_json(&d.row, kind);
    v["cancellation_reason"] = cancellation_reason(d).into();
    v["externals"] = d
        .externals
        .iter()
        .map(|e| as_json(e, Kind::External))
        .collect();
    v
}

/// One commission for a person: labels in their language, amounts in the currency's format.
fn show(d: &office::details::CommissionDetail, kind: Kind, locale: Locale) {
    let r = &d.row;
    let l = |key: &str| tr(locale, key, &[]);
    let when = |t| absolute(t, locale);
    let who_when = |name: &Option<String>, at| match name {
        Some(name) => format!("{name} · {}", when(at)),
        None => "—".into(),
    };
    let mut fields = vec![
        (l("cli.label.id"), commission_ref(kind, r.id)),
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
        (l("cli_contract.label_cancelled"), {
            let who = who_when(&r.canceller_name, r.cancelled_at);
            match cancellation_reason(d) {
                Some(reason) => format!("{who} · {reason}"),
                None => who,
            }
        }),
        (l("cli_contract.label_approvals"), {
            let (needed, given) = approvals(r);
            format!("{given}/{needed}")
        }),
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
    // After a decision, `--json` prints the commission as it now is.
    let print_after = |which: CommissionId| {
        let db = db.clone();
        async move {
            let row = office::queue::get(&mut db.clone(), which.kind, which.id)
                .await
                .or_cli(locale)?;
            output::print_json(&as_json(&row, which.kind));
            Ok::<_, CliError>(())
        }
    };
    match cmd {
        CommissionCommand::List {
            status,
            external,
            limit,
            json,
        } => {
            let kind = if external {
                Kind::External
            } else {
                Kind::Platform
            };
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
                kind,
                &filter,
                Sort::Oldest,
                &Anchor::First,
                limit,
            )
            .await
            .or_cli(locale)?;
            if json {
                output::print_list(page.rows.iter().map(|r| as_json(r, kind)).collect());
            } else {
                let rows: Vec<Vec<String>> = page
                    .rows
                    .iter()
                    .map(|r| {
                        let (needed, given) = approvals(r);
                        let who = match kind {
                            Kind::Platform => r.developer_name.clone(),
                            Kind::External => r.contributor.clone(),
                        };
                        vec![
                            commission_ref(kind, r.id),
                            r.project_title.clone(),
                            or_dash(who),
                            money(r.gross_amount, &r.currency, locale),
                            format_rate(r.rate_bps, locale),
                            money(r.amount, &r.currency, locale),
                            office::queue::status_cell(r, locale),
                            format!("{given}/{needed}"),
                        ]
                    })
                    .collect();
                let header = [
                    tr(locale, "cli.col.id", &[]),
                    tr(locale, "cli.col.project", &[]),
                    match kind {
                        Kind::Platform => tr(locale, "cli.col.developer", &[]),
                        Kind::External => tr(locale, "cli_contract.col_contributor", &[]),
                    },
                    tr(locale, "cli.col.gross", &[]),
                    tr(locale, "cli.col.rate", &[]),
                    tr(locale, "cli.col.commission", &[]),
                    tr(locale, "cli.col.status", &[]),
                    tr(locale, "cli_contract.col_approvals", &[]),
                ];
                output::table(
                    &header.iter().map(String::as_str).collect::<Vec<_>>(),
                    &rows,
                    &[0, 3, 4, 5, 7],
                );
                if page.has_after {
                    println!("{}", tr(locale, "cli.more", &[]));
                }
            }
        }
        CommissionCommand::Show { id, external, json } => {
            let which = id.or_external(external);
            let mut detail = office::details::commission(&mut db.clone(), which.kind, which.id)
                .await
                .or_cli(locale)?;
            // The project's external commissions, each knowing whether it needs two approvers.
            for e in &mut detail.externals {
                e.dual_threshold =
                    service::settings::dual_approval_threshold(&mut db.clone(), &e.currency)
                        .await
                        .or_cli(locale)?;
            }
            if json {
                output::print_json(&detail_json(&detail, which.kind));
            } else {
                show(&detail, which.kind, locale);
            }
        }
        CommissionCommand::Approve { id, external, json } => {
            let which = id.or_external(external);
            let outcome =
                service::commissions::approve(&db, &actor, &origin, which.kind, which.id, None)
                    .await
                    .or_cli(locale)?;
            if json {
                return print_after(which).await;
            }
            let id_text = which.text();
            let args = [("id", id_text.as_str())];
            match outcome {
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
            json,
        } => {
            let which = id.or_external(external);
            service::commissions::reject(&db, &actor, &origin, which.kind, which.id, &reason, None)
                .await
                .or_cli(locale)?;
            if json {
                return print_after(which).await;
            }
            output::say(&tr(
                locale,
                "cli.commission.rejected",
                &[("id", &which.text())],
            ));
        }
        CommissionCommand::Pay {
            id,
            reference,
            external,
            json,
        } => {
            let which = id.or_external(external);
            let transfer = service::commissions::pay(
                &db, &actor, &origin, which.kind, which.id, &reference, None,
            )
            .await
            .or_cli(locale)?;
            if json {
                return print_after(which).await;
            }
            output::say(&tr(
                locale,
                "cli.commission.paid",
                &[("id", &which.text()), ("transfer", &transfer.to_string())],
            ));
        }
    }
    Ok(())
}
