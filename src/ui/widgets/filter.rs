//! The `/` filter: free text plus `field:value` terms ("status:pending user:awa dakar").

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedFilter {
    pub terms: Vec<(String, String)>,
    pub text: String,
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
        }
    }

    /// Every value given for one of these field names.
    pub fn values(&self, names: &[&str]) -> Vec<String> {
        self.terms
            .iter()
            .filter(|(f, _)| names.contains(&f.as_str()))
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn first(&self, names: &[&str]) -> Option<String> {
        self.values(names).into_iter().next()
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
        self.values(&["is"]).iter().any(|v| v == name) || self.text.split(' ').any(|w| w == name)
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
}
