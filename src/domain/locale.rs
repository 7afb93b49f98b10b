//! The two interface languages. Kept in the domain because money formatting
//! depends on it.

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Fr,
}

impl Locale {
    pub const ALL: &'static [Locale] = &[Locale::En, Locale::Fr];

    /// Accepts BCP 47 tags and POSIX locale names ("fr", "fr-SN",
    /// "fr_FR.UTF-8", "fr_FR@euro"); anything not French falls back to English.
    pub fn from_tag(tag: &str) -> Locale {
        let lang = tag
            .trim()
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or_default();
        if lang.eq_ignore_ascii_case("fr") {
            Locale::Fr
        } else {
            Locale::En
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        for tag in ["fr", "FR", "fr_FR.UTF-8", "fr-SN", "fr_CI@euro", " fr "] {
            assert_eq!(Locale::from_tag(tag), Locale::Fr, "{tag}");
        }
        for tag in ["", "en", "en_US.UTF-8", "C", "POSIX", "wo_SN", "french"] {
            assert_eq!(Locale::from_tag(tag), Locale::En, "{tag}");
        }
        assert_eq!(Locale::Fr.as_str(), "fr");
        assert_eq!(Locale::from_tag(Locale::Fr.as_str()), Locale::Fr);
    }
}
