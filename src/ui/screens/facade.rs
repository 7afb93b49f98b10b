//! `Screen`: the one face every screen shows the app, whatever its rows and detail. It is
//! object-safe, so the app holds `&dyn Screen` from the registry and never names a screen's
//! type; each `ListScreen` gets it for free through the blanket implementation below.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::domain::Permission;
use crate::store::{Anchor, Cursor};

use super::{Ctx, Effect, ListScreen, TabId};
use crate::ui::action::{Action, Declared};
use crate::ui::data::{Job, Typed};
use crate::ui::widgets::detail::{self, DetailLine};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{self, Fill, Identified, Need, PaneState, TableLook};

/// Where a live refresh refetches from: the first visible row's cursor (None: the real top)
/// and the row to keep the cursor on.
pub struct RefreshPlan {
    pub first: Option<Cursor>,
    pub current: Option<i64>,
}

/// What the detail pane shows now.
pub struct DetailView {
    pub title: String,
    pub lines: Vec<DetailLine>,
    pub scroll: u16,
}

pub trait Screen {
    fn tab(&self) -> TabId;

    // The list window.
    fn request(&self, anchor: Anchor, limit: u64) -> Job;
    fn take(&mut self, reply: Typed, fill: Fill) -> bool;
    fn set_loading(&mut self);
    fn fail_list(&mut self, text: String);
    fn is_loading(&self) -> bool;
    fn loaded_once(&self) -> bool;
    fn position_label(&self) -> String;
    /// What the info line adds after the position (the selection and its totals).
    fn summary(&self, ctx: &Ctx) -> Option<String>;
    fn viewport(&self) -> usize;
    fn offset(&self) -> usize;
    fn move_by(&mut self, delta: isize);
    fn select_index(&mut self, index: usize);
    /// Forgets the rows marked with Space (a bulk action used them).
    fn clear_selection(&mut self);
    fn refresh_plan(&self) -> RefreshPlan;
    /// The window's next page when the cursor nears one of its ends.
    fn prefetch(&self) -> Option<(Anchor, Fill)>;
    fn current_reference(&self) -> Option<String>;
    fn current_subject(&self) -> Option<(&'static str, i64)>;

    // The detail pane.
    fn detail_open(&self) -> bool;
    fn open_detail(&mut self);
    fn close_detail(&mut self);
    /// Scrolls the detail by `lines` (negative: up).
    fn scroll_detail(&mut self, lines: i16);
    fn fail_detail(&mut self, text: String);
    /// The detail is open on another row than the current one.
    fn detail_behind(&self) -> bool;
    fn current_detail_request(&self) -> Option<Job>;
    fn detail_view(&self, ctx: &Ctx) -> DetailView;

    // Filter and sort.
    fn filter_text(&self) -> &str;
    fn set_filter(&mut self, raw: &str, parsed: &ParsedFilter, ctx: &Ctx);
    fn cycle_sort(&mut self, back: bool);
    fn sort_label(&self, ctx: &Ctx) -> String;
    fn sort_word(&self, ctx: &Ctx) -> String;

    // Actions and live updates.
    /// The screen's own actions as it declares them (`ListScreen::ACTIONS`).
    fn declared(&self) -> &'static [Declared];
    fn actions(&self, ctx: &Ctx) -> Vec<Action>;
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>>;
    fn needs(&self, action: Action) -> Option<Permission>;
    fn action_label(&self, action: Action, ctx: &Ctx) -> Option<String>;
    fn open(&mut self, ctx: &Ctx) -> Option<Vec<Effect>>;
    fn watches(&self, auditable_type: &str) -> bool;
    fn command(&mut self, name: &str, rest: &str, ctx: &Ctx) -> Option<Vec<Effect>>;

    // Drawing and exports.
    /// Draws the list (the screen's own drawing, or the standard table).
    fn draw_list(&self, f: &mut Frame, area: Rect, look: TableLook<'_>, ctx: &Ctx);
    /// Rows of the detail pane `area` given to a picture above the detail's text.
    fn preview_height(&self, area: Rect, ctx: &Ctx) -> u16;
    fn draw_preview(&mut self, f: &mut Frame, area: Rect, ctx: &Ctx);
    fn column_titles(&self, ctx: &Ctx) -> Vec<String>;
    fn export_header(&self) -> Vec<&'static str>;
    /// The lines of an export page (cells as shown, then raw values), and whether more
    /// follow; the answer back when it is not this screen's list.
    fn export_page(&self, reply: Typed, ctx: &Ctx) -> Result<ExportPage, Typed>;
}

/// One page of an export: its lines and where the next one starts.
pub struct ExportPage {
    pub lines: Vec<Vec<String>>,
    pub next: Option<Cursor>,
}

impl<S: ListScreen> Screen for S {
    fn tab(&self) -> TabId {
        self.id()
    }

    fn request(&self, anchor: Anchor, limit: u64) -> Job {
        ListScreen::request(self, anchor, limit)
    }
    fn take(&mut self, reply: Typed, fill: Fill) -> bool {
        ListScreen::take(self, reply, fill)
    }
    fn set_loading(&mut self) {
        self.list_mut().state = PaneState::Loading;
    }
    fn fail_list(&mut self, text: String) {
        self.list_mut().state = PaneState::Failed(text);
    }
    fn is_loading(&self) -> bool {
        self.list().state == PaneState::Loading
    }
    fn loaded_once(&self) -> bool {
        self.list().loaded_once
    }
    fn position_label(&self) -> String {
        self.list().position_label()
    }
    fn summary(&self, ctx: &Ctx) -> Option<String> {
        ListScreen::summary(self, ctx)
    }
    fn viewport(&self) -> usize {
        self.list().viewport()
    }
    fn offset(&self) -> usize {
        self.list().offset
    }
    fn move_by(&mut self, delta: isize) {
        self.list_mut().move_by(delta);
    }
    fn select_index(&mut self, index: usize) {
        self.list_mut().select_index(index);
    }
    fn clear_selection(&mut self) {
        self.list_mut().selected.clear();
    }
    fn refresh_plan(&self) -> RefreshPlan {
        let list = self.list();
        // At the real top, new rows arriving above must show: refetch from the start.
        let at_top = list.offset == 0 && !list.has_before;
        RefreshPlan {
            first: list
                .rows
                .get(list.offset)
                .map(|r| self.cursor(r))
                .filter(|_| !at_top),
            current: list.kept_id(),
        }
    }
    fn prefetch(&self) -> Option<(Anchor, Fill)> {
        let list = self.list();
        match list.need()? {
            Need::After => list
                .rows
                .last()
                .map(|r| (Anchor::After(self.cursor(r)), Fill::Append)),
            Need::Before => list
                .rows
                .first()
                .map(|r| (Anchor::Before(self.cursor(r)), Fill::Prepend)),
        }
    }
    fn current_reference(&self) -> Option<String> {
        self.list().current().map(|r| self.reference(r))
    }
    fn current_subject(&self) -> Option<(&'static str, i64)> {
        self.list().current().and_then(|r| self.subject(r))
    }

    fn detail_open(&self) -> bool {
        self.detail().open
    }
    fn open_detail(&mut self) {
        let d = self.detail_mut();
        d.open = true;
        d.scroll = 0;
    }
    fn close_detail(&mut self) {
        let d = self.detail_mut();
        d.open = false;
        d.content = None;
        d.for_id = None;
    }
    fn scroll_detail(&mut self, lines: i16) {
        let d = self.detail_mut();
        d.scroll = d.scroll.saturating_add_signed(lines);
    }
    fn fail_detail(&mut self, text: String) {
        self.detail_mut().error = Some(text);
    }
    fn detail_behind(&self) -> bool {
        let current = self.list().current().map(|r| r.row_id());
        self.detail().open && self.detail().for_id != current
    }
    fn current_detail_request(&self) -> Option<Job> {
        if !self.detail().open {
            return None;
        }
        self.list().current().and_then(|r| self.detail_request(r))
    }
    fn detail_view(&self, ctx: &Ctx) -> DetailView {
        let d = self.detail();
        // Nothing listed (a filter without a match): nothing to wait for either.
        if self.list().rows.is_empty() && self.list().state != PaneState::Loading {
            return DetailView {
                title: ctx.t("detail.nothing_title"),
                lines: vec![DetailLine::Text(ctx.t("detail.no_selection"))],
                scroll: 0,
            };
        }
        // The row the detail was open on left the list (a write or a refresh moved it out of
        // the filter): the cursor is on nothing, and the detail says so rather than wait.
        if self.list().gone.is_some() && self.list().state != PaneState::Loading {
            return DetailView {
                title: ctx.t("detail.nothing_title"),
                lines: vec![DetailLine::Text(ctx.t("detail.gone"))],
                scroll: 0,
            };
        }
        let lines = match (&d.error, self.detail_lines(ctx)) {
            (Some(e), _) => vec![DetailLine::Styled(
                ctx.t("detail.error"),
                e.clone(),
                detail::Tone::Danger,
            )],
            (None, lines) if lines.is_empty() => vec![DetailLine::Text(ctx.t("detail.loading"))],
            (None, lines) => lines,
        };
        DetailView {
            title: self.detail_title(ctx),
            lines,
            scroll: d.scroll,
        }
    }

    fn filter_text(&self) -> &str {
        ListScreen::filter_text(self)
    }
    fn set_filter(&mut self, raw: &str, parsed: &ParsedFilter, ctx: &Ctx) {
        ListScreen::set_filter(self, raw, parsed, ctx)
    }
    fn cycle_sort(&mut self, back: bool) {
        ListScreen::cycle_sort(self, back)
    }
    fn sort_label(&self, ctx: &Ctx) -> String {
        ListScreen::sort_label(self, ctx)
    }
    fn sort_word(&self, ctx: &Ctx) -> String {
        ListScreen::sort_word(self, ctx)
    }

    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        ListScreen::actions(self, ctx)
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        ListScreen::act(self, action, ctx)
    }
    fn needs(&self, action: Action) -> Option<Permission> {
        ListScreen::needs(self, action)
    }
    fn declared(&self) -> &'static [Declared] {
        S::ACTIONS
    }
    fn action_label(&self, action: Action, ctx: &Ctx) -> Option<String> {
        ListScreen::action_label(self, action, ctx)
    }
    fn open(&mut self, ctx: &Ctx) -> Option<Vec<Effect>> {
        ListScreen::open(self, ctx)
    }
    fn watches(&self, auditable_type: &str) -> bool {
        ListScreen::watches(self, auditable_type)
    }
    fn command(&mut self, name: &str, rest: &str, ctx: &Ctx) -> Option<Vec<Effect>> {
        ListScreen::command(self, name, rest, ctx)
    }

