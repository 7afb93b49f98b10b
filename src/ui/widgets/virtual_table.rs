//! The virtual list: only a window of rows around the cursor is held (fetched by keyset pages
//! before and after it), and only the visible rows are drawn. Memory and drawing cost do not
//! depend on the table's size. Every cell is sanitised here, so no screen can forget.

use std::cell::Cell as StdCell;
use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

use crate::domain::{sanitize_line, truncate_to_width};
use crate::store::Page;
use crate::ui::theme::Theme;

/// Rows fetched per request.
pub const PAGE: u64 = 100;
/// Rows kept in memory at most (the window slides past this).
const MAX_LOADED: usize = 400;
/// Fetch more when the cursor comes this close to either end of the loaded window.
const MARGIN: usize = 30;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaneState {
    Loading,
    Ready,
    Failed(String),
}

/// Where the cursor lands when a page replaces the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    Top,
    Bottom,
    /// Keep the row with this id under the cursor if it is still there.
    Row(i64),
    /// Same, but stay scrolled to the top (new rows arriving above push the list down).
    RowFromTop(i64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    Replace(Keep),
    Append,
    Prepend,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Before,
    After,
}

pub trait Identified {
    fn row_id(&self) -> i64;
}

/// `Identified` for rows whose identity is their `id` column.
macro_rules! identified_by_id {
    ($($row:ty),+ $(,)?) => {$(
        impl $crate::ui::widgets::virtual_table::Identified for $row {
            fn row_id(&self) -> i64 {
                self.id
            }
        }
    )+};
}
pub(crate) use identified_by_id;

#[derive(Debug)]
pub struct ListView<R> {
    pub rows: Vec<R>,
    pub cursor: usize,
    pub offset: usize,
    pub has_before: bool,
    pub has_after: bool,
    pub state: PaneState,
    pub loaded_once: bool,
    pub selected: BTreeSet<i64>,
    /// The record the cursor was on when it left the list (acted on and no longer matching
    /// the filter, or changed by someone else): the cursor is on nothing, so no key acts on
    /// the row that took its place, until the person moves it.
    pub gone: Option<i64>,
    /// Visible rows at the last draw (the page size for PgUp/PgDn).
    viewport: StdCell<usize>,
}

impl<R> Default for ListView<R> {
    fn default() -> Self {
        ListView {
            rows: Vec::new(),
            cursor: 0,
            offset: 0,
            has_before: false,
            has_after: false,
            state: PaneState::Loading,
            loaded_once: false,
            selected: BTreeSet::new(),
            gone: None,
            viewport: StdCell::new(20),
        }
    }
}

impl<R: Identified> ListView<R> {
    pub fn current(&self) -> Option<&R> {
        if self.gone.is_some() {
            return None;
        }
        self.rows.get(self.cursor)
    }

    /// The record the cursor stands for: the current row, or the one that left the list.
    pub fn kept_id(&self) -> Option<i64> {
        self.gone.or_else(|| self.current().map(|r| r.row_id()))
    }

    pub fn viewport(&self) -> usize {
        self.viewport.get().max(1)
    }

    pub fn set_viewport(&self, rows: usize) {
        self.viewport.set(rows.max(1));
    }

