//! Popups over the main screens: filter bar, command palette, help, notifications, confirm,
//! composer. While one is open it receives the keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::store::notifications::NotificationRow;

use super::action::Action;
use super::app::App;
use super::data::{Pane, Request};
use super::keymap::PopupKey;
use super::palette;
use super::screens::{ComposeFor, Pick};
use super::widgets::composer::{Composer, ComposerOutcome};
use super::widgets::confirm::{Answer, answer};
use super::widgets::input::{InputOutcome, LineInput};
use super::widgets::toast::Level;
use super::widgets::virtual_table::Fill;

pub enum Popup {
    Filter(LineInput),
    Palette(LineInput),
    Help {
        scroll: u16,
    },
    Notifications {
        rows: Option<Vec<NotificationRow>>,
        cursor: usize,
    },
    Confirm {
        title: String,
        question: String,
        request: Request,
    },
    Compose {
        composer: Box<Composer>,
        purpose: ComposeFor,
    },
    /// The settings (commission rate, dual-approval threshold, SLA targets); Enter edits one
    /// as JSON for staff holding `settings.edit`.
    /// A choice among options (ticket status, priority).
    Picker {
        title: String,
        options: Option<Vec<(String, Pick)>>,
        cursor: usize,
    },
    /// Assign a ticket to an agent: the agents load, then one is picked.
    AgentPicker {
        id: i64,
        seen: Option<i64>,
        agents: Option<Vec<(i64, String, String)>>,
        cursor: usize,
    },
    /// The blog: e edits (articles.edit), p publishes (articles.publish).
    Articles {
        rows: Option<Vec<crate::store::content::ArticleRow>>,
        cursor: usize,
    },
    Settings {
        rows: Option<Vec<crate::store::settings::SettingRow>>,
        cursor: usize,
        editing: Option<LineInput>,
    },
}

impl Popup {
    pub fn filter(current: &str) -> Popup {
        Popup::Filter(LineInput::with_text(current, 500))
    }
    pub fn palette() -> Popup {
        Popup::Palette(LineInput::new(200))
    }
    pub fn notifications() -> Popup {
        Popup::Notifications {
            rows: None,
            cursor: 0,
        }
    }
    pub fn compose(
        title: String,
        hint: String,
        limit: usize,
        purpose: ComposeFor,
        text: &str,
    ) -> Popup {
        let composer = Composer::new(title, hint, limit).with_text(text);
        Popup::Compose {
            composer: Box::new(composer),
            purpose,
        }
    }
    pub fn paste(&mut self, text: &str) {
        match self {
            Popup::Filter(i) | Popup::Palette(i) => i.insert_str(text.lines().next().unwrap_or("")),
            Popup::Compose { composer, .. } => composer.paste(text),
            Popup::Settings {
                editing: Some(i), ..
            } => i.insert_str(text.lines().next().unwrap_or("")),
            _ => {}
        }
    }
}