    fn draw_list(&self, f: &mut Frame, area: Rect, look: TableLook<'_>, ctx: &Ctx) {
        if self.draw_custom(f, area, ctx) {
            return;
        }
        // Charts above the table, when the screen has some and the terminal room for them.
        let chart = self.chart_height(area);
        let area = if chart > 0 {
            let [top, rest] = ratatui::layout::Layout::vertical([
                ratatui::layout::Constraint::Length(chart),
                ratatui::layout::Constraint::Fill(1),
            ])
            .areas(area);
            self.draw_chart(f, top, ctx);
            rest
        } else {
            area
        };
        let columns = self.columns(ctx);
        virtual_table::draw(
            f,
            area,
            self.list(),
            &columns,
            |row| self.cells(row, ctx),
            TableLook {
                empty: self.empty_text(ctx),
                ..look
            },
        );
    }
    fn preview_height(&self, area: Rect, ctx: &Ctx) -> u16 {
        ListScreen::preview_height(self, area, ctx)
    }
    fn draw_preview(&mut self, f: &mut Frame, area: Rect, ctx: &Ctx) {
        ListScreen::draw_preview(self, f, area, ctx)
    }
    fn column_titles(&self, ctx: &Ctx) -> Vec<String> {
        self.columns(ctx).into_iter().map(|c| c.title).collect()
    }
    fn export_header(&self) -> Vec<&'static str> {
        ListScreen::export_header(self)
    }
    fn export_page(&self, reply: Typed, ctx: &Ctx) -> Result<ExportPage, Typed> {
        let page = self.rows_of(reply)?;
        let lines = page
            .rows
            .iter()
            .map(|r| {
                let mut line: Vec<String> =
                    self.cells(r, ctx).into_iter().map(|c| c.text).collect();
                line.extend(self.export_values(r));
                line
            })
            .collect();
        let next = page
            .has_after
            .then(|| page.rows.last().map(|r| self.cursor(r)))
            .flatten();
        Ok(ExportPage { lines, next })
    }
}
