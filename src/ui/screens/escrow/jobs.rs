//! The escrow decisions this screen asks for, one question at a time: what a typed amount or
//! split means, the confirmation or reason that follows it, and the write with what it says
//! when it went through.

use crate::domain::escrow::Owed;
use crate::domain::{Currency, DomainError, Locale, parse_display_amount, sanitize_line};
use crate::office::format;
use crate::office::messages::error_text;
use crate::service::escrow::{Check, Move, Preview, Split, Take};
use crate::service::{self, ServiceError};
use crate::store::escrows::EscrowRow;
use crate::tr;
use crate::ui::data::{Done, Job};
use crate::ui::screens::answer;
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

/// A money move as typed, then its confirmation naming each party's part in the escrow's
/// currency and what four-eyes will make of it, read from what the escrow owes now; refunds
/// and dispute decisions then ask for their reason.
pub fn move_step(id: i64, seen: Option<i64>, mv: Result<Move, DomainError>, locale: Locale) -> Job {
    Job::new(move |mut db, actor| async move {
        let mv = match mv {
            Ok(mv) => mv,
            Err(e) => return Ok::<_, ServiceError>(refuse(e, locale)),
        };
        match service::escrow::preview(&mut db, actor.id, id, mv).await {
            Ok(p) => Ok(confirm_move(&p, mv, seen, locale)),
            Err(e) => Ok(vec![Effect::Refuse(error_text(&e, locale))]),
        }
    })
}

/// What the release, refund or dispute decision would move, asked before `y`.
pub fn confirm_move(p: &Preview, mv: Move, seen: Option<i64>, locale: Locale) -> Vec<Effect> {
    let r = &p.row;
    let m = |v: i64| format::money(v, &r.currency, locale);
    let id = r.id.to_string();
    let project = sanitize_line(&r.project_title);
    let name = sanitize_line(r.developer_name.as_deref().unwrap_or("—"));
    let client_name = sanitize_line(&r.client_name);
    let contributors = contributor_parts(&p.parts, &r.currency, locale);
    let args = [
        ("amount", m(p.amount)),
        ("id", id.clone()),
        ("project", project),
        ("name", name),
        ("developer", m(p.parts.developer)),
        ("platform", m(p.parts.platform)),
        ("contributors", contributors),
        ("client_name", client_name.clone()),
        ("client", m(p.client)),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let key = match mv {
        Move::Release(_) => "escrow_view.release_confirm",
        Move::Refund(_) => "escrow_view.refund_confirm",
        Move::Dispute(_) => "escrow_view.dispute_confirm",
    };
    let mut question = tr(locale, key, &args);
    question.push_str(&four_eyes_note(&p.four_eyes, r, locale));
    let currency = r.currency.clone();
    let job = match mv {
        Move::Release(take) => release(r.id, take, seen, currency, locale),
        Move::Refund(take) => {
            let title = tr(
                locale,
                "escrow_view.refund_reason",
                &[
                    ("amount", &m(p.amount)),
                    ("id", &id),
                    ("client", &client_name),
                ],
            );
            answer(refund_reason(
                r.id,
                take,
                seen,
                title,
                currency,
                client_name,
                locale,
            ))
        }
        Move::Dispute(split) => {
            let title = tr(locale, "escrow_view.dispute_reason", &args);
            answer(dispute_reason(r.id, split, seen, title, currency, locale))
        }
    };
    vec![Effect::Confirm {
        title: tr(locale, "confirm.title", &[]),
        question,
        job,
    }]
}

/// What four-eyes makes of the move: carried out alone (nothing to add), recorded as a first
/// approval (the total this person would have moved alone), or carried out as the second.
fn four_eyes_note(check: &Check, r: &EscrowRow, locale: Locale) -> String {
    let m = |v: i64| format::money(v, &r.currency, locale);
    match check {
        Check::Alone => String::new(),
        Check::NeedsSecond { total, threshold } => tr(
            locale,
            "escrow_view.needs_second",
            &[
                ("id", &r.id.to_string()),
                ("total", &m(*total)),
                ("threshold", &m(*threshold)),
            ],
        ),
        Check::Second { first } => tr(
            locale,
            "escrow_view.second_of",
            &[("first", &sanitize_line(first))],
        ),
    }
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

/// The typed amount of a release or refund: everything left, or an amount.
pub fn typed_take(typed: &str, currency: &str, locale: Locale) -> Result<Take, DomainError> {
    Ok(match typed_amount(typed, currency, locale)? {
        Some(a) => Take::Amount(a),
        None => Take::All,
    })
}

/// The composer for a confirmed refund's reason, then the refund.
fn refund_reason(
    id: i64,
    take: Take,
    seen: Option<i64>,
    title: String,
    currency: String,
    client: String,
    locale: Locale,
) -> Vec<Effect> {
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

/// The composer for a confirmed dispute decision's reason, then the decision.
fn dispute_reason(
    id: i64,
    split: Split,
    seen: Option<i64>,
    title: String,
    currency: String,
    locale: Locale,
) -> Vec<Effect> {
    let purpose = Compose::new(
        format!("escrow-{id}-dispute"),
        TextSize::Reason,
        move |reason| {
            let currency = currency.clone();
            Job::write(move |db, actor, origin| async move {
                let decided =
                    service::escrow::decide_dispute(&db, &actor, &origin, id, split, &reason, seen)
                        .await?;
                let Some(done) = decided.done() else {
                    return Ok(first_approval(id, locale));
                };
                let m = |v: i64| format::money(v, &currency, locale);
                Ok(Done::say(
                    locale,
                    "escrow_view.decided_toast",
                    &[
                        ("id", &id.to_string()),
                        ("developer", &m(done.parts.developer)),
                        ("platform", &m(done.parts.platform)),
                        (
                            "contributors",
                            &contributor_parts(&done.parts, &currency, locale),
                        ),
                        ("client", &m(done.client)),
                    ],
                ))
            })
        },
    );
    vec![Effect::Compose { title, purpose }]
}

/// Withdrawing the decision that waits for a second approval, after a confirmation naming it.
pub fn withdraw_confirm(r: &EscrowRow, locale: Locale) -> Effect {
    let waiting = crate::office::escrow::waiting_text(r, locale).unwrap_or_default();
    let (id, seen) = (r.id, Some(r.lock_version));
    Effect::Confirm {
        title: tr(locale, "confirm.title", &[]),
        question: tr(
            locale,
            "escrow_view.withdraw_confirm",
            &[("id", &id.to_string()), ("waiting", &waiting)],
        ),
        job: Job::write(move |db, actor, origin| async move {
            service::escrow::withdraw(&db, &actor, &origin, id, seen).await?;
            Ok(Done::say(
                locale,
                "escrow_view.withdrawn_toast",
                &[("id", &id.to_string())],
            ))
        }),
    }
}