impl App {
    pub(crate) fn popup_key(&mut self, k: KeyEvent) {
        let Some(mut popup) = self.popup.take() else {
            return;
        };
        // Popups move with the keymap's line keys (rebindable like everywhere else).
        let action = self.keymap.action(&k);
        let down = action == Some(Action::Down);
        let up = action == Some(Action::Up);
        // Each popup's own keys (see `PopupKey`).
        let pressed = |p: PopupKey| self.keymap.pressed(p, &k);
        let (mark_all, edit_article, publish_article, edit_setting) = (
            pressed(PopupKey::MarkAllRead),
            pressed(PopupKey::EditArticle),
            pressed(PopupKey::PublishArticle),
            pressed(PopupKey::EditSetting),
        );
        let keep = match &mut popup {
            Popup::Filter(input) => match input.handle(&k) {
                InputOutcome::Submit => {
                    let raw = input.text();
                    self.apply_filter(raw);
                    false
                }
                InputOutcome::Cancel => false,
                _ => true,
            },
            Popup::Palette(input) => match k.code {
                KeyCode::Tab => {
                    if let Some(done) = palette::complete(&input.text()).into_iter().next() {
                        input.set(&done);
                    }
                    true
                }
                _ => match input.handle(&k) {
                    InputOutcome::Submit => {
                        let line = input.text();
                        self.run_command(&line);
                        false
                    }
                    InputOutcome::Cancel => false,
                    _ => true,
                },
            },
            Popup::Help { scroll } => match k.code {
                _ if down => {
                    *scroll = scroll.saturating_add(1);
                    true
                }
                _ if up => {
                    *scroll = scroll.saturating_sub(1);
                    true
                }
                _ => false,
            },
            Popup::Notifications { rows, cursor } => {
                let n = rows.as_ref().map_or(0, Vec::len);
                match k.code {
                    _ if down => {
                        *cursor = (*cursor + 1).min(n.saturating_sub(1));
                        true
                    }
                    _ if up => {
                        *cursor = cursor.saturating_sub(1);
                        true
                    }
                    _ if mark_all => {
                        self.send(Pane::Action, Fill::Append, Request::MarkRead(None));
                        false
                    }
                    KeyCode::Enter => {
                        if let Some(row) = rows.as_ref().and_then(|r| r.get(*cursor)).cloned() {
                            self.send(
                                Pane::Action,
                                Fill::Append,
                                Request::MarkRead(Some(row.id.clone())),
                            );
                            self.jump_to_subject(&row);
                        }
                        false
                    }
                    _ => false,
                }
            }
            Popup::Articles { rows, cursor } => {
                let n = rows.as_ref().map_or(0, Vec::len);
                let current = rows.as_ref().and_then(|r| r.get(*cursor)).cloned();
                let may = |p: crate::domain::Permission| {
                    !self.opts.read_only && self.actor.as_ref().is_some_and(|a| a.can(p))
                };
                match k.code {
                    _ if down => {
                        *cursor = (*cursor + 1).min(n.saturating_sub(1));
                        true
                    }
                    _ if up => {
                        *cursor = cursor.saturating_sub(1);
                        true
                    }
                    _ if edit_article && may(crate::domain::Permission::ArticlesEdit) => {
                        if let Some(a) = current {
                            let purpose = ComposeFor::Article {
                                id: a.id,
                                seen: Some(a.lock_version),
                            };
                            let saved = self.load_draft(&purpose);
                            let text = if saved.is_empty() {
                                format!(
                                    "{}\n{}\n\n{}",
                                    a.title,
                                    a.excerpt.clone().unwrap_or_default(),
                                    a.body
                                )
                            } else {
                                saved
                            };
                            let title = self.ta("compose.article_title", &[("title", &a.title)]);
                            self.popup = Some(Popup::compose(
                                title,
                                self.t("compose.hint"),
                                1 << 20,
                                purpose,
                                &text,
                            ));
                        }
                        false
                    }
                    _ if publish_article && may(crate::domain::Permission::ArticlesPublish) => {
                        if let Some(a) = current {
                            let req = Request::ArticleStatus {
                                id: a.id,
                                to: crate::domain::ArticleStatus::Published,
                                seen: Some(a.lock_version),
                            };
                            self.send(Pane::Action, Fill::Append, req);
                        }
                        true
                    }
                    _ if edit_article || publish_article => {
                        let needed = if edit_article {
                            crate::domain::Permission::ArticlesEdit
                        } else {
                            crate::domain::Permission::ArticlesPublish
                        };
                        let text = super::screens::forbidden_text(needed, self.locale);
                        self.toast(text, Level::Error);
                        true
                    }
                    _ => false,
                }
            }
            Popup::Settings {
                rows,
                cursor,
                editing,
            } => match editing {
                Some(input) => match input.handle(&k) {
                    InputOutcome::Submit => {
                        if let Some(row) = rows.as_ref().and_then(|r| r.get(*cursor)) {
                            let req = Request::UpdateSetting {
                                group: row.group.clone(),
                                name: row.name.clone(),
                                payload: input.text(),
                            };
                            self.send(Pane::Action, Fill::Append, req);
                        }
                        *editing = None;
                        true
                    }
                    InputOutcome::Cancel => {
                        *editing = None;
                        true
                    }
                    _ => true,
                },
                None => {
                    let n = rows.as_ref().map_or(0, Vec::len);
                    match k.code {
                        _ if down => {
                            *cursor = (*cursor + 1).min(n.saturating_sub(1));
                            true
                        }
                        _ if up => {
                            *cursor = cursor.saturating_sub(1);
                            true
                        }
                        _ if k.code == KeyCode::Enter || edit_setting => {
                            let may = !self.opts.read_only
                                && self.actor.as_ref().is_some_and(|a| {
                                    a.can(crate::domain::Permission::SettingsEdit)
                                });
                            match rows.as_ref().and_then(|r| r.get(*cursor)) {
                                Some(row) if may => {
                                    *editing =
                                        Some(LineInput::with_text(&row.payload.to_string(), 4000))
                                }
                                Some(_) => self.toast(
                                    self.ta("error.forbidden", &[("permission", "settings.edit")]),
                                    Level::Error,
                                ),
                                None => {}
                            }
                            true
                        }
                        _ => false,
                    }
                }
            },
            Popup::Confirm { request, .. } => match answer(&k) {
                Answer::Yes => {
                    self.send(Pane::Action, Fill::Append, request.clone());
                    false
                }
                Answer::No => false,
                Answer::Undecided => true,
            },
            Popup::Compose { composer, purpose } => {
                let ctrl_o =
                    k.code == KeyCode::Char('o') && k.modifiers.contains(KeyModifiers::CONTROL);
                if ctrl_o {
                    if let ComposeFor::TicketReply {
                        id,
                        internal: false,
                    } = purpose
                    {
                        let text = self.canned_reply(*id);
                        composer.paste(&text);
                        self.save_draft(purpose, &composer.text());
                    }
                    true
                } else {
                    match composer.handle(&k) {
                        ComposerOutcome::Editing => {
                            self.save_draft(purpose, &composer.text());
                            true
                        }
                        // The draft stays saved: reopening the composer brings it back.
                        ComposerOutcome::Cancel => false,
                        ComposerOutcome::Submit => self.submit_composer(composer, purpose),
                    }
                }
            }
            Popup::Picker {
                options, cursor, ..
            } => {
                let n = options.as_ref().map_or(0, Vec::len);
                match k.code {
                    _ if down => {
                        *cursor = (*cursor + 1).min(n.saturating_sub(1));
                        true
                    }
                    _ if up => {
                        *cursor = cursor.saturating_sub(1);
                        true
                    }
                    KeyCode::Enter => {
                        if let Some((_, pick)) =
                            options.as_ref().and_then(|o| o.get(*cursor)).cloned()
                        {
                            self.run_pick(pick);
                        }
                        false
                    }
                    _ => false,
                }
            }
            Popup::AgentPicker {
                id,
                seen,
                agents,
                cursor,
            } => {
                let n = agents.as_ref().map_or(0, Vec::len);
                match k.code {
                    _ if down => {
                        *cursor = (*cursor + 1).min(n.saturating_sub(1));
                        true
                    }
                    _ if up => {
                        *cursor = cursor.saturating_sub(1);
                        true
                    }
                    KeyCode::Enter => {
                        if let Some((to, _, _)) = agents.as_ref().and_then(|a| a.get(*cursor)) {
                            let req = Request::AssignTicket {
                                id: *id,
                                to: *to,
                                seen: *seen,
                            };
                            self.send(Pane::Action, Fill::Append, req);
                        }
                        false
                    }
                    _ => false,
                }
            }
        };
        if keep && self.popup.is_none() {
            self.popup = Some(popup);
        }
    }

