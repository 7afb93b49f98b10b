//! One module per tab. Each is a `ListScreen`: a virtual list, its sort and filter, and a
//! detail pane; the app drives them all through the same trait.

pub mod articles;
pub mod audit;
pub mod commissions;
pub mod dashboard;
pub mod escrow;
mod facade;
pub mod ledger;
pub mod media;
pub mod payments;
pub mod payouts;
pub mod projects;
pub mod referrals;
mod registry;
pub mod reviews;
pub mod rewards;
pub mod settings;
mod shared;
pub mod tickets;
pub mod tokens;
pub mod users;
pub mod webhooks;
pub mod workload;

pub use facade::{DetailView, ExportPage, RefreshPlan, Screen};
pub use registry::{ScreenInit, Screens, TabId};
pub use shared::{dated_columns, escrow_lines, fields, found, permitted};
pub(crate) use shared::{detail_request, list_request, screen_fields, sorted_by};

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::domain::{Locale, Permission};
use crate::service::Actor;
use crate::store::{Anchor, Cursor};
use crate::tr;

use super::action::{Action, Declared};
use super::data::{Job, Typed};
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
    /// The data directory, where files the screens offer to read are found.
    pub data_dir: Option<&'a std::path::Path>,
    /// How this session's terminal draws pictures (None: previews are off).
    pub graphics: Option<&'a super::graphics::Graphics>,
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
pub enum Effect {
    /// Start a job on a pane (a write goes on `Pane::Action`).
    Send(super::data::Pane, Fill, Job),
    /// Ask first; the write runs on yes.
    Confirm {
        title: String,
        question: String,
        job: Job,
    },
    /// A text to compose, then sent.
    Compose {
        title: String,
        purpose: Compose,
    },
    /// One line to type (a setting's value), then sent.
    Prompt {
        title: String,
        text: String,
        submit: Arc<dyn Fn(String) -> Job + Send + Sync>,
    },
    Toast(String),
    /// Said as an error: the action is refused (no permission, wrong state).
    Refuse(String),
    /// Refetch this tab from the first row (its query changed).
    Reload,
    /// A list to choose from (status, priority, role): each option is what choosing it does.
    Pick {
        title: String,
        options: Vec<(String, Effect)>,
    },
    /// A picker whose options are read first: the job answers `Choices`.
    Choose(Job),
    /// Open another screen with this filter (a chart's bar opens the rows it counts).
    Visit {
        tab: TabId,
        filter: String,
    },
}

/// The next question, answered at once: the step after a typed value (a name, then the
/// abilities; an amount, then its confirmation).
pub fn answer(effects: Vec<Effect>) -> Job {
    Job::new(move |_, _| async move { Ok::<_, crate::service::ServiceError>(effects) })
}

/// Values typed as a list, separated by commas or spaces ("projects:read, escrows:read").
pub fn typed_list(typed: &str) -> Vec<String> {
    typed
        .split([',', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Effect {
    /// A write, started at once.
    pub fn write(job: Job) -> Effect {
        Effect::Send(super::data::Pane::Action, Fill::Append, job)
    }
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effect::Send(pane, ..) => write!(f, "Send({pane:?})"),
            Effect::Confirm { question, .. } => write!(f, "Confirm({question:?})"),
            Effect::Compose { purpose, .. } => write!(f, "Compose({:?})", purpose.draft_key),
            Effect::Prompt { title, .. } => write!(f, "Prompt({title:?})"),
            Effect::Toast(t) => write!(f, "Toast({t:?})"),
            Effect::Refuse(t) => write!(f, "Refuse({t:?})"),
            Effect::Reload => f.write_str("Reload"),
            Effect::Pick { title, options } => {
                write!(f, "Pick({title:?}, {} options)", options.len())
            }
            Effect::Choose(_) => f.write_str("Choose"),
            Effect::Visit { tab, filter } => write!(f, "Visit({tab:?}, {filter:?})"),
        }
    }
}

/// The answer of a picker's loading job: its title and options.
pub struct Choices {
    pub title: String,
    pub options: Vec<(String, Effect)>,
}

/// How much text a composer takes (the limits are in the options).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextSize {
    /// A reason, a reference, a resolution.
    Reason,
    /// A ticket reply or note.
    Reply,
    /// An article.
    Document,
}

/// What a composed text is for: where its draft is kept and the write it becomes.
#[derive(Clone)]
pub struct Compose {
    /// A stable name for the local draft file of this text.
    pub draft_key: String,
    pub size: TextSize,
    /// The ticket this text answers (others see "typing").
    pub ticket: Option<i64>,
    /// A public reply: Ctrl-O offers the canned replies.
    pub canned: bool,
    /// The text the composer starts from when no draft is kept.
    pub initial: String,
    submit: Arc<dyn Fn(String) -> Job + Send + Sync>,
}

