//! The escrow decisions this screen asks for, one question at a time: what a typed amount or
//! split means, the confirmation or reason that follows it, and the write with what it says
//! when it went through.

use crate::domain::escrow::{Owed, dispute_split, divide};
use crate::domain::{Currency, DomainError, Locale, parse_display_amount, sanitize_line};
use crate::office::escrow::EscrowDetail;
use crate::office::format;
use crate::office::messages::error_text;
use crate::service::escrow::{Split, Take};
use crate::service::{self, ServiceError};
use crate::store::escrows::EscrowRow;
use crate::tr;
use crate::ui::data::{Done, Job};
use crate::ui::screens::{Compose, Effect, TextSize};

fn refuse(e: DomainError, locale: Locale) -> Vec<Effect> {
    vec![Effect::Refuse(error_text(&ServiceError::Domain(e), locale))]
}

/// An amount typed as the screen shows it, in the escrow's currency ("225 000", "225,000",
/// "225 000 XOF", "1 234,50 €"); None: empty or `all` (`tout`), everything left. What the
/// staff member's language cannot read is tried as the other one writes it.
pub fn typed_amount(
    typed: &str,
    currency: &str,
    locale: Locale,
) -> Result<Option<i64>, DomainError> {
    let text = typed.trim();
    if text.is_empty() || ["all", "tout", "tous"].contains(&text.to_lowercase().as_str()) {
        return Ok(None);
    }
    let c = Currency::parse(currency)?;
    let text = strip_currency(text, c);
    let other = match locale {
        Locale::En => Locale::Fr,
        Locale::Fr => Locale::En,
    };
    parse_display_amount(text, c, locale)
        .or_else(|e| parse_display_amount(text, c, other).map_err(|_| e))
        .map(Some)
}

/// The text without the currency's code or symbol before or after it.
fn strip_currency(text: &str, c: Currency) -> &str {
    // The symbol as either language shows it ("€", "$US", "$"), read off a formatted zero.
    let symbol = |l: Locale| {
        let zero = crate::domain::format_money(0, c, l);
        let digits = |ch: char| ch.is_ascii_digit() || matches!(ch, '.' | ',' | ' ');
        zero.trim_matches(digits).to_owned()
    };
    let (fr, en) = (symbol(Locale::Fr), symbol(Locale::En));
    let mut names = vec![c.code(), fr.as_str(), en.as_str(), "FCFA"];
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    for n in names {
        let lower = text.to_lowercase();
        let name = n.to_lowercase();
        if let Some(rest) = lower.strip_suffix(&name)
            && text.is_char_boundary(rest.len())
        {
            return text[..rest.len()].trim();
        }
        if lower.starts_with(&name) && text.is_char_boundary(name.len()) {
            return text[name.len()..].trim();
        }
    }
    text
}

/// ", contributor #4 1 500 XOF" for each contributor's part.
fn contributor_parts(parts: &Owed, currency: &str, locale: Locale) -> String {
    parts
        .contributors
        .iter()
        .map(|(id, amount)| {
            let amount = format::money(*amount, currency, locale);
            tr(
                locale,
                "escrow_view.contributor_part",
                &[("id", &id.to_string()), ("amount", &amount)],
            )
        })
        .collect()
}

/// The typed amount of a release, then its confirmation naming each party's part, read from
/// what the escrow owes now.
pub fn release_step(id: i64, seen: Option<i64>, typed: String, locale: Locale) -> Job {
    Job::new(move |mut db, _| async move {
        let d = crate::office::escrow::detail(&mut db, id).await?;
        Ok::<_, ServiceError>(release_question(&d, seen, &typed, locale))
    })
}

