//! App state and its reactions: keys, mouse, data answers, other writers' changes, ticks.
//! Every handler only changes state and starts requests; nothing here awaits the database.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use tokio::sync::mpsc::UnboundedSender;

use crate::domain::Locale;
use crate::service::{Actor, ServiceError};
use crate::store::feed::Change;
use crate::store::{Anchor, Db};
use crate::tr;

use super::action::Action;
use super::data::{Data, DataEvent, Pane, Request};
use super::keymap::Keymap;
use super::login::LoginState;
use super::popup::Popup;
use super::screens::audit::AuditScreen;
use super::screens::commissions::CommissionsScreen;
use super::screens::projects::ProjectsScreen;
use super::screens::reviews::ReviewsScreen;
use super::screens::tickets::TicketsScreen;
use super::screens::users::UsersScreen;
use super::screens::workload::WorkloadScreen;
use super::screens::{Ctx, Effect, ListScreen, TabId};
use super::theme::Theme;
use super::widgets::filter::ParsedFilter;
use super::widgets::toast::{Level, Toast};
use super::widgets::virtual_table::{Fill, Identified, Keep, Need, PAGE, PaneState};

/// Everything the event loop can wake up for.
#[derive(Debug)]
pub enum AppEvent {
    Data(DataEvent),
    Feed(Change),
    Login(Result<Actor, ServiceError>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Live {
    /// PostgreSQL LISTEN is connected.
    Pushed,
    /// SQLite: polled.
    Polling,
    Offline,
}

pub struct Screens {
    pub projects: ProjectsScreen,
    pub commissions: CommissionsScreen,
    pub workload: WorkloadScreen,
    pub tickets: TicketsScreen,
    pub audit: AuditScreen,
    pub users: UsersScreen,
    pub reviews: ReviewsScreen,
}

/// Runs `$body` with `$s` bound to the screen of `$tab` (each is a different type).
macro_rules! on_screen {
    ($screens:expr, $tab:expr, |$s:ident| $body:expr) => {
        match $tab {
            TabId::Projects => {
                let $s = &mut $screens.projects;
                $body
            }
            TabId::Commissions => {
                let $s = &mut $screens.commissions;
                $body
            }
            TabId::Workload => {
                let $s = &mut $screens.workload;
                $body
            }
            TabId::Tickets => {
                let $s = &mut $screens.tickets;
                $body
            }
            TabId::Audit => {
                let $s = &mut $screens.audit;
                $body
            }
            TabId::Users => {
                let $s = &mut $screens.users;
                $body
            }
            TabId::Reviews => {
                let $s = &mut $screens.reviews;
                $body
            }
        }
    };
}
pub(crate) use on_screen;

/// Where things were drawn, for mouse clicks.
#[derive(Default)]
pub struct HitAreas {
    pub tabs: Vec<(Rect, TabId)>,
    pub list: Rect,
}

pub struct AppOptions {
    pub locale: Locale,
    pub theme: String,
    pub no_color: bool,
    pub read_only: bool,
    pub mouse: bool,
    pub start_tab: TabId,
    pub commission_oldest_first: bool,
    pub db_label: String,
    pub backend_pushes: bool,
    pub reason_max_bytes: usize,
    pub reply_max_bytes: usize,
    /// Where composer drafts are kept (None: not kept, e.g. in tests).
    pub drafts_dir: Option<std::path::PathBuf>,
}

pub struct App {
    pub db: Db,
    pub events: UnboundedSender<AppEvent>,
    pub data: Option<Data>,
    pub actor: Option<Actor>,
    pub login: Option<LoginState>,
    pub screens: Screens,
    pub tab: TabId,
    pub keymap: Keymap,
    pub theme: Theme,
    pub locale: Locale,
    pub opts: AppOptions,
    pub popup: Option<Popup>,
    pub toast: Option<Toast>,
    pub live: Live,
    pub unread: i64,
    pub last_error: Option<String>,
    pub now: DateTime<Utc>,
    pub dirty: bool,
    pub quit: bool,
    pub tick: u64,
    pub detail_focus: bool,
    pub hits: HitAreas,
    /// Tabs whose data changed while hidden: refetched when shown.
    pub stale: HashSet<TabId>,
    /// Text to copy over OSC 52 after the next draw.
    pub clipboard: Option<String>,
    /// A composed text kept until its request succeeds (restored if it fails).
    pub draft: Option<(super::screens::ComposeFor, String)>,
    /// Set when login succeeded and the login should be remembered (done by the loop).
    pub remember_login: bool,
    /// Which canned reply ctrl-o inserts next.
    pub canned_index: usize,
    /// Others looking at (and typing in) the open ticket: (ticket id, [(name, typing)]).
    pub presence: Option<(i64, Vec<(String, bool)>)>,
    /// The project a developer picker is open for, with the version the user saw.
    pub pending_assignment: Option<(i64, Option<i64>)>,
    /// Where `h` (a record's history) or a view (`:users`, `:reviews`) was opened from, most
    /// recent last: Esc goes back there. Switching tabs by number or Tab forgets it.
    pub back: Vec<TabId>,
}

impl App {
    pub fn new(
        db: Db,
        events: UnboundedSender<AppEvent>,
        keymap: Keymap,
        opts: AppOptions,
        now: DateTime<Utc>,
    ) -> App {
        let theme = Theme::load(&opts.theme, opts.no_color);
        App {
            db,
            events,
            data: None,
            actor: None,
            login: None,
            screens: Screens {
                projects: ProjectsScreen::default(),
                commissions: CommissionsScreen::new(opts.commission_oldest_first),
                workload: WorkloadScreen::new(now.date_naive()),
                tickets: TicketsScreen::default(),
                audit: AuditScreen::default(),
                users: UsersScreen::default(),
                reviews: ReviewsScreen::default(),
            },
            tab: opts.start_tab,
            keymap,
            theme,
            locale: opts.locale,
            live: if opts.backend_pushes {
                Live::Pushed
            } else {
                Live::Polling
            },
            opts,
            popup: None,
            toast: None,
            unread: 0,
            last_error: None,
            now,
            dirty: true,
            quit: false,
            tick: 0,
            detail_focus: false,
            hits: HitAreas::default(),
            stale: HashSet::new(),
            clipboard: None,
            draft: None,
            remember_login: false,
            canned_index: 0,
            presence: None,
            pending_assignment: None,
            back: Vec::new(),
        }
    }

    pub fn t(&self, key: &str) -> String {
        tr(self.locale, key, &[])
    }

    pub fn ta(&self, key: &str, args: &[(&str, &str)]) -> String {
        tr(self.locale, key, args)
    }

    /// Enters the main screens as `actor`: starts the data task and the first queries.
    pub fn start_session(&mut self, actor: Actor) {
        self.data = Some(Data::new(
            self.db.clone(),
            actor.clone(),
            self.events.clone(),
        ));
        self.actor = Some(actor);
        self.login = None;
        self.load_tab(self.tab, Anchor::First, Fill::Replace(Keep::Top));
        self.send(Pane::Unread, Fill::Append, Request::Unread);
        self.dirty = true;
    }

    pub fn show_login(&mut self, email: Option<&str>, remember: bool) {
        self.login = Some(LoginState::new(email.unwrap_or(""), remember));
        self.dirty = true;
    }

    pub(crate) fn send(&mut self, pane: Pane, fill: Fill, req: Request) {
        if let Some(data) = self.data.as_mut() {
            data.send(pane, fill, req);
        }
    }

    /// A drawing context (theme, language, clock, who is acting).
    pub fn with_ctx<T>(&mut self, f: impl FnOnce(&mut Screens, &Ctx) -> T) -> Option<T> {
        let actor = self.actor.as_ref()?;
        let ctx = Ctx {
            locale: self.locale,
            theme: &self.theme,
            now: self.now,
            actor,
            read_only: self.opts.read_only,
        };
        Some(f(&mut self.screens, &ctx))
    }

    pub(crate) fn load_tab(&mut self, tab: TabId, anchor: Anchor, fill: Fill) {
        let req = on_screen!(self.screens, tab, |s| {
            s.list_mut().state = PaneState::Loading;
            s.request(anchor, PAGE)
        });
        self.stale.remove(&tab);
        self.send(Pane::List(tab), fill, req);
    }

    /// Refetches the visible window in place (live updates, reconnects): same rows, same line.
    pub fn refresh_tab(&mut self, tab: TabId) {
        let plan = on_screen!(self.screens, tab, |s| {
            let list = s.list();
            // At the real top, new rows arriving above must show: refetch from the start.
            let at_top = list.offset == 0 && !list.has_before;
            let first = list
                .rows
                .get(list.offset)
                .map(|r| s.cursor(r))
                .filter(|_| !at_top);
            let current = list.current().map(|r| r.row_id());
            (first, current)
        });
        match plan {
            (Some(first), Some(current)) => {
                self.load_tab(tab, Anchor::From(first), Fill::Replace(Keep::Row(current)))
            }
            (None, Some(current)) => {
                self.load_tab(tab, Anchor::First, Fill::Replace(Keep::RowFromTop(current)))
            }
            _ => self.load_tab(tab, Anchor::First, Fill::Replace(Keep::Top)),
        }
        self.refresh_detail(tab);
    }

    fn refresh_detail(&mut self, tab: TabId) {
        let req = on_screen!(self.screens, tab, |s| {
            if !s.detail().open {
                return;
            }
            s.list().current().and_then(|r| s.detail_request(r))
        });
        if let Some(req) = req {
            self.send(Pane::Detail(tab), Fill::Append, req);
        }
    }

    /// Fetches more rows when the cursor nears an end of the loaded window.
    pub(crate) fn prefetch(&mut self) {
        let tab = self.tab;
        if self.data.as_ref().is_none_or(|d| d.busy(Pane::List(tab))) {
            return;
        }
        let plan = on_screen!(self.screens, tab, |s| {
            let list = s.list();
            match list.need() {
                Some(Need::After) => list
                    .rows
                    .last()
                    .map(|r| (Anchor::After(s.cursor(r)), Fill::Append)),
                Some(Need::Before) => list
                    .rows
                    .first()
                    .map(|r| (Anchor::Before(s.cursor(r)), Fill::Prepend)),
                None => None,
            }
        });
        if let Some((anchor, fill)) = plan {
            let req = on_screen!(self.screens, tab, |s| s.request(anchor, PAGE));
            self.send(Pane::List(tab), fill, req);
        }
    }

    /// Goes to a tab, forgetting the way back (1–5, Tab, a click).
    pub fn switch_tab(&mut self, tab: TabId) {
        self.back.clear();
        self.show(tab);
    }

    /// Opens a view or a record's history, remembering where from (Esc comes back).
    pub fn visit(&mut self, tab: TabId) {
        if tab != self.tab {
            self.back.push(self.tab);
        }
        self.show(tab);
    }

    /// Returns to where the current view or history was opened from; false if nowhere.
    fn go_back(&mut self) -> bool {
        match self.back.pop() {
            Some(tab) => {
                self.show(tab);
                true
            }
            None => false,
        }
    }

    fn show(&mut self, tab: TabId) {
        self.tab = tab;
        self.detail_focus = false;
        let never_loaded = on_screen!(self.screens, tab, |s| !s.list().loaded_once);
        if never_loaded {
            self.load_tab(tab, Anchor::First, Fill::Replace(Keep::Top));
        } else if self.stale.contains(&tab) {
            self.refresh_tab(tab);
        }
        self.dirty = true;
    }

    pub fn toast(&mut self, text: impl Into<String>, level: Level) {
        let text = text.into();
        if level == Level::Error {
            self.last_error = Some(text.clone());
        }
        self.toast = Some(Toast::new(text, level));
        self.dirty = true;
    }

    // --- input -----------------------------------------------------------------------------

    pub fn handle_event(&mut self, ev: Event) {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.handle_key(k),
            Event::Mouse(m) if self.opts.mouse => self.handle_mouse(m),
            Event::Paste(text) => self.handle_paste(&text),
            Event::Resize(_, _) => self.dirty = true,
            _ => {}
        }
    }

    pub fn handle_key(&mut self, k: KeyEvent) {
        self.dirty = true;
        // Ctrl-C quits from anywhere, popups included: composer drafts are already on disk.
        if k.code == crossterm::event::KeyCode::Char('c')
            && k.modifiers
                .contains(crossterm::event::KeyModifiers::CONTROL)
            && self.keymap.action(&k) == Some(Action::ForceQuit)
        {
            self.quit = true;
            return;
        }
        if self.login.is_some() {
            self.login_key(k);
            return;
        }
        if self.popup.is_some() {
            self.popup_key(k);
            return;
        }
        if let Some(action) = self.keymap.action(&k) {
            self.dispatch(action);
        }
    }

    fn handle_paste(&mut self, text: &str) {
        self.dirty = true;
        if let Some(login) = self.login.as_mut() {
            login.paste(text);
        } else if let Some(p) = self.popup.as_mut() {
            p.paste(text);
        }
    }

    fn handle_mouse(&mut self, m: MouseEvent) {
        if self.login.is_some() || self.popup.is_some() {
            return;
        }
        match m.kind {
            MouseEventKind::ScrollDown => {
                for _ in 0..3 {
                    self.dispatch(Action::Down);
                }
            }
            MouseEventKind::ScrollUp => {
                for _ in 0..3 {
                    self.dispatch(Action::Up);
                }
            }
            MouseEventKind::Down(MouseButton::Left) => {
                let hit = self
                    .hits
                    .tabs
                    .iter()
                    .find(|(r, _)| r.contains((m.column, m.row).into()))
                    .map(|(_, t)| *t);
                if let Some(tab) = hit {
                    self.switch_tab(tab);
                    return;
                }
                let list = self.hits.list;
                // Two rows of border + header above the first data row.
                if list.contains((m.column, m.row).into()) && m.row >= list.y + 2 {
                    let line = (m.row - list.y - 2) as usize;
                    on_screen!(self.screens, self.tab, |s| {
                        let index = s.list().offset + line;
                        s.list_mut().select_index(index);
                    });
                    self.after_move();
                }
            }
            _ => {}
        }
    }

    /// Runs an action on the main screens.
    pub fn dispatch(&mut self, action: Action) {
        self.dirty = true;
        if self.opts.read_only && action.is_mutation() {
            self.toast(self.t("toast.read_only"), Level::Error);
            return;
        }
        match action {
            Action::Quit => {
                if on_screen!(self.screens, self.tab, |s| s.detail().open) {
                    self.close_detail();
                } else if !(self.tab.is_view() && self.go_back()) {
                    self.quit = true;
                }
            }
            Action::ForceQuit => self.quit = true,
            Action::NextTab | Action::PrevTab => {
                // From a view, the tabs count from the one it was opened on.
                let from = self.back.first().copied().unwrap_or(self.tab);
                let step = if action == Action::NextTab { 1 } else { 4 };
                self.switch_tab(TabId::ALL[(from.index() + step) % 5]);
            }
            Action::Tab1 => self.switch_tab(TabId::Projects),
            Action::Tab2 => self.switch_tab(TabId::Commissions),
            Action::Tab3 => self.switch_tab(TabId::Workload),
            Action::Tab4 => self.switch_tab(TabId::Tickets),
            Action::Tab5 => self.switch_tab(TabId::Audit),
            Action::Down | Action::Up | Action::PageDown | Action::PageUp => {
                if self.detail_focus {
                    on_screen!(self.screens, self.tab, |s| {
                        let d = s.detail_mut();
                        d.scroll = match action {
                            Action::Down => d.scroll.saturating_add(1),
                            Action::Up => d.scroll.saturating_sub(1),
                            Action::PageDown => d.scroll.saturating_add(10),
                            _ => d.scroll.saturating_sub(10),
                        };
                    });
                    return;
                }
                on_screen!(self.screens, self.tab, |s| {
                    let page = s.list().viewport() as isize;
                    let delta = match action {
                        Action::Down => 1,
                        Action::Up => -1,
                        Action::PageDown => page,
                        _ => -page,
                    };
                    s.list_mut().move_by(delta);
                });
                self.after_move();
            }
            Action::First => self.load_tab(self.tab, Anchor::First, Fill::Replace(Keep::Top)),
            Action::Last => self.load_tab(self.tab, Anchor::Last, Fill::Replace(Keep::Bottom)),
            Action::Open | Action::ToggleDetail => {
                let open = on_screen!(self.screens, self.tab, |s| s.detail().open);
                if open && action == Action::ToggleDetail {
                    self.close_detail();
                } else if open {
                    self.detail_focus = !self.detail_focus;
                } else {
                    on_screen!(self.screens, self.tab, |s| {
                        let d = s.detail_mut();
                        d.open = true;
                        d.scroll = 0;
                    });
                    self.refresh_detail(self.tab);
                }
            }
            Action::Back => {
                if self.detail_focus {
                    self.detail_focus = false;
                } else if on_screen!(self.screens, self.tab, |s| s.detail().open) {
                    self.close_detail();
                } else if self.go_back() {
                    // Back from a record's history or a view to where it was opened.
                } else if !on_screen!(self.screens, self.tab, |s| s.filter_text().is_empty()) {
                    self.apply_filter(String::new());
                }
            }
            Action::Sort | Action::SortReverse => {
                on_screen!(self.screens, self.tab, |s| s
                    .cycle_sort(action == Action::SortReverse));
                self.load_tab(self.tab, Anchor::First, Fill::Replace(Keep::Top));
            }
            Action::Filter => {
                let current = on_screen!(self.screens, self.tab, |s| s.filter_text().to_owned());
                self.popup = Some(Popup::filter(&current));
            }
            Action::Palette => self.popup = Some(Popup::palette()),
            Action::Help => self.popup = Some(Popup::Help { scroll: 0 }),
            Action::Notifications => {
                self.popup = Some(Popup::notifications());
                self.send(Pane::Notifications, Fill::Append, Request::Notifications);
            }
            Action::Copy => {
                if let Some(text) = on_screen!(self.screens, self.tab, |s| s
                    .list()
                    .current()
                    .map(|r| s.reference(r)))
                {
                    self.toast(
                        self.ta(
                            "toast.copied",
                            &[("text", &crate::domain::sanitize_line(&text))],
                        ),
                        Level::Info,
                    );
                    self.clipboard = Some(text);
                }
            }
            Action::Follow if self.tab == TabId::Audit => {
                self.screens.audit.follow = !self.screens.audit.follow;
                if self.screens.audit.follow {
                    self.load_tab(TabId::Audit, Anchor::First, Fill::Replace(Keep::Top));
                }
            }
            Action::Refresh => self.refresh_tab(self.tab),
            Action::History => {
                let subject = on_screen!(self.screens, self.tab, |s| s
                    .list()
                    .current()
                    .and_then(|r| s.subject(r)));
                if let Some((kind, id)) = subject {
                    self.visit(TabId::Audit);
                    self.apply_filter(format!("type:{kind} id:{id}"));
                }
            }
            other => {
                let tab = self.tab;
                let effects = self
                    .with_ctx(|screens, ctx| on_screen!(screens, tab, |s| s.act(other, ctx)))
                    .flatten();
                match effects {
                    Some(effects) => self.run_effects(effects),
                    None if other.is_mutation() => {
                        self.toast(self.t("toast.not_here"), Level::Info)
                    }
                    None => {}
                }
            }
        }
    }

    fn close_detail(&mut self) {
        self.detail_focus = false;
        on_screen!(self.screens, self.tab, |s| {
            let d = s.detail_mut();
            d.open = false;
            d.content = None;
            d.for_id = None;
        });
    }

    pub(crate) fn after_move(&mut self) {
        self.prefetch();
        let needs = on_screen!(self.screens, self.tab, |s| {
            let current = s.list().current().map(|r| r.row_id());
            s.detail().open && s.detail().for_id != current
        });
        if needs {
            self.refresh_detail(self.tab);
        }
    }

    pub fn apply_filter(&mut self, raw: String) {
        let parsed = ParsedFilter::parse(&raw);
        let tab = self.tab;
        self.with_ctx(|screens, ctx| {
            on_screen!(screens, tab, |s| s.set_filter(&raw, &parsed, ctx))
        });
        self.load_tab(tab, Anchor::First, Fill::Replace(Keep::Top));
    }

    pub(crate) fn run_effects(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Send(pane, fill, req) => self.send(pane, fill, req),
                Effect::Confirm {
                    title,
                    question,
                    request,
                } => {
                    self.popup = Some(Popup::Confirm {
                        title,
                        question,
                        request,
                    })
                }
                Effect::Compose {
                    title,
                    request_template,
                } => self.open_composer(title, request_template),
                Effect::Pick { title, options } => {
                    self.popup = Some(Popup::Picker {
                        title,
                        options: Some(options),
                        cursor: 0,
                    })
                }
                Effect::PickDeveloper { project_id, seen } => {
                    self.popup = Some(Popup::Picker {
                        title: self.t("detail.loading"),
                        options: None,
                        cursor: 0,
                    });
                    self.pending_assignment = Some((project_id, seen));
                    self.send(
                        Pane::Candidates,
                        Fill::Append,
                        Request::Candidates { project_id },
                    );
                }
                Effect::PickAgent { id, seen } => {
                    self.popup = Some(Popup::AgentPicker {
                        id,
                        seen,
                        agents: None,
                        cursor: 0,
                    });
                    self.send(Pane::Agents, Fill::Append, Request::Agents);
                }
                Effect::Toast(t) => self.toast(t, Level::Info),
                Effect::Refuse(t) => self.toast(t, Level::Error),
                Effect::Reload => self.load_tab(self.tab, Anchor::First, Fill::Replace(Keep::Top)),
            }
        }
    }

    /// While a ticket is open, tell others (and learn who else is there or typing).
    pub(crate) fn heartbeat(&mut self) {
        if self.live == Live::Offline
            || self.tab != TabId::Tickets
            || !self.screens.tickets.detail.open
        {
            if self.presence.take().is_some() {
                self.dirty = true;
            }
            return;
        }
        let Some(id) = self.screens.tickets.detail.for_id else {
            return;
        };
        let typing = matches!(&self.popup, Some(Popup::Compose { purpose: super::screens::ComposeFor::TicketReply { id: t, .. }, .. }) if *t == id);
        self.send(
            Pane::Presence,
            Fill::Append,
            Request::Presence { id, typing },
        );
    }

    /// Opens a composer, restoring its saved draft if there is one.
    pub(crate) fn open_composer(&mut self, title: String, purpose: super::screens::ComposeFor) {
        let limit = match purpose {
            super::screens::ComposeFor::TicketReply { .. } => self.opts.reply_max_bytes,
            _ => self.opts.reason_max_bytes,
        };
        let mut hint = self.t("compose.hint");
        if matches!(
            purpose,
            super::screens::ComposeFor::TicketReply {
                internal: false,
                ..
            }
        ) {
            hint = format!("{hint} · {}", self.t("compose.canned"));
        }
        let text = self.load_draft(&purpose);
        self.popup = Some(Popup::compose(title, hint, limit, purpose, &text));
    }
}
