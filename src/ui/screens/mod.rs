//! One module per tab. Each is a `ListScreen`: a virtual list, its sort and filter, and a
//! detail pane; the app drives them all through the same trait.

pub mod audit;
pub mod commissions;
mod facade;
pub mod projects;
mod registry;
pub mod reviews;
pub mod tickets;
pub mod users;
pub mod workload;

pub use facade::{DetailView, ExportPage, RefreshPlan, Screen};
pub use registry::{ScreenInit, Screens, TabId};

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::domain::{Locale, Permission};
use crate::service::Actor;
use crate::store::{Anchor, Cursor};
use crate::tr;

use super::action::Action;
use super::data::{Job, Reply, Request};
use super::theme::Theme;
use super::widgets::detail::DetailLine;
use super::widgets::filter::ParsedFilter;
use super::widgets::virtual_table::{Cell, Column, Fill, Identified, ListView};

impl TabId {
    pub fn parse(s: &str) -> Option<TabId> {
        TabId::EVERY.iter().copied().find(|t| {
            t.key() == s.to_lowercase()
                || tr(Locale::Fr, &format!("tab.{}", t.key()), &[]).to_lowercase()
                    == s.to_lowercase()
        })
    }

    pub fn index(self) -> usize {
        TabId::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn title(self, locale: Locale) -> String {
        tr(locale, &format!("tab.{}", self.key()), &[])
    }
}

/// "Missing permission: approve commissions (commissions.approve)."
pub fn forbidden_text(p: Permission, locale: Locale) -> String {
    let refusal = crate::service::ServiceError::Forbidden {
        permission: p.as_str(),
    };
    crate::office::messages::error_text(&refusal, locale)
}

/// What drawing and handling need to know besides the screen's own state.
pub struct Ctx<'a> {
    pub locale: Locale,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
    pub actor: &'a Actor,
    pub read_only: bool,
}

impl Ctx<'_> {
    pub fn t(&self, key: &str) -> String {
        tr(self.locale, key, &[])
    }
    pub fn ta(&self, key: &str, args: &[(&str, &str)]) -> String {
        tr(self.locale, key, args)
    }
    /// An action is offered only to staff holding its permission, and never in read-only mode.
    pub fn may(&self, p: Permission) -> bool {
        !self.read_only && self.actor.can(p)
    }
    /// The refusal of an action for want of `p`, naming it in the staff member's language.
    pub fn refuse(&self, p: Permission) -> Effect {
        Effect::Refuse(forbidden_text(p, self.locale))
    }
}

/// The detail pane's state for one tab.
#[derive(Debug)]
pub struct DetailState<T> {
    pub open: bool,
    pub for_id: Option<i64>,
    pub content: Option<T>,
    pub error: Option<String>,
    pub scroll: u16,
}

impl<T> DetailState<T> {
    /// Takes a loaded detail for the row `id` (clearing an earlier error).
    pub fn show(&mut self, id: i64, content: T) {
        self.for_id = Some(id);
        self.content = Some(content);
        self.error = None;
    }
}

impl<T> Default for DetailState<T> {
    fn default() -> Self {
        DetailState {
            open: false,
            for_id: None,
            content: None,
            error: None,
            scroll: 0,
        }
    }
}

/// A screen-specific effect the app must carry out (it owns the popups and the data task).
#[derive(Debug, PartialEq)]
pub enum Effect {
    Send(super::data::Pane, Fill, Request),
    Confirm {
        title: String,
        question: String,
        request: Request,
    },
    Compose {
        title: String,
        request_template: ComposeFor,
    },
    Toast(String),
    /// Said as an error: the action is refused (no permission, wrong state).
    Refuse(String),
    /// Refetch this tab from the first row (its query changed).
    Reload,
    /// A list to choose from (status, priority, agent).
    Pick {
        title: String,
        options: Vec<(String, Pick)>,
    },
    /// Ask the data task for the agents, then offer them in a picker.
    PickAgent {
        id: i64,
        seen: Option<i64>,
    },
    /// Ask for developers ranked by free capacity, then offer them.
    PickDeveloper {
        project_id: i64,
        seen: Option<i64>,
    },
    /// Ask for the requester's projects, then offer them to link the ticket to.
    PickProject {
        ticket_id: i64,
        requester_id: i64,
    },
}