pub fn release_question(
    d: &EscrowDetail,
    seen: Option<i64>,
    typed: &str,
    locale: Locale,
) -> Vec<Effect> {
    let r = &d.row;
    let (take, amount) = match typed_amount(typed, &r.currency, locale) {
        Ok(Some(a)) => (Take::Amount(a), a),
        Ok(None) => (Take::All, r.amounts().remaining()),
        Err(e) => return refuse(e, locale),
    };
    if let Err(e) = r.amounts().take(amount, false, &r.currency) {
        return refuse(e, locale);
    }
    let parts = match divide(amount, &d.owed) {
        Ok(p) => p,
        Err(e) => return refuse(e, locale),
    };
    let m = |v: i64| format::money(v, &r.currency, locale);
    let developer = sanitize_line(r.developer_name.as_deref().unwrap_or("—"));
    let question = tr(
        locale,
        "escrow_view.release_confirm",
        &[
            ("amount", &m(amount)),
            ("id", &r.id.to_string()),
            ("project", &sanitize_line(&r.project_title)),
            ("name", &developer),
            ("developer", &m(parts.developer)),
            ("platform", &m(parts.platform)),
            (
                "contributors",
                &contributor_parts(&parts, &r.currency, locale),
            ),
        ],
    );
    vec![Effect::Confirm {
        title: tr(locale, "confirm.title", &[]),
        question,
        job: release(r.id, take, seen, r.currency.clone(), locale),
    }]
}

/// Above the dual-approval threshold: recorded as the first approval, a second finance
/// member carries it out.
fn first_approval(id: i64, locale: Locale) -> Done {
    Done::say(
        locale,
        "cli_escrow.first_approval",
        &[("id", &id.to_string())],
    )
}

fn release(id: i64, take: Take, seen: Option<i64>, currency: String, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        let decided = service::escrow::release(&db, &actor, &origin, id, take, seen).await?;
        let Some(done) = decided.done() else {
            return Ok(first_approval(id, locale));
        };
        let m = |v: i64| format::money(v, &currency, locale);
        let contributors = contributor_parts(&done.parts, &currency, locale);
        Ok(Done::say(
            locale,
            "escrow_view.released_toast",
            &[
                ("amount", &m(done.amount)),
                ("id", &id.to_string()),
                ("developer", &m(done.parts.developer)),
                ("platform", &m(done.parts.platform)),
                ("contributors", &contributors),
            ],
        ))
    })
}

/// The typed amount of a refund, then the composer for its reason.
pub fn refund_step(r: &EscrowRow, typed: String, locale: Locale) -> Vec<Effect> {
    let (take, amount) = match typed_amount(&typed, &r.currency, locale) {
        Ok(Some(a)) => (Take::Amount(a), a),
        Ok(None) => (Take::All, r.amounts().remaining()),
        Err(e) => return refuse(e, locale),
    };
    if let Err(e) = r.amounts().take(amount, true, &r.currency) {
        return refuse(e, locale);
    }
    let money = format::money(amount, &r.currency, locale);
    let client = sanitize_line(&r.client_name);
    let (id, seen, currency) = (r.id, Some(r.lock_version), r.currency.clone());
    let title = tr(
        locale,
        "escrow_view.refund_reason",
        &[
            ("amount", &money),
            ("id", &id.to_string()),
            ("client", &client),
        ],
    );
    let purpose = Compose::new(
        format!("escrow-{id}-refund"),
        TextSize::Reason,
        move |reason| {
            let (currency, client) = (currency.clone(), client.clone());
            Job::write(move |db, actor, origin| async move {
                let decided =
                    service::escrow::refund(&db, &actor, &origin, id, take, &reason, seen).await?;
                let Some(amount) = decided.done() else {
                    return Ok(first_approval(id, locale));
                };
                let money = format::money(amount, &currency, locale);
                Ok(Done::say(
                    locale,
                    "escrow_view.refunded_toast",
                    &[
                        ("amount", &money),
                        ("id", &id.to_string()),
                        ("client", &client),
                    ],
                ))
            })
        },
    );
    vec![Effect::Compose { title, purpose }]
}

