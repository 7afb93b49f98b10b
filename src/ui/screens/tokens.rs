//! API tokens (a view, `:tokens`, permission api_tokens.manage): the partners' tokens, newest
//! first, with their abilities, owner, expiry and last use — never their secret. A token that
//! no longer works stays listed and says why, in the same column: expired, or revoked (when and
//! by whom in its detail). `N` creates one (its name, its abilities, its lifetime in days), and
//! the token `ID|plaintext` is shown once in a popup that stays until dismissed; `O` revokes a
//! live one after a confirmation naming it.

use std::sync::Arc;

use ratatui::layout::Constraint;

use crate::domain::api_token::stored_abilities;
use crate::domain::{Locale, Permission, sanitize_line};
use crate::office::format;
use crate::service::{self, ServiceError};
use crate::store::audit::AuditRow;
use crate::store::tokens::TokenRow;
use crate::store::{Anchor, Conn, Cursor};
use crate::tr;
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{Done, Job};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, identified_by_id, styled};

use super::{Ctx, DetailState, Effect, ListScreen, TabId, answer, typed_list};

#[derive(Clone, Debug, PartialEq)]
pub struct TokenDetail {
    pub token: TokenRow,
    pub history: Vec<AuditRow>,
}

#[derive(Default)]
pub struct TokensScreen {
    pub list: ListView<TokenRow>,
    pub detail: DetailState<TokenDetail>,
    pub filter_raw: String,
}

identified_by_id!(TokenRow);

fn abilities(r: &TokenRow) -> String {
    stored_abilities(r.abilities.as_deref()).join(", ")
}

/// Where a token stands, in the expiry column: "revoked", "expired", its expiry, "never".
fn expiry(r: &TokenRow, ctx: &Ctx) -> (String, Tone) {
    match r.expires_at {
        _ if r.revoked_at.is_some() => (ctx.t("tokens_view.revoked"), Tone::Danger),
        None => (ctx.t("tokens_view.never"), Tone::Muted),
        Some(at) if at <= ctx.now => (ctx.t("tokens_view.expired"), Tone::Danger),
        Some(at) => (format::absolute(Some(at), ctx.locale), Tone::Plain),
    }
}

/// A token with its history.
async fn detail(c: &mut impl Conn, id: i64) -> Result<TokenDetail, ServiceError> {
    let token = super::found(crate::store::tokens::find_any(c, id).await?, "token", id)?;
    let history = crate::store::audit::history(c, "api_token", id, 30).await?;
    Ok(TokenDetail { token, history })
}

/// This screen's own actions.
const CREATE: Verb = Verb("create");
const SWITCH_OFF: Verb = Verb("switch_off");

