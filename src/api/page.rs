//! Keyset pages over HTTP: `?limit=` (1 to 100, default `api.default_page`) and `?cursor=`, an
//! opaque string a page's `next_cursor` gave. Bodies are `{data, next_cursor}`; `next_cursor`
//! is null on the last page.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use super::problem::Problem;

/// The most rows one page holds.
pub const MAX_LIMIT: u64 = 100;

/// Where a page starts and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageParams {
    /// The id of the last row of the previous page (None: the first page).
    pub after: Option<i64>,
    pub limit: u64,
}

#[derive(Serialize)]
pub struct PageBody<T: Serialize> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

/// `{"data": …}`: one resource, wrapped as the lists are.
#[derive(Serialize)]
pub struct One<T: Serialize> {
    pub data: T,
}

/// The cursor after the row `id` of list `list`. Opaque to partners: it names the list so a
/// cursor from one is refused by another.
pub fn encode(list: &str, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{list}:{id}"))
}

fn decode(list: &str, cursor: &str) -> Option<i64> {
    let raw = URL_SAFE_NO_PAD.decode(cursor.trim()).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (name, id) = text.split_once(':')?;
    let id: i64 = id.parse().ok()?;
    (name == list && id > 0).then_some(id)
}

/// Reads `limit` and `cursor` for list `list`; a value out of bounds is a 400, never clamped
/// (a partner asking for 500 rows should learn that pages hold 100).
pub fn params(
    list: &str,
    query: &HashMap<String, String>,
    default_limit: u64,
) -> Result<PageParams, Problem> {
    let limit = match query.get("limit") {
        None => default_limit,
        Some(text) => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                Problem::bad_request(format!(
                    "limit is a whole number from 1 to {MAX_LIMIT}; got \"{}\"",
                    text.chars().take(20).collect::<String>()
                ))
            })?,
    };
    let after = match query.get("cursor") {
        None => None,
        Some(c) => Some(decode(list, c).ok_or_else(|| {
            Problem::bad_request(
                "cursor is not one this list gave; start again from the first page without it",
            )
        })?),
    };
    Ok(PageParams { after, limit })
}

/// A page's body: its rows and, when more follow, the cursor after the last one.
pub fn body<R, T: Serialize>(
    list: &str,
    rows: Vec<R>,
    more: bool,
    id: impl Fn(&R) -> i64,
    shape: impl Fn(R) -> T,
) -> PageBody<T> {
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|last| encode(list, id(last)));
    PageBody {
        data: rows.into_iter().map(shape).collect(),
        next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn cursors_round_trip_and_belong_to_their_list() {
        let c = encode("projects", 1234);
        assert_eq!(decode("projects", &c), Some(1234));
        assert_eq!(decode("tickets", &c), None);
        assert_eq!(decode("projects", "not a cursor"), None);
        assert_eq!(decode("projects", &encode("projects", 0)), None);
        assert_eq!(
            params("projects", &q(&[("cursor", &c), ("limit", "100")]), 50),
            Ok(PageParams {
                after: Some(1234),
                limit: 100
            })
        );
    }

    #[test]
    fn limits_are_one_to_a_hundred() {
        assert_eq!(params("p", &q(&[]), 50).unwrap().limit, 50);
        assert_eq!(params("p", &q(&[("limit", "1")]), 50).unwrap().limit, 1);
        for bad in ["0", "101", "-1", "ten", ""] {
            let e = params("p", &q(&[("limit", bad)]), 50).unwrap_err();
            assert_eq!(e.status.as_u16(), 400, "{bad}");
        }
    }
}
