//! Text from the database that tries to drive the staff member's terminal: escape sequences
//! (OSC 52 clipboard write, clear screen), the 8-bit CSI (U+009B), DEL, bidi overrides. The
//! demo database is given such text in every place a screen shows (people's names, project
//! titles, ticket subjects and messages, review comments, article bodies, audit values,
//! notification data); each screen is rendered on ratatui's `TestBackend` and must carry none
//! of those characters, nor the rest of a sequence, while the readable text is still there.
//! The command line is checked too, through the real binary: text tables, success and refusal
//! messages, and `--json`, which keeps the data exact but escapes the characters.

mod common;

use std::process::Output;

use chrono::{DateTime, Utc};
use common::cli::obryl;
use common::ui::{Harness, anchor, buffer_text, demo_db, raw_symbols};
use crossterm::event::{Event, KeyCode, KeyModifiers};
use obryl::domain::{Locale, sanitize_line};
use obryl::store::{self, Db, bulk};
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;
use ratatui::buffer::Buffer;
use sea_query::Value;

/// Put before every text: a clipboard write (OSC 52, BEL-terminated), a screen clear, a
/// right-to-left override.
const BEFORE: &str = "\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{202e}";
/// Put after every text: the 8-bit CSI with its parameters, DEL, a pop of the override, an
/// isolate and a mark.
const AFTER: &str = "\u{9b}31m\u{7f}\u{202c}\u{2066}\u{200f}";

