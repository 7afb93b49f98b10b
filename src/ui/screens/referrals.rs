//! Referral codes (a view, `:referrals`): the codes clients and developers hand out, newest
//! first, with their owner, reward rate, caps, uses, flagged referrals (⚑) and state; the
//! detail adds the people a code brought, each with their fraud flags and evidence, and the
//! code's history. `X` disables a code after a confirmation naming it
//! (`referrals.manage`).

use ratatui::layout::Constraint;

use crate::domain::{Permission, format_rate, sanitize_line};
use crate::office::format;
use crate::office::referral_codes::{CodeState, caps_text};
use crate::office::referral_flags;
use crate::service::{self, ServiceError};
use crate::store::audit::AuditRow;
use crate::store::referrals::{CodeRow, ReferredRow};
use crate::store::{Anchor, Conn, Cursor};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{Done, Job};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, identified_by_id, styled};

use super::{Ctx, DetailState, Effect, ListScreen, TabId};

#[derive(Clone, Debug, PartialEq)]
pub struct CodeDetail {
    pub code: CodeRow,
    pub referred: Vec<ReferredRow>,
    pub history: Vec<AuditRow>,
}

#[derive(Default)]
pub struct ReferralsScreen {
    pub list: ListView<CodeRow>,
    pub detail: DetailState<CodeDetail>,
    pub filter_raw: String,
}

identified_by_id!(CodeRow);

/// Where a code stands, in words and colour.
fn state(r: &CodeRow, ctx: &Ctx) -> (String, Tone) {
    let state = CodeState::of(r, ctx.now);
    let tone = match state {
        CodeState::Disabled => Tone::Danger,
        CodeState::Expired | CodeState::UsedUp => Tone::Muted,
        CodeState::Active => Tone::Plain,
    };
    (state.words(ctx.locale), tone)
}

fn caps(r: &CodeRow, ctx: &Ctx) -> String {
    caps_text(r.reward_caps.as_ref(), ctx.locale)
}

/// "⚑ 2" when some of the people a code brought are flagged, else blank.
fn flagged(r: &CodeRow, ctx: &Ctx) -> Cell {
    if r.flagged == 0 {
        return String::new().into();
    }
    let text = format!("{} {}", referral_flags::MARK, r.flagged);
    styled(text, Tone::Danger.style(ctx.theme))
}

fn uses(r: &CodeRow) -> String {
    match r.max_uses {
        Some(max) => format!("{}/{max}", r.uses),
        None => r.uses.to_string(),
    }
}

/// A code with the people it brought and its history.
async fn detail(c: &mut impl Conn, id: i64) -> Result<CodeDetail, ServiceError> {
    let code = super::found(
        crate::store::referrals::find(c, id).await?,
        "referral_code",
        id,
    )?;
    let referred = crate::store::referrals::referred_by(c, id, 50).await?;
    let history = crate::store::audit::history(c, "referral_code", id, 30).await?;
    Ok(CodeDetail {
        code,
        referred,
        history,
    })
}

/// This screen's own actions.
const DISABLE: Verb = Verb("disable");