/// A dispute decision as typed: `dev 300000`, `client 150000`, `dev 300000 client 150000`
/// or the developer's percentage `60%` (`62,5 %`), amounts as the screen shows them.
pub fn typed_split(typed: &str, currency: &str, locale: Locale) -> Result<Split, DomainError> {
    let text = typed.trim().to_lowercase().replace(':', " ");
    if let Some(number) = text.strip_suffix('%') {
        return percent_bps(number.trim()).map(Split::DeveloperBps);
    }
    let (mut developer, mut client) = (None, None);
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let who = words[i].trim_end_matches(':');
        let slot = match who {
            "dev" | "developer" | "developpeur" | "développeur" => &mut developer,
            "client" | "cl" => &mut client,
            _ => return Err(DomainError::SplitUnclear),
        };
        // The amount runs to the next party's name ("dev 300 000 client 150 000").
        let mut j = i + 1;
        while j < words.len()
            && !matches!(
                words[j].trim_end_matches(':'),
                "dev" | "developer" | "developpeur" | "développeur" | "client" | "cl"
            )
        {
            j += 1;
        }
        let amount = words[i + 1..j].join(" ");
        match typed_amount(&amount, currency, locale)? {
            Some(a) if slot.is_none() => *slot = Some(a),
            _ => return Err(DomainError::SplitUnclear),
        }
        i = j;
    }
    match (developer, client) {
        (Some(developer), Some(client)) => Ok(Split::Amounts { developer, client }),
        (Some(d), None) => Ok(Split::Developer(d)),
        (None, Some(c)) => Ok(Split::Client(c)),
        (None, None) => Err(DomainError::SplitUnclear),
    }
}

/// "60" → 6000 basis points, "62,5" / "62.5" → 6250.
fn percent_bps(number: &str) -> Result<i64, DomainError> {
    let unclear = || DomainError::SplitUnclear;
    let (int, frac) = number.split_once([',', '.']).unwrap_or((number, ""));
    let digits = |s: &str| !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || (!frac.is_empty() && (frac.len() > 2 || !digits(frac))) {
        return Err(unclear());
    }
    let whole: i64 = int.parse().map_err(|_| unclear())?;
    let cents: i64 = format!("{frac:0<2}").parse().map_err(|_| unclear())?;
    let bps = whole * 100 + cents;
    if bps > 10_000 {
        return Err(DomainError::InvalidRate { bps });
    }
    Ok(bps)
}

/// The typed split of a dispute, then the composer for the decision's reason (its title says
/// what each side gets).
pub fn dispute_step(r: &EscrowRow, typed: String, locale: Locale) -> Vec<Effect> {
    let split = match typed_split(&typed, &r.currency, locale) {
        Ok(s) => s,
        Err(e) => return refuse(e, locale),
    };
    let (d, c, bps) = match split {
        Split::Developer(d) => (Some(d), None, None),
        Split::Client(c) => (None, Some(c), None),
        Split::Amounts { developer, client } => (Some(developer), Some(client), None),
        Split::DeveloperBps(b) => (None, None, Some(b)),
    };
    let remaining = r.amounts().remaining();
    let (developer, client) = match dispute_split(&r.currency, remaining, d, c, bps) {
        Ok(s) => s,
        Err(e) => return refuse(e, locale),
    };
    let currency = r.currency.clone();
    let m = move |v: i64| format::money(v, &currency, locale);
    let (id, seen) = (r.id, Some(r.lock_version));
    let title = tr(
        locale,
        "escrow_view.dispute_reason",
        &[
            ("id", &id.to_string()),
            ("developer", &m(developer)),
            ("client", &m(client)),
        ],
    );
    let purpose = Compose::new(
        format!("escrow-{id}-dispute"),
        TextSize::Reason,
        move |reason| {
            let m = m.clone();
            Job::write(move |db, actor, origin| async move {
                let decided =
                    service::escrow::decide_dispute(&db, &actor, &origin, id, split, &reason, seen)
                        .await?;
                let Some((developer, client)) = decided.done() else {
                    return Ok(first_approval(id, locale));
                };
                Ok(Done::say(
                    locale,
                    "escrow_view.decided_toast",
                    &[
                        ("id", &id.to_string()),
                        ("developer", &m(developer)),
                        ("client", &m(client)),
                    ],
                ))
            })
        },
    );
    vec![Effect::Compose { title, purpose }]
}