    pub fn apply(&mut self, page: Page<R>, fill: Fill) {
        self.loaded_once = true;
        self.state = PaneState::Ready;
        match fill {
            Fill::Replace(keep) => {
                let previous_index = self.cursor;
                let previous_line = self.cursor.saturating_sub(self.offset);
                self.has_before = page.has_before;
                self.has_after = page.has_after;
                self.rows = page.rows;
                let (cursor, gone) = match keep {
                    Keep::Top => (0, None),
                    Keep::Bottom => (self.rows.len().saturating_sub(1), None),
                    Keep::Row(id) | Keep::RowFromTop(id) => {
                        match self.rows.iter().position(|r| r.row_id() == id) {
                            Some(at) => (at, None),
                            // Never another record in its place: the cursor is on nothing.
                            None => (previous_index, Some(id)),
                        }
                    }
                };
                self.cursor = cursor;
                self.gone = gone;
                // Keep the cursor on the same screen line so a live refresh does not jump.
                self.offset = match keep {
                    Keep::Top => 0,
                    Keep::Bottom => self.rows.len().saturating_sub(self.viewport()),
                    Keep::Row(_) => self.cursor.saturating_sub(previous_line),
                    Keep::RowFromTop(_) => 0,
                };
            }
            Fill::Append => {
                self.has_after = page.has_after;
                self.rows.extend(page.rows);
                if self.rows.len() > MAX_LOADED {
                    // Drop rows far above the screen, never the visible ones or the cursor's.
                    let cut = (self.rows.len() - MAX_LOADED).min(self.offset.min(self.cursor));
                    if cut > 0 {
                        self.rows.drain(..cut);
                        self.cursor -= cut;
                        self.offset -= cut;
                        self.has_before = true;
                    }
                    if self.rows.len() > MAX_LOADED {
                        self.rows.truncate(MAX_LOADED);
                        self.has_after = true;
                    }
                }
            }
            Fill::Prepend => {
                let added = page.rows.len();
                self.has_before = page.has_before;
                let mut rows = page.rows;
                rows.append(&mut self.rows);
                self.rows = rows;
                self.cursor += added;
                self.offset += added;
                if self.rows.len() > MAX_LOADED {
                    // Drop rows far below the screen, never the visible ones or the cursor's.
                    let keep = MAX_LOADED
                        .max(self.offset + self.viewport())
                        .max(self.cursor + 1);
                    if self.rows.len() > keep {
                        self.rows.truncate(keep);
                        self.has_after = true;
                    }
                }
            }
        }
        self.clamp();
    }

    fn clamp(&mut self) {
        if self.rows.is_empty() {
            self.cursor = 0;
            self.offset = 0;
            return;
        }
        self.cursor = self.cursor.min(self.rows.len() - 1);
        let vp = self.viewport();
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + vp {
            self.offset = self.cursor + 1 - vp;
        }
        self.offset = self.offset.min(self.rows.len().saturating_sub(1));
    }

    /// Moves the cursor within the loaded window.
    pub fn move_by(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        // From nothing, down lands on the row that took the gone one's place.
        let delta = if self.gone.take().is_some() && delta > 0 {
            delta - 1
        } else {
            delta
        };
        let target = (self.cursor as isize + delta).clamp(0, self.rows.len() as isize - 1);
        self.cursor = target as usize;
        self.clamp();
    }

    pub fn select_index(&mut self, index: usize) {
        if index < self.rows.len() {
            self.gone = None;
            self.cursor = index;
            self.clamp();
        }
    }

    /// Whether the cursor is close enough to an end of the window to fetch more.
    pub fn need(&self) -> Option<Need> {
        if self.rows.is_empty() {
            return None;
        }
        let margin = MARGIN.max(self.viewport());
        if self.has_after && self.cursor + margin >= self.rows.len() {
            return Some(Need::After);
        }
        if self.has_before && self.cursor < margin {
            return Some(Need::Before);
        }
        // Just landed on the real end (G): one page before it tells a short list's exact
        // size ("120/120", not "100/≥ 100"); a long one stays "≥".
        if self.has_before && !self.has_after && self.rows.len() as u64 <= PAGE {
            return Some(Need::Before);
        }
        None
    }

    pub fn toggle_selected(&mut self) {
        if let Some(id) = self.current().map(|r| r.row_id())
            && !self.selected.remove(&id)
        {
            self.selected.insert(id);
        }
    }

