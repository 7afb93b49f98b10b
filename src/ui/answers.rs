//! How the app reacts to what comes back: data answers, action outcomes and errors, other
//! writers' changes, login results and the ticker. Nothing here awaits the database.

use chrono::{DateTime, Utc};

use crate::service::ServiceError;
use crate::service::auth::LoggedIn;
use crate::store::Anchor;
use crate::store::feed::Change;

use super::app::{App, AppEvent, Live};
use super::session::SessionToken;
use crate::service::Actor;
use crate::store::notifications::NotificationRow;

use super::data::{DataEvent, Done, Pane, common};
use super::popup::Popup;
use super::screens::TabId;
use super::screens::{Choices, Effect};
use super::widgets::toast::Level;
use super::widgets::virtual_table::{Fill, Keep};

impl App {
    pub fn on_app_event(&mut self, ev: AppEvent) {
        match ev {
            AppEvent::Data(d) => self.on_data(d),
            AppEvent::Feed(c) => self.on_change(c),
        }
    }

    pub(crate) fn on_login(&mut self, r: Result<LoggedIn, ServiceError>) {
        self.dirty = true;
        match r {
            Ok(LoggedIn { actor, token }) => {
                let remembered = self.login.as_ref().is_some_and(|l| l.remember);
                self.session.token = token.map(|token| SessionToken { token, remembered });
                let kept = match &self.session.token {
                    Some(t) if t.remembered => self.session.remember(&t.token),
                    _ => {
                        self.session.forget();
                        Ok(())
                    }
                };
                self.start_session(actor);
                if let Err(e) = kept {
                    let text = format!("cannot save the remembered login: {e}");
                    self.toast(text, super::widgets::toast::Level::Error);
                }
            }
            Err(e) => {
                let msg = crate::office::messages::error_text(&e, self.session.locale);
                if let Some(l) = self.login.as_mut() {
                    l.busy = false;
                    l.error = Some(msg);
                    l.password.set("");
                }
            }
        }
    }

    pub fn on_data(&mut self, ev: DataEvent) {
        if !self.data.as_mut().is_some_and(|d| d.accept(&ev)) {
            return;
        }
        self.dirty = true;
        let DataEvent {
            pane, fill, result, ..
        } = ev;
        if self.unread_due && matches!(pane, Pane::List(_)) {
            // The count waits for the first screen: the launch needs one connection, not two.
            self.unread_due = false;
            self.send(Pane::Unread, Fill::Append, common::unread());
        }
        let result = match result {
            Ok(r) => {
                if self.live == Live::Offline {
                    self.back_online();
                }
                r
            }
            Err(e) => return self.on_error(pane, e),
        };
        match pane {
            Pane::Unread => {
                if let Ok(n) = result.take::<i64>() {
                    self.unread = n;
                }
            }
            Pane::Whoami => {
                if let Ok(actor) = result.take::<Actor>() {
                    self.rights_changed(actor);
                }
            }
            Pane::Login => {
                if let Ok(login) = result.take::<LoggedIn>() {
                    self.on_login(Ok(login));
                }
            }
            Pane::Notifications => {
                if let (Ok(rows), Some(Popup::Notifications { rows: r, .. })) =
                    (result.take::<Vec<NotificationRow>>(), self.popup.as_mut())
                {
                    *r = Some(rows);
                }
            }
            Pane::Choices => {
                if let (Ok(choices), Some(Popup::Picker { title, options, .. })) =
                    (result.take::<Choices>(), self.popup.as_mut())
                {
                    *title = choices.title;
                    *options = Some(choices.options);
                }
            }
            Pane::Presence => {
                if let Ok((id, people)) = result.take::<(i64, Vec<(String, bool)>)>() {
                    let presence = &mut self.screens.tickets.presence;
                    self.dirty |= presence.as_ref() != Some(&(id, people.clone()));
                    *presence = Some((id, people));
                }
            }
            Pane::Ping => {}
            Pane::Export => self.on_export_page(result),
            Pane::Action => match result.take::<Done>() {
                Ok(done) => self.on_done(done),
                // A step that asks the next question (an amount typed, then its confirmation).
                Err(other) => {
                    if let Ok(next) = other.take::<Vec<super::screens::Effect>>() {
                        self.run_effects(next);
                    }
                }
            },
            Pane::List(tab) | Pane::Detail(tab) => {
                self.screens.get_mut(tab).take(result, fill);
                if let Pane::List(_) = pane {
                    self.prefetch();
                    self.after_move();
                }
            }
        }
    }

    /// A write went through: say so, and show what it changed.
    fn on_done(&mut self, done: Done) {
        // A success clears the last error shown in the status bar.
        self.last_error = None;
        if let Some((purpose, _)) = self.draft.take() {
            self.clear_draft(&purpose);
        }
        self.toast(done.toast, Level::Success);
        if let Some((title, secret)) = done.reveal {
            let kept = Effect::Toast(self.t("toast.secret_dismissed"));
            self.popup = Some(Popup::Picker {
                title,
                options: Some(vec![(secret, kept)]),
                cursor: 0,
            });
        }
        if done.clears_selection {
            self.screens.get_mut(self.tab).clear_selection();
        }
        match done.focus {
            // A new record: read the list from its start and stand on it (or on nothing, if
            // it sorts beyond the first page or outside the filter).
            Some(id) => {
                self.load_tab(self.tab, Anchor::First, Fill::Replace(Keep::RowFromTop(id)));
                self.refresh_detail(self.tab);
            }
            None => self.refresh_tab(self.tab),
        }
        self.send(Pane::Unread, Fill::Append, common::unread());
    }