impl Compose {
    pub fn new(
        draft_key: String,
        size: TextSize,
        submit: impl Fn(String) -> Job + Send + Sync + 'static,
    ) -> Compose {
        Compose {
            draft_key,
            size,
            ticket: None,
            canned: false,
            initial: String::new(),
            submit: Arc::new(submit),
        }
    }

    /// A text about a ticket (`canned`: a public reply).
    pub fn on_ticket(mut self, id: i64, canned: bool) -> Compose {
        self.ticket = Some(id);
        self.canned = canned;
        self
    }

    /// Starts from `text` (an article's current content) when no draft is kept.
    pub fn starting_with(mut self, text: String) -> Compose {
        self.initial = text;
        self
    }

    /// The write the composed text becomes.
    pub fn submit(&self, text: String) -> Job {
        (self.submit)(text)
    }
}

impl std::fmt::Debug for Compose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Compose({})", self.draft_key)
    }
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
    /// Where a window starts after or before `row`: its id, unless the list sorts by
    /// something else.
    fn cursor(&self, row: &Self::Row) -> Cursor {
        Cursor::id(row.row_id())
    }
    /// The job that loads a row's detail (its answer: `(row id, Self::Detail)`).
    fn detail_request(&self, row: &Self::Row) -> Option<Job>;
    /// The rows of a list answer for this screen, or the answer back when it is something else
    /// (the list window takes them; exports read the whole list page by page).
    fn rows_of(&self, answer: Typed) -> Result<crate::store::Page<Self::Row>, Typed> {
        answer.take()
    }
    /// Takes a detail answer; false if it was not for this screen.
    fn take_detail(&mut self, answer: Typed) -> bool {
        match answer.take::<(i64, Self::Detail)>() {
            Ok((id, detail)) => {
                self.detail_mut().show(id, detail);
                true
            }
            Err(_) => false,
        }
    }
    /// Takes a list or detail answer; false if it was not for this screen.
    fn take(&mut self, reply: Typed, fill: Fill) -> bool {
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
    /// The next order of the list (`s`); a list with one order keeps it.
    fn cycle_sort(&mut self, _back: bool) {}
    /// The list's order as the info line names it: newest first, unless the screen sorts.
    fn sort_label(&self, ctx: &Ctx) -> String {
        ctx.t("sort.newest")
    }
    /// What the info line calls `sort_label` ("sort"; the dashboard shows a period).
    fn sort_word(&self, ctx: &Ctx) -> String {
        ctx.t("info.sort")
    }

    fn columns(&self, ctx: &Ctx) -> Vec<Column>;
    fn cells(&self, row: &Self::Row, ctx: &Ctx) -> Vec<Cell>;
    /// What an empty list says: `empty.<screen>`, or that nothing matches the filter.
    fn empty_text(&self, ctx: &Ctx) -> String {
        match self.filter_text() {
            "" => ctx.t(&format!("empty.{}", self.id().key())),
            raw => ctx.ta("empty.filtered", &[("filter", raw)]),
        }
    }
    /// The detail pane's title once the detail is loaded.
    fn heading(&self, detail: &Self::Detail, ctx: &Ctx) -> String;
    fn detail_title(&self, ctx: &Ctx) -> String {
        match &self.detail().content {
            Some(d) => self.heading(d, ctx),
            None => ctx.t("detail.loading"),
        }
    }
    /// The detail pane's lines once the detail is loaded.
    fn body(&self, detail: &Self::Detail, ctx: &Ctx) -> Vec<DetailLine>;
    /// The detail pane's lines: none until the detail is loaded.
    fn detail_lines(&self, ctx: &Ctx) -> Vec<DetailLine> {
        match &self.detail().content {
            Some(d) => self.body(d, ctx),
            None => Vec::new(),
        }
    }
    /// The row's reference for `y` (copied over OSC 52).
    fn reference(&self, row: &Self::Row) -> String;

    /// The screen's own actions, declared once: name, default keys, permission, whether it
    /// writes (the keymap, footer, help, read-only mode and permission checks read it).
    const ACTIONS: &'static [Declared] = &[];

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
    fn needs(&self, action: Action) -> Option<Permission> {
        match action {
            Action::Screen(verb) => super::action::find(Self::ACTIONS, verb)?.needs,
            _ => None,
        }
    }
    /// Enter on a row, when it does something other than open the detail (a month of the
    /// dashboard opens the commissions it counts).
    fn open(&mut self, _ctx: &Ctx) -> Option<Vec<Effect>> {
        None
    }
    /// The screen's own word for an action, where the generic one would mislead.
    fn action_label(&self, _action: Action, _ctx: &Ctx) -> Option<String> {
        None
    }
    /// What the info line adds after the position (the selection and its totals).
    fn summary(&self, _ctx: &Ctx) -> Option<String> {
        None
    }
    /// A palette command this screen runs (`:plan`, `:capacity`, `:hide-review`): None when
    /// `name` is not one of its commands.
    fn command(&mut self, _name: &str, _rest: &str, _ctx: &Ctx) -> Option<Vec<Effect>> {
        None
    }
    /// Rows of `area` given to charts above the table (0: none).
    fn chart_height(&self, _area: Rect) -> u16 {
        0
    }
    /// Draws the charts above the table, in the rows `chart_height` asked for.
    fn draw_chart(&self, _f: &mut Frame, _area: Rect, _ctx: &Ctx) {}
    /// Rows of a detail pane of `area` given to a picture above its text (0: none).
    fn preview_height(&self, _area: Rect, _ctx: &Ctx) -> u16 {
        0
    }
    /// Draws the picture in the rows `preview_height` asked for.
    fn draw_preview(&mut self, _f: &mut Frame, _area: Rect, _ctx: &Ctx) {}
    /// Draws something other than the standard table (the workload grid does).
    fn draw_custom(&self, _f: &mut Frame, _area: Rect, _ctx: &Ctx) -> bool {
        false
    }
    /// The audited type of the records the rows stand for (`auditable_type`), if any.
    const SUBJECT: Option<&'static str> = None;
    /// The audited record a row stands for (`h` jumps to its history in the Audit log).
    fn subject(&self, row: &Self::Row) -> Option<(&'static str, i64)> {
        Self::SUBJECT.map(|t| (t, row.row_id()))
    }
    /// Whether a change to `auditable_type` shows in this list.
    fn watches(&self, auditable_type: &str) -> bool;
}

