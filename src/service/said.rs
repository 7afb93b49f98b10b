//! What a validation refusal says, as a message key and its values (never a sentence matched
//! back to a key): the edge renders it in the staff member's language (TUI, CLI, API), and
//! `Display` in English for logs.

use std::fmt;

use crate::domain::Locale;

/// A value of a message: as written, or a status code read in the reader's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    /// A status of `kind` (project, payment, …), rendered by `office::format::status`.
    Status {
        kind: &'static str,
        code: String,
    },
}

/// One validation message: its key under `error.invalid_message` and its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    /// The locale table the key is in (`error.invalid_message`, or none for a full key).
    pub table: &'static str,
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl Said {
    pub fn new(key: &'static str) -> Said {
        Said {
            table: "error.invalid_message",
            key,
            args: Vec::new(),
        }
    }

    /// A message whose key is written in full (a form's own words: `settings.bad_rate`).
    pub fn full(key: &'static str) -> Said {
        Said {
            table: "",
            key,
            args: Vec::new(),
        }
    }

    /// The whole locale key.
    pub fn locale_key(&self) -> String {
        match self.table {
            "" => self.key.to_owned(),
            table => format!("{table}.{}", self.key),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Said {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    pub fn status(mut self, name: &'static str, kind: &'static str, code: &str) -> Said {
        let code = code.to_owned();
        self.args.push((name, Arg::Status { kind, code }));
        self
    }

    /// The message in `locale`, each value made text by `value` (the edge reads a status in
    /// the reader's words: `office::messages`).
    pub fn render_with(&self, locale: Locale, value: impl Fn(&Arg) -> String) -> String {
        let values: Vec<(&str, String)> = self.args.iter().map(|(n, v)| (*n, value(v))).collect();
        let args: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        crate::tr(locale, &self.locale_key(), &args)
    }
}

/// English, statuses as their codes: for logs (people read `office::messages::said_text`).
impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.render_with(Locale::En, |v| match v {
            Arg::Text(t) => t.clone(),
            Arg::Status { code, .. } => code.clone(),
        });
        f.write_str(&text)
    }
}
