//! Nothing cut: on every screen, in both languages, at 80×24 and 160×45, the footer holds
//! whole key hints only and always ends with `?` (where every key is listed), and a long
//! message opens in full in its toast.

mod common;

use common::ui::{Harness, demo_db};
use obryl::domain::Locale;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::toast::Level;

/// The screen's text as one line, borders and the space around each line left out, so a
/// wrapped message reads as its words in order.
fn flat(text: &str) -> String {
    text.lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn footers_hold_whole_hints_and_end_with_help() {
    let (db, _dir) = demo_db().await;
    for locale in [Locale::En, Locale::Fr] {
        let help = match locale {
            Locale::En => "? help",
            Locale::Fr => "? aide",
        };
        for tab in TabId::EVERY {
            let mut h = Harness::new(&db, "admin@obryl.test", locale, *tab).await;
            for (w, hgt) in [(80, 24), (160, 45)] {
                let text = h.render(w, hgt);
                let footer = text.lines().last().unwrap_or_default().trim_end();
                assert!(
                    footer.ends_with(help),
                    "{tab:?} {locale:?} {w}×{hgt}: {footer}"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_long_refusal_opens_in_full() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "finance@obryl.test", Locale::Fr, TabId::Projects).await;
    let long = "Une seconde approbation, par un autre membre des finances, est nécessaire \
                au-delà du seuil : la première est enregistrée, rien n'a encore bougé sur \
                le séquestre n°73 ni sur le grand livre.";
    h.app.toast(long, Level::Error);
    let text = h.render(80, 24);
    let shown = flat(&text);
    for word in ["approbation,", "seuil", "n°73", "livre."] {
        assert!(shown.contains(word), "{word} in\n{text}");
    }
}

#[tokio::test]
async fn a_filter_error_reads_in_full_at_80_columns() {
    use crossterm::event::KeyCode;
    let (db, _dir) = demo_db().await;
    for locale in [Locale::En, Locale::Fr] {
        let mut h = Harness::new(&db, "finance@obryl.test", locale, TabId::Commissions).await;
        h.char('/').await;
        h.type_text("couleur:rouge").await;
        h.key(KeyCode::Enter).await;
        let error = h.app.last_error.clone().expect("the term is refused");
        let text = h.render(80, 24);
        let shown = flat(&text);
        for word in error.split(' ').filter(|w| !w.is_empty()) {
            assert!(shown.contains(word), "{word:?} of {error:?} in\n{text}");
        }
    }
}

#[tokio::test]
async fn a_prompt_question_reads_in_full_at_80_columns() {
    use crossterm::event::KeyCode;
    use obryl::ui::popup::Popup;
    let (db, _dir) = demo_db().await;
    for locale in [Locale::En, Locale::Fr] {
        let mut h = Harness::new(&db, "finance@obryl.test", locale, TabId::Projects).await;
        h.char(':').await;
        h.type_text("escrow").await;
        h.key(KeyCode::Enter).await;
        h.pump_until("the escrows", |app| {
            app.screens
                .escrow
                .list
                .rows
                .iter()
                .any(|r| r.status == "held")
        })
        .await;
        while h
            .app
            .screens
            .escrow
            .list
            .current()
            .is_some_and(|r| r.status != "held")
        {
            h.char('j').await;
        }
        h.char('F').await;
        let Some(Popup::Prompt { title, .. }) = &h.app.popup else {
            panic!("the refund asks its amount first");
        };
        let title = title.clone();
        let text = h.render(80, 24);
        let shown = flat(&text);
        for word in title.split(' ').filter(|w| !w.is_empty()) {
            assert!(shown.contains(word), "{word:?} of {title:?} in\n{text}");
        }
    }
}
