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
    pub ticket_bodies: Vec<&'static str>,
    pub msg_client: Vec<&'static str>,
    pub msg_dev: Vec<&'static str>,
    pub msg_requester: Vec<&'static str>,
    pub msg_staff: Vec<&'static str>,
    pub msg_internal: Vec<&'static str>,
    pub msg_system: Vec<&'static str>,
    /// (rating, comment)
    pub reviews: Vec<(i64, &'static str)>,
    pub rejections: Vec<&'static str>,
    /// (title, excerpt)
    pub articles: Vec<(&'static str, &'static str)>,
    /// (role, fixed amount in XOF)
    pub ext_roles: Vec<(&'static str, i64)>,
    pub resolutions: Vec<&'static str>,
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
        let messages: Vec<(&str, &str)> = lines(include_str!("../../assets/seed/messages.txt"))
            .filter_map(|l| l.split_once('|'))
            .collect();
        let by = |who: &str| {
            messages
                .iter()
                .filter(|m| m.0 == who)
                .map(|m| m.1)
                .collect::<Vec<_>>()
        };
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
            ticket_bodies: lines(include_str!("../../assets/seed/ticket_bodies.txt")).collect(),
            msg_client: by("client"),
            msg_dev: by("dev"),
            msg_requester: by("requester"),
            msg_staff: by("staff"),
            msg_internal: by("internal"),
            msg_system: by("system"),
            reviews: lines(include_str!("../../assets/seed/review_comments.txt"))
                .filter_map(|l| l.split_once('|'))
                .map(|(r, c)| (r.parse().unwrap_or(5), c))
                .collect(),
            rejections: lines(include_str!("../../assets/seed/rejection_reasons.txt")).collect(),
            articles: lines(include_str!("../../assets/seed/articles.txt"))
                .filter_map(|l| l.split_once('|'))
                .collect(),
            ext_roles: lines(include_str!("../../assets/seed/ext_roles.txt"))
                .filter_map(|l| l.split_once('|'))
                .map(|(r, a)| (r, a.parse().unwrap_or(50_000)))
                .collect(),
            resolutions: lines(include_str!("../../assets/seed/resolutions.txt")).collect(),
        }
    }
}

pub(super) static WORDS: LazyLock<Words> = LazyLock::new(Words::load);

#[cfg(test)]
mod tests {
    use super::WORDS;

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
        for list in [
            &w.msg_client,
            &w.msg_dev,
            &w.msg_requester,
            &w.msg_staff,
            &w.msg_internal,
            &w.msg_system,
        ] {
            assert!(!list.is_empty());
        }
        assert!(!w.reviews.is_empty() && !w.rejections.is_empty() && !w.articles.is_empty());
        assert!(!w.ext_roles.is_empty() && !w.resolutions.is_empty() && !w.dev_bios.is_empty());
    }
}
