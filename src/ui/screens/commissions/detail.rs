//! The detail pane of a commission: the split, its decisions and its history.

use crate::domain::{ExtBasis, split};
use crate::office::format;
use crate::service::commissions::Kind;
use crate::ui::data::CommissionDetail;
use crate::ui::widgets::detail::{DetailLine, Tone};

use super::super::Ctx;
use super::status_tone;

pub(super) fn lines(d: &CommissionDetail, kind: Kind, ctx: &Ctx) -> Vec<DetailLine> {
    let (r, l) = (&d.row, ctx.locale);
    let m = |v: i64| format::money(v, &r.currency, l);
    let mut out = vec![DetailLine::Styled(
        ctx.t("col.status"),
        format::status("commission", &r.status, l),
        status_tone(&r.status),
    )];
    out.extend(super::super::project_lines(
        ctx,
        (r.project_id, &r.project_title, &r.project_status),
        &r.client_name,
        r.developer_name.as_deref(),
    ));
    out.extend([
        DetailLine::Field(
            ctx.t("detail.requested_by"),
            format!(
                "{} · {}",
                r.requester_name,
                format::absolute(r.created_at, l)
            ),
        ),
        DetailLine::Section(ctx.t("detail.split")),
        DetailLine::Field(ctx.t("col.gross"), m(r.gross_amount)),
    ]);
    if kind == Kind::Platform {
        let externals: Vec<ExtBasis> = d
            .externals
            .iter()
            .filter(|e| matches!(e.status.as_str(), "pending" | "approved" | "paid"))
            .map(|e| ExtBasis::Fixed(e.amount))
            .collect();
        match split(r.gross_amount, r.rate_bps, &externals) {
            Ok(s) => {
                out.push(DetailLine::Field(
                    format!(
                        "− {} ({})",
                        ctx.t("detail.platform"),
                        crate::domain::format_rate(r.rate_bps, l)
                    ),
                    m(s.platform),
                ));
                for (e, amount) in d
                    .externals
                    .iter()
                    .filter(|e| matches!(e.status.as_str(), "pending" | "approved" | "paid"))
                    .zip(&s.external)
                {
                    out.push(DetailLine::Field(
                        format!("− {}", e.contributor.clone().unwrap_or_default()),
                        m(*amount),
                    ));
                }
                out.push(DetailLine::Styled(
                    format!("= {}", ctx.t("detail.developer_net")),
                    m(s.developer_net),
                    Tone::Ok,
                ));
            }
            Err(e) => out.push(DetailLine::Styled(
                ctx.t("detail.split"),
                e.to_string(),
                Tone::Danger,
            )),
        }
    } else {
        out.push(DetailLine::Field(
            ctx.t("col.contributor"),
            r.contributor.clone().unwrap_or_default(),
        ));
        out.push(DetailLine::Field(ctx.t("col.commission"), m(r.amount)));
    }
    out.push(DetailLine::Section(ctx.t("detail.decisions")));
    if let Some(by) = &r.first_approver_name {
        out.push(DetailLine::Field(
            ctx.t("detail.first_approval"),
            format!("{by} · {}", format::absolute(r.first_approved_at, l)),
        ));
    }
    if let Some(by) = &r.approver_name {
        out.push(DetailLine::Styled(
            ctx.t("detail.approved"),
            format!("{by} · {}", format::absolute(r.approved_at, l)),
            Tone::Ok,
        ));
    }
    if let Some(by) = &r.rejecter_name {
        out.push(DetailLine::Styled(
            ctx.t("detail.rejected"),
            format!("{by} · {}", format::absolute(r.rejected_at, l)),
            Tone::Danger,
        ));
        out.push(DetailLine::Field(
            ctx.t("detail.reason"),
            r.rejection_reason.clone().unwrap_or_default(),
        ));
    }
    if r.paid_at.is_some() {
        out.push(DetailLine::Styled(
            ctx.t("detail.paid"),
            format!(
                "{} · {} · {}",
                r.payer_name.clone().unwrap_or_default(),
                r.payment_reference.clone().unwrap_or_default(),
                format::absolute(r.paid_at, l)
            ),
            Tone::Ok,
        ));
    }
    if r.needs_two() {
        out.push(DetailLine::Styled(
            ctx.t("detail.dual"),
            ctx.t("detail.dual_needed"),
            Tone::Warning,
        ));
    }
    if r.status == "pending" && r.first_approved_by.is_none() && r.approved_by.is_none() {
        out.push(DetailLine::Text(ctx.t("detail.no_decision")));
    }
    super::super::audit::history_lines(&d.history, ctx, &mut out);
    out
}
