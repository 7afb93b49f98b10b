//! What a filter term could not be used for, said in the staff member's language.

use crate::domain::Locale;
use crate::tr;

use super::widgets::filter::{Expects, Problem};

/// "min:abc is not an amount: write it as shown (33,750)" and how many more there are.
pub fn problem_text(p: &Problem, count: usize, locale: Locale) -> String {
    let list = |values: &[String]| values.join(", ");
    let (key, accepted) = match &p.expects {
        Expects::Amount => ("filter.bad_amount", String::new()),
        Expects::Date => ("filter.bad_date", String::new()),
        Expects::Number => ("filter.bad_number", String::new()),
        Expects::OneOf(values) => ("filter.bad_value", list(values)),
        Expects::Field(fields) => ("filter.unknown_field", list(fields)),
        Expects::Flag(flags) => ("filter.unknown_flag", list(flags)),
    };
    let mut text = tr(locale, key, &[("term", &p.term), ("accepted", &accepted)]);
    if count > 1 {
        let more = (count - 1).to_string();
        text.push_str(&tr(locale, "filter.more_problems", &[("n", &more)]));
    }
    text
}