    /// Marks or unmarks the row under the cursor, keeping a copy of it in `kept` as it was when
    /// marked (a marked row that scrolls out of the window still counts).
    pub fn toggle_kept(&mut self, kept: &mut std::collections::BTreeMap<i64, R>)
    where
        R: Clone,
    {
        self.toggle_selected();
        if let Some(r) = self.current() {
            let id = r.row_id();
            if self.selected.contains(&id) {
                kept.insert(id, r.clone());
            } else {
                kept.remove(&id);
            }
        }
    }

    /// The marked rows as last read: from the window when loaded, else as kept when marked.
    pub fn marked<'a>(&'a self, kept: &'a std::collections::BTreeMap<i64, R>) -> Vec<&'a R> {
        self.selected
            .iter()
            .filter_map(|id| {
                self.rows
                    .iter()
                    .find(|r| r.row_id() == *id)
                    .or_else(|| kept.get(id))
            })
            .collect()
    }

    /// "12 / ≥ 300" style count that never needs COUNT(*).
    pub fn position_label(&self) -> String {
        if self.rows.is_empty() {
            return "0".into();
        }
        let more = if self.has_after || self.has_before {
            "≥ "
        } else {
            ""
        };
        if self.gone.is_some() {
            return format!("–/{}{}", more, self.rows.len());
        }
        format!("{}/{}{}", self.cursor + 1, more, self.rows.len())
    }
}

#[derive(Clone)]
pub struct Column {
    pub title: String,
    pub width: Constraint,
    pub right: bool,
    /// Dropped first (from the right) when the area is too narrow for every column.
    pub optional: bool,
}

impl Column {
    pub fn new(title: impl Into<String>, width: Constraint) -> Column {
        Column {
            title: title.into(),
            width,
            right: false,
            optional: false,
        }
    }
    pub fn optional(mut self) -> Column {
        self.optional = true;
        self
    }
    pub fn right(mut self) -> Column {
        self.right = true;
        self
    }
}

/// One cell: its text (sanitised when drawn) and an optional style.
pub struct Cell {
    pub text: String,
    pub style: Option<Style>,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell { text, style: None }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell {
            text: text.to_owned(),
            style: None,
        }
    }
}

pub fn styled(text: impl Into<String>, style: Style) -> Cell {
    Cell {
        text: text.into(),
        style: Some(style),
    }
}

pub struct TableLook<'a> {
    pub title: String,
    pub theme: &'a Theme,
    pub focused: bool,
    /// The sentence shown when the list is empty ("No pending commission — filter: XOF").
    pub empty: String,
    /// What the title says when columns are left out ("{n}" is their number): for one
    /// column, then for several.
    pub hidden: (String, String),
}