impl ListScreen for ReferralsScreen {
    const ACTIONS: &'static [Declared] = &[Declared::write(
        DISABLE,
        &["X"],
        Permission::ReferralsManage,
    )];
    const SUBJECT: Option<&'static str> = Some("referral_code");

    super::screen_fields!(TabId::Referrals, CodeRow, CodeDetail);
    super::detail_request!(detail);

    fn request(&self, anchor: Anchor, limit: u64) -> Job {
        Job::new(move |mut db, _| async move {
            Ok::<_, ServiceError>(crate::store::referrals::page(&mut db, &anchor, limit).await?)
        })
    }
    fn cursor(&self, row: &CodeRow) -> Cursor {
        crate::store::referrals::cursor(row)
    }
    fn set_filter(&mut self, raw: &str, _p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new(ctx.t("referrals_view.code"), Constraint::Length(14)),
            Column::new(ctx.t("referrals_view.owner"), Constraint::Fill(2)),
            Column::new(ctx.t("referrals_view.rate"), Constraint::Length(8)).right(),
            Column::new(ctx.t("referrals_view.caps"), Constraint::Fill(2)).optional(),
            Column::new(ctx.t("referrals_view.uses"), Constraint::Length(6)).right(),
            Column::new(ctx.t("referrals_view.referred"), Constraint::Length(8)).right(),
            Column::new(ctx.t("referrals_view.flagged"), Constraint::Length(5)).right(),
            Column::new(ctx.t("referrals_view.state"), Constraint::Length(10)),
        ]
    }
    fn cells(&self, r: &CodeRow, ctx: &Ctx) -> Vec<Cell> {
        let (state, tone) = state(r, ctx);
        vec![
            r.code.clone().into(),
            r.owner_name.clone().into(),
            format_rate(r.reward_rate_bps, ctx.locale).into(),
            caps(r, ctx).into(),
            uses(r).into(),
            r.referred.to_string().into(),
            flagged(r, ctx),
            styled(state, tone.style(ctx.theme)),
        ]
    }
    fn empty_text(&self, ctx: &Ctx) -> String {
        ctx.t("referrals_view.empty")
    }
    fn heading(&self, d: &CodeDetail, ctx: &Ctx) -> String {
        ctx.ta(
            "referrals_view.heading",
            &[("code", &d.code.code), ("owner", &d.code.owner_name)],
        )
    }
    fn body(&self, d: &CodeDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let (r, l) = (&d.code, ctx.locale);
        let (state, tone) = state(r, ctx);
        let expires = match r.expires_at {
            Some(at) => format::absolute(Some(at), l),
            None => ctx.t("referrals_view.never"),
        };
        let mut out = vec![
            DetailLine::Styled(ctx.t("referrals_view.state"), state, tone),
            DetailLine::Field(
                ctx.t("referrals_view.owner"),
                format!("{} · {}", r.owner_name, r.owner_email),
            ),
            DetailLine::Field(
                ctx.t("referrals_view.rate"),
                format_rate(r.reward_rate_bps, l),
            ),
            DetailLine::Field(ctx.t("referrals_view.caps"), caps(r, ctx)),
            DetailLine::Field(ctx.t("referrals_view.uses"), uses(r)),
            DetailLine::Field(ctx.t("referrals_view.flagged"), r.flagged.to_string()),
            DetailLine::Field(ctx.t("referrals_view.expires"), expires),
            DetailLine::Field(
                ctx.t("referrals_view.created"),
                format::absolute(r.created_at, l),
            ),
        ];
        if !d.referred.is_empty() {
            out.push(DetailLine::Section(
                ctx.ta("referrals_view.brought", &[("n", &r.referred.to_string())]),
            ));
            for p in &d.referred {
                let flags = referral_flags::of(p.flags.as_ref());
                let mark = if flags.is_empty() {
                    String::new()
                } else {
                    format!(" {}", referral_flags::MARK)
                };
                out.push(DetailLine::Field(
                    format::absolute(p.created_at, l),
                    format!("{} · {}{mark}", p.referred_name, p.referred_email),
                ));
                for f in flags {
                    let said = format!("{} {}", referral_flags::MARK, referral_flags::line(f, l));
                    out.push(DetailLine::Styled(String::new(), said, Tone::Danger));
                }
            }
        }
        super::audit::history_lines(&d.history, ctx, &mut out);
        out
    }
    fn reference(&self, r: &CodeRow) -> String {
        format!("referral code {}", r.code)
    }
    fn action_label(&self, action: Action, ctx: &Ctx) -> Option<String> {
        match action {
            Action::Screen(DISABLE) => Some(ctx.t("referrals_view.disable")),
            _ => None,
        }
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        let mut out = Vec::new();
        let live = self.list.current().is_some_and(|r| r.disabled_at.is_none());
        if live && ctx.may(Permission::ReferralsManage) {
            out.push(Action::Screen(DISABLE));
        }
        out.push(Action::History);
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        // The permission the action needs was checked by the dispatcher before this.
        self.needs(action)?;
        let r = self.list.current()?;
        let code = r.code.clone();
        if r.disabled_at.is_some() {
            return Some(vec![Effect::Refuse(
                ctx.ta("cli_referral.already_disabled", &[("code", &code)]),
            )]);
        }
        let locale = ctx.locale;
        let question = ctx.ta(
            "referrals_view.disable_question",
            &[("code", &code), ("owner", &sanitize_line(&r.owner_name))],
        );
        Some(vec![Effect::Confirm {
            title: ctx.t("confirm.title"),
            question,
            job: Job::write(move |db, actor, origin| async move {
                let changed = service::referrals::disable_code(&db, &actor, &origin, &code).await?;
                let key = if changed {
                    "cli_referral.disabled_now"
                } else {
                    "cli_referral.already_disabled"
                };
                Ok(Done::say(locale, key, &[("code", &code)]))
            }),
        }])
    }
    fn watches(&self, t: &str) -> bool {
        matches!(t, "referral_code" | "referral")
    }
}
