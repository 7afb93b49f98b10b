//! Text rules shared by forms and tables: required fields with byte limits
//! (the database columns are byte-sized), Laravel-compatible slugs, the sort
//! key that orders names as a French reader expects, and terminal column
//! widths that account for accents, CJK and emoji.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::error::DomainError;

/// Trims, then refuses empty values and values over `max_bytes` (UTF-8 bytes).
pub fn require_text(
    field: &'static str,
    value: &str,
    max_bytes: usize,
) -> Result<String, DomainError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(DomainError::EmptyText { field });
    }
    if trimmed.len() > max_bytes {
        return Err(DomainError::TextTooLong {
            field,
            max_bytes,
            actual: trimmed.len(),
        });
    }
    Ok(trimmed.to_owned())
}

/// A payout account (phone number, IBAN, Stripe account) as shown to staff who do not pay
/// out: everything but the last four characters hidden, so it can be matched, not copied.
pub fn mask_account(account: &str) -> String {
    let chars: Vec<char> = account.chars().filter(|c| !c.is_whitespace()).collect();
    let keep = if chars.len() > 6 { 4 } else { chars.len() / 2 };
    let hidden = chars.len() - keep;
    let mut out: String = "•".repeat(hidden.min(8));
    out.extend(&chars[hidden..]);
    out
}

/// Same result as Laravel's `Str::slug` for the names we meet: accents folded,
/// apostrophes and punctuation dropped, spaces/dashes/underscores become one
/// '-', '@' reads "at". "Refonte site pharmacie à Dakar" ->
/// "refonte-site-pharmacie-a-dakar". May be empty (e.g. all-CJK titles); the
/// caller then picks a fallback.
pub fn slugify(title: &str) -> String {
    let mut raw = String::with_capacity(title.len());
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            raw.push(c);
        } else if c == '@' {
            raw.push_str("-at-");
        } else if c.is_whitespace() || c == '-' || c == '_' {
            raw.push('-');
        } else if let Some(folded) = fold(c) {
            raw.push_str(folded);
        }
        // Everything else (punctuation, apostrophes, unfoldable scripts) is dropped.
    }
    collapse_dashes(&raw)
}

/// Runs of '-' become one; none at either end.
fn collapse_dashes(s: &str) -> String {
    s.split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The key names sort on, so that a plain byte comparison (SQLite's BINARY, PostgreSQL's "C")
/// orders them as a French reader expects: case and accents count for nothing ("Éloïse" files
/// among the E's, "awa" before "Bineta"), ligatures spell out ("Œuvre" as "oeuvre").
///
/// Latin letters fold to lower-case ASCII (as in [`slugify`], West African letters included)
/// and combining accents of decomposed text are dropped; apostrophes and other punctuation
/// are ignored ("N'Guessan" files as "nguessan"); spaces, hyphens and underscores separate
/// words, one space each, none at either end ("Jean-Paul" before "Jeanne"); letters and
/// digits of other scripts are kept, lower-cased, and file after the Latin ones. Names equal
/// at this level ("Eric", "Éric") are told apart by the caller (by id).
pub fn sort_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() || matches!(c, '-' | '_' | '\u{2010}' | '\u{2011}') {
            gap = true;
            continue;
        }
        let folded = fold(c);
        let letter = c.is_alphanumeric() && !is_apostrophe(c) && !is_combining(c);
        if folded.is_none() && !letter {
            // Punctuation, symbols, emoji and the accents of decomposed text.
            continue;
        }
        if gap && !out.is_empty() {
            out.push(' ');
        }
        gap = false;
        match folded {
            Some(ascii) => out.push_str(ascii),
            None => out.push(c),
        }
    }
    out
}