    /// Sends a composed text; returns whether the composer stays open (refused before sending).
    fn submit_composer(&mut self, composer: &Composer, purpose: &ComposeFor) -> bool {
        let text = composer.text();
        if composer.over_limit() {
            let (n, max) = (composer.bytes().to_string(), composer.max_bytes.to_string());
            self.toast(
                self.ta("error.text_too_long", &[("actual", &n), ("max", &max)]),
                Level::Error,
            );
            return true;
        }
        if text.trim().is_empty() {
            self.toast(self.t("error.reason_required"), Level::Error);
            return true;
        }
        if self.live == super::app::Live::Offline {
            // Never silently dropped, never sent twice: the user sends again once back online.
            self.toast(self.t("error.offline_not_sent"), Level::Error);
            return true;
        }
        let req = match purpose.clone() {
            ComposeFor::Reject { kind, id, seen } => Request::Reject {
                kind,
                id,
                reason: text.clone(),
                seen,
            },
            ComposeFor::PayReference { kind, id, seen } => Request::Pay {
                kind,
                id,
                reference: text.trim().to_owned(),
                seen,
            },
            ComposeFor::TicketReply { id, internal } => Request::TicketReply {
                id,
                body: text.clone(),
                internal,
            },
            ComposeFor::Article { id, seen } => {
                let mut parts = text.splitn(3, '\n');
                let title = parts.next().unwrap_or_default().trim().to_owned();
                let excerpt = parts.next().unwrap_or_default().trim().to_owned();
                let body = parts
                    .next()
                    .unwrap_or_default()
                    .trim_start_matches('\n')
                    .to_owned();
                Request::EditArticle {
                    id,
                    title,
                    excerpt,
                    body,
                    seen,
                }
            }
            ComposeFor::HideReview { id } => Request::HideReview {
                id,
                reason: text.clone(),
            },
            ComposeFor::Resolution { id, seen } => Request::TicketStatus {
                id,
                to: crate::domain::TicketStatus::Solved,
                resolution: Some(text.clone()),
                seen,
            },
        };
        self.draft = Some((purpose.clone(), text));
        self.send(Pane::Action, Fill::Append, req);
        false
    }