/// The project a money record belongs to and its two parties, as every detail pane shows them.
pub fn project_lines(
    ctx: &Ctx,
    project: (i64, &str, &str),
    client: &str,
    developer: Option<&str>,
) -> [DetailLine; 3] {
    let (id, title, status) = project;
    [
        DetailLine::Field(
            ctx.t("col.project"),
            format!(
                "#{id} {title} ({})",
                crate::office::format::status("project", status, ctx.locale)
            ),
        ),
        DetailLine::Field(ctx.t("col.client"), client.to_owned()),
        DetailLine::Field(ctx.t("col.developer"), developer.unwrap_or("—").to_owned()),
    ]
}

/// A conversation in a detail pane: one line per message, internal notes marked.
pub fn thread_lines(
    messages: &[crate::store::messages::MessageRow],
    ctx: &Ctx,
    out: &mut Vec<DetailLine>,
) {
    for m in messages {
        let who = m
            .sender_name
            .clone()
            .unwrap_or_else(|| ctx.t("audit.system"));
        let when = crate::office::format::when(m.created_at, ctx.now, ctx.locale);
        // A system message in the reader's language (as stored when written before keys).
        let body = crate::office::messages::message_text(m, ctx.locale);
        if m.is_internal {
            out.push(DetailLine::Styled(
                format!("{when} {who}"),
                format!("[{}] {body}", ctx.t("detail.internal_note")),
                super::widgets::detail::Tone::Warning,
            ));
        } else {
            out.push(DetailLine::Field(format!("{when} {who}"), body));
        }
    }
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

/// The codes of a string enum (`CommissionStatus::ALL`…), for `status_values` and choices.
pub fn codes<T: Copy + Into<&'static str>>(all: &[T]) -> Vec<&'static str> {
    all.iter().map(|t| (*t).into()).collect()
}

/// The `currency:` of a filter ("xof" reads XOF), one the platform knows.
pub fn currency_value(parsed: &ParsedFilter) -> Option<String> {
    currency_values(parsed).into_iter().next()
}

/// The `currency:` values of a filter (`currency:xof,eur`), each one the platform knows.
pub fn currency_values(parsed: &ParsedFilter) -> Vec<String> {
    let known: Vec<String> = crate::domain::Currency::ALL
        .iter()
        .map(|c| c.code().to_lowercase())
        .collect();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    parsed
        .choices(&["currency", "devise"], &known)
        .into_iter()
        .map(|c| c.to_uppercase())
        .collect()
}

/// The `status:` values of a filter, each one of `codes` or `all` (`tous`); another is
/// reported as not understood. "all" comes back as no status at all.
pub fn status_values(parsed: &ParsedFilter, codes: &[&str]) -> Vec<String> {
    let mut allowed = codes.to_vec();
    allowed.extend(["all", "tous"]);
    let mut statuses = parsed.choices(&["status", "statut"], &allowed);
    if statuses.iter().any(|s| s == "all" || s == "tous") {
        statuses.clear();
    }
    statuses
}

#[cfg(test)]
mod tests {
    #[test]
    fn typed_lists_split_on_commas_and_spaces() {
        assert_eq!(super::typed_list("a.b, c.d  e"), vec!["a.b", "c.d", "e"]);
    }
}
