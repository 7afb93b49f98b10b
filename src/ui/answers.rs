//! How the app reacts to what comes back: data answers, action outcomes and errors, other
//! writers' changes, login results and the ticker. Nothing here awaits the database.

use chrono::{DateTime, Utc};

use crate::service::ServiceError;
use crate::service::auth::LoggedIn;
use crate::store::Anchor;
use crate::store::feed::Change;

use super::app::{App, AppEvent, Live, SessionToken};
use super::data::{DataEvent, Outcome, Pane, Reply, Request};
use super::popup::Popup;
use super::screens::TabId;
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
                self.token = token.map(|token| SessionToken { token, remembered });
                self.token_changed = true;
                self.start_session(actor);
            }
            Err(e) => {
                let msg = crate::office::messages::error_text(&e, self.locale);
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
        let result = match result {
            Ok(r) => {
                if self.live == Live::Offline {
                    self.back_online();
                }
                r
            }
            Err(e) => return self.on_error(pane, e),
        };
        match (pane, result) {
            (Pane::Unread, Reply::Unread(n)) => self.unread = n,
            (Pane::Whoami, Reply::Actor(actor)) => self.rights_changed(*actor),
            (Pane::Login, Reply::Typed(answer)) => {
                if let Ok(login) = answer.take::<LoggedIn>() {
                    self.on_login(Ok(login));
                }
            }
            (Pane::Notifications, Reply::Notifications(rows)) => {
                if let Some(Popup::Notifications { rows: r, .. }) = self.popup.as_mut() {
                    *r = Some(rows);
                }
            }
            (Pane::Candidates, Reply::Candidates(project_id, list, hours)) => {
                let seen = self
                    .screens
                    .projects
                    .pending_assignment
                    .filter(|(p, _)| *p == project_id)
                    .and_then(|(_, s)| s);
                let title = self
                    .screens
                    .projects
                    .list
                    .rows
                    .iter()
                    .find(|p| p.id == project_id)
                    .map(|p| p.title.clone())
                    .unwrap_or_default();
                let options: Vec<_> = list
                    .iter()
                    .map(|c| {
                        // Still offered, marked: choosing one is refused with the numbers.
                        let full = c.free < hours || c.active_projects >= c.max_active_projects;
                        let label = format!(
                            "{}{} · {} · {} {} h · {} {}/{} · {}",
                            if full { "⚠ " } else { "" },
                            c.name,
                            crate::office::format::status(
                                "availability",
                                &c.availability,
                                self.locale
                            ),
                            self.t("picker.free"),
                            c.free,
                            self.t("col.active"),
                            c.active_projects,
                            c.max_active_projects,
                            c.skills.join(", ")
                        );
                        (
                            label,
                            super::screens::Pick::AssignDeveloper {
                                project_id,
                                developer_id: c.id,
                                seen,
                            },
                        )
                    })
                    .collect();
                let title = self.ta(
                    "picker.developer",
                    &[("title", &title), ("hours", &hours.to_string())],
                );
                if let Some(Popup::Picker {
                    title: t,
                    options: o,
                    ..
                }) = self.popup.as_mut()
                {
                    *t = title;
                    *o = Some(options);
                }
            }
            (Pane::Articles, Reply::Articles(list)) => {
                if let Some(Popup::Articles { rows, .. }) = self.popup.as_mut() {
                    *rows = Some(list);
                }
            }
            (Pane::ClientProjects, Reply::ClientProjects(ticket_id, projects)) => {
                let mut options = vec![(
                    self.t("picker.no_project"),
                    super::screens::Pick::LinkProject {
                        ticket_id,
                        project_id: None,
                    },
                )];
                options.extend(projects.iter().map(|p| {
                    (
                        format!(
                            "#{} {} · {}",
                            p.id,
                            p.title,
                            crate::office::format::status("project", &p.status, self.locale)
                        ),
                        super::screens::Pick::LinkProject {
                            ticket_id,
                            project_id: Some(p.id),
                        },
                    )
                }));
                let reference = self
                    .screens
                    .tickets
                    .list
                    .rows
                    .iter()
                    .find(|t| t.id == ticket_id)
                    .map(|t| t.reference.clone())
                    .unwrap_or_default();
                let heading = self.ta("picker.link_project", &[("reference", &reference)]);
                if let Some(Popup::Picker {
                    title, options: o, ..
                }) = self.popup.as_mut()
                {
                    *title = heading;
                    *o = Some(options);
                }
            }
            (Pane::Agents, Reply::Agents(list)) => {
                if let Some(Popup::AgentPicker { agents, .. }) = self.popup.as_mut() {
                    *agents = Some(list);
                }
            }
            (Pane::Presence, Reply::Presence(id, people)) => {
                let presence = &mut self.screens.tickets.presence;
                self.dirty |= presence.as_ref() != Some(&(id, people.clone()));
                *presence = Some((id, people));
            }
            (Pane::Settings, Reply::Settings(list)) => {
                if let Some(Popup::Settings { rows, .. }) = self.popup.as_mut() {
                    *rows = Some(list);
                }
            }
            (Pane::Ping, Reply::Pong) => {}
            (Pane::Export, reply) => self.on_export_page(reply),
            (Pane::Action, Reply::Done(outcome)) => self.on_outcome(outcome),
            (Pane::List(tab) | Pane::Detail(tab), reply) => {
                self.screens.get_mut(tab).take(reply, fill);
                if let Pane::List(_) = pane {
                    self.prefetch();
                    self.after_move();
                }
            }
            _ => {}
        }
    }

    fn on_outcome(&mut self, outcome: Outcome) {
        // A success clears the last error shown in the status bar.
        self.last_error = None;
        if let Some((purpose, _)) = self.draft.take() {
            self.clear_draft(&purpose);
        }
        let text = super::outcomes::outcome_text(&outcome, self.locale);
        if let (Outcome::SettingUpdated { .. }, Some(Popup::Settings { .. })) =
            (&outcome, &self.popup)
        {
            self.send(Pane::Settings, Fill::Append, Request::Settings);
        }
        if let (Outcome::ArticleChanged { .. }, Some(Popup::Articles { .. })) =
            (&outcome, &self.popup)
        {
            self.send(Pane::Articles, Fill::Append, Request::Articles);
        }
        self.toast(text, Level::Success);
        if let Outcome::Bulk { .. } = outcome {
            self.screens.commissions.list.selected.clear();
        }
        self.refresh_tab(self.tab);
        self.send(Pane::Unread, Fill::Append, Request::Unread);
    }

    fn on_error(&mut self, pane: Pane, e: ServiceError) {
        if pane == Pane::Login {
            return self.on_login(Err(e));
        }
        let text = crate::office::messages::error_text(&e, self.locale);
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
            self.send(Pane::Whoami, Fill::Append, Request::Whoami);
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
        self.send(Pane::Unread, Fill::Append, Request::Unread);
        // Changes to one's rights made while offline may not have come through the feed.
        self.send(Pane::Whoami, Fill::Append, Request::Whoami);
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
            Change::Notification { user_id } => {
                if user_id == 0 || self.actor.as_ref().is_some_and(|a| a.id == user_id) {
                    self.send(Pane::Unread, Fill::Append, Request::Unread);
                }
            }
            Change::Audit {
                auditable_type,
                auditable_id,
                ..
            } => {
                if self.actor.is_none() {
                    return;
                }
                // A change to oneself (roles, sessions, the account): rights are re-read.
                if auditable_type == "user"
                    && self.actor.as_ref().is_some_and(|a| a.id == auditable_id)
                {
                    self.send(Pane::Whoami, Fill::Append, Request::Whoami);
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
            self.send(Pane::Ping, Fill::Append, Request::Ping);
        }
        // Relative times ("3 min") move once a minute.
        if now.timestamp() / 60 != self.now.timestamp() / 60 {
            self.dirty = true;
        }
        self.now = now;
    }
}
