//! The `/` filter: free text plus `field:value` terms ("status:pending user:awa dakar").

use std::cell::RefCell;
use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::domain::{Currency, Locale, parse_display_amount};

/// A filter as typed, and what the screen made of it: the fields it asked for (so a term for
/// any other field is reported, never silently dropped) and the values it could not read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedFilter {
    pub terms: Vec<(String, String)>,
    pub text: String,
    asked: RefCell<BTreeSet<String>>,
    flags: RefCell<BTreeSet<String>>,
    problems: RefCell<Vec<Problem>>,
}

/// A term the screen could not use, and what it takes instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The term as typed ("min:abc").
    pub term: String,
    pub expects: Expects,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expects {
    Amount,
    Date,
    Number,
    OneOf(Vec<String>),
    /// The field is not one of this screen's.
    Field(Vec<String>),
    /// `is:` names no flag of this screen.
    Flag(Vec<String>),
}

impl ParsedFilter {
    pub fn parse(input: &str) -> ParsedFilter {
        let mut terms = Vec::new();
        let mut words = Vec::new();
        for word in input.split_whitespace() {
            match word.split_once(':') {
                Some((field, value))
                    if !field.is_empty()
                        && !value.starts_with('/')
                        && !value.is_empty()
                        && field.chars().all(|c| c.is_ascii_alphabetic() || c == '_') =>
                {
                    terms.push((field.to_lowercase(), value.to_owned()))
                }
                _ => words.push(word),
            }
        }
        ParsedFilter {
            terms,
            text: words.join(" "),
            ..ParsedFilter::default()
        }
    }