/// What must never reach the screen: ESC, BEL, DEL, C1 controls, bidi controls.
fn forbidden(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// What would show if only the control characters were dropped and the rest of a sequence
/// were drawn.
const DEBRIS: [&str; 4] = ["]52;", "ZXZpbA", "[2J", "31m"];

fn hostile(text: &str) -> String {
    format!("{BEFORE}{text}{AFTER}")
}

fn assert_clean(buf: &Buffer, place: &str) {
    let symbols = raw_symbols(buf);
    let text = buffer_text(buf);
    let bad: Vec<char> = symbols.chars().filter(|c| forbidden(*c)).collect();
    assert!(
        bad.is_empty(),
        "{bad:?} reached the screen in the {place}:\n{text}"
    );
    for debris in DEBRIS {
        assert!(
            !symbols.contains(debris),
            "{debris:?} reached the screen in the {place}:\n{text}"
        );
    }
}

/// `value` as the screen shows it: sanitised, and only its start (columns cut long names).
fn shown(value: &str, chars: usize) -> String {
    let clean = sanitize_line(value);
    assert!(!clean.is_empty(), "nothing readable in {value:?}");
    clean.chars().take(chars).collect()
}

fn assert_shows(buf: &Buffer, value: &str, place: &str) {
    let text = buffer_text(buf);
    let start = shown(value, 6);
    assert!(
        text.contains(&start),
        "{start:?} (from {value:?}) is not on the screen in the {place}:\n{text}"
    );
}

fn pool(db: &Db) -> &sqlx::SqlitePool {
    match db {
        Db::Sqlite(p) => p,
        _ => panic!("the demo copy is SQLite"),
    }
}

/// Wraps a text column of every row of `table` in the hostile sequences.
async fn poison(db: &Db, table: &str, column: &str) {
    let sql =
        format!("UPDATE {table} SET {column} = ? || {column} || ? WHERE {column} IS NOT NULL");
    let n = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(BEFORE)
        .bind(AFTER)
        .execute(pool(db))
        .await
        .unwrap_or_else(|e| panic!("poison {table}.{column}: {e}"))
        .rows_affected();
    assert!(n > 0, "no row in {table} to poison");
}

async fn user_id(db: &Db, email: &str) -> i64 {
    store::users::find_by_email(&mut db.clone(), email)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {email}"))
        .id
}

/// An audit row (appended: the log refuses edits) whose values, field names, event and subject
/// type are hostile.
async fn hostile_audit_row(db: &Db, actor: i64, at: DateTime<Utc>) {
    let old = serde_json::json!({ "title": hostile("Ancien titre"), "status": "open" });
    let new = serde_json::json!({
        "title": hostile("Nouveau titre"),
        hostile("champ"): hostile("valeur"),
    });
    let mut tx = db.begin().await.unwrap();
    bulk::insert_rows(
        &mut tx,
        "audit_logs",
        &[
            "user_type",
            "user_id",
            "event",
            "auditable_type",
            "auditable_id",
            "old_values",
            "new_values",
            "url",
            "created_at",
        ],
        vec![vec![
            Value::from("user"),
            actor.into(),
            Value::from("updated"),
            Value::from("project"),
            1i64.into(),
            old.to_string().into(),
            new.to_string().into(),
            Value::from(hostile("https://obryl.test/admin")),
            at.into(),
        ]],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Two unread notifications for `user`: a known kind with hostile parameters and actor, and an
/// unknown, hostile kind (shown as it is stored).
async fn hostile_notifications(db: &Db, user: i64, at: DateTime<Utc>) {
    let mut tx = db.begin().await.unwrap();
    let known = serde_json::json!({
        "kind": "ticket.assigned",
        "params": { "reference": hostile("TCK-9"), "subject": hostile("Remboursement") },
        "actor": { "id": 1, "name": hostile("Mariam Cissé") },
    });
    let unknown = serde_json::json!({ "kind": hostile("mystère"), "params": {} });
    for (id, kind, data) in [
        ("hostile-1", "App\\Notifications\\TicketAssigned", known),
        ("hostile-2", "App\\Notifications\\Unknown", unknown),
    ] {
        store::notifications::insert(
            &mut tx,
            &store::notifications::NewNotification {
                id: id.into(),
                kind,
                user_id: user,
                data,
                now: at,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// The seeded demo with hostile text everywhere a screen reads it.
async fn hostile_demo() -> (Db, tempfile::TempDir) {
    let (db, dir) = demo_db().await;
    for (table, column) in [
        ("users", "name"),
        ("projects", "title"),
        ("support_tickets", "subject"),
        ("support_tickets", "body"),
        ("messages", "body"),
        ("reviews", "comment"),
        ("articles", "title"),
        ("articles", "body"),
        ("profiles", "display_name"),
    ] {
        poison(&db, table, column).await;
    }
    (db, dir)
}

async fn command(h: &mut Harness, line: &str) {
    h.char(':').await;
    h.type_text(line).await;
    h.key(KeyCode::Enter).await;
}

#[tokio::test]
async fn names_titles_and_subjects_in_every_list_and_detail() {
    let (db, _dir) = hostile_demo().await;
    let ops = user_id(&db, "ops@obryl.test").await;
    hostile_audit_row(&db, ops, anchor()).await;
    let mut h = Harness::new(&db, "ops@obryl.test", Locale::En, TabId::Projects).await;

    // The five tabs: the list with hostile names in it, then the first row's detail.
    for (key, tab) in ["1", "2", "3", "4", "5"]
        .into_iter()
        .zip(TabId::ALL.iter().copied())
    {
        h.char(key.chars().next().unwrap()).await;
        assert_eq!(h.app.tab, tab);
        let s = &h.app.screens;
        let names: Vec<String> = match tab {
            TabId::Projects => s
                .projects
                .list
                .rows
                .iter()
                .take(3)
                .flat_map(|r| {
                    [r.client_name.clone(), r.title.clone()]
                        .into_iter()
                        .chain(r.developer_name.clone())
                })
                .collect(),
            TabId::Commissions => s
                .commissions
                .list
                .rows
                .iter()
                .take(3)
                .flat_map(|r| {
                    [r.client_name.clone(), r.project_title.clone()]
                        .into_iter()
                        .chain(r.developer_name.clone())
                })
                .collect(),
            TabId::Workload => s
                .workload
                .list
                .rows
                .iter()
                .take(3)
                .map(|r| r.dev.name.clone())
                .collect(),
            TabId::Tickets => s
                .tickets
                .list
                .rows
                .iter()
                .take(3)
                .flat_map(|r| {
                    [r.requester_name.clone(), r.subject.clone()]
                        .into_iter()
                        .chain(r.assignee_name.clone())
                })
                .collect(),
            TabId::Audit => s
                .audit
                .list
                .rows
                .iter()
                .take(3)
                .filter_map(|r| r.user_name.clone())
                .collect(),
            _ => unreachable!(),
        };
        assert!(!names.is_empty(), "{tab:?} shows rows");
        assert!(
            names.iter().all(|n| n.contains('\u{1b}')),
            "{tab:?}: the rows carry the hostile text: {names:?}"
        );
        let buf = h.render_buffer(160, 45);
        assert_clean(&buf, &format!("{tab:?} list"));
        for name in &names {
            assert_shows(&buf, name, &format!("{tab:?} list"));
        }
        h.key(KeyCode::Enter).await;
        let buf = h.render_buffer(160, 45);
        assert_clean(&buf, &format!("{tab:?} detail"));
        h.key(KeyCode::Esc).await;
    }

    // The views: Users (names, display names) and Reviews (reviewer and reviewee).
    command(&mut h, "users").await;
    assert_eq!(h.app.tab, TabId::Users);
    let first = h.app.screens.users.list.rows[0].name.clone();
    assert!(first.contains('\u{1b}'));
    let buf = h.render_buffer(160, 45);
    assert_clean(&buf, "Users list");
    assert_shows(&buf, &first, "Users list");
    h.key(KeyCode::Enter).await;
    let buf = h.render_buffer(160, 45);
    assert_clean(&buf, "Users detail");
    assert_shows(&buf, &first, "Users detail");
    h.key(KeyCode::Esc).await;
    h.key(KeyCode::Esc).await;

    command(&mut h, "reviews").await;
    assert_eq!(h.app.tab, TabId::Reviews);
    let r = h.app.screens.reviews.list.rows[0].clone();
    assert!(r.reviewer_name.contains('\u{1b}'));
    let buf = h.render_buffer(160, 45);
    assert_clean(&buf, "Reviews list");
    assert_shows(&buf, &r.reviewer_name, "Reviews list");
    h.key(KeyCode::Enter).await;
    let buf = h.render_buffer(160, 45);
    assert_clean(&buf, "Reviews detail");
    assert_shows(&buf, &r.reviewee_name, "Reviews detail");

    // The footer names the staff member, whose name is hostile too.
    let me = h
        .app
        .session
        .actor
        .as_ref()
        .map(|a| a.name.clone())
        .unwrap();
    assert!(me.contains('\u{1b}'));
    assert_shows(&buf, &me, "footer");
}

#[tokio::test]
async fn review_comments_in_the_reviews_list_and_detail() {
    let (db, _dir) = hostile_demo().await;
    let mut h = Harness::new(&db, "ops@obryl.test", Locale::En, TabId::Projects).await;
    command(&mut h, "reviews").await;
    let index = h
        .app
        .screens
        .reviews
        .list
        .rows
        .iter()
        .position(|r| r.comment.is_some())
        .expect("a review with a comment");
    for _ in 0..index {
        h.char('j').await;
    }
    let comment = h.app.screens.reviews.list.rows[index]
        .comment
        .clone()
        .unwrap();
    assert!(comment.contains('\u{1b}') && comment.contains('\u{202e}'));
    let buf = h.render_buffer(160, 45);
    assert_clean(&buf, "Reviews list");
    assert_shows(&buf, &comment, "Reviews list");
    h.key(KeyCode::Enter).await;
    let buf = h.render_buffer(160, 45);
    assert_clean(&buf, "Reviews detail");
    assert_shows(&buf, &comment, "Reviews detail");
}

#[tokio::test]
async fn message_bodies_in_the_ticket_conversation() {
    let (db, _dir) = hostile_demo().await;
    let mut h = Harness::new(&db, "support@obryl.test", Locale::En, TabId::Tickets).await;
    // The first ticket with a conversation.
    let mut found = None;
    for i in 0..h.app.screens.tickets.list.rows.len().min(20) {
        if i > 0 {
            h.char('j').await;
        }
        h.key(KeyCode::Enter).await;
        let messages = h
            .app
            .screens
            .tickets
            .detail
            .content
            .as_ref()
            .map(|d| d.messages.clone())
            .unwrap_or_default();
        if let Some(m) = messages.first() {
            found = Some(m.body.clone());
            break;
        }
        h.key(KeyCode::Esc).await;
    }
    let body = found.expect("a ticket with messages among the first 20");
    assert!(body.contains('\u{1b}'));
    let buf = h.render_buffer(160, 45);
    assert_clean(&buf, "ticket conversation");
    assert!(
        buffer_text(&buf).contains("Conversation"),
        "{}",
        buffer_text(&buf)
    );
    assert_shows(&buf, &body, "ticket conversation");
}

#[tokio::test]
async fn a_canned_reply_quoting_a_hostile_subject_and_name_is_sanitised() {
    let (db, _dir) = hostile_demo().await;
    let mut h = Harness::new(&db, "support@obryl.test", Locale::En, TabId::Tickets).await;
    h.key(KeyCode::Enter).await;
    let row = h.app.screens.tickets.list.rows[0].clone();
    assert!(row.subject.contains('\u{1b}') && row.requester_name.contains('\u{1b}'));
    h.char('c').await;
    h.key_mod(KeyCode::Char('o'), KeyModifiers::CONTROL).await;
    h.key(KeyCode::Enter).await;
    let text = match &h.app.popup {
        Some(Popup::Compose { composer, .. }) => composer.text(),
        _ => panic!("the reply composer is open"),
    };
    let bad: Vec<char> = text
        .chars()
        .filter(|c| *c != '\n' && forbidden(*c))
        .collect();
    assert!(bad.is_empty(), "{bad:?} copied into the composer: {text:?}");
    for debris in DEBRIS {
        assert!(
            !text.contains(debris),
            "{debris:?} in the composer: {text:?}"
        );
    }
    assert!(
        text.contains(&format!(" {},", sanitize_line(&row.requester_name))),
        "{text}"
    );
    assert!(text.contains(&sanitize_line(&row.subject)), "{text}");
    assert!(
        text.contains("\n\n"),
        "the template's blank lines stay: {text:?}"
    );
    assert_clean(&h.render_buffer(160, 45), "reply composer");
}

#[tokio::test]
async fn article_bodies_in_the_articles_view_and_the_editor() {
    let (db, _dir) = hostile_demo().await;
    let mut h = Harness::new(&db, "editor@obryl.test", Locale::En, TabId::Projects).await;
    command(&mut h, "articles").await;
    h.pump_until("the articles", |app| {
        !app.screens.articles.list.rows.is_empty()
    })
    .await;
    let article = h.app.screens.articles.list.rows[0].clone();
    assert!(article.body.contains('\u{1b}') && article.title.contains('\u{202e}'));
    let buf = h.render_buffer(160, 45);
    assert_clean(&buf, "articles view");
    assert_shows(&buf, &article.title, "articles view");
    assert_shows(&buf, &article.author_name, "articles view");

    // w: the body in the editor.
    h.char('w').await;
    let text = match &h.app.popup {
        Some(Popup::Compose { composer, .. }) => composer.text(),
        _ => panic!("the article editor is open"),
    };
    assert!(!text.chars().any(|c| c != '\n' && forbidden(c)), "{text:?}");
    let buf = h.render_buffer(160, 45);
    assert_clean(&buf, "article editor");
    let first_line = obryl::domain::sanitize(&article.body)
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .chars()
        .take(20)
        .collect::<String>();
    assert!(
        buffer_text(&buf).contains(first_line.trim()),
        "{first_line:?} is not in the editor:\n{}",
        buffer_text(&buf)
    );
}

#[tokio::test]
async fn audit_values_in_the_audit_detail() {
    let (db, _dir) = hostile_demo().await;
    let ops = user_id(&db, "ops@obryl.test").await;
    hostile_audit_row(&db, ops, anchor()).await;
    let mut h = Harness::new(&db, "ops@obryl.test", Locale::En, TabId::Audit).await;
    let first = h.app.screens.audit.list.rows[0].clone();
    let new = first.new_values.as_ref().map(|j| j.to_string()).unwrap();
    assert!(new.contains("Nouveau titre"), "our row is first: {new}");
    let buf = h.render_buffer(160, 45);
    assert_clean(&buf, "Audit list");
    assert_shows(&buf, first.user_name.as_deref().unwrap(), "Audit list");
    h.key(KeyCode::Enter).await;
    let buf = h.render_buffer(160, 45);
    assert_clean(&buf, "Audit detail");
    let text = buffer_text(&buf);
    for visible in [
        "− Ancien titre",
        "+ Nouveau titre",
        "champ",
        "+ valeur",
        "https://obryl.test/admin",
    ] {
        assert!(text.contains(visible), "{visible:?} missing:\n{text}");
    }
}

#[tokio::test]
async fn notification_data_in_the_notifications_popup() {
    let (db, _dir) = hostile_demo().await;
    let support = user_id(&db, "support@obryl.test").await;
    hostile_notifications(&db, support, anchor() + chrono::Duration::minutes(1)).await;
    let mut h = Harness::new(&db, "support@obryl.test", Locale::En, TabId::Tickets).await;
    h.char('n').await;
    h.pump_until("the notifications", |app| {
        matches!(&app.popup, Some(Popup::Notifications { rows: Some(_), .. }))
    })
    .await;
    let buf = h.render_buffer(160, 45);
    assert_clean(&buf, "notifications popup");
    let text = buffer_text(&buf);
    for visible in ["TCK-9", "Remboursement", "mystère"] {
        assert!(text.contains(visible), "{visible:?} missing:\n{text}");
    }
}

#[tokio::test]
async fn a_pasted_filter_quoted_by_an_empty_list() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "ops@obryl.test", Locale::En, TabId::Projects).await;
    h.char('/').await;
    // Ctrl-U clears the current filter; the paste brings the hostile text.
    h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    h.app
        .handle_event(Event::Paste(hostile("zzz-nothing-matches")));
    h.key(KeyCode::Enter).await;
    assert!(h.app.screens.projects.list.rows.is_empty());
    let buf = h.render_buffer(160, 45);
    assert_clean(&buf, "empty list");
    assert!(
        buffer_text(&buf).contains("zzz-nothing-matches"),
        "{}",
        buffer_text(&buf)
    );
}

#[test]
fn toasts_quoting_names_are_sanitised() {
    use obryl::ui::theme::Theme;
    use obryl::ui::widgets::toast::{Level, Toast};
    let theme = Theme::load("dark", true);
    let toast = Toast::new(
        format!("Already approved by {}", hostile("Awa Diop")),
        Level::Error,
    );
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 10)).unwrap();
    terminal.draw(|f| toast.draw(f, f.area(), &theme)).unwrap();
    let buf = terminal.backend().buffer().clone();
    assert_clean(&buf, "toast");
    assert!(
        buffer_text(&buf).contains("Already approved by Awa Diop"),
        "{}",
        buffer_text(&buf)
    );
}

// ---- the command line ------------------------------------------------------------------------

/// Stdout and stderr as text; fails on any raw control or bidi character (newlines aside) and,
/// for text output, on what is left of a sequence when only its controls are dropped. (JSON
/// keeps the whole text, escaped: `\u001b]52;c;…` is the data, not debris.)
fn clean_output(o: &Output, what: &str) -> (String, String) {
    let out = String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout");
    let err = String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr");
    for (stream, text) in [("stdout", &out), ("stderr", &err)] {
        let bad: Vec<char> = text
            .chars()
            .filter(|c| *c != '\n' && forbidden(*c))
            .collect();
        assert!(bad.is_empty(), "{what}: raw {bad:?} on {stream}:\n{text}");
        if what.contains("--json") && stream == "stdout" {
            continue;
        }
        for debris in DEBRIS {
            assert!(
                !text.contains(debris),
                "{what}: {debris:?} on {stream}:\n{text}"
            );
        }
    }
    (out, err)
}

/// The exact hostile name given to the ops account for the CLI test.
fn hostile_ops_name() -> String {
    hostile("Sékou\tKeïta\r\nobryl: forged line")
}

#[tokio::test]
async fn the_command_line_prints_hostile_text_safely_and_json_exactly() {
    let (db, dir) = hostile_demo().await;
    let name = hostile_ops_name();
    sqlx::query("UPDATE users SET name = ? WHERE email = 'ops@obryl.test'")
        .bind(&name)
        .execute(pool(&db))
        .await
        .unwrap();
    let ops = user_id(&db, "ops@obryl.test").await;
    // An audit row whose event and subject type are hostile too (another program wrote it).
    sqlx::query(
        "INSERT INTO audit_logs (user_type, user_id, event, auditable_type, auditable_id, old_values, new_values, created_at) \
         VALUES ('user', ?, ?, ?, 7, '{}', ?, CURRENT_TIMESTAMP)",
    )
    .bind(ops)
    .bind(hostile("updated"))
    .bind(hostile("project"))
    .bind(serde_json::json!({ "title": hostile("Titre") }).to_string())
    .execute(pool(&db))
    .await
    .unwrap();
    db.close().await;
    let path = dir.path().join("demo.db");

    // user list: text, then JSON with the exact name.
    let admin = ["--as", "admin@obryl.test"];
    let o = obryl(
        &path,
        &[&admin[..], &["user", "list", "--role", "ops"]].concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let (out, _) = clean_output(&o, "user list");
    assert!(out.contains("Sékou Keïta obryl: forged line"), "{out}");
    assert!(
        !out.lines().any(|l| l.starts_with("obryl: forged")),
        "a name forged a line of its own:\n{out}"
    );
    let o = obryl(
        &path,
        &[&admin[..], &["user", "list", "--role", "ops", "--json"]].concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let (out, _) = clean_output(&o, "user list --json");
    assert!(out.contains("\\u001b]52;c;") && out.contains("\\u009b") && out.contains("\\u202e"));
    let people: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let me = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"] == "ops@obryl.test")
        .expect("the ops account");
    assert_eq!(me["name"].as_str(), Some(name.as_str()), "the exact name");

    // Other lists with names, titles and subjects.
    for args in [
        &["--as", "ops@obryl.test", "project", "list"][..],
        &["--as", "ops@obryl.test", "project", "list", "--json"],
        &["--as", "support@obryl.test", "ticket", "list"],
        &["--as", "support@obryl.test", "ticket", "list", "--json"],
        &["--as", "finance@obryl.test", "commission", "list"],
        &["--as", "finance@obryl.test", "commission", "list", "--json"],
        &["--as", "ops@obryl.test", "review", "list"],
        &["--as", "ops@obryl.test", "review", "list", "--json"],
        &["--as", "admin@obryl.test", "workload"],
        &["--as", "admin@obryl.test", "workload", "--json"],
    ] {
        let o = obryl(&path, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {o:?}");
        let (out, _) = clean_output(&o, &args.join(" "));
        if args.contains(&"--json") {
            let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
            let text = v.to_string();
            assert!(
                text.contains("\\u001b"),
                "{args:?}: hostile text kept exactly"
            );
        }
    }

    // A ticket in full: subject, body, conversation.
    let o = obryl(
        &path,
        &["--as", "support@obryl.test", "ticket", "list", "--json"],
    );
    let tickets: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let reference = tickets[0]["reference"].as_str().unwrap().to_owned();
    let subject = tickets[0]["subject"].as_str().unwrap().to_owned();
    assert!(subject.contains('\u{1b}'), "{subject:?}");
    let o = obryl(
        &path,
        &["--as", "support@obryl.test", "ticket", "show", &reference],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let (out, _) = clean_output(&o, "ticket show");
    assert!(out.contains(&sanitize_line(&subject)), "{out}");
    let o = obryl(
        &path,
        &[
            "--as",
            "support@obryl.test",
            "ticket",
            "show",
            &reference,
            "--json",
        ],
    );
    let (out, _) = clean_output(&o, "ticket show --json");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["subject"].as_str(), Some(subject.as_str()));

    // A success message quoting a name and a reference, then a refusal quoting the name.
    let o = obryl(
        &path,
        &[
            "--as",
            "support@obryl.test",
            "ticket",
            "list",
            "--unassigned",
            "--json",
        ],
    );
    let unassigned: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let free = unassigned[0]["reference"]
        .as_str()
        .expect("an unassigned ticket")
        .to_owned();
    let assign = [
        "--as",
        "support@obryl.test",
        "ticket",
        "assign",
        &free,
        "--to",
        "support@obryl.test",
    ];
    let o = obryl(&path, &assign);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let (out, _) = clean_output(&o, "ticket assign");
    assert!(out.contains(&free) && out.contains("Fatou Sow"), "{out}");
    let o = obryl(&path, &assign);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let (_, err) = clean_output(&o, "ticket assign, again");
    assert!(err.contains("Already assigned to Fatou Sow"), "{err}");

    // A refusal that quotes the hostile name: hiding a review twice.
    let o = obryl(
        &path,
        &[
            "--as",
            "ops@obryl.test",
            "review",
            "list",
            "--visible",
            "--json",
        ],
    );
    let reviews: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let id = reviews[0]["id"].as_i64().unwrap().to_string();
    let hide = [
        "--as",
        "ops@obryl.test",
        "review",
        "hide",
        &id,
        "--reason",
        "spam",
    ];
    let o = obryl(&path, &hide);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    clean_output(&o, "review hide");
    let o = obryl(&path, &hide);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let (_, err) = clean_output(&o, "review hide, again");
    assert!(err.contains("Already hidden by Sékou Keïta"), "{err}");
    assert!(
        !err.lines().any(|l| l.starts_with("obryl: forged")),
        "a name forged a line of its own:\n{err}"
    );

    // The audit log: event and subject type columns, then JSON Lines with the exact values.
    let o = obryl(
        &path,
        &[&admin[..], &["audit", "tail", "--lines", "5"]].concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let (out, _) = clean_output(&o, "audit tail");
    assert!(
        out.contains("updated") && out.contains("project #7"),
        "{out}"
    );
    let o = obryl(
        &path,
        &[&admin[..], &["audit", "tail", "--lines", "5", "--json"]].concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let (out, _) = clean_output(&o, "audit tail --json");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).expect("one JSON array");
    let ours = rows
        .iter()
        .find(|r| {
            r["auditable_id"] == 7 && r["event"].as_str() == Some(hostile("updated").as_str())
        })
        .unwrap_or_else(|| panic!("the hostile audit row: {out}"));
    assert_eq!(
        ours["auditable_type"].as_str(),
        Some(hostile("project").as_str())
    );
    assert_eq!(ours["user"].as_str(), Some(name.as_str()));
    assert_eq!(
        ours["new_values"]["title"].as_str(),
        Some(hostile("Titre").as_str())
    );
}
