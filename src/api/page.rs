//! Keyset pages over HTTP: `?limit=` (1 to 100, default `api.default_page`) and `?cursor=`, a
//! string a page's `next_cursor` gave (empty or left out: the first page). Bodies are
//! `{data, next_cursor}`; `next_cursor` is null on the last page.
//!
//! What is read here is what the OpenAPI document's parameters say, to the character, so
//! that the contract and the answers agree for every request: a value their schemas refuse is
//! a 400, and every value they accept is read. A cursor is its list's prefix (`pr_`, `cm_`,
//! `es_`, `tk_`) and twelve URL-safe base64 characters, nine bytes: the id of the last row
//! served. Any such string is a place in its list (past every row, before the first, or
//! between two), so a cursor the document accepts is never refused; another list's cursor
//! does not match the list's pattern and is a 400.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use super::problem::Problem;

/// The most rows one page holds.
pub const MAX_LIMIT: u64 = 100;

/// Each list's cursor prefix (the OpenAPI document's cursor patterns say the same:
/// tests/api_params.rs compares them).
pub const CURSOR_PREFIXES: [(&str, &str); 4] = [
    ("projects", "pr_"),
    ("commissions", "cm_"),
    ("escrows", "es_"),
    ("tickets", "tk_"),
];
/// Base64 characters after the prefix: nine bytes, a whole number of characters.
const CURSOR_CHARS: usize = 12;

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

fn prefix(list: &str) -> &'static str {
    CURSOR_PREFIXES
        .iter()
        .find(|(l, _)| *l == list)
        .map(|(_, p)| *p)
        .unwrap_or_else(|| panic!("no cursor prefix for the list {list}"))
}

/// The cursor after the row `id` of list `list`. Opaque to partners; its prefix names the
/// list, so a cursor from one is refused by another.
pub fn encode(list: &str, id: i64) -> String {
    let mut bytes = [0u8; 9];
    bytes[1..].copy_from_slice(&id.max(0).to_be_bytes());
    format!("{}{}", prefix(list), URL_SAFE_NO_PAD.encode(bytes))
}