    /// Every value given for one of these field names.
    pub fn values(&self, names: &[&str]) -> Vec<String> {
        self.asked
            .borrow_mut()
            .extend(names.iter().map(|n| n.to_string()));
        self.terms
            .iter()
            .filter(|(f, _)| names.contains(&f.as_str()))
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn first(&self, names: &[&str]) -> Option<String> {
        self.values(names).into_iter().next()
    }

    /// Free text, on a screen that searches no text: reported, never dropped silently.
    pub fn refuse_text(&self) {
        if self.text.is_empty() {
            return;
        }
        let known = self
            .asked
            .borrow()
            .iter()
            .filter(|f| *f != "is")
            .cloned()
            .collect();
        self.problems.borrow_mut().push(Problem {
            term: self.text.clone(),
            expects: Expects::Field(known),
        });
    }

    fn complain(&self, names: &[&str], value: &str, expects: Expects) {
        let field = self
            .terms
            .iter()
            .find(|(f, v)| names.contains(&f.as_str()) && v == value)
            .map_or(names[0], |(f, _)| f.as_str());
        self.problems.borrow_mut().push(Problem {
            term: format!("{field}:{value}"),
            expects,
        });
    }

    /// An amount written as the screen shows it ("33,750", "33 750", "12,50"), in minor units
    /// of `currency` (none given: a currency without decimals).
    pub fn amount(
        &self,
        names: &[&str],
        currency: Option<Currency>,
        locale: Locale,
    ) -> Option<i64> {
        let v = self.first(names)?;
        let read = parse_display_amount(&v, currency.unwrap_or(Currency::XOF), locale);
        read.map_err(|_| self.complain(names, &v, Expects::Amount))
            .ok()
    }

    /// A day: `2026-11-30` or `30/11/2026`.
    pub fn date(&self, names: &[&str]) -> Option<NaiveDate> {
        let v = self.first(names)?;
        NaiveDate::parse_from_str(&v, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(&v, "%d/%m/%Y"))
            .map_err(|_| self.complain(names, &v, Expects::Date))
            .ok()
    }

    /// A month (`2026-11`) or a day (`2026-11-15`, `15/11/2026`): the days `[from, to)` it
    /// covers.
    pub fn period(&self, names: &[&str]) -> Option<(NaiveDate, NaiveDate)> {
        let v = self.first(names)?;
        if let Ok(first) = NaiveDate::parse_from_str(&format!("{v}-01"), "%Y-%m-%d") {
            return Some((first, first.checked_add_months(chrono::Months::new(1))?));
        }
        let day = self.date(names)?;
        Some((day, day.succ_opt()?))
    }

    /// A whole number (an id, a week).
    pub fn number<T: std::str::FromStr>(&self, names: &[&str]) -> Option<T> {
        let v = self.first(names)?;
        v.parse::<T>()
            .map_err(|_| self.complain(names, &v, Expects::Number))
            .ok()
    }

    /// Comma-separated values, each one of `allowed` (compared without case).
    pub fn choices(&self, names: &[&str], allowed: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        for v in self.values(names) {
            for one in v.split(',').map(|s| s.trim().to_lowercase()) {
                if one.is_empty() {
                    continue;
                }
                if allowed.contains(&one.as_str()) {
                    out.push(one);
                } else {
                    let all = allowed.iter().map(|a| a.to_string()).collect();
                    self.complain(names, &v, Expects::OneOf(all));
                }
            }
        }
        out
    }

    /// One value of `allowed`, or nothing.
    pub fn choice(&self, names: &[&str], allowed: &[&str]) -> Option<String> {
        self.choices(names, allowed).into_iter().next()
    }

    pub fn text(&self) -> Option<String> {
        (!self.text.is_empty()).then(|| self.text.clone())
    }

    /// The free text less the bare words that are flags here (`hidden`, `deleted`).
    pub fn text_except(&self, flags: &[&str]) -> Option<String> {
        let rest: Vec<&str> = self
            .text
            .split(' ')
            .filter(|w| !w.is_empty() && !flags.contains(w))
            .collect();
        (!rest.is_empty()).then(|| rest.join(" "))
    }

    /// Bare words that act as flags ("mine", "unassigned"), given as `is:mine` or alone.
    pub fn flag(&self, name: &str) -> bool {
        self.flags.borrow_mut().insert(name.to_owned());
        self.values(&["is"]).iter().any(|v| v == name) || self.text.split(' ').any(|w| w == name)
    }

    /// The fields and flags the screen read, as a person types them (`status:` `mine`), once
    /// it has read the filter.
    pub fn accepted(&self) -> Vec<String> {
        let fields = self.asked.borrow();
        let flags = self.flags.borrow();
        fields
            .iter()
            .filter(|f| *f != "is")
            .map(|f| format!("{f}:"))
            .chain(flags.iter().cloned())
            .collect()
    }

    /// What could not be used, once the screen has read the filter: values it could not read,
    /// terms for fields it does not have, `is:` flags it does not know.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = self.problems.borrow().clone();
        let asked = self.asked.borrow();
        let flags = self.flags.borrow();
        for (field, value) in &self.terms {
            let term = format!("{field}:{value}");
            if field == "is" {
                if !flags.contains(value) {
                    let known = flags.iter().cloned().collect();
                    out.push(Problem {
                        term,
                        expects: Expects::Flag(known),
                    });
                }
            } else if !asked.contains(field) {
                let known = asked.iter().filter(|f| *f != "is").cloned().collect();
                out.push(Problem {
                    term,
                    expects: Expects::Field(known),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_terms_from_text() {
        let f = ParsedFilter::parse("status:pending  user:awa Refonte site http://x");
        assert_eq!(
            f.terms,
            vec![
                ("status".into(), "pending".into()),
                ("user".into(), "awa".into())
            ]
        );
        assert_eq!(f.text, "Refonte site http://x");
        assert_eq!(f.first(&["user", "actor"]).as_deref(), Some("awa"));
        assert!(ParsedFilter::parse("is:mine").flag("mine"));
    }

    /// What a screen cannot read is reported, never dropped: a list never widens silently.
    #[test]
    fn unreadable_terms_are_reported() {
        let f = ParsedFilter::parse("min:abc max:33,750 from:2026-13-45 id:abc foo:bar is:odd");
        assert_eq!(f.amount(&["min"], None, Locale::En), None);
        assert_eq!(f.amount(&["max"], None, Locale::En), Some(33_750));
        assert_eq!(f.date(&["from"]), None);
        assert_eq!(f.number::<i64>(&["id"]), None);
        assert!(!f.flag("mine"));
        let terms: Vec<String> = f.problems().into_iter().map(|p| p.term).collect();
        assert_eq!(
            terms,
            ["min:abc", "from:2026-13-45", "id:abc", "foo:bar", "is:odd"]
        );
        let f = ParsedFilter::parse("status:bogus,pending");
        assert_eq!(f.choices(&["status"], &["pending", "paid"]), ["pending"]);
        assert_eq!(f.problems().len(), 1);
        // French writes 33 750 (one term cannot hold a space) or 33750, and decimals with a comma.
        let f = ParsedFilter::parse("min:12,50");
        assert_eq!(
            f.amount(&["min"], Some(Currency::EUR), Locale::Fr),
            Some(1250)
        );
    }
}