    fn run_pick(&mut self, pick: Pick) {
        match pick {
            Pick::TicketStatus {
                id,
                to: crate::domain::TicketStatus::Solved,
                seen,
            } => {
                let title = self.ta("compose.resolution_title", &[("id", &id.to_string())]);
                self.open_composer(title, ComposeFor::Resolution { id, seen });
            }
            Pick::TicketStatus { id, to, seen } => self.send(
                Pane::Action,
                Fill::Append,
                Request::TicketStatus {
                    id,
                    to,
                    resolution: None,
                    seen,
                },
            ),
            Pick::TicketPriority { id, priority, seen } => self.send(
                Pane::Action,
                Fill::Append,
                Request::TicketPriority { id, priority, seen },
            ),
            Pick::LinkProject {
                ticket_id,
                project_id,
            } => self.send(
                Pane::Action,
                Fill::Append,
                Request::LinkProject {
                    ticket_id,
                    project_id,
                },
            ),
            Pick::Availability { user_id, to, seen } => self.send(
                Pane::Action,
                Fill::Append,
                Request::SetAvailability { user_id, to, seen },
            ),
            pick @ Pick::Role { .. } => {
                let confirm = self
                    .with_ctx(|_, ctx| super::screens::users::confirm_role(ctx, &pick))
                    .unwrap_or_else(|| Err(String::new()));
                match confirm {
                    Ok(effect) => self.run_effects(vec![effect]),
                    Err(refusal) => self.toast(refusal, super::widgets::toast::Level::Error),
                }
            }
            Pick::ProjectStatus { id, to, seen } => self.send(
                Pane::Action,
                Fill::Append,
                Request::ProjectStatus { id, to, seen },
            ),
            Pick::AssignDeveloper {
                project_id,
                developer_id,
                seen,
            } => self.send(
                Pane::Action,
                Fill::Append,
                Request::AssignDeveloper {
                    project_id,
                    developer_id,
                    seen,
                },
            ),
            Pick::AssignTicket { id, to, seen } => self.send(
                Pane::Action,
                Fill::Append,
                Request::AssignTicket { id, to, seen },
            ),
        }
    }

    fn jump_to_subject(&mut self, row: &NotificationRow) {
        let data = &row.data;
        let subject_type = data["subject"]["type"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let id = data["subject"]["id"].as_i64();
        match subject_type.as_str() {
            "commission" => {
                let project = data["params"]["project_id"]
                    .as_i64()
                    .map(|p| format!(" project:{p}"))
                    .unwrap_or_default();
                self.switch_tab(super::screens::TabId::Commissions);
                self.apply_filter(format!("status:all{project}"));
            }
            other if !other.is_empty() => {
                self.switch_tab(super::screens::TabId::Audit);
                let tab = self.tab;
                self.with_ctx(|s, ctx| s.audit.filter_subject(other, id, ctx));
                self.load_tab(
                    tab,
                    crate::store::Anchor::First,
                    Fill::Replace(super::widgets::virtual_table::Keep::Top),
                );
            }
            _ => {}
        }
    }
}