/// The id a cursor of list `list` stands after: any twelve URL-safe base64 characters after
/// the prefix read as a number, beyond the largest id read as the largest (the first page).
fn decode(list: &str, cursor: &str) -> Option<i64> {
    let rest = cursor.strip_prefix(prefix(list))?;
    let alphabet = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    if rest.len() != CURSOR_CHARS || !rest.bytes().all(alphabet) {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(rest).ok()?;
    let n = bytes.iter().fold(0u128, |n, b| (n << 8) | u128::from(*b));
    Some(i64::try_from(n).unwrap_or(i64::MAX))
}

/// `limit` as the contract's integer: digits only (no sign, no spaces), from 1 to 100.
fn limit(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u64>()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
}

/// Reads `limit` and `cursor` for list `list`; a value out of bounds is a 400, never clamped
/// (a partner asking for 500 rows should learn that pages hold 100). An empty cursor is the
/// first page, as a missing one is: a client that always sends `cursor=` with what the last
/// page gave, null written as nothing, walks the list.
pub fn params(
    list: &str,
    query: &HashMap<String, String>,
    default_limit: u64,
) -> Result<PageParams, Problem> {
    let limit = match query.get("limit") {
        None => default_limit,
        Some(text) => limit(text).ok_or_else(|| {
            Problem::bad_request(format!(
                "limit is a whole number from 1 to {MAX_LIMIT}; got \"{}\"",
                text.chars().take(20).collect::<String>()
            ))
        })?,
    };
    let after = match query.get("cursor").map(String::as_str) {
        None | Some("") => None,
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
        assert!(c.starts_with("pr_") && c.len() == 15, "{c}");
        assert_eq!(decode("projects", &c), Some(1234));
        assert_eq!(decode("tickets", &c), None);
        assert_eq!(decode("projects", "not a cursor"), None);
        assert_eq!(decode("projects", &format!(" {c}")), None);
        assert_eq!(decode("projects", &format!("{c}A")), None);
        assert_eq!(
            decode("commissions", &encode("commissions", i64::MAX)),
            Some(i64::MAX)
        );
        assert_eq!(
            params("projects", &q(&[("cursor", &c), ("limit", "100")]), 50),
            Ok(PageParams {
                after: Some(1234),
                limit: 100
            })
        );
    }

    #[test]
    fn every_cursor_of_the_documented_form_is_a_place_in_its_list() {
        // Twelve characters of the alphabet are nine bytes: always a number.
        for rest in [
            "AAAAAAAAAAAA",
            "____________",
            "------------",
            "zZ09_-aAbBcC",
        ] {
            let id = decode("escrows", &format!("es_{rest}")).unwrap();
            assert!(id >= 0, "{rest}");
        }
        assert_eq!(
            decode("escrows", &format!("es_{}", "_".repeat(12))),
            Some(i64::MAX)
        );
        assert_eq!(decode("escrows", "es_AAAAAAAAAAAA"), Some(0));
        for bad in [
            "es_AAAAAAAAAAA",
            "es_AAAAAAAAAAA=",
            "es_AAAAAAAAAAA+",
            "es_AAAAAAAAAAAé",
        ] {
            assert_eq!(decode("escrows", bad), None, "{bad}");
        }
    }

    #[test]
    fn limits_are_one_to_a_hundred() {
        assert_eq!(params("p", &q(&[]), 50).unwrap().limit, 50);
        assert_eq!(params("p", &q(&[("limit", "1")]), 50).unwrap().limit, 1);
        assert_eq!(params("p", &q(&[("limit", "007")]), 50).unwrap().limit, 7);
        for bad in [
            "0",
            "101",
            "-1",
            "ten",
            "",
            "+5",
            " 5",
            "5 ",
            "1.0",
            "99999999999999999999",
        ] {
            let e = params("p", &q(&[("limit", bad)]), 50).unwrap_err();
            assert_eq!(e.status.as_u16(), 400, "{bad}");
        }
    }

    #[test]
    fn an_empty_cursor_is_the_first_page() {
        let p = params("projects", &q(&[("cursor", "")]), 50).unwrap();
        assert_eq!(p.after, None);
        for bad in [" ", "%20", "cHJvamVjdHM6MQ", "tk_AAAAAAAAAAAA"] {
            let e = params("projects", &q(&[("cursor", bad)]), 50).unwrap_err();
            assert_eq!(e.status.as_u16(), 400, "{bad:?}");
        }
    }

    /// The contract says each list's cursor form as this module reads it.
    #[test]
    fn the_openapi_document_gives_each_list_its_cursor_form() {
        let doc: serde_json::Value = serde_json::from_str(super::super::routes::OPENAPI).unwrap();
        for (list, prefix) in CURSOR_PREFIXES {
            let op = &doc["paths"][format!("/api/v1/{list}")]["get"];
            let cursor = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    let r = p["$ref"].as_str().unwrap().trim_start_matches("#/");
                    doc.pointer(&format!("/{r}")).unwrap()
                })
                .find(|p| p["name"] == "cursor")
                .unwrap();
            let want = format!("^({prefix}[A-Za-z0-9_-]{{{CURSOR_CHARS}}})?$");
            assert_eq!(cursor["schema"]["pattern"], want.as_str(), "{list}");
            let page = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .unwrap()
                .trim_start_matches("#/");
            let next = &doc.pointer(&format!("/{page}")).unwrap()["properties"]["next_cursor"];
            let re = regex::Regex::new(next["pattern"].as_str().unwrap()).unwrap();
            for id in [1, 42, i64::MAX] {
                assert!(re.is_match(&encode(list, id)), "{list} {id}");
            }
        }
    }
}
