//! Arguments that name things, checked by clap so that a value it cannot take is a usage error
//! (exit 2) before anything is read: the values of the schema's enumerations (`--status`,
//! roles, availability), commission ids (`12`, or `X-12` for an external commission: the two
//! tables number their rows independently) and ticket references (`TCK-2026-000033`, or the
//! ticket's number `33`) and the seed's anchor (a day or an instant).

use chrono::{DateTime, NaiveDate, NaiveTime, SubsecRound, Utc};
use clap::builder::{PossibleValuesParser, TypedValueParser};

use crate::domain::{Availability, ProjectStatus, Role, TicketStatus};
use crate::service::commissions::Kind;

/// A `string_enum!` of the domain, offered to clap by its stored names.
pub trait Named: Copy + Send + Sync + 'static {
    fn every() -> &'static [Self];
    fn name(self) -> &'static str;
}

macro_rules! named {
    ($($t:ty),+) => {$(
        impl Named for $t {
            fn every() -> &'static [Self] {
                <$t>::ALL
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
        }
    )+};
}

named!(TicketStatus, ProjectStatus, Role, Availability);

fn named_parser<T: Named>(keep: fn(T) -> bool) -> impl TypedValueParser<Value = T> {
    let names: Vec<&'static str> = T::every()
        .iter()
        .copied()
        .filter(|v| keep(*v))
        .map(T::name)
        .collect();
    PossibleValuesParser::new(names).map(|s: String| {
        // The parser only lets through the names it offers.
        T::every()
            .iter()
            .copied()
            .find(|v| v.name() == s)
            .unwrap_or(T::every()[0])
    })
}

/// Any value of `T`, by its stored name (`on_hold`, `in_progress`, `super-admin`…).
pub fn one_of<T: Named>() -> impl TypedValueParser<Value = T> {
    named_parser::<T>(|_| true)
}

/// A staff role (the back-office's roles; `client` and `developer` are platform roles).
pub fn staff_role() -> impl TypedValueParser<Value = Role> {
    named_parser::<Role>(Role::is_staff)
}

/// The "now" of a generated history: an RFC 3339 instant (`2026-11-23T07:07:00Z`), or a day
/// (`2026-11-23`), which means 09:00 UTC that day. Whole seconds.
pub fn anchor(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc).trunc_subsecs(0));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|day| {
            day.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default())
                .and_utc()
        })
        .map_err(|_| format!("{text}: expected YYYY-MM-DD or an RFC 3339 time"))
}

/// Which commission: platform ones are named by their number (`12`), external ones by `X-`
/// and theirs (`X-12`), as `obryl commission list [--external]` prints them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommissionId {
    pub kind: Kind,
    pub id: i64,
}

impl CommissionId {
    /// `--external` names an external commission by its bare number too.
    pub fn or_external(self, external: bool) -> CommissionId {
        if external {
            CommissionId {
                kind: Kind::External,
                ..self
            }
        } else {
            self
        }
    }

    /// How lists, messages and `ref` in JSON name it.
    pub fn text(self) -> String {
        commission_ref(self.kind, self.id)
    }
}

/// `12` for a platform commission, `X-12` for an external one.
pub fn commission_ref(kind: Kind, id: i64) -> String {
    match kind {
        Kind::Platform => id.to_string(),
        Kind::External => format!("X-{id}"),
    }
}

impl std::str::FromStr for CommissionId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let s = s.strip_prefix('#').unwrap_or(s);
        let (kind, digits) = match s.strip_prefix("X-").or_else(|| s.strip_prefix("x-")) {
            Some(rest) => (Kind::External, rest),
            None => (Kind::Platform, s),
        };
        match digits.parse::<i64>() {
            Ok(id) if id > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(CommissionId { kind, id })
            }
            _ => Err(format!(
                "`{s}` is not a commission: use its number (12), or X- and the number for an \
                 external commission (X-12)"
            )),
        }
    }
}

/// Which ticket: its reference as lists print it (`TCK-2026-000033`, any case) or its number
/// (`33`, `#33`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TicketRef {
    Number(i64),
    Reference(String),
}

impl TicketRef {
    /// The words a "not found" names it by.
    pub fn text(&self) -> String {
        match self {
            TicketRef::Number(n) => n.to_string(),
            TicketRef::Reference(r) => r.clone(),
        }
    }
}

impl std::str::FromStr for TicketRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let bare = s.strip_prefix('#').unwrap_or(s);
        if bare.is_empty() {
            return Err("say which ticket: TCK-2026-000033 or its number, 33".into());
        }
        if bare.bytes().all(|b| b.is_ascii_digit()) {
            return bare
                .parse::<i64>()
                .map(TicketRef::Number)
                .map_err(|e| format!("`{s}`: {e}"));
        }
        Ok(TicketRef::Reference(s.to_uppercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_anchor_is_an_instant_or_a_day_at_nine() {
        let at = |s: &str| anchor(s).map(|t| t.to_rfc3339());
        assert_eq!(
            at("2026-11-23T07:07:00Z").as_deref(),
            Ok("2026-11-23T07:07:00+00:00")
        );
        assert_eq!(
            at("2026-11-23T08:07:30.9+01:00").as_deref(),
            Ok("2026-11-23T07:07:30+00:00")
        );
        assert_eq!(at("2026-11-23").as_deref(), Ok("2026-11-23T09:00:00+00:00"));
        assert!(anchor("yesterday").is_err());
    }

    #[test]
    fn commissions_are_named_by_number_or_x_and_number() {
        let p = |s: &str| s.parse::<CommissionId>();
        assert_eq!(
            p("12"),
            Ok(CommissionId {
                kind: Kind::Platform,
                id: 12
            })
        );
        assert_eq!(p("#12"), p("12"));
        for s in ["X-12", "x-12", " X-12 "] {
            assert_eq!(
                p(s),
                Ok(CommissionId {
                    kind: Kind::External,
                    id: 12
                }),
                "{s}"
            );
        }
        for bad in ["", "X-", "Y-3", "abc", "-3", "0", "X-+3", "1.5"] {
            assert!(p(bad).is_err(), "{bad}");
        }
        assert_eq!(p("X-7").unwrap().text(), "X-7");
        assert_eq!(p("7").unwrap().or_external(true).text(), "X-7");
    }

    #[test]
    fn tickets_are_named_by_reference_or_number() {
        let p = |s: &str| s.parse::<TicketRef>();
        assert_eq!(p("33"), Ok(TicketRef::Number(33)));
        assert_eq!(p("#33"), Ok(TicketRef::Number(33)));
        assert_eq!(
            p("tck-2026-000033"),
            Ok(TicketRef::Reference("TCK-2026-000033".into()))
        );
        assert!(p("").is_err() && p("#").is_err());
    }
}
