//! What the list screens would otherwise each write alike, written once: the accessors of
//! their `list` / `detail` / `filter_raw` fields, the job reading a window of a filtered list,
//! the job loading a row's detail, the orders a sorted list cycles through, and a few blocks
//! their detail panes and footers share.

use ratatui::layout::Constraint;

use crate::office::format;
use crate::service::ServiceError;
use crate::store::escrows::EscrowRow;
use crate::ui::action::{Action, Verb};
use crate::ui::widgets::detail::DetailLine;
use crate::ui::widgets::virtual_table::Column;

use super::{Ctx, ListScreen};

/// The accessors every screen implements the same way: its tab, row and detail types, its
/// `list` and `detail` fields, and the filter as typed (`filter_raw`).
macro_rules! screen_fields {
    ($tab:expr, $row:ty, $detail:ty) => {
        type Row = $row;
        type Detail = $detail;

        fn id(&self) -> $crate::ui::screens::TabId {
            $tab
        }
        fn list(&self) -> &$crate::ui::widgets::virtual_table::ListView<$row> {
            &self.list
        }
        fn list_mut(&mut self) -> &mut $crate::ui::widgets::virtual_table::ListView<$row> {
            &mut self.list
        }
        fn detail(&self) -> &$crate::ui::screens::DetailState<$detail> {
            &self.detail
        }
        fn detail_mut(&mut self) -> &mut $crate::ui::screens::DetailState<$detail> {
            &mut self.detail
        }
        fn filter_text(&self) -> &str {
            &self.filter_raw
        }
    };
}
pub(crate) use screen_fields;

/// `request` for a list read by a store function of the usual shape, `$page(conn, &filter,
/// &anchor, limit)`, with the screen's `filter`; with `sorted`, `$page(conn, &filter, sort,
/// &anchor, limit)` with its `sort` too.
macro_rules! list_request {
    ($page:path) => {
        fn request(&self, anchor: $crate::store::Anchor, limit: u64) -> $crate::ui::data::Job {
            let filter = self.filter.clone();
            $crate::ui::data::Job::new(move |mut db, _| async move {
                let page = $page(&mut db, &filter, &anchor, limit);
                Ok::<_, $crate::service::ServiceError>(page.await?)
            })
        }
    };
    ($page:path, sorted) => {
        fn request(&self, anchor: $crate::store::Anchor, limit: u64) -> $crate::ui::data::Job {
            let (filter, sort) = (self.filter.clone(), self.sort);
            $crate::ui::data::Job::new(move |mut db, _| async move {
                let page = $page(&mut db, &filter, sort, &anchor, limit);
                Ok::<_, $crate::service::ServiceError>(page.await?)
            })
        }
    };
}
pub(crate) use list_request;

/// `detail_request` for a detail read by `$read(conn, row id, $arg…)`: the job answers
/// `(row id, detail)`.
macro_rules! detail_request {
    ($read:path $(, $arg:expr)*) => {
        fn detail_request(&self, row: &Self::Row) -> Option<$crate::ui::data::Job> {
            let id = row.id;
            Some($crate::ui::data::Job::new(move |mut db, _| async move {
                let detail = $read(&mut db, id $(, $arg)*);
                Ok::<_, $crate::service::ServiceError>((id, detail.await?))
            }))
        }
    };
}
pub(crate) use detail_request;

/// A list sorted by its `sort` field: the orders `s` cycles through, in turn, each with the
/// key of its name; a window starts at the sort's cursor.
macro_rules! sorted_by {
    ($($sort:path => $label:literal),+ $(,)?) => {
        fn cycle_sort(&mut self, back: bool) {
            self.sort = $crate::ui::screens::cycle(&[$($sort),+], self.sort, back);
        }
        fn sort_label(&self, ctx: &$crate::ui::screens::Ctx) -> String {
            ctx.t(match self.sort {
                $($sort => $label,)+
            })
        }
        fn cursor(&self, row: &Self::Row) -> $crate::store::Cursor {
            self.sort.cursor(row)
        }
    };
}
pub(crate) use sorted_by;

/// The record `what` #`id` as read, or that there is none.
pub fn found<T>(read: Option<T>, what: &'static str, id: i64) -> Result<T, ServiceError> {
    read.ok_or(ServiceError::NotFound {
        what,
        key: id.to_string(),
    })
}

/// The actions among `verbs` offered now: those whose permission the actor holds, and that
/// the current row, if any, allows.
pub fn permitted<S: ListScreen>(
    screen: &S,
    verbs: &[Verb],
    ctx: &Ctx,
    allows: impl Fn(Action, &S::Row) -> bool,
) -> Vec<Action> {
    let row = screen.list().current();
    verbs
        .iter()
        .map(|v| Action::Screen(*v))
        .filter(|a| screen.needs(*a).is_some_and(|p| ctx.may(p)))
        // An action on a row is offered only where there is a row for it to act on.
        .filter(|a| row.is_some_and(|r| allows(*a, r)))
        .collect()
}

/// The escrow of a money record, in its detail: a section naming it, its status, with
/// `parties` its project and both parties, then its figures.
pub fn escrow_lines(e: &EscrowRow, parties: bool, ctx: &Ctx, out: &mut Vec<DetailLine>) {
    let (l, m) = (ctx.locale, |v: i64| {
        format::money(v, &e.currency, ctx.locale)
    });
    out.push(DetailLine::Section(
        ctx.ta("ledger_view.escrow", &[("id", &e.id.to_string())]),
    ));
    out.push(DetailLine::Field(
        ctx.t("col.status"),
        format::status("escrow", &e.status, l),
    ));
    if parties {
        out.extend(super::project_lines(
            ctx,
            (e.project_id, &e.project_title, &e.project_status),
            &e.client_name,
            e.developer_name.as_deref(),
        ));
    }
    out.extend(fields(
        ctx,
        [
            ("escrow_view.held", m(e.amount_held)),
            ("escrow_view.released", m(e.amount_released)),
            ("escrow_view.refunded", m(e.amount_refunded)),
            ("escrow_view.remaining", m(e.amounts().remaining())),
        ],
    ));
}

/// Key–value lines of a detail pane, each named by the key of its label.
pub fn fields<const N: usize>(ctx: &Ctx, pairs: [(&str, String); N]) -> [DetailLine; N] {
    pairs.map(|(key, value)| DetailLine::Field(ctx.t(key), value))
}

/// The columns of a list of money movements: each row's number and when it was made, then
/// `rest`.
pub fn dated_columns(ctx: &Ctx, rest: impl IntoIterator<Item = Column>) -> Vec<Column> {
    let mut out = vec![
        Column::new("#", Constraint::Length(4)).right(),
        Column::new(ctx.t("col.when"), Constraint::Length(11))
            .right()
            .optional(),
    ];
    out.extend(rest);
    out
}
