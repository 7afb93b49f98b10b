//! Obryl back-office: the staff terminal program over the Obryl Tech marketplace database.
//!
//! Layers, dependencies pointing down only: `ui`/`cli` -> `office` -> `service` -> `store` ->
//! `domain`.

#[macro_use]
extern crate rust_i18n;

i18n!("assets/locales", fallback = "en");

pub mod api;
pub mod cli;
pub mod config;
pub mod domain;
pub mod logging;
pub mod media;
pub mod office;
pub mod seed;
pub mod service;
pub mod ssh;
pub mod store;
pub mod ui;
pub mod worker;

/// Translates `key` for `locale` ("en" or "fr"), with `%{name}` placeholders filled from `args`.
pub fn tr(locale: domain::Locale, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = rust_i18n::t!(key, locale = locale.as_str()).into_owned();
    for (name, value) in args {
        text = text.replace(&format!("%{{{name}}}"), value);
    }
    text
}

#[cfg(test)]
mod tr_tests {
    #[test]
    fn translates_per_locale_with_placeholders() {
        use crate::domain::Locale;
        assert_eq!(crate::tr(Locale::En, "app.name", &[]), "Obryl back-office");
        assert_eq!(crate::tr(Locale::Fr, "app.name", &[]), "Back-office Obryl");
    }
}
