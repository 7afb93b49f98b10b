//! Settings (a view, `:settings`): the platform's settings (commission rate, dual-approval
//! threshold, SLA targets…) with their history; `w` edits a value for staff holding
//! settings.edit. A handful of rows: the list is read whole.

use std::sync::Arc;

use ratatui::layout::Constraint;

use crate::domain::{Locale, Permission, sanitize_line};
use crate::office::{format, settings_form, words};
use crate::service::{self, ServiceError};
use crate::store::audit::AuditRow;
use crate::store::settings::SettingRow;
use crate::store::{Anchor, Page};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{Done, Job};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, identified_by_id, styled};

use super::{Ctx, DetailState, Effect, ListScreen, TabId};

/// A setting with its history.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingDetail {
    pub setting: SettingRow,
    pub history: Vec<AuditRow>,
}

#[derive(Default)]
pub struct SettingsScreen {
    pub list: ListView<SettingRow>,
    pub detail: DetailState<SettingDetail>,
    pub text: Option<String>,
    pub filter_raw: String,
}

fn key(s: &SettingRow) -> String {
    format!("{}.{}", s.group, s.name)
}

/// "Default commission rate": the setting in the staff member's words.
fn label(s: &SettingRow, ctx: &Ctx) -> String {
    words::setting(&s.group, &s.name, ctx.locale)
}

identified_by_id!(SettingRow);

/// This screen's own actions.
const EDIT: Verb = Verb("edit");

impl ListScreen for SettingsScreen {
    const ACTIONS: &'static [Declared] = &[Declared::write(EDIT, &["w"], Permission::SettingsEdit)];
    const SUBJECT: Option<&'static str> = Some("setting");

    super::screen_fields!(TabId::Settings, SettingRow, SettingDetail);

    fn request(&self, anchor: Anchor, _limit: u64) -> Job {
        let text = self.text.clone().map(|t| t.to_lowercase());
        Job::new(move |mut db, _| async move {
            // Whole from the top; nothing lies before or after it.
            let rows = match anchor {
                Anchor::First | Anchor::Last | Anchor::From(_) => {
                    crate::store::settings::all(&mut db).await?
                }
                Anchor::After(_) | Anchor::Before(_) => Vec::new(),
            };
            let rows = rows
                .into_iter()
                .filter(|s| {
                    text.as_ref()
                        .is_none_or(|t| key(s).to_lowercase().contains(t))
                })
                .collect();
            Ok::<_, ServiceError>(Page {
                rows,
                has_before: false,
                has_after: false,
            })
        })
    }
    fn detail_request(&self, row: &SettingRow) -> Option<Job> {
        let setting = row.clone();
        Some(Job::new(move |mut db, _| async move {
            let history = crate::store::audit::history(&mut db, "setting", setting.id, 30).await?;
            Ok::<_, ServiceError>((setting.id, SettingDetail { setting, history }))
        }))
    }
    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        self.text = p.text();
    }
    fn sort_label(&self, ctx: &Ctx) -> String {
        ctx.t("settings.sort")
    }

    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new(ctx.t("settings.key"), Constraint::Length(38)),
            Column::new(ctx.t("settings.value"), Constraint::Fill(3)),
            Column::new(ctx.t("col.when"), Constraint::Length(14)).optional(),
        ]
    }
    fn cells(&self, s: &SettingRow, ctx: &Ctx) -> Vec<Cell> {
        let name = if s.locked {
            styled(format!("🔒 {}", label(s, ctx)), ctx.theme.muted)
        } else {
            label(s, ctx).into()
        };
        vec![
            name,
            settings_form::display(&s.group, &s.name, &s.payload, ctx.locale).into(),
            format::when(s.updated_at, ctx.now, ctx.locale).into(),
        ]
    }
    fn heading(&self, d: &Self::Detail, ctx: &Ctx) -> String {
        label(&d.setting, ctx)
    }
    fn body(&self, d: &SettingDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let s = &d.setting;
        let pretty = serde_json::to_string_pretty(&s.payload).unwrap_or_default();
        let mut out = vec![DetailLine::Field(ctx.t("settings.key"), label(s, ctx))];
        if s.locked {
            out.push(DetailLine::Styled(
                ctx.t("settings.locked"),
                ctx.t("settings.locked_text"),
                Tone::Warning,
            ));
        }
        out.push(DetailLine::Field(
            ctx.t("detail.updated"),
            format::absolute(s.updated_at, ctx.locale),
        ));
        out.push(DetailLine::Section(ctx.t("settings.value")));
        out.push(DetailLine::Text(settings_form::display(
            &s.group, &s.name, &s.payload, ctx.locale,
        )));
        out.push(DetailLine::Section(ctx.t("settings.stored")));
        out.extend(pretty.lines().map(|l| DetailLine::Text(l.to_owned())));
        // Each value the setting had, as people read it (a rate as a percentage).
        let read = |v: &serde_json::Value| {
            let text = settings_form::display(&s.group, &s.name, v, ctx.locale);
            serde_json::Value::String(text)
        };
        let history: Vec<AuditRow> = d
            .history
            .iter()
            .map(|h| {
                let mut h = h.clone();
                for values in [&mut h.old_values, &mut h.new_values].into_iter().flatten() {
                    if let Some(payload) = values.get_mut("payload") {
                        *payload = read(payload);
                    }
                }
                h
            })
            .collect();
        super::audit::history_lines(&history, ctx, &mut out);
        out
    }
    fn reference(&self, s: &SettingRow) -> String {
        key(s)
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        let mut out = Vec::new();
        if ctx.may(Permission::SettingsEdit) {
            out.push(Action::Screen(EDIT));
        }
        out.push(Action::History);
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        if action != Action::Screen(EDIT) || !self.actions(ctx).contains(&action) {
            return None;
        }
        let s = self.list.current()?;
        if s.locked {
            return Some(vec![Effect::Refuse(ctx.t("settings.locked_text"))]);
        }
        // Each group follows the rights of what it shapes (the service checks again).
        if let Some(p) = crate::domain::permission::settings_group_permission(&s.group)
            && !ctx.may(p)
        {
            return Some(vec![ctx.refuse(p)]);
        }
        let (group, name, locale) = (s.group.clone(), s.name.clone(), ctx.locale);
        let current = s.payload.clone();
        Some(vec![Effect::Prompt {
            title: ctx.ta(
                "settings.edit_title",
                &[("key", &sanitize_line(&label(s, ctx)))],
            ),
            text: settings_form::editable(&s.group, &s.name, &s.payload, locale),
            submit: Arc::new(move |typed| {
                update(group.clone(), name.clone(), typed, current.clone(), locale)
            }),
        }])
    }
    fn watches(&self, t: &str) -> bool {
        t == "setting"
    }
}

/// A new value as a person writes it, read back, then saved.
fn update(
    group: String,
    name: String,
    typed: String,
    current: serde_json::Value,
    locale: Locale,
) -> Job {
    Job::write(move |db, actor, origin| async move {
        let value = settings_form::read(&group, &name, &typed, &current)?;
        service::settings::update(&db, &actor, &origin, &group, &name, value).await?;
        let key = words::setting(&group, &name, locale);
        Ok(Done::say(locale, "toast.setting_updated", &[("key", &key)]))
    })
}
