//! The demo data's word lists (assets/seed/*.txt), parsed once.

use std::sync::LazyLock;

use crate::domain::{Currency, TicketCategory};

pub(crate) struct City {
    pub name: &'static str,
    pub country: &'static str,
    pub currency: Currency,
    pub prefix: &'static str,
    pub digits: usize,
    pub tz: &'static str,
    pub weight: u32,
}

/// Who says a line of a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Who {
    /// Ticket threads: who opened the ticket, the agent it is assigned to, a note between staff.
    Requester,
    Agent,
    Internal,
    /// Project threads: the client, the developer, operations, the platform itself.
    Client,
    Dev,
    Ops,
    System,
}

impl Who {
    fn parse(s: &str) -> Option<Who> {
        Some(match s {
            "requester" => Who::Requester,
            "agent" => Who::Agent,
            "internal" => Who::Internal,
            "client" => Who::Client,
            "dev" => Who::Dev,
            "ops" => Who::Ops,
            "system" => Who::System,
            _ => return None,
        })
    }
}

/// Lines of a conversation said together and in this order (a question and its answer).
pub(crate) struct Exchange {
    /// A ticket's thread, or else a project's.
    pub ticket: bool,
    /// The step of a ticket thread or the phase of a project (see messages.txt).
    pub step: &'static str,
    /// The ticket categories it fits; None: any.
    pub category: Option<TicketCategory>,
    pub lines: Vec<(Who, &'static str)>,
}

impl Exchange {
    pub fn fits(&self, category: TicketCategory) -> bool {
        self.category.is_none_or(|c| c == category)
    }
}

/// A blog article: its title, excerpt and body sections (heading, text).
pub(crate) struct ArticleText {
    pub title: &'static str,
    pub excerpt: &'static str,
    pub sections: Vec<(&'static str, &'static str)>,
}

/// How a ticket was resolved, and what the agent wrote when giving the solution.
pub(crate) struct Resolution {
    pub category: TicketCategory,
    pub text: &'static str,
    pub message: &'static str,
}

pub(super) struct Words {
    /// (first name, female)
    pub first: Vec<(&'static str, bool)>,
    pub last: Vec<&'static str>,
    pub cities: Vec<City>,
    pub city_weights: Vec<u32>,
    pub skills: Vec<&'static str>,
    pub kinds: Vec<&'static str>,
    pub objects: Vec<&'static str>,
    pub blurbs: Vec<&'static str>,
    pub companies: Vec<&'static str>,
    pub dev_bios: Vec<&'static str>,
    pub client_bios: Vec<&'static str>,
    pub ticket_subjects: Vec<(TicketCategory, &'static str)>,
    /// (part: opening, problem or closing; the categories it fits, None: any; text)
    pub ticket_bodies: Vec<(&'static str, Option<TicketCategory>, &'static str)>,
    /// Conversation lines, in the file's order.
    pub exchanges: Vec<Exchange>,
    /// (rating, comment)
    pub reviews: Vec<(i64, &'static str)>,
    pub rejections: Vec<&'static str>,
    pub articles: Vec<ArticleText>,
    /// (role, fixed amount in XOF)
    pub ext_roles: Vec<(&'static str, i64)>,
    pub resolutions: Vec<Resolution>,
}

fn lines(src: &'static str) -> impl Iterator<Item = &'static str> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn fields(line: &'static str) -> Vec<&'static str> {
    line.split('|').map(str::trim).collect()
}

impl Words {
    fn load() -> Words {
        let first = lines(include_str!("../../assets/seed/first_names.txt"))
            .map(|l| {
                let f = fields(l);
                (f[0], f.get(1) == Some(&"f"))
            })
            .collect();
        let cities: Vec<City> = lines(include_str!("../../assets/seed/cities.txt"))
            .map(|l| {
                let f = fields(l);
                City {
                    name: f[0],
                    country: f[1],
                    currency: Currency::parse(f[2]).unwrap_or(Currency::XOF),
                    prefix: f[3],
                    digits: f[4].parse().unwrap_or(8),
                    tz: f[5],
                    weight: f[6].parse().unwrap_or(1),
                }
            })
            .collect();
        let city_weights = cities.iter().map(|c| c.weight).collect();
        let bios: Vec<(&str, &str)> = lines(include_str!("../../assets/seed/bios.txt"))
            .filter_map(|l| l.split_once('|'))
            .collect();
        let ticket_subjects = lines(include_str!("../../assets/seed/ticket_subjects.txt"))
            .filter_map(|l| l.split_once('|'))
            .filter_map(|(c, s)| Some((TicketCategory::parse(c).ok()?, s)))
            .collect();
        let exchanges = lines(include_str!("../../assets/seed/messages.txt"))
            .filter_map(|l| {
                let f = fields(l);
                let category = match *f.get(2)? {
                    "*" => None,
                    c => Some(TicketCategory::parse(c).ok()?),
                };
                let lines = f[3..]
                    .iter()
                    .map(|part| {
                        let (who, text) = part.split_once(": ")?;
                        Some((Who::parse(who.trim())?, text.trim()))
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(Exchange {
                    ticket: f[0] == "ticket",
                    step: f[1],
                    category,
                    lines,
                })
            })
            .collect();
        let mut articles: Vec<ArticleText> = Vec::new();
        for l in lines(include_str!("../../assets/seed/articles.txt")) {
            let f = fields(l);
            match (f[0], f.get(1), f.get(2)) {
                ("article", Some(title), Some(excerpt)) => articles.push(ArticleText {
                    title,
                    excerpt,
                    sections: Vec::new(),
                }),
                ("section", Some(heading), Some(text)) => {
                    if let Some(a) = articles.last_mut() {
                        a.sections.push((heading, text));
                    }
                }
                _ => {}
            }
        }
        Words {
            first,
            last: lines(include_str!("../../assets/seed/last_names.txt")).collect(),
            cities,
            city_weights,
            skills: lines(include_str!("../../assets/seed/skills.txt")).collect(),
            kinds: lines(include_str!("../../assets/seed/project_kinds.txt")).collect(),
            objects: lines(include_str!("../../assets/seed/project_objects.txt")).collect(),
            blurbs: lines(include_str!("../../assets/seed/project_blurbs.txt")).collect(),
            companies: lines(include_str!("../../assets/seed/companies.txt")).collect(),
            dev_bios: bios.iter().filter(|b| b.0 == "d").map(|b| b.1).collect(),
            client_bios: bios.iter().filter(|b| b.0 == "c").map(|b| b.1).collect(),
            ticket_subjects,
            ticket_bodies: lines(include_str!("../../assets/seed/ticket_bodies.txt"))
                .filter_map(|l| {
                    let f = fields(l);
                    let category = match *f.get(1)? {
                        "*" => None,
                        c => Some(TicketCategory::parse(c).ok()?),
                    };
                    Some((f[0], category, *f.get(2)?))
                })
                .collect(),
            exchanges,
            reviews: lines(include_str!("../../assets/seed/review_comments.txt"))
                .filter_map(|l| l.split_once('|'))
                .map(|(r, c)| (r.parse().unwrap_or(5), c))
                .collect(),
            rejections: lines(include_str!("../../assets/seed/rejection_reasons.txt")).collect(),
            articles,
            ext_roles: lines(include_str!("../../assets/seed/ext_roles.txt"))
                .filter_map(|l| l.split_once('|'))
                .map(|(r, a)| (r, a.parse().unwrap_or(50_000)))
                .collect(),
            resolutions: lines(include_str!("../../assets/seed/resolutions.txt"))
                .filter_map(|l| {
                    let f = fields(l);
                    Some(Resolution {
                        category: TicketCategory::parse(f.first()?).ok()?,
                        text: f.get(1)?,
                        message: f.get(2)?,
                    })
                })
                .collect(),
        }
    }
}

pub(super) static WORDS: LazyLock<Words> = LazyLock::new(Words::load);

#[cfg(test)]
mod tests {
    use super::{WORDS, Who};

    #[test]
    fn word_lists_parse() {
        let w = &*WORDS;
        assert!(w.first.len() > 20 && w.last.len() > 20);
        assert!(
            w.cities
                .iter()
                .any(|c| c.currency == crate::domain::Currency::XAF)
        );
        assert!(
            w.cities
                .iter()
                .any(|c| c.currency == crate::domain::Currency::EUR)
        );
        assert_eq!(
            w.ticket_subjects
                .iter()
                .map(|t| t.0)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            5
        );
        assert!(!w.reviews.is_empty() && !w.rejections.is_empty() && !w.articles.is_empty());
        assert!(!w.ext_roles.is_empty() && !w.resolutions.is_empty() && !w.dev_bios.is_empty());
    }

    /// Every line of messages.txt parsed: a wrong speaker or category would drop it silently.
    #[test]
    fn every_conversation_line_parses() {
        let listed = include_str!("../../assets/seed/messages.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(WORDS.exchanges.len(), listed);
        for e in &WORDS.exchanges {
            assert!(!e.lines.is_empty(), "{}", e.step);
            for (who, _) in &e.lines {
                let ticket_side = matches!(who, Who::Requester | Who::Agent | Who::Internal);
                assert_eq!(ticket_side, e.ticket, "{}: {who:?}", e.step);
            }
        }
    }

    /// No text twice: a thread that never repeats an exchange never repeats a message.
    #[test]
    fn conversation_texts_are_distinct() {
        let w = &*WORDS;
        let mut seen = std::collections::BTreeSet::new();
        let texts = w
            .exchanges
            .iter()
            .flat_map(|e| e.lines.iter().map(|l| l.1))
            .chain(w.resolutions.iter().map(|r| r.message))
            .chain(w.ticket_bodies.iter().map(|b| b.2));
        for text in texts {
            assert!(seen.insert(text), "said twice: {text}");
        }
    }

    /// Each ticket category has what every thread it can end with needs.
    #[test]
    fn every_category_has_its_steps() {
        use crate::domain::TicketCategory;
        for c in TicketCategory::ALL {
            for step in [
                "detail",
                "first",
                "ask",
                "followup",
                "wait",
                "nudge",
                "thanks",
                "confirm",
                "unanswered",
            ] {
                assert!(
                    WORDS
                        .exchanges
                        .iter()
                        .any(|e| e.ticket && e.step == step && e.fits(*c)),
                    "{c:?} has no {step}"
                );
            }
            assert!(WORDS.resolutions.iter().any(|r| r.category == *c), "{c:?}");
            assert!(
                WORDS
                    .ticket_bodies
                    .iter()
                    .any(|b| b.0 == "problem" && b.1 == Some(*c)),
                "{c:?} has no problem to open a ticket with"
            );
        }
        for a in &WORDS.articles {
            assert!(a.sections.len() >= 3, "{}", a.title);
        }
    }
}
