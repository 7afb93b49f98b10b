//! Keyset pagination both ways. A list window is fetched relative to a cursor (the sort key and
//! id of a row), never by OFFSET, so the first, any middle and the real last page each cost one
//! indexed query whatever the table size.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Order, SelectStatement, Value};

#[derive(Clone, Debug, PartialEq)]
pub enum SortValue {
    Int(i64),
    Text(String),
    Time(DateTime<Utc>),
}

impl From<SortValue> for Value {
    fn from(v: SortValue) -> Value {
        match v {
            SortValue::Int(i) => i.into(),
            SortValue::Text(s) => s.into(),
            SortValue::Time(t) => t.into(),
        }
    }
}

/// Where a row sits in a sorted list: its sort key (None when the list sorts by id) and id.
#[derive(Clone, Debug, PartialEq)]
pub struct Cursor {
    pub key: Option<SortValue>,
    pub id: i64,
}

impl Cursor {
    pub fn id(id: i64) -> Cursor {
        Cursor { key: None, id }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SortDir {
    Asc,
    #[default]
    Desc,
}

impl SortDir {
    pub fn reversed(self) -> SortDir {
        match self {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    }
    fn order(self) -> Order {
        match self {
            SortDir::Asc => Order::Asc,
            SortDir::Desc => Order::Desc,
        }
    }
}

/// Which window of a list to fetch.
#[derive(Clone, Debug, PartialEq)]
pub enum Anchor {
    /// The real first rows.
    First,
    /// The real last rows (one query, no scan from the start).
    Last,
    /// Rows strictly after the cursor.
    After(Cursor),
    /// Rows strictly before the cursor.
    Before(Cursor),
    /// Rows from the cursor on (to refresh a window in place).
    From(Cursor),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// There are rows before the first one returned.
    pub has_before: bool,
    /// There are rows after the last one returned.
    pub has_after: bool,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            has_before: self.has_before,
            has_after: self.has_after,
        }
    }
}

/// The sort of a list: an indexed key column (or none: by id alone), the id column, a direction.
pub struct Keyset {
    pub key: Option<Expr>,
    pub id: Expr,
    pub dir: SortDir,
    /// Compare `(key, id)` as one row value: an index range on `(key, id)` even when the key
    /// has few values (the OR form makes the planner filter every row before the cursor).
    pub row_value: bool,
}

impl Keyset {
    /// By the id alone.
    pub fn by_id(id: Expr, dir: SortDir) -> Keyset {
        Keyset {
            key: None,
            id,
            dir,
            row_value: false,
        }
    }

    /// By an indexed key column, then the id.
    pub fn by(key: Expr, id: Expr, dir: SortDir) -> Keyset {
        Keyset {
            key: Some(key),
            id,
            dir,
            row_value: false,
        }
    }

    /// [`Keyset::by`] comparing `(key, id)` as a row value, for a key of few values over an
    /// index on `(key, id)`.
    pub fn by_row(key: Expr, id: Expr, dir: SortDir) -> Keyset {
        Keyset {
            row_value: true,
            ..Keyset::by(key, id, dir)
        }
    }

    /// Adds the cursor condition, ORDER BY and LIMIT (one extra row tells whether more follow).
    pub fn apply(&self, q: &mut SelectStatement, anchor: &Anchor, limit: u64) {
        let (dir, cond) = match anchor {
            Anchor::First => (self.dir, None),
            Anchor::Last => (self.dir.reversed(), None),
            Anchor::After(c) => (self.dir, Some(self.beyond(c, self.dir, false))),
            Anchor::From(c) => (self.dir, Some(self.beyond(c, self.dir, true))),
            Anchor::Before(c) => (
                self.dir.reversed(),
                Some(self.beyond(c, self.dir.reversed(), false)),
            ),
        };
        if let Some(cond) = cond {
            q.and_where(cond);
        }
        if let Some(key) = &self.key {
            q.order_by_expr(key.clone(), dir.order());
        }
        q.order_by_expr(self.id.clone(), dir.order());
        q.limit(limit + 1);
    }

    /// Rows past `c` in direction `dir` (inclusive of `c` itself when `inclusive`).
    fn beyond(&self, c: &Cursor, dir: SortDir, inclusive: bool) -> Expr {
        let id_cmp = |e: Expr| match (dir, inclusive) {
            (SortDir::Asc, false) => e.gt(c.id),
            (SortDir::Asc, true) => e.gte(c.id),
            (SortDir::Desc, false) => e.lt(c.id),
            (SortDir::Desc, true) => e.lte(c.id),
        };
        match (&self.key, &c.key) {
            (Some(key), Some(v)) if self.row_value => {
                let ours = Expr::tuple([key.clone(), self.id.clone()]);
                let theirs = Expr::tuple([Expr::val(v.clone()), Expr::val(c.id)]);
                match (dir, inclusive) {
                    (SortDir::Asc, false) => ours.gt(theirs),
                    (SortDir::Asc, true) => ours.gte(theirs),
                    (SortDir::Desc, false) => ours.lt(theirs),
                    (SortDir::Desc, true) => ours.lte(theirs),
                }
            }
            (Some(key), Some(v)) => {
                let v: Value = v.clone().into();
                let strictly = match dir {
                    SortDir::Asc => key.clone().gt(v.clone()),
                    SortDir::Desc => key.clone().lt(v.clone()),
                };
                strictly.or(key.clone().eq(v).and(id_cmp(self.id.clone())))
            }
            _ => id_cmp(self.id.clone()),
        }
    }
}

/// Turns the fetched rows (limit + 1 at most, in query order) into a page in display order.
pub fn finish<T>(mut rows: Vec<T>, anchor: &Anchor, limit: u64) -> Page<T> {
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    match anchor {
        Anchor::First => Page {
            rows,
            has_before: false,
            has_after: more,
        },
        Anchor::After(_) | Anchor::From(_) => Page {
            rows,
            has_before: true,
            has_after: more,
        },
        Anchor::Last => {
            rows.reverse();
            Page {
                rows,
                has_before: more,
                has_after: false,
            }
        }
        Anchor::Before(_) => {
            rows.reverse();
            Page {
                rows,
                has_before: more,
                has_after: true,
            }
        }
    }
}

/// A case-insensitive "contains" pattern for LIKE, with the wildcards in `text` escaped.
pub fn contains_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for ch in text.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}