/// What a composed text will be used for.
#[derive(Clone, Debug, PartialEq)]
pub enum ComposeFor {
    Reject {
        kind: crate::service::commissions::Kind,
        id: i64,
        seen: Option<i64>,
    },
    PayReference {
        kind: crate::service::commissions::Kind,
        id: i64,
        seen: Option<i64>,
    },
    TicketReply {
        id: i64,
        internal: bool,
    },
    Resolution {
        id: i64,
        seen: Option<i64>,
    },
    /// First line the title, second the excerpt, then a blank line and the body.
    Article {
        id: i64,
        seen: Option<i64>,
    },
    /// Why a review is hidden (kept in the audit row and shown to moderators).
    HideReview {
        id: i64,
    },
}

impl ComposeFor {
    /// A stable name for the local draft file of this text.
    pub fn draft_key(&self) -> String {
        match self {
            ComposeFor::Reject { kind, id, .. } => format!("{}-{id}-reject", kind.alias()),
            ComposeFor::PayReference { kind, id, .. } => format!("{}-{id}-pay", kind.alias()),
            ComposeFor::TicketReply { id, internal } => {
                format!("ticket-{id}-{}", if *internal { "note" } else { "reply" })
            }
            ComposeFor::Resolution { id, .. } => format!("ticket-{id}-resolution"),
            ComposeFor::Article { id, .. } => format!("article-{id}"),
            ComposeFor::HideReview { id } => format!("review-{id}-hide"),
        }
    }
}

/// A choice offered by a picker popup.
#[derive(Clone, Debug, PartialEq)]
pub enum Pick {
    TicketStatus {
        id: i64,
        to: crate::domain::TicketStatus,
        seen: Option<i64>,
    },
    TicketPriority {
        id: i64,
        priority: crate::domain::TicketPriority,
        seen: Option<i64>,
    },
    AssignTicket {
        id: i64,
        to: i64,
        seen: Option<i64>,
    },
    ProjectStatus {
        id: i64,
        to: crate::domain::ProjectStatus,
        seen: Option<i64>,
    },
    AssignDeveloper {
        project_id: i64,
        developer_id: i64,
        seen: Option<i64>,
    },
    Role {
        user_id: i64,
        name: String,
        email: String,
        role: crate::domain::Role,
        grant: bool,
    },
    /// Link a ticket to a project (None: unlink).
    LinkProject {
        ticket_id: i64,
        project_id: Option<i64>,
    },
    Availability {
        user_id: i64,
        to: crate::domain::Availability,
        /// The availability the staff member saw (a change meanwhile is refused).
        seen: String,
    },
}

pub trait ListScreen {
    type Row: Identified + Send + 'static;
    type Detail: Send + 'static;

    fn id(&self) -> TabId;
    fn list(&self) -> &ListView<Self::Row>;
    fn list_mut(&mut self) -> &mut ListView<Self::Row>;
    fn detail(&self) -> &DetailState<Self::Detail>;
    fn detail_mut(&mut self) -> &mut DetailState<Self::Detail>;

