//! App state: the screens, the tab shown and the way back, popups, toasts, the data task.
//! Keys and actions are in input.rs, reactions to answers and changes in answers.rs. Every
//! handler only changes state and starts requests; nothing here awaits the database.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use ratatui::layout::Rect;
use tokio::sync::mpsc::UnboundedSender;

use crate::service::{Actor, ServiceError};
use crate::store::feed::Change;
use crate::store::{Anchor, Db};
use crate::tr;

pub use super::options::{AppOptions, LoginSettings};

use super::data::{Data, DataEvent, Job, Pane};
use super::keymap::Keymap;
use super::login::LoginState;
use super::popup::Popup;
use super::screens::{Ctx, ScreenInit, Screens, TabId};
use super::session::Session;
use super::widgets::toast::{Level, Toast};
use super::widgets::virtual_table::{Fill, Keep, PAGE};

/// Everything the event loop can wake up for.
#[derive(Debug)]
pub enum AppEvent {
    Data(DataEvent),
    Feed(Change),
}

/// What the App asks of the runner that serves it: the local terminal's loop or an SSH
/// session. The App never touches a terminal, a file or the session table itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Leave: the runner restores the terminal or closes the channel.
    Quit,
    /// Copy this text to the person's clipboard (OSC 52 through their terminal).
    Copy(String),
    /// End this session in the database (it can no longer act).
    EndSession(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Live {
    /// PostgreSQL LISTEN is connected.
    Pushed,
    /// SQLite: polled.
    Polling,
    Offline,
}

/// Where things were drawn, for mouse clicks.
#[derive(Default)]
pub struct HitAreas {
    pub tabs: Vec<(Rect, TabId)>,
    pub list: Rect,
}

pub struct App {
    pub db: Db,
    pub events: UnboundedSender<AppEvent>,
    pub data: Option<Data>,
    /// Who is at this connection, and what is theirs (drafts, language, clipboard, token).
    pub session: Session,
    pub login: Option<LoginState>,
    pub screens: Screens,
    pub tab: TabId,
    pub keymap: Keymap,
    pub opts: AppOptions,
    pub popup: Option<Popup>,
    pub toast: Option<Toast>,
    pub live: Live,
    pub unread: i64,
    /// The unread count is asked once the first list answered (see `on_data`).
    pub unread_due: bool,
    pub last_error: Option<String>,
    pub now: DateTime<Utc>,
    pub dirty: bool,
    pub tick: u64,
    pub detail_focus: bool,
    pub hits: HitAreas,
    /// Tabs whose data changed while hidden: refetched when shown.
    pub stale: HashSet<TabId>,
    /// A composed text kept until its request succeeds (restored if it fails).
    pub draft: Option<(super::screens::Compose, String)>,
    /// What the App asks of whoever runs it (the local terminal, an SSH channel), in order:
    /// drained by the runner after each event (`take_requests`).
    pub requests: Vec<Request>,
    /// Where `h` (a record's history) or a view (`:users`, `:reviews`) was opened from, most
    /// recent last: Esc goes back there. Switching tabs by number or Tab forgets it.
    pub back: Vec<TabId>,
    /// A CSV export under way (`e`): pages are written as they arrive.
    pub export: Option<super::export::Export>,
    /// When the person last pressed a key, clicked, pasted or resized: the idle timeout of a
    /// served session counts from here (what the App draws on its own is not activity).
    pub last_input: std::time::Instant,
}

impl App {
    /// An App for the person at this machine's terminal (drafts in the configured folder, no
    /// remembered-login store: the runner gives it one).
    pub fn new(
        db: Db,
        events: UnboundedSender<AppEvent>,
        keymap: Keymap,
        opts: AppOptions,
        now: DateTime<Utc>,
    ) -> App {
        let session = Session::local(&opts, None);
        App::for_session(db, events, keymap, opts, session, now)
    }

    /// An App drawing for `session` (one per connection; many may share a process).
    pub fn for_session(
        db: Db,
        events: UnboundedSender<AppEvent>,
        keymap: Keymap,
        opts: AppOptions,
        session: Session,
        now: DateTime<Utc>,
    ) -> App {
        // The runner exists before anyone logs in: the login is its first job.
        let data = Some(Data::new(
            db.clone(),
            None,
            session.origin.clone(),
            events.clone(),
        ));
        App {
            db,
            events,
            data,
            session,
            login: None,
            screens: Screens::new(&ScreenInit {
                now,
                commission_oldest_first: opts.commission_oldest_first,
                webhook_policy: opts.webhook_policy,
                media_rules: opts.media_rules.clone(),
            }),
            tab: opts.start_tab,
            keymap,
            live: if opts.backend_pushes {
                Live::Pushed
            } else {
                Live::Polling
            },
            opts,
            popup: None,
            toast: None,
            unread: 0,
            unread_due: false,
            last_error: None,
            now,
            dirty: true,
            tick: 0,
            detail_focus: false,
            hits: HitAreas::default(),
            stale: HashSet::new(),
            draft: None,
            requests: Vec::new(),
            back: Vec::new(),
            export: None,
            last_input: std::time::Instant::now(),
        }
    }

    pub fn t(&self, key: &str) -> String {
        tr(self.session.locale, key, &[])
    }

    pub fn ta(&self, key: &str, args: &[(&str, &str)]) -> String {
        tr(self.session.locale, key, args)
    }

    /// How long nobody has touched this App (keys, mouse, paste, resize).
    pub fn idle_for(&self) -> std::time::Duration {
        self.last_input.elapsed()
    }

    /// Whether the App asked to leave.
    pub fn quitting(&self) -> bool {
        self.requests.contains(&Request::Quit)
    }

    /// Asks the runner to leave.
    pub(crate) fn quit(&mut self) {
        if !self.quitting() {
            self.requests.push(Request::Quit);
        }
    }

    /// What the App asked since the last call, in order.
    pub fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.requests)
    }

    /// Enters the main screens as `actor`: starts the data task and the first queries. After
    /// a session ended, the screens (and an open composer) are where they were.
    pub fn start_session(&mut self, actor: Actor) {
        self.data = Some(Data::new(
            self.db.clone(),
            Some(actor.clone()),
            self.session.origin.clone(),
            self.events.clone(),
        ));
        self.session.actor = Some(actor);
        self.login = None;
        // What was said to the previous session is not this one's.
        self.toast = None;
        self.last_error = None;
        if !self.may_see(self.tab) {
            self.back.clear();
            self.tab = TabId::Projects;
        }
        self.load_tab(self.tab, Anchor::First, Fill::Replace(Keep::Top));
        self.unread_due = true;
        self.dirty = true;
    }

    /// The session can no longer act (revoked, expired, account deleted, no staff role left):
    /// back to the login screen with the reason. Screens, drafts and an open composer stay.
    pub fn session_ended(&mut self, reason: String) {
        if self.session.actor.is_none() {
            // Already at the login screen: what is typed there stays.
            return;
        }
        let email = self
            .session
            .actor
            .take()
            .map(|a| a.email)
            .unwrap_or_default();
        // A runner for nobody: what the old session had in flight is not answered.
        self.data = Some(Data::new(
            self.db.clone(),
            None,
            self.session.origin.clone(),
            self.events.clone(),
        ));
        // The session is ended in the database too (the loop does it) and a remembered
        // token is forgotten: nothing opens it any more.
        let ended = self.session.token.take();
        let remembered = ended.as_ref().is_some_and(|t| t.remembered);
        if remembered {
            self.session.forget();
        }
        if let Some(t) = ended {
            self.requests.push(Request::EndSession(t.token));
        }
        let mut login = LoginState::new(&email, remembered);
        login.error = Some(reason);
        self.login = Some(login);
        self.dirty = true;
    }

    /// The actor's rights were re-read: keys, footer and help follow at the next draw.
    pub fn rights_changed(&mut self, actor: Actor) {
        if let Some(data) = self.data.as_mut() {
            data.set_actor(actor.clone());
        }
        let before = self.session.actor.replace(actor);
        if !self.may_see(self.tab) {
            self.switch_tab(TabId::Projects);
        }
        if before != self.session.actor {
            self.dirty = true;
        }
    }

    /// Whether the actor may open `tab` (the Audit log needs `audit.view`).
    pub fn may_see(&self, tab: TabId) -> bool {
        match tab.permission() {
            Some(p) => self.session.actor.as_ref().is_some_and(|a| a.can(p)),
            None => true,
        }
    }

    pub fn show_login(&mut self, email: Option<&str>, remember: bool) {
        self.login = Some(LoginState::new(email.unwrap_or(""), remember));
        self.dirty = true;
    }

    pub(crate) fn send(&mut self, pane: Pane, fill: Fill, job: Job) {
        // Logged out, only the login goes (live updates and ticks ask for nothing).
        if self.session.actor.is_none() && pane != Pane::Login {
            return;
        }
        if let Some(data) = self.data.as_mut() {
            data.send(pane, fill, job);
        }
    }

    /// A drawing context (theme, language, clock, who is acting).
    pub fn with_ctx<T>(&mut self, f: impl FnOnce(&mut Screens, &Ctx) -> T) -> Option<T> {
        let actor = self.session.actor.as_ref()?;
        let ctx = Ctx {
            locale: self.session.locale,
            theme: &self.session.theme,
            now: self.now,
            actor,
            read_only: self.opts.read_only,
            data_dir: self.opts.data_dir.as_deref(),
            graphics: self.session.graphics.as_ref(),
        };
        Some(f(&mut self.screens, &ctx))
    }

    pub fn load_tab(&mut self, tab: TabId, anchor: Anchor, fill: Fill) {
        let s = self.screens.get_mut(tab);
        s.set_loading();
        let req = s.request(anchor, PAGE);
        self.stale.remove(&tab);
        self.send(Pane::List(tab), fill, req);
    }

    /// Refetches the visible window in place (live updates, reconnects): same rows, same line.
    pub fn refresh_tab(&mut self, tab: TabId) {
        let plan = self.screens.get(tab).refresh_plan();
        match (plan.first, plan.current) {
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

    pub(crate) fn refresh_detail(&mut self, tab: TabId) {
        if let Some(req) = self.screens.get(tab).current_detail_request() {
            self.send(Pane::Detail(tab), Fill::Append, req);
        }
    }

    /// Fetches more rows when the cursor nears an end of the loaded window.
    pub(crate) fn prefetch(&mut self) {
        let tab = self.tab;
        if self.data.as_ref().is_none_or(|d| d.busy(Pane::List(tab))) {
            return;
        }
        if let Some((anchor, fill)) = self.screens.get(tab).prefetch() {
            let req = self.screens.get(tab).request(anchor, PAGE);
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
        if tab != self.tab && self.may_see(tab) {
            self.back.push(self.tab);
        }
        self.show(tab);
    }

    /// Returns to where the current view or history was opened from; false if nowhere.
    pub(crate) fn go_back(&mut self) -> bool {
        match self.back.pop() {
            Some(tab) => {
                self.show(tab);
                true
            }
            None => false,
        }
    }

    fn show(&mut self, tab: TabId) {
        if let Some(p) = tab.permission().filter(|_| !self.may_see(tab)) {
            let refusal = ServiceError::Forbidden {
                permission: p.as_str(),
            };
            self.toast(
                crate::office::messages::error_text(&refusal, self.session.locale),
                Level::Error,
            );
            return;
        }
        self.tab = tab;
        self.detail_focus = false;
        // What went wrong on the screen left behind is not this one's to show.
        if self.toast.as_ref().is_some_and(|t| t.level == Level::Error) {
            self.toast = None;
        }
        if self.live != Live::Offline {
            self.last_error = None;
        }
        let never_loaded = !self.screens.get(tab).loaded_once();
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

    /// While a ticket is open, tell others (and learn who else is there or typing).
    pub(crate) fn heartbeat(&mut self) {
        if self.live == Live::Offline
            || self.tab != TabId::Tickets
            || !self.screens.tickets.detail.open
        {
            if self.screens.tickets.presence.take().is_some() {
                self.dirty = true;
            }
            return;
        }
        let Some(id) = self.screens.tickets.detail.for_id else {
            return;
        };
        // Being there and typing is said by those who answer tickets; someone who only
        // reads them (finance, ops) announces nothing and is refused nothing.
        let answers = crate::domain::Permission::TicketsReply;
        if !self.session.actor.as_ref().is_some_and(|a| a.can(answers)) {
            return;
        }
        let typing = matches!(&self.popup, Some(Popup::Compose { purpose, .. }) if purpose.ticket == Some(id));
        let job = super::screens::tickets::jobs::presence(id, typing);
        self.send(Pane::Presence, Fill::Append, job);
    }

    /// Opens a composer, restoring its saved draft if there is one.
    pub(crate) fn open_composer(&mut self, title: String, purpose: super::screens::Compose) {
        use super::screens::TextSize;
        let limit = match purpose.size {
            TextSize::Reply => self.opts.reply_max_bytes,
            TextSize::Reason => self.opts.reason_max_bytes,
            TextSize::Document => DOCUMENT_MAX_BYTES,
        };
        let mut hint = self.t("compose.hint");
        if purpose.canned {
            hint = format!("{hint} · {}", self.t("compose.canned"));
        }
        let saved = self.load_draft(&purpose);
        let text = if saved.is_empty() {
            purpose.initial.clone()
        } else {
            saved
        };
        self.popup = Some(Popup::compose(title, hint, limit, purpose, &text));
    }
}

/// The most an article's text may hold in the composer.
const DOCUMENT_MAX_BYTES: usize = 1 << 20;