impl ListScreen for TokensScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::write(CREATE, &["N"], Permission::ApiTokensManage),
        Declared::write(SWITCH_OFF, &["O"], Permission::ApiTokensManage),
    ];
    const SUBJECT: Option<&'static str> = Some("api_token");

    super::screen_fields!(TabId::Tokens, TokenRow, TokenDetail);
    super::detail_request!(detail);

    fn request(&self, anchor: Anchor, limit: u64) -> Job {
        Job::new(move |db, actor| async move {
            service::tokens::list_with_revoked(&db, &actor, &anchor, limit).await
        })
    }
    fn cursor(&self, row: &TokenRow) -> Cursor {
        crate::store::tokens::cursor(row)
    }
    fn set_filter(&mut self, raw: &str, _p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new("#", Constraint::Length(4)).right(),
            Column::new(ctx.t("tokens_view.name"), Constraint::Fill(2)),
            Column::new(ctx.t("tokens_view.abilities"), Constraint::Fill(2)),
            Column::new(ctx.t("tokens_view.owner"), Constraint::Fill(1)).optional(),
            Column::new(ctx.t("tokens_view.expires"), Constraint::Length(10)),
            Column::new(ctx.t("tokens_view.last_used"), Constraint::Length(11)).right(),
        ]
    }
    fn cells(&self, r: &TokenRow, ctx: &Ctx) -> Vec<Cell> {
        let (expires, tone) = expiry(r, ctx);
        let used = match (r.last_used_at, r.revoked_at) {
            (Some(t), _) => format::when(Some(t), ctx.now, ctx.locale),
            // A revoked token's row is gone, and its last use with it.
            (None, Some(_)) => "—".into(),
            (None, None) => ctx.t("tokens_view.never"),
        };
        vec![
            r.id.to_string().into(),
            r.name.clone().into(),
            abilities(r).into(),
            r.owner_name.clone().unwrap_or_else(|| "—".into()).into(),
            styled(expires, tone.style(ctx.theme)),
            used.into(),
        ]
    }
    fn empty_text(&self, ctx: &Ctx) -> String {
        ctx.t("tokens_view.empty")
    }
    fn heading(&self, d: &TokenDetail, ctx: &Ctx) -> String {
        ctx.ta(
            "tokens_view.heading",
            &[("id", &d.token.id.to_string()), ("name", &d.token.name)],
        )
    }
    fn body(&self, d: &TokenDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let (r, l) = (&d.token, ctx.locale);
        let (expires, tone) = expiry(r, ctx);
        let mut out = vec![
            DetailLine::Field(ctx.t("tokens_view.abilities"), abilities(r)),
            DetailLine::Field(
                ctx.t("tokens_view.owner"),
                r.owner_name.clone().unwrap_or_else(|| "—".into()),
            ),
            DetailLine::Field(
                ctx.t("tokens_view.created"),
                format::absolute(r.created_at, l),
            ),
        ];
        match r.revoked_at {
            // Revoked: when and by whom, and the expiry it had.
            Some(at) => {
                let by = r
                    .revoked_by
                    .clone()
                    .unwrap_or_else(|| ctx.t("audit.system"));
                out.push(DetailLine::Styled(
                    ctx.t("tokens_view.revoked_at"),
                    ctx.ta(
                        "tokens_view.revoked_by",
                        &[("at", &format::absolute(Some(at), l)), ("who", &by)],
                    ),
                    Tone::Danger,
                ));
                let had = match r.expires_at {
                    Some(t) => format::absolute(Some(t), l),
                    None => ctx.t("tokens_view.never"),
                };
                out.push(DetailLine::Field(ctx.t("tokens_view.expires"), had));
            }
            None => out.push(DetailLine::Styled(
                ctx.t("tokens_view.expires"),
                expires,
                tone,
            )),
        }
        out.extend([
            DetailLine::Field(
                ctx.t("tokens_view.last_used"),
                match (r.last_used_at, r.revoked_at) {
                    (Some(t), _) => format::absolute(Some(t), l),
                    (None, Some(_)) => "—".into(),
                    (None, None) => ctx.t("tokens_view.never"),
                },
            ),
            DetailLine::Text(ctx.t(match r.revoked_at {
                Some(_) => "tokens_view.revoked_note",
                None => "tokens_view.secret_note",
            })),
        ]);
        super::audit::history_lines(&d.history, ctx, &mut out);
        out
    }
    fn reference(&self, r: &TokenRow) -> String {
        format!("token #{} {}", r.id, r.name)
    }
    fn action_label(&self, action: Action, ctx: &Ctx) -> Option<String> {
        match action {
            Action::Screen(CREATE) => Some(ctx.t("tokens_view.create")),
            Action::Screen(SWITCH_OFF) => Some(ctx.t("tokens_view.revoke")),
            _ => None,
        }
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        let mut out = Vec::new();
        if ctx.may(Permission::ApiTokensManage) {
            out.push(Action::Screen(CREATE));
            // A revoked token has nothing left to revoke.
            if self.list.current().is_some_and(|r| r.revoked_at.is_none()) {
                out.push(Action::Screen(SWITCH_OFF));
            }
        }
        out.push(Action::History);
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        // The permission the action needs was checked by the dispatcher before this.
        self.needs(action)?;
        let locale = ctx.locale;
        match action {
            Action::Screen(CREATE) => Some(vec![ask_name(locale)]),
            Action::Screen(SWITCH_OFF) => {
                let r = self.list.current()?;
                if r.revoked_at.is_some() {
                    let id = r.id.to_string();
                    return Some(vec![Effect::Refuse(
                        ctx.ta("tokens_view.already_revoked", &[("id", &id)]),
                    )]);
                }
                let (id, name) = (r.id, sanitize_line(&r.name));
                let question = ctx.ta(
                    "tokens_view.revoke_question",
                    &[("id", &id.to_string()), ("name", &name)],
                );
                Some(vec![Effect::Confirm {
                    title: ctx.t("confirm.title"),
                    question,
                    job: Job::write(move |db, actor, origin| async move {
                        service::tokens::revoke(&db, &actor, &origin, id).await?;
                        Ok(Done::say(
                            locale,
                            "cli_token.revoked",
                            &[("id", &id.to_string()), ("name", &name)],
                        ))
                    }),
                }])
            }
            _ => None,
        }
    }
    fn watches(&self, t: &str) -> bool {
        t == "api_token"
    }
}

/// A new token: its name first (who or what uses it)…
fn ask_name(locale: Locale) -> Effect {
    Effect::Prompt {
        title: tr(locale, "tokens_view.name_question", &[]),
        text: String::new(),
        submit: Arc::new(move |name| answer(vec![ask_abilities(name, locale)])),
    }
}

/// …then what it may read…
fn ask_abilities(name: String, locale: Locale) -> Effect {
    Effect::Prompt {
        title: tr(locale, "tokens_view.abilities_question", &[]),
        text: "projects:read".into(),
        submit: Arc::new(move |typed| {
            let abilities = typed_list(&typed);
            answer(vec![ask_expiry(name.clone(), abilities, locale)])
        }),
    }
}

/// …then for how long; the write shows the token once.
fn ask_expiry(name: String, abilities: Vec<String>, locale: Locale) -> Effect {
    Effect::Prompt {
        title: tr(locale, "tokens_view.expiry_question", &[]),
        text: "90".into(),
        submit: Arc::new(move |typed| {
            let typed = typed.trim().to_owned();
            let days = match typed.as_str() {
                "" => None,
                t => match t.parse::<u32>() {
                    Ok(d) => Some(d),
                    Err(_) => {
                        return answer(vec![Effect::Refuse(tr(
                            locale,
                            "tokens_view.days_unreadable",
                            &[("value", &sanitize_line(t))],
                        ))]);
                    }
                },
            };
            let (name, abilities) = (name.clone(), abilities.clone());
            Job::write(move |db, actor, origin| async move {
                let new = service::tokens::NewToken {
                    name: &name,
                    abilities: &abilities,
                    expires_in_days: days,
                };
                let created = service::tokens::create(&db, &actor, &origin, &new).await?;
                let id = created.id.to_string();
                let named = [("id", id.as_str()), ("name", created.token.name.as_str())];
                Ok(
                    Done::say(locale, "tokens_view.created_toast", &named).revealing(
                        tr(locale, "tokens_view.shown_once", &named),
                        created.plaintext,
                    ),
                )
            })
        }),
    }
}