/// Draws the visible part of `view`.
pub fn draw<R: Identified>(
    f: &mut Frame,
    area: Rect,
    view: &ListView<R>,
    columns: &[Column],
    cells: impl Fn(&R) -> Vec<Cell>,
    look: TableLook<'_>,
) {
    let theme = look.theme;
    let border = if look.focused {
        theme.accent
    } else {
        theme.border
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Span::styled(sanitize_line(&look.title), theme.header));
    let inner_height = area.height.saturating_sub(3) as usize; // borders + header
    view.set_viewport(inner_height);
    if let PaneState::Failed(e) = &view.state
        && view.rows.is_empty()
    {
        let text = vec![Line::styled(sanitize_line(e), theme.danger)];
        f.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).block(block),
            area,
        );
        return;
    }
    if view.rows.is_empty() {
        // The empty text quotes the filter as typed.
        let msg = if view.loaded_once {
            sanitize_line(&look.empty)
        } else {
            String::new()
        };
        f.render_widget(
            Paragraph::new(Line::styled(msg, theme.muted))
                .wrap(Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    }
    let start = view.offset.min(view.rows.len());
    let end = (start + inner_height).min(view.rows.len());
    let visible: Vec<(usize, bool, Vec<Cell>)> = view.rows[start..end]
        .iter()
        .enumerate()
        .map(|(i, r)| (start + i, view.selected.contains(&r.row_id()), cells(r)))
        .collect();
    // Marked rows carry a ✓ of their own (not only a colour, which NO_COLOR has not).
    let mark = !view.selected.is_empty();
    let mut columns: Vec<Column> = columns.to_vec();
    if mark {
        columns.insert(0, Column::new("", Constraint::Length(1)));
    }
    // Fixed columns grow to their widest visible value: an amount never loses digits.
    for (i, c) in columns.iter_mut().enumerate() {
        if let Constraint::Length(n) = c.width {
            let widest = visible
                .iter()
                .filter_map(|(_, _, cells)| cells.get(i.wrapping_sub(usize::from(mark))))
                .map(|cell| text_width(&sanitize_line(&cell.text)))
                .chain([text_width(&c.title)])
                .max()
                .unwrap_or(0);
            c.width = Constraint::Length(n.max(widest as u16));
        }
    }
    // Narrow areas: drop optional columns, rightmost first, until fixed widths leave room.
    let mut keep: Vec<bool> = vec![true; columns.len()];
    let need = |keep: &[bool]| -> u16 {
        columns
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| match c.width {
                Constraint::Length(n) => n + 1,
                Constraint::Min(n) => n + 1,
                _ => 13,
            })
            .sum()
    };
    for i in (0..columns.len()).rev() {
        if need(&keep) <= area.width.saturating_sub(2) {
            break;
        }
        if columns[i].optional {
            keep[i] = false;
        }
    }
    let shown: Vec<&Column> = columns
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(c, _)| c)
        .collect();
    let widths: Vec<Constraint> = shown.iter().map(|c| c.width).collect();
    // Columns left out for want of room are said in the title, never dropped silently.
    let hidden = keep.iter().filter(|k| !**k).count();
    let block = if hidden > 0 && !look.hidden.1.is_empty() {
        let form = if hidden == 1 {
            &look.hidden.0
        } else {
            &look.hidden.1
        };
        let note = form.replace("{n}", &hidden.to_string());
        block.title(Span::styled(
            format!(" {} ", sanitize_line(&note)),
            theme.muted,
        ))
    } else {
        block
    };
    // The widths the table will give each column: what does not fit ends with '…'.
    let inner = block.inner(area);
    let spans = Layout::horizontal(widths.clone())
        .flex(Flex::Legacy)
        .spacing(1)
        .split(Rect { height: 1, ..inner });
    let fit = |text: &str, col: usize| {
        let width = spans.get(col).map_or(0, |r| r.width as usize);
        truncate_to_width(&sanitize_line(text), width)
    };
    let aligned = |text: String, c: &Column| {
        if c.right {
            Line::from(text).right_aligned()
        } else {
            Line::from(text)
        }
    };
    let header = Row::new(
        shown
            .iter()
            .enumerate()
            .map(|(i, c)| ratatui::widgets::Cell::from(aligned(fit(&c.title, i), c))),
    )
    .style(theme.header);
    let rows = visible.into_iter().map(|(index, marked, cells)| {
        let mut cells: Vec<Cell> = cells;
        if mark {
            cells.insert(0, if marked { "✓" } else { "" }.into());
        }
        let cells = cells
            .into_iter()
            .zip(&columns)
            .zip(&keep)
            .filter(|(_, k)| **k)
            .enumerate()
            .map(|(i, ((c, col), _))| {
                let cell = ratatui::widgets::Cell::from(aligned(fit(&c.text, i), col));
                match c.style {
                    Some(s) => cell.style(s),
                    None => cell,
                }
            });
        let mut row = Row::new(cells);
        if marked {
            row = row.style(theme.warning);
        }
        if index == view.cursor && view.gone.is_none() {
            row = row.style(theme.selection);
        }
        row
    });
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .flex(Flex::Legacy)
        .column_spacing(1);
    f.render_widget(table, area);
}

fn text_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

#[cfg(test)]
mod tests;