    /// The job that reads a window of this list (its answer: a `Page<Self::Row>`).
    fn request(&self, anchor: Anchor, limit: u64) -> Job;
    fn cursor(&self, row: &Self::Row) -> Cursor;
    /// The job that loads a row's detail (its answer: `(row id, Self::Detail)`).
    fn detail_request(&self, row: &Self::Row) -> Option<Job>;
    /// The rows of a list answer for this screen, or the answer back when it is something else
    /// (the list window takes them; exports read the whole list page by page).
    fn rows_of(&self, reply: Reply) -> Result<crate::store::Page<Self::Row>, Reply> {
        match reply {
            Reply::Typed(answer) => answer.take().map_err(Reply::Typed),
            other => Err(other),
        }
    }
    /// Takes a detail answer; false if it was not for this screen.
    fn take_detail(&mut self, reply: Reply) -> bool {
        match reply {
            Reply::Typed(answer) => match answer.take::<(i64, Self::Detail)>() {
                Ok((id, detail)) => {
                    self.detail_mut().show(id, detail);
                    true
                }
                Err(_) => false,
            },
            _ => false,
        }
    }
    /// Takes a list or detail answer; false if it was not for this screen.
    fn take(&mut self, reply: Reply, fill: Fill) -> bool {
        match self.rows_of(reply) {
            Ok(page) => {
                self.list_mut().apply(page, fill);
                true
            }
            Err(reply) => self.take_detail(reply),
        }
    }
    /// Columns an export adds after the screen's own: the values the screen formats, in a form
    /// a spreadsheet or a script can compute with (minor units, codes, UTC timestamps).
    fn export_header(&self) -> Vec<&'static str> {
        Vec::new()
    }
    fn export_values(&self, _row: &Self::Row) -> Vec<String> {
        Vec::new()
    }

    fn set_filter(&mut self, raw: &str, parsed: &ParsedFilter, ctx: &Ctx);
    fn filter_text(&self) -> &str;
    fn cycle_sort(&mut self, back: bool);
    fn sort_label(&self, ctx: &Ctx) -> String;

    fn columns(&self, ctx: &Ctx) -> Vec<Column>;
    fn cells(&self, row: &Self::Row, ctx: &Ctx) -> Vec<Cell>;
    fn empty_text(&self, ctx: &Ctx) -> String;
    fn detail_title(&self, ctx: &Ctx) -> String;
    fn detail_lines(&self, ctx: &Ctx) -> Vec<DetailLine>;
    /// The row's reference for `y` (copied over OSC 52).
    fn reference(&self, row: &Self::Row) -> String;

    /// Actions this screen offers the actor now (for the footer and help).
    fn actions(&self, _ctx: &Ctx) -> Vec<Action> {
        Vec::new()
    }
    /// Screen-specific actions (approve, reject, ...). Returns None when not handled here.
    fn act(&mut self, _action: Action, _ctx: &Ctx) -> Option<Vec<Effect>> {
        None
    }
    /// The permission an action of this screen needs: a key pressed without it is refused
    /// with the permission's name, before anything opens.
    fn needs(&self, _action: Action) -> Option<Permission> {
        None
    }
    /// Draws something other than the standard table (the workload grid does).
    fn draw_custom(&self, _f: &mut Frame, _area: Rect, _ctx: &Ctx) -> bool {
        false
    }
    /// The audited record a row stands for (`h` jumps to its history in the Audit log).
    fn subject(&self, _row: &Self::Row) -> Option<(&'static str, i64)> {
        None
    }
    /// Whether a change to `auditable_type` shows in this list.
    fn watches(&self, auditable_type: &str) -> bool;
}

/// A timestamp for an export: RFC 3339 in UTC, empty when there is none.
pub fn utc(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The next (or, with `back`, previous) of `all` after `current`, wrapping around.
pub fn cycle<T: Copy + PartialEq>(all: &[T], current: T, back: bool) -> T {
    let i = all.iter().position(|s| *s == current).unwrap_or(0);
    let n = all.len();
    all[if back { (i + n - 1) % n } else { (i + 1) % n }]
}

/// The five accessors every screen implements the same way (its `list` and `detail` fields).
macro_rules! screen_fields {
    ($tab:expr, $row:ty, $detail:ty) => {
        fn id(&self) -> TabId {
            $tab
        }
        fn list(&self) -> &ListView<$row> {
            &self.list
        }
        fn list_mut(&mut self) -> &mut ListView<$row> {
            &mut self.list
        }
        fn detail(&self) -> &DetailState<$detail> {
            &self.detail
        }
        fn detail_mut(&mut self) -> &mut DetailState<$detail> {
            &mut self.detail
        }
    };
}
pub(crate) use screen_fields;

/// Quick filter values for a status field given in the staff member's words or the code.
pub fn status_values(parsed: &ParsedFilter) -> Vec<String> {
    parsed
        .values(&["status", "statut"])
        .iter()
        .flat_map(|v| {
            v.split(',')
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}
