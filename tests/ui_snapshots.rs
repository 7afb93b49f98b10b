//! What the back-office shows, as text snapshots of the drawn buffer: every tab at two sizes in
//! both languages, the detail panes, popups, an error, the too-small notice, and the hygiene of
//! hostile ticket subjects. The demo database and the app's clock share one fixed anchor, so
//! every snapshot is the same on every day and machine.
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test --test ui_snapshots`, then
//! read the changed files under tests/snapshots/.

mod common;

use common::ui::{Harness, buffer_text, demo_db, raw_symbols};
use crossterm::event::{KeyCode, KeyModifiers};
use obryl::domain::Locale;
use obryl::service::commissions::Kind;
use obryl::service::{self, Origin};
use obryl::store;
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::toast::Level;

const FINANCE: &str = "finance@obryl.test";
const FINANCE2: &str = "finance2@obryl.test";
const SUPPORT: &str = "support@obryl.test";

fn lang(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "en",
        Locale::Fr => "fr",
    }
}

/// The footer (last line) of a rendered screen.
fn footer(text: &str) -> &str {
    text.lines().last().unwrap_or_default()
}

async fn every_tab(locale: Locale) {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, locale, TabId::Projects).await;
    for (w, rows) in [(120, 40), (80, 24)] {
        h.resize(w, rows);
        for (n, tab) in TabId::ALL.iter().enumerate() {
            h.char(char::from(b'1' + n as u8)).await;
            assert_eq!(h.app.tab, *tab);
            let text = h.render(w, rows);
            let title = tab.title(locale);
            assert!(
                text.lines().nth(2).is_some_and(|l| l.contains(&title)),
                "the {title} pane is drawn:\n{text}"
            );
            let rows_shown = match tab {
                TabId::Projects => h.app.screens.projects.list.rows.len(),
                TabId::Commissions => h.app.screens.commissions.list.rows.len(),
                TabId::Workload => h.app.screens.workload.list.rows.len(),
                TabId::Tickets => h.app.screens.tickets.list.rows.len(),
                TabId::Audit => h.app.screens.audit.list.rows.len(),
                _ => unreachable!("views are not numbered tabs"),
            };
            assert!(rows_shown > 0, "the demo has rows for {title}");
            // Columns line up: every line of the pane is exactly as wide as the screen, however
            // wide its characters (accents, emoji, CJK).
            for line in text.lines().skip(2).take(rows as usize - 3) {
                assert_eq!(
                    unicode_width::UnicodeWidthStr::width(line),
                    w as usize,
                    "misaligned line in {title}: {line:?}"
                );
            }
            insta::assert_snapshot!(
                format!("tab{}_{}_{}_{w}x{rows}", n + 1, tab.key(), lang(locale)),
                text
            );
        }
    }
}

#[tokio::test]
async fn every_tab_in_english() {
    every_tab(Locale::En).await;
}

#[tokio::test]
async fn every_tab_in_french() {
    every_tab(Locale::Fr).await;
}

#[tokio::test]
async fn commission_detail_shows_the_split_and_history() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Commissions).await;
    let first = h
        .app
        .screens
        .commissions
        .list
        .rows
        .first()
        .cloned()
        .expect("a pending commission");
    assert_eq!(first.status, "pending");
    h.key(KeyCode::Enter).await;
    let d = &h.app.screens.commissions.detail;
    assert!(
        d.open && d.error.is_none(),
        "detail loaded without error: {:?}",
        d.error
    );
    assert_eq!(d.for_id, Some(first.id));
    let text = h.render(120, 40);
    for needle in [
        "Split",
        "Gross",
        "Developer net",
        "History",
        &format!("#{}", first.id),
    ] {
        assert!(text.contains(needle), "detail shows {needle:?}:\n{text}");
    }
    insta::assert_snapshot!("commission_detail_en_120x40", text);
    // Narrow: the detail takes the whole body.
    insta::assert_snapshot!("commission_detail_en_80x24", h.render(80, 24));
}

#[tokio::test]
async fn reject_composer() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::Fr, TabId::Commissions).await;
    h.char('r').await;
    assert!(matches!(h.app.popup, Some(Popup::Compose { .. })));
    h.type_text("Montant erroné — voir la facture n°12").await;
    let text = h.render(120, 40);
    assert!(
        text.contains("Montant erroné — voir la facture n°12"),
        "{text}"
    );
    insta::assert_snapshot!("reject_composer_fr_120x40", text);
}

#[tokio::test]
async fn rejecting_from_the_composer_writes_the_reason() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Commissions).await;
    let row = h
        .app
        .screens
        .commissions
        .list
        .rows
        .first()
        .cloned()
        .expect("a pending commission");
    h.char('r').await;
    h.type_text("Wrong amount").await;
    h.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    h.pump_until("the rejection", |app| app.toast.is_some())
        .await;
    let toast = h.app.toast.clone().unwrap();
    assert_eq!(toast.level, Level::Success, "{}", toast.text);
    let after = store::commissions::get(&mut db.clone(), Kind::Platform, row.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (after.status.as_str(), after.rejection_reason.as_deref()),
        ("rejected", Some("Wrong amount"))
    );
    assert!(
        h.app
            .screens
            .commissions
            .list
            .rows
            .iter()
            .all(|r| r.id != row.id),
        "no longer in the pending queue"
    );
}

#[tokio::test]
async fn approve_confirm_dialog_names_amount_and_project() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Commissions).await;
    let first = h
        .app
        .screens
        .commissions
        .list
        .rows
        .first()
        .cloned()
        .expect("a pending commission");
    h.char('a').await;
    let Some(Popup::Confirm { question, .. }) = &h.app.popup else {
        panic!("a confirm dialog")
    };
    let question = question.clone();
    let text = h.render(120, 40);
    let amount = obryl::office::format::money(first.amount, &first.currency, Locale::En);
    assert!(
        question.starts_with("Approve")
            && question.contains(&amount)
            && question.contains(&first.project_title),
        "{question}"
    );
    assert!(text.contains(&amount), "{text}");
    insta::assert_snapshot!("approve_confirm_en_120x40", text);
    // Anything but y/n leaves it open; n closes it and nothing changed.
    h.char('x').await;
    assert!(h.app.popup.is_some());
    h.char('n').await;
    assert!(h.app.popup.is_none());
}

#[tokio::test]
async fn help_popup_lists_the_keymap() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Commissions).await;
    h.char('?').await;
    let text = h.render(120, 40);
    for needle in ["On this screen", "approve", "ctrl-c"] {
        assert!(text.contains(needle), "help shows {needle:?}:\n{text}");
    }
    insta::assert_snapshot!("help_en_120x40", text);
    h.char('q').await;
    assert!(h.app.popup.is_none(), "any other key closes help");
    assert!(!h.app.quitting(), "and does not reach the screen");
}

#[tokio::test]
async fn audit_detail_shows_the_diff() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Audit).await;
    h.key(KeyCode::Enter).await;
    let text = h.render(120, 40);
    assert!(text.contains("Changes"), "{text}");
    assert!(
        text.lines().any(|l| l.contains("│") && l.contains(" − "))
            && text.lines().any(|l| l.contains(" + ")),
        "old → new lines:\n{text}"
    );
    insta::assert_snapshot!("audit_detail_en_120x40", text);
}

#[tokio::test]
async fn workload_grid_and_developer_detail() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Workload).await;
    let text = h.render(120, 40);
    // Eight ISO weeks from the anchor's week (2026-11-23 is in week 48).
    let header = text.lines().nth(3).unwrap_or_default().to_owned();
    for w in ["W48", "W49", "W53", "W01", "W02"] {
        assert!(header.contains(w), "{w}: {header}");
    }
    insta::assert_snapshot!("workload_grid_en_120x40", text);
    h.char(']').await;
    let next = h.render(120, 40);
    assert!(
        next.lines()
            .nth(3)
            .is_some_and(|l| l.contains("W03") && !l.contains("W48")),
        "] moves one week on:\n{next}"
    );
    h.char('[').await;
    assert_eq!(h.render(120, 40), text, "[ moves back");
    // s sorts the developers another way, S comes back.
    h.char('s').await;
    let sorted = h.render(120, 40);
    assert_ne!(
        sorted.lines().nth(1),
        text.lines().nth(1),
        "the sort is named:\n{sorted}"
    );
    h.char('S').await;
    assert_eq!(h.render(120, 40), text, "S sorts back");
    h.key(KeyCode::Enter).await;
    assert!(h.app.screens.workload.detail.content.is_some());
    insta::assert_snapshot!("workload_detail_en_120x40", h.render(120, 40));
}

#[tokio::test]
async fn support_is_not_offered_money_actions() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, SUPPORT, Locale::En, TabId::Commissions).await;
    let text = h.render(120, 40);
    let foot = footer(&text);
    assert!(foot.contains("Fatou Sow · support"), "{foot}");
    assert!(foot.contains("filter") && foot.contains("help"), "{foot}");
    for refused in ["approve", "reject", "paid", "select"] {
        assert!(
            !foot.contains(refused),
            "support's footer offers {refused:?}: {foot}"
        );
    }
    insta::assert_snapshot!("support_commissions_en_120x40", text);
    // The keys do nothing but say so; no dialog opens.
    let first = h
        .app
        .screens
        .commissions
        .list
        .rows
        .first()
        .cloned()
        .expect("a pending commission");
    for (c, permission) in [
        ('a', "commissions.approve"),
        ('r', "commissions.reject"),
        ('p', "commissions.pay"),
    ] {
        h.char(c).await;
        assert!(h.app.popup.is_none(), "{c} opened a popup for support");
        let toast = h.app.toast.take().expect("a refusal");
        assert_eq!(toast.level, Level::Error);
        // The refusal names what is missing, as the CLI does.
        assert!(toast.text.contains(permission), "{c}: {}", toast.text);
    }
    let after = store::commissions::get(&mut db.clone(), Kind::Platform, first.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.lock_version, first.lock_version);
    // The help lists no money action either.
    h.char('?').await;
    let help = h.render(120, 40);
    assert!(
        !help.contains("approve") && !help.contains("mark paid"),
        "{help}"
    );
}

#[tokio::test]
async fn a_row_changed_by_someone_else_gives_an_error_toast() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Commissions).await;
    let other = common::ui::actor(&db, FINANCE2).await;
    let rows = h.app.screens.commissions.list.rows.clone();
    let index = rows
        .iter()
        .position(|r| {
            r.requested_by != other.id
                && r.first_approved_by != Some(other.id)
                && r.developer_id != Some(other.id)
        })
        .expect("a commission finance2 may approve");
    for _ in 0..index {
        h.char('j').await;
    }
    h.char('a').await;
    assert!(matches!(h.app.popup, Some(Popup::Confirm { .. })));
    // Meanwhile, a colleague decides first.
    service::commissions::approve(
        &db,
        &other,
        &Origin::cli(),
        Kind::Platform,
        rows[index].id,
        None,
    )
    .await
    .expect("finance2 approves");
    h.char('y').await;
    h.pump_until("the refusal", |app| {
        app.toast.as_ref().is_some_and(|t| t.level == Level::Error)
    })
    .await;
    let error = h
        .app
        .last_error
        .clone()
        .expect("the error stays in the footer");
    let mut text = h.render(120, 40);
    assert!(footer(&text).contains('✕'), "{text}");
    assert!(
        text.contains(&error[..error.len().min(20)]),
        "{error}:\n{text}"
    );
    assert!(
        h.app
            .screens
            .commissions
            .list
            .rows
            .iter()
            .all(|r| r.id != rows[index].id),
        "the list was refreshed"
    );
    // The colleague decided at the real clock's time: mask it, keeping the width.
    let row = store::commissions::get(&mut db.clone(), Kind::Platform, rows[index].id)
        .await
        .unwrap()
        .unwrap();
    for at in [row.approved_at, row.first_approved_at]
        .into_iter()
        .flatten()
    {
        text = text.replace(&at.format("%H:%M").to_string(), "hh:mm");
    }
    insta::assert_snapshot!("stale_error_en_120x40", text);
}

#[tokio::test]
async fn too_small_terminals_get_a_notice_and_never_panic() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Projects).await;
    let text = h.render(40, 10);
    assert!(text.contains("60×15"), "{text}");
    insta::assert_snapshot!("too_small_en_40x10", text);
    let mut fr = Harness::new(&db, FINANCE, Locale::Fr, TabId::Projects).await;
    assert!(fr.render(40, 10).contains("60×15"));
    // Every screen, with and without the detail and a popup, at sizes down to one cell.
    for tab in ['1', '2', '3', '4', '5'] {
        h.resize(120, 40);
        h.char(tab).await;
        for step in [None, Some(KeyCode::Enter), Some(KeyCode::Char('?'))] {
            if let Some(k) = step {
                h.key(k).await;
            }
            for (w, rows) in [
                (20, 5),
                (1, 1),
                (59, 15),
                (60, 14),
                (60, 15),
                (61, 16),
                (2, 40),
                (200, 3),
            ] {
                let text = h.render(w, rows);
                assert_eq!(text.lines().count(), rows as usize);
            }
        }
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Esc).await;
    }
}

#[tokio::test]
async fn hostile_and_wide_ticket_subjects() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Tickets).await;
    let rows = &h.app.screens.tickets.list.rows;
    let hostile = rows
        .iter()
        .position(|r| r.subject.contains('\u{1b}'))
        .expect("the demo has the hostile ticket");
    let wide = rows
        .iter()
        .position(|r| r.subject.contains('💸'))
        .expect("the demo has the emoji/CJK ticket");
    assert!(
        rows[hostile].subject.contains('\u{202e}'),
        "the hostile subject still has its bidi override in the database"
    );
    let (first, last) = (hostile.min(wide), hostile.max(wide));
    assert!(last - first < 30, "both fit on one screen");
    for _ in 0..last {
        h.char('j').await;
    }
    // Wide enough for the subject column to show both subjects whole.
    let buf = h.render_buffer(180, 40);
    let symbols = raw_symbols(&buf);
    let text = buffer_text(&buf);
    for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\u{202c}', '\u{9b}'] {
        assert!(
            !symbols.contains(bad),
            "{:?} reached the screen:\n{text}",
            bad
        );
    }
    assert!(
        !symbols.contains("]0;"),
        "the OSC title payload reached the screen:\n{text}"
    );
    assert!(
        text.contains("Facture  impayée  rouge"),
        "the readable part of the hostile subject stays:\n{text}"
    );
    assert!(
        text.contains("Paiement bloqué 💸"),
        "emoji are drawn:\n{text}"
    );
    // Wide characters keep the columns in line: every table line is as wide as the screen.
    for line in text.lines().skip(2).take(37) {
        assert_eq!(
            unicode_width::UnicodeWidthStr::width(line),
            180,
            "misaligned line: {line:?}"
        );
    }
    insta::assert_snapshot!("tickets_hostile_and_wide_en_180x40", text);

    // The detail pane of the hostile ticket: same hygiene for the full subject.
    for _ in 0..(last - hostile) {
        h.char('k').await;
    }
    h.key(KeyCode::Enter).await;
    assert!(
        h.app
            .screens
            .tickets
            .detail
            .content
            .as_ref()
            .is_some_and(|d| d.row.subject.contains('\u{1b}'))
    );
    let buf = h.render_buffer(120, 40);
    let symbols = raw_symbols(&buf);
    for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\u{202c}'] {
        assert!(!symbols.contains(bad), "{:?} reached the detail pane", bad);
    }
    insta::assert_snapshot!("ticket_hostile_detail_en_120x40", buffer_text(&buf));

    // The wide subject in full, in its detail pane.
    for _ in 0..(wide as isize - hostile as isize).unsigned_abs() {
        h.char(if wide > hostile { 'j' } else { 'k' }).await;
    }
    let text = h.render(120, 40);
    assert!(
        text.contains("Paiement bloqué 💸") && text.contains("支付问题"),
        "emoji and CJK in the detail:\n{text}"
    );
    insta::assert_snapshot!("ticket_wide_detail_en_120x40", text);
}

/// Terminal-control characters a marketplace client could put in a project title.
const HOSTILE_TITLE: &str =
    "Site \u{1b}]0;owned\u{7} vitrine \u{1b}[2J\u{1b}[31m rouge \u{202e}txet\u{202c}";

/// Gives the project of the first pending commission a hostile title; returns the commission.
async fn hostile_project(db: &obryl::store::Db, h: &mut Harness) -> i64 {
    let first = h
        .app
        .screens
        .commissions
        .list
        .rows
        .first()
        .cloned()
        .expect("a pending commission");
    let obryl::store::Db::Sqlite(pool) = db else {
        panic!("sqlite")
    };
    sqlx::query("UPDATE projects SET title = ? WHERE id = ?")
        .bind(HOSTILE_TITLE)
        .bind(first.project_id)
        .execute(pool)
        .await
        .unwrap();
    h.key_mod(KeyCode::Char('r'), KeyModifiers::CONTROL).await;
    assert_eq!(
        h.app
            .screens
            .commissions
            .list
            .rows
            .first()
            .map(|r| r.project_title.as_str()),
        Some(HOSTILE_TITLE)
    );
    first.id
}

fn assert_clean(buf: &ratatui::buffer::Buffer, place: &str) {
    let symbols = raw_symbols(buf);
    for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\u{202c}'] {
        assert!(
            !symbols.contains(bad),
            "{bad:?} reached the screen in the {place}:\n{}",
            buffer_text(buf)
        );
    }
    for payload in ["]0;", "[2J", "[31m"] {
        assert!(
            !symbols.contains(payload),
            "{payload:?} reached the screen in the {place}:\n{}",
            buffer_text(buf)
        );
    }
}

#[tokio::test]
async fn hostile_project_title_in_list_detail_and_confirm() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Commissions).await;
    hostile_project(&db, &mut h).await;
    assert_clean(&h.render_buffer(120, 40), "commission list");
    h.key(KeyCode::Enter).await;
    assert_clean(&h.render_buffer(120, 40), "commission detail");
    h.key(KeyCode::Esc).await;
    h.char('a').await;
    assert!(matches!(h.app.popup, Some(Popup::Confirm { .. })));
    assert_clean(&h.render_buffer(120, 40), "approve dialog");
    h.char('n').await;
    h.char('1').await;
    h.key(KeyCode::Enter).await;
    assert_clean(&h.render_buffer(120, 40), "projects tab");
}

#[tokio::test]
async fn hostile_project_title_in_the_reject_composer() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Commissions).await;
    hostile_project(&db, &mut h).await;
    h.char('r').await;
    assert!(matches!(h.app.popup, Some(Popup::Compose { .. })));
    assert_clean(&h.render_buffer(120, 40), "reject composer");
}

#[tokio::test]
async fn every_tab_is_reachable_from_the_tab_bar_at_80_columns() {
    let (db, _dir) = demo_db().await;
    for locale in [Locale::En, Locale::Fr] {
        let mut h = Harness::new(&db, FINANCE, locale, TabId::Projects).await;
        for (n, tab) in TabId::ALL.iter().enumerate() {
            h.char(char::from(b'1' + n as u8)).await;
            let text = h.render(80, 24);
            let bar = text.lines().next().unwrap_or_default();
            // The active tab in full, the others at least by number and a few letters, and
            // the live indicator drawn beside them, not over them.
            assert!(
                bar.contains(&format!("{} {}", n + 1, tab.title(locale))),
                "{bar:?}"
            );
            for (m, other) in TabId::ALL.iter().enumerate() {
                let short: String = other.title(locale).chars().take(3).collect();
                assert!(
                    bar.contains(&format!("{} {short}", m + 1)),
                    "tab {} hidden: {bar:?}",
                    m + 1
                );
            }
            let live = bar.find('○').expect("the live indicator");
            let last = bar
                .find(&format!(
                    "5 {}",
                    TabId::Audit
                        .title(locale)
                        .chars()
                        .take(3)
                        .collect::<String>()
                ))
                .expect("tab 5");
            assert!(last < live, "{bar:?}");
            insta::assert_snapshot!(format!("tab_bar_{}_{}_80", lang(locale), n + 1), bar);
        }
    }
}

#[tokio::test]
async fn workload_split_view_keeps_the_developer_names() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Workload).await;
    let name = h
        .app
        .screens
        .workload
        .list
        .rows
        .first()
        .map(|r| r.dev.name.clone())
        .expect("a developer");
    h.key(KeyCode::Enter).await;
    let text = h.render(120, 40);
    let list_row = text.lines().nth(4).unwrap_or_default();
    let left: String = list_row.chars().take(69).collect();
    let first_word = name.split(' ').next().unwrap_or_default();
    assert!(
        left.contains(first_word),
        "{name:?} missing from the grid row {left:?}:\n{text}"
    );
}

#[tokio::test]
async fn project_detail_shows_people_money_reviews_and_history() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "ops@obryl.test", Locale::En, TabId::Projects).await;
    h.char('/').await;
    h.type_text("status:completed").await;
    h.key(KeyCode::Enter).await;
    h.key(KeyCode::Enter).await;
    let text = h.render(120, 40);
    assert!(text.contains("Milestones"), "{text}");
    let d = h
        .app
        .screens
        .projects
        .detail
        .content
        .as_ref()
        .expect("detail loaded");
    assert_eq!(d.project.status, "completed");
    assert!(
        !d.history.is_empty(),
        "the project's audit history is shown"
    );
    assert!(d.developer.is_some(), "the developer's profile is shown");
    insta::assert_snapshot!("project_detail_en_120x40", text);
}

#[tokio::test]
async fn ticket_thread_and_reply_composer_with_a_canned_reply() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "support@obryl.test", Locale::Fr, TabId::Tickets).await;
    h.key(KeyCode::Enter).await;
    let thread = h.render(120, 40);
    assert!(thread.contains("Conversation"), "{thread}");
    insta::assert_snapshot!("ticket_thread_fr_120x40", thread);
    h.char('c').await;
    h.type_text("Merci.").await;
    h.key_mod(KeyCode::Char('o'), KeyModifiers::CONTROL).await;
    let picker = h.render(120, 40);
    assert!(picker.contains("Réponses types"), "{picker}");
    h.key(KeyCode::Enter).await;
    let text = h.render(120, 40);
    let Some(Popup::Compose { composer, .. }) = &h.app.popup else {
        panic!("the composer")
    };
    // A paragraph of its own after what was typed.
    assert!(
        composer.text().starts_with("Merci.\n\n"),
        "{:?}",
        composer.text()
    );
    assert!(
        text.contains("Bonjour") && text.contains("support Obryl Tech"),
        "{text}"
    );
    insta::assert_snapshot!("reply_composer_canned_fr_120x40", text);
}