    fn on_error(&mut self, pane: Pane, e: ServiceError) {
        if pane == Pane::Login {
            return self.on_login(Err(e));
        }
        let text = crate::office::messages::error_text(&e, self.session.locale);
        if e.is_connection_lost() {
            self.live = Live::Offline;
            self.last_error = Some(self.t("status.reconnecting"));
        }
        match pane {
            Pane::List(tab) => self.screens.get_mut(tab).fail_list(text.clone()),
            Pane::Detail(tab) => self.screens.get_mut(tab).fail_detail(text.clone()),
            _ => {}
        }
        if pane == Pane::Export {
            self.export_failed(text);
            return;
        }
        if pane == Pane::Action {
            // The row changed under the user: show its new state.
            self.refresh_tab(self.tab);
            if let Some((purpose, text)) = self.draft.take() {
                // Nothing is lost: the composer comes back with what was typed.
                let limit = self.opts.reason_max_bytes;
                let title = self.t("compose.retry_title");
                self.popup = Some(Popup::compose(
                    title,
                    self.t("compose.hint"),
                    limit,
                    purpose,
                    &text,
                ));
            }
        }
        if e.ends_session() || (pane == Pane::Whoami && e.is_refusal()) {
            // Nothing more can be done as this person: log in again (drafts stay). A lost
            // connection is not a refusal: the rights are read again once it is back.
            return self.session_ended(text);
        }
        if matches!(
            e,
            ServiceError::Forbidden { .. } | ServiceError::RoleRemoved { .. }
        ) {
            // The screen offered what the person may no longer do: re-read their rights.
            self.send(Pane::Whoami, Fill::Append, common::whoami());
        }
        if pane != Pane::Ping {
            self.toast(text, Level::Error);
        }
    }

    fn back_online(&mut self) {
        self.live = if self.opts.backend_pushes {
            Live::Pushed
        } else {
            Live::Polling
        };
        self.last_error = None;
        self.refresh_tab(self.tab);
        self.send(Pane::Unread, Fill::Append, common::unread());
        // Changes to one's rights made while offline may not have come through the feed.
        self.send(Pane::Whoami, Fill::Append, common::whoami());
    }

    /// Another writer changed something: refetch what shows it.
    pub fn on_change(&mut self, c: Change) {
        match c {
            Change::Connection { live } => {
                self.dirty = true;
                if live && self.live == Live::Offline {
                    self.back_online();
                } else if !live {
                    self.live = Live::Offline;
                    self.last_error = Some(self.t("status.reconnecting"));
                }
            }
            Change::Deliveries { .. } => {
                // Attempts are not audited: the deliveries log follows them apart.
                let tab = TabId::Webhooks;
                if self.session.actor.is_some() && self.screens.get(tab).loaded_once() {
                    match tab == self.tab {
                        true => self.refresh_tab(tab),
                        false => {
                            self.stale.insert(tab);
                        }
                    }
                }
            }
            Change::Notification { user_id } => {
                if user_id == 0 || self.session.actor.as_ref().is_some_and(|a| a.id == user_id) {
                    self.send(Pane::Unread, Fill::Append, common::unread());
                }
            }
            Change::Audit {
                auditable_type,
                auditable_id,
                ..
            } => {
                if self.session.actor.is_none() {
                    return;
                }
                // A change to oneself (roles, sessions, the account): rights are re-read.
                if auditable_type == "user"
                    && self
                        .session
                        .actor
                        .as_ref()
                        .is_some_and(|a| a.id == auditable_id)
                {
                    self.send(Pane::Whoami, Fill::Append, common::whoami());
                }
                for tab in TabId::EVERY.iter().copied() {
                    let s = self.screens.get(tab);
                    let watches = s.watches(&auditable_type) && s.loaded_once();
                    if !watches {
                        continue;
                    }
                    if tab == self.tab {
                        if tab == TabId::Audit && self.screens.audit.follow {
                            self.load_tab(tab, Anchor::First, Fill::Replace(Keep::Top));
                        } else {
                            self.refresh_tab(tab);
                        }
                    } else {
                        self.stale.insert(tab);
                    }
                }
            }
        }
    }

    /// Periodic work: expire toasts, animate spinners, retry the connection, move the clock.
    pub fn on_tick(&mut self, now: DateTime<Utc>) {
        self.tick += 1;
        if self
            .toast
            .as_ref()
            .is_some_and(|t| t.until <= std::time::Instant::now())
        {
            self.toast = None;
            self.dirty = true;
        }
        let loading = self.data.as_ref().is_some_and(|d| !d.idle())
            || self.login.as_ref().is_some_and(|l| l.busy);
        if loading {
            self.dirty = true;
        }
        if self.tick.is_multiple_of(8) {
            self.heartbeat();
        }
        if self.live == Live::Offline && self.tick.is_multiple_of(8) {
            self.send(Pane::Ping, Fill::Append, common::ping());
        }
        // Relative times ("3 min") move once a minute.
        if now.timestamp() / 60 != self.now.timestamp() / 60 {
            self.dirty = true;
        }
        self.now = now;
    }
}