/// Apostrophes, including the modifier letters some names are typed with ("Kaʼ", "Hawaiʻi").
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2018}' | '\u{2019}' | '\u{201B}' | '`' | '\u{02BB}' | '\u{02BC}' | '\u{02BD}'
    )
}

/// Combining marks (the accents of decomposed text: "e\u{301}").
fn is_combining(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// ASCII spelling of a lower-case Latin letter with diacritics, including
/// the West African letters (ɛ, ɔ, ŋ, ɓ, ɗ, ƴ) of Wolof, Bambara or Ewe names.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ɗ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'ɛ' | 'ẹ' | 'ẽ' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ị' => "i",
        'ĵ' => "j",
        'ķ' | 'ƙ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŋ' | 'ɲ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ɔ' | 'ọ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ṣ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ụ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' | 'ƴ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'ɓ' => "b",
        'þ' => "th",
        _ => return None,
    })
}

/// Columns the text occupies in a terminal (CJK and most emoji take two).
pub fn display_width(s: &str) -> usize {
    s.width()
}

/// Cuts `s` to at most `width` columns, ending with '…' when something was cut.
/// `text` broken into lines of at most `width` columns at spaces (a word wider than a line is
/// broken inside), as a person would read it wrapped: nothing dropped.
pub fn wrap_to_width(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let needed = if line.is_empty() {
            display_width(word)
        } else {
            display_width(&line) + 1 + display_width(word)
        };
        if needed <= width {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            if display_width(&line) + c.width().unwrap_or(0) > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

pub fn truncate_to_width(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return s.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let budget = width - 1; // room for the ellipsis
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    // Per-char widths can undercount some sequences (e.g. emoji + U+FE0F),
    // so trim until the whole string really fits.
    while display_width(&out) > budget && out.pop().is_some() {}
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word() {
        assert_eq!(wrap_to_width("short", 10), vec!["short"]);
        assert_eq!(
            wrap_to_width("aaaa bbbb cccc", 9),
            vec!["aaaa bbbb", "cccc"]
        );
        assert_eq!(wrap_to_width("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap_to_width("", 4), vec![""]);
        let text = "chez nous 273 000 XOF réussie · chez le prestataire 237 000 XOF réussie";
        let lines = wrap_to_width(text, 30);
        assert!(lines.iter().all(|l| display_width(l) <= 30));
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn required_text() {
        assert_eq!(
            require_text("title", "  Site web  ", 100),
            Ok("Site web".into())
        );
        assert_eq!(
            require_text("title", " \n\t ", 100),
            Err(DomainError::EmptyText { field: "title" })
        );
        let long = "é".repeat(3); // 6 bytes
        assert_eq!(
            require_text("reason", &long, 5),
            Err(DomainError::TextTooLong {
                field: "reason",
                max_bytes: 5,
                actual: 6
            })
        );
        assert_eq!(require_text("reason", &long, 6), Ok(long.clone()));
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Refonte site pharmacie à Dakar"),
            "refonte-site-pharmacie-a-dakar"
        );
        assert_eq!(
            slugify("Application de livraison — Abidjan"),
            "application-de-livraison-abidjan"
        );
        assert_eq!(
            slugify("Boutique d'Éloïse N'Guessan"),
            "boutique-deloise-nguessan"
        );
        assert_eq!(slugify("  Œuvre   ŒUVRE__ça--va  "), "oeuvre-oeuvre-ca-va");
        assert_eq!(slugify("Sékou Keïta: API v2.0"), "sekou-keita-api-v20");
        assert_eq!(slugify("contact@obryl"), "contact-at-obryl");
        assert_eq!(slugify("Ɓɛɛ ɔŋ"), "bee-on");
        assert_eq!(slugify("北京"), "");
        assert_eq!(slugify("---"), "");
    }

    #[test]
    fn name_sort_keys() {
        assert_eq!(sort_key("Éloïse Ouédraogo"), "eloise ouedraogo");
        assert_eq!(sort_key("Sékou Keïta"), "sekou keita");
        assert_eq!(sort_key("Zoé"), "zoe");
        assert_eq!(sort_key("ÉMILE"), "emile");
        assert_eq!(sort_key("Koffi N'Guessan"), "koffi nguessan");
        assert_eq!(sort_key("Koffi N\u{2019}Guessan"), "koffi nguessan");
        assert_eq!(sort_key("  Jean-Paul   Œuvray\t"), "jean paul oeuvray");
        assert_eq!(sort_key("E\u{301}loi\u{308}se"), "eloise"); // decomposed accents
        assert_eq!(sort_key("Ɓɛɛ Ɔŋ"), "bee on");
        assert_eq!(sort_key("İbrahim"), "ibrahim");
        assert_eq!(sort_key("Awa 👩🏾‍💻 Diop!"), "awa diop");
        assert_eq!(sort_key("Client 00042"), "client 00042");
        assert_eq!(sort_key("北京 Ltd"), "北京 ltd");
        assert_eq!(sort_key("---"), "");
        assert_eq!(sort_key(""), "");
        // Case and accents only: the same key.
        assert_eq!(sort_key("éric"), sort_key("ERIC"));
    }

    #[test]
    fn names_in_french_order() {
        let mut names = [
            "Zoé",
            "Sékou Keïta",
            "Eric",
            "awa",
            "Émile",
            "Éloïse Ouédraogo",
            "Bineta",
            "Œdipe",
            "Jeanne",
            "Jean-Paul",
            "Ndiaye",
            "N'Guessan",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            [
                "awa",
                "Bineta",
                "Éloïse Ouédraogo",
                "Émile",
                "Eric",
                "Jean-Paul",
                "Jeanne",
                "Ndiaye",
                "N'Guessan",
                "Œdipe",
                "Sékou Keïta",
                "Zoé",
            ]
        );
    }

    #[test]
    fn widths() {
        assert_eq!(display_width("Éloïse"), 6);
        assert_eq!(display_width("北京"), 4);
        assert_eq!(display_width("e\u{301}"), 1); // combining accent
        assert_eq!(truncate_to_width("Ouédraogo", 20), "Ouédraogo");
        assert_eq!(truncate_to_width("Ouédraogo", 9), "Ouédraogo");
        assert_eq!(truncate_to_width("Ouédraogo", 5), "Ouéd…");
        assert_eq!(truncate_to_width("北京市朝阳区", 5), "北京…");
        assert_eq!(truncate_to_width("北京市朝阳区", 4), "北…");
        assert_eq!(truncate_to_width("abc", 0), "");
        assert_eq!(truncate_to_width("abc", 1), "…");
        for w in 0..12 {
            assert!(display_width(&truncate_to_width("Kouassi 👩🏾‍💻 北京 ❤\u{fe0f}", w)) <= w);
        }
    }

    #[test]
    fn payout_accounts_keep_only_their_end() {
        assert_eq!(mask_account("+221 77 123 45 67"), "••••••••4567");
        assert_eq!(
            mask_account("FR76 3000 6000 0112 3456 7890 189"),
            "••••••••0189"
        );
        assert_eq!(mask_account("1234"), "••34");
        assert_eq!(mask_account(""), "");
    }
}
