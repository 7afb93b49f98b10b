//! Drafts are never lost: every keystroke in a composer is saved to a small file in the data
//! dir, restored when the same composer opens again (after Esc, a dropped connection, a quit or
//! a crash), and removed only once the text was accepted by the database.

use std::path::PathBuf;

use serde::Deserialize;

use crate::domain::{Locale, sanitize, sanitize_line};

use super::app::App;
use super::screens::Compose;

#[derive(Deserialize)]
struct CannedFile {
    reply: Vec<Canned>,
}

#[derive(Clone, Deserialize)]
pub struct Canned {
    pub title: String,
    pub body: String,
}

/// The canned replies of a language (assets/canned/*.toml).
pub fn canned(locale: Locale) -> Vec<Canned> {
    let text = match locale {
        Locale::Fr => include_str!("../../assets/canned/fr.toml"),
        Locale::En => include_str!("../../assets/canned/en.toml"),
    };
    toml::from_str::<CannedFile>(text)
        .map(|f| f.reply)
        .unwrap_or_default()
}

/// Fills `{requester.name}`-style placeholders. The values come from the database (a ticket's
/// subject, a requester's name): each is sanitised onto one line, and the result is sanitised
/// again as multi-line text, so the template's own line breaks stay and nothing that could
/// drive a terminal reaches the composer.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let filled = values.iter().fold(template.to_owned(), |text, (k, v)| {
        text.replace(&format!("{{{k}}}"), &sanitize_line(v))
    });
    sanitize(&filled)
}

impl App {
    /// A draft is the staff member's own: two people drafting on the same ticket each keep
    /// theirs (`u<user id>/<record>.txt`).
    fn draft_path(&self, purpose: &Compose) -> Option<PathBuf> {
        Some(
            self.session
                .drafts_dir()?
                .join(format!("{}.txt", purpose.draft_key)),
        )
    }

    pub(crate) fn save_draft(&self, purpose: &Compose, text: &str) {
        let Some(path) = self.draft_path(purpose) else {
            return;
        };
        if text.trim().is_empty() {
            let _ = std::fs::remove_file(path);
            return;
        }
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Err(e) = std::fs::write(&path, text) {
            tracing::warn!("cannot save draft {}: {e}", path.display());
        }
    }

    /// Saves what the open composer holds (a connection about to close keeps it).
    pub fn keep_drafts(&self) {
        if let Some(super::popup::Popup::Compose {
            composer, purpose, ..
        }) = &self.popup
        {
            self.save_draft(purpose, &composer.text());
        }
    }

    pub(crate) fn load_draft(&self, purpose: &Compose) -> String {
        self.draft_path(purpose)
            .and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default()
    }

    pub(crate) fn clear_draft(&self, purpose: &Compose) {
        if let Some(p) = self.draft_path(purpose) {
            let _ = std::fs::remove_file(p);
        }
    }

    /// The canned replies for a ticket, in its requester's language, placeholders filled
    /// from what is on screen (sanitised by `fill`): (title, text).
    pub(crate) fn canned_replies(&self, ticket_id: i64) -> Vec<(String, String)> {
        let tickets = &self.screens.tickets;
        let detail = tickets
            .detail
            .content
            .as_ref()
            .filter(|d| d.row.id == ticket_id);
        let row = detail.map(|d| d.row.clone()).or_else(|| {
            tickets
                .list
                .rows
                .iter()
                .find(|r| r.id == ticket_id)
                .cloned()
        });
        let locale = detail.map_or(self.session.locale, |d| d.requester_locale);
        let agent = self
            .session
            .actor
            .as_ref()
            .map(|a| a.name.clone())
            .unwrap_or_default();
        canned(locale)
            .into_iter()
            .map(|c| {
                let body = match &row {
                    Some(r) => fill(
                        &c.body,
                        &[
                            ("requester.name", &r.requester_name),
                            ("ticket.reference", &r.reference),
                            ("ticket.subject", &r.subject),
                            ("agent.name", &agent),
                        ],
                    ),
                    None => fill(&c.body, &[("agent.name", &agent)]),
                };
                (sanitize_line(&c.title), body)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canned_replies_parse_in_both_languages_and_fill() {
        for l in [Locale::En, Locale::Fr] {
            let c = canned(l);
            assert!(c.len() >= 3);
            let text = fill(
                &c[0].body,
                &[
                    ("requester.name", "Awa"),
                    ("ticket.reference", "TCK-1"),
                    ("ticket.subject", "x"),
                    ("agent.name", "Fatou"),
                ],
            );
            assert!(text.contains("Awa") && text.contains("TCK-1") && !text.contains('{'));
        }
    }

    #[test]
    fn canned_replies_never_carry_terminal_controls_from_the_database() {
        let body = &canned(Locale::En)[0].body;
        let text = fill(
            body,
            &[
                (
                    "requester.name",
                    "Awa\u{1b}]52;c;ZXZpbA==\u{7} Diop\u{202e}",
                ),
                ("ticket.reference", "TCK-1\u{9b}2J"),
                ("ticket.subject", "Facture\u{1b}[2J\nimpayée\u{7f}\u{85}"),
                ("agent.name", "Fatou\u{2066}"),
            ],
        );
        assert!(
            !text.chars().any(|c| (c.is_control() && c != '\n')
                || matches!(
                    c,
                    '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
                )),
            "{text:?}"
        );
        assert!(text.contains("Hello Awa Diop,"), "{text}");
        assert!(text.contains("« Facture impayée » (TCK-1)"), "{text}");
        // The template's blank lines are kept.
        assert_eq!(text.lines().count(), body.lines().count(), "{text}");
        assert!(text.starts_with("Hello Awa Diop,\n\n"), "{text:?}");
    }
}
