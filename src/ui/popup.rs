//! Popups over the main screens: filter bar, command palette, help, notifications, confirm,
//! composer. While one is open it receives the keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::store::notifications::NotificationRow;

use super::action::Action;
use super::app::App;
use std::sync::Arc;

use super::data::{Job, Pane, common};
use super::keymap::PopupKey;
use super::palette;
use super::screens::{Compose, Effect};
use super::widgets::composer::{Composer, ComposerOutcome};
use super::widgets::confirm::{Answer, answer};
use super::widgets::input::{InputOutcome, LineInput};
use super::widgets::toast::Level;
use super::widgets::virtual_table::Fill;

pub enum Popup {
    /// The `/` bar; `error` says what the last filter typed could not use.
    Filter {
        input: LineInput,
        error: Option<String>,
    },
    Palette(LineInput),
    Help {
        scroll: u16,
    },
    Notifications {
        rows: Option<Vec<NotificationRow>>,
        cursor: usize,
    },
    /// A question; the write runs on yes.
    Confirm {
        title: String,
        question: String,
        job: Option<Job>,
    },
    Compose {
        composer: Box<Composer>,
        purpose: Compose,
        /// Ctrl-O's list of canned replies over the composer: (title, text) and the cursor.
        canned: Option<(Vec<(String, String)>, usize)>,
    },
    /// A choice among options (ticket status, priority, an agent); None while they load.
    Picker {
        title: String,
        options: Option<Vec<(String, Effect)>>,
        cursor: usize,
    },
    /// One line to type, then sent (a setting's value).
    Prompt {
        title: String,
        input: LineInput,
        submit: Arc<dyn Fn(String) -> Job + Send + Sync>,
    },
}

impl Popup {
    pub fn filter(current: &str) -> Popup {
        Popup::Filter {
            input: LineInput::with_text(current, 500),
            error: None,
        }
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
        purpose: Compose,
        text: &str,
    ) -> Popup {
        let composer = Composer::new(title, hint, limit).with_text(text);
        Popup::Compose {
            composer: Box::new(composer),
            purpose,
            canned: None,
        }
    }
    pub fn paste(&mut self, text: &str) {
        match self {
            Popup::Filter { input: i, .. } | Popup::Palette(i) => {
                i.insert_str(text.lines().next().unwrap_or(""))
            }
            Popup::Compose { composer, .. } => composer.paste(text),
            Popup::Prompt { input, .. } => input.insert_str(text.lines().next().unwrap_or("")),
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
        let action = self.keymap.action(self.tab.key(), &k);
        let down = action == Some(Action::Down);
        let up = action == Some(Action::Up);
        // Each popup's own keys (see `PopupKey`).
        let mark_all = self.keymap.pressed(PopupKey::MarkAllRead, &k);
        let keep = match &mut popup {
            Popup::Filter { input, error } => match input.handle(&k) {
                InputOutcome::Submit => {
                    let raw = input.text();
                    self.apply_filter(raw);
                    false
                }
                InputOutcome::Cancel => false,
                _ => {
                    // Typing again: the complaint was about the text before.
                    *error = None;
                    true
                }
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
                        self.send(
                            Pane::Action,
                            Fill::Append,
                            common::mark_read(None, self.session.locale),
                        );
                        false
                    }
                    KeyCode::Enter => {
                        if let Some(row) = rows.as_ref().and_then(|r| r.get(*cursor)).cloned() {
                            let job = common::mark_read(Some(row.id.clone()), self.session.locale);
                            self.send(Pane::Action, Fill::Append, job);
                            self.jump_to_subject(&row);
                        }
                        false
                    }
                    _ => false,
                }
            }
            Popup::Prompt { input, submit, .. } => match input.handle(&k) {
                InputOutcome::Submit => {
                    let job = submit(input.text());
                    self.send(Pane::Action, Fill::Append, job);
                    false
                }
                InputOutcome::Cancel => false,
                _ => true,
            },
            Popup::Confirm { job, .. } => match answer(&k) {
                Answer::Yes => {
                    if let Some(job) = job.take() {
                        self.send(Pane::Action, Fill::Append, job);
                    }
                    false
                }
                Answer::No => false,
                Answer::Undecided => true,
            },
            Popup::Compose {
                composer,
                purpose,
                canned: Some((replies, cursor)),
            } => {
                let n = replies.len();
                match k.code {
                    _ if down => *cursor = (*cursor + 1).min(n.saturating_sub(1)),
                    _ if up => *cursor = cursor.saturating_sub(1),
                    KeyCode::Enter => {
                        if let Some((_, text)) = replies.get(*cursor) {
                            composer.add_paragraph(text);
                            self.save_draft(purpose, &composer.text());
                        }
                        if let Popup::Compose { canned, .. } = &mut popup {
                            *canned = None;
                        }
                    }
                    KeyCode::Esc => {
                        if let Popup::Compose { canned, .. } = &mut popup {
                            *canned = None;
                        }
                    }
                    _ => {}
                }
                true
            }
            Popup::Compose {
                composer,
                purpose,
                canned,
            } => {
                let ctrl_o =
                    k.code == KeyCode::Char('o') && k.modifiers.contains(KeyModifiers::CONTROL);
                if ctrl_o {
                    if let (true, Some(id)) = (purpose.canned, purpose.ticket) {
                        let replies = self.canned_replies(id);
                        if !replies.is_empty() {
                            *canned = Some((replies, 0));
                        }
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
                    // The list keys move here too (they used to close the picker).
                    _ if action == Some(Action::Last) => {
                        *cursor = n.saturating_sub(1);
                        true
                    }
                    _ if action == Some(Action::First) => {
                        *cursor = 0;
                        true
                    }
                    _ if action == Some(Action::PageDown) => {
                        *cursor = (*cursor + 10).min(n.saturating_sub(1));
                        true
                    }
                    _ if action == Some(Action::PageUp) => {
                        *cursor = cursor.saturating_sub(10);
                        true
                    }
                    KeyCode::Enter => {
                        let chosen = options.take().and_then(|o| o.into_iter().nth(*cursor));
                        if let Some((_, then)) = chosen {
                            self.run_effects(vec![then]);
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
    fn submit_composer(&mut self, composer: &Composer, purpose: &Compose) -> bool {
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
        let job = purpose.submit(text.clone());
        self.draft = Some((purpose.clone(), text));
        self.send(Pane::Action, Fill::Append, job);
        false
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
            // An escrow decision opens the escrow (its project's filter keeps it alone).
            "escrow" if data["params"]["project_id"].is_i64() => {
                let project = data["params"]["project_id"].as_i64().unwrap_or_default();
                self.visit(super::screens::TabId::Escrow);
                self.apply_filter(format!("project:{project}"));
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
