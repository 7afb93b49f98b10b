//! The `:media` view as ops meets it on the demo, with the demo's files laid out on a media
//! disk of the test's own: the pending items first; a picture's detail with its half-block
//! preview, size and real kind; a video's metadata read from the file and its poster frame
//! drawn; approving the picture after one question (the owner is told); an embed from a host
//! off the allowlist refused before any question, naming the rule; the hostile file (a page
//! named like a picture) said in words. Snapshots at 80×24 and 160×45, English and French.

mod common;

use common::ui::{Harness, demo_db, options};
use crossterm::event::KeyCode;
use obryl::domain::Locale;
use obryl::media::MediaDisk;
use obryl::service::media::Rules;
use obryl::store::media::MediaFilter;
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::toast::Level;

const OPS: &str = "ops@obryl.test";
const SIZES: [(u16, u16); 2] = [(80, 24), (160, 45)];

fn tag(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "en",
        Locale::Fr => "fr",
    }
}

/// Dates and times as placeholders (the demo is built relative to its run).
fn timeless(text: &str) -> String {
    let forms = [
        (r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", "YYYY-MM-DD"),
        (r"\d{2}/\d{2}/\d{4}( \d{2}:\d{2})?", "DD/MM/YYYY"),
        (r"\b\d+ (min|h|d|j)\b", "N u"),
    ];
    let mut out = text.to_owned();
    for (pattern, placeholder) in forms {
        out = regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&out, placeholder)
            .into_owned();
    }
    out
}

async fn view(db: &obryl::store::Db, disk: &MediaDisk, locale: Locale) -> Harness {
    let mut opts = options(locale, TabId::Projects);
    opts.media_rules = Rules {
        disk: Some(disk.clone()),
        ..Rules::default()
    };
    let mut h = Harness::with_options(db, OPS, opts).await;
    h.char(':').await;
    h.type_text("media").await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the queue", |app| app.screens.media.list.loaded_once)
        .await;
    h
}

async fn open_detail(h: &mut Harness, id: i64) {
    if h.app.screens.media.detail.open {
        h.key(KeyCode::Esc).await;
    }
    h.key(KeyCode::Home).await;
    for _ in 0..40 {
        if h.app.screens.media.list.current().map(|r| r.id) == Some(id) {
            break;
        }
        h.key(KeyCode::Down).await;
    }
    assert_eq!(
        h.app.screens.media.list.current().map(|r| r.id),
        Some(id),
        "{}",
        h.render(160, 45)
    );
    h.key(KeyCode::Enter).await;
    h.pump_until("the detail", move |app| {
        app.screens
            .media
            .detail
            .content
            .as_ref()
            .is_some_and(|d| d.row.id == id)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ops_looks_approves_and_refuses_an_embed_from_elsewhere() {
    for locale in [Locale::En, Locale::Fr] {
        let (db, dir) = demo_db().await;
        let disk = MediaDisk::new(dir.path().join("media"));
        let wrote = obryl::seed::media_files::lay_out(&db, &disk).await.unwrap();
        assert!(wrote >= 4, "{wrote}");
        let rows = obryl::store::media::list(&mut db.clone(), &MediaFilter::default(), 100)
            .await
            .unwrap();
        let pending: Vec<_> = rows
            .iter()
            .filter(|m| m.moderation_status == "pending")
            .collect();
        assert!(
            rows[..pending.len()]
                .iter()
                .all(|m| m.moderation_status == "pending")
        );
        let picture = pending
            .iter()
            .find(|m| m.collection_name == "portfolio")
            .unwrap()
            .id;
        let video = pending
            .iter()
            .find(|m| m.collection_name == "demo_video")
            .unwrap()
            .id;
        let embed = pending
            .iter()
            .find(|m| {
                m.embed_url()
                    .is_some_and(|u| u.contains("demos.example.com"))
            })
            .unwrap()
            .id;

        let mut h = view(&db, &disk, locale).await;
        for (w, hh) in SIZES {
            let name = format!("media_queue_{}_{w}x{hh}", tag(locale));
            insta::assert_snapshot!(name, timeless(&h.render(w, hh)));
        }

        // The picture: its preview in half-blocks, its size read from the file.
        open_detail(&mut h, picture).await;
        let buffer = h.render_buffer(160, 45);
        let text = common::ui::buffer_text(&buffer);
        let title = match locale {
            Locale::En => "Preview (half-blocks)",
            Locale::Fr => "Aperçu (half-blocks)",
        };
        assert!(text.contains(title), "{text}");
        assert!(text.contains("× ") && text.contains(" px"), "{text}");
        let blocks = buffer.content.iter().filter(|c| c.symbol() == "▀").count();
        assert!(blocks > 100, "{blocks} half-blocks drawn");
        // No preview where there is no room: the text keeps the pane.
        let small = h.render(80, 24);
        assert!(!small.contains(title) || small.lines().count() == 24);

        // Approve: one question naming where it will show, then the owner is told.
        h.char('a').await;
        let Some(Popup::Confirm { question, .. }) = &h.app.popup else {
            panic!("no question: {:?}", h.app.popup.is_some());
        };
        let expected = match locale {
            Locale::En => "portfolio.",
            Locale::Fr => "portfolio de",
        };
        assert!(question.contains(expected), "{question}");
        h.char('y').await;
        h.pump_until("approved", move |app| {
            app.screens
                .media
                .list
                .rows
                .iter()
                .any(|r| r.id == picture && r.moderation_status == "approved")
        })
        .await;
        let told = obryl::store::media::get(&mut db.clone(), picture)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(told.moderation_status, "approved");

        // The video: metadata from the file, the poster frame drawn.
        open_detail(&mut h, video).await;
        let text = h.render(160, 45);
        assert!(text.contains("H264, 1280 × 720, 42 s"), "{text}");
        assert!(text.contains(title), "{text}");

        // The embed from elsewhere: refused at once, the rule named, nothing asked.
        open_detail(&mut h, embed).await;
        for (w, hh) in SIZES {
            let name = format!("media_embed_{}_{w}x{hh}", tag(locale));
            insta::assert_snapshot!(name, timeless(&h.render(w, hh)));
        }
        h.char('a').await;
        assert!(h.app.popup.is_none());
        let toast = h.app.toast.as_ref().expect("a refusal");
        assert_eq!(toast.level, Level::Error);
        let rule = match locale {
            Locale::En => "embeds from demos.example.com are not allowed",
            Locale::Fr => "les intégrations de demos.example.com ne sont pas autorisées",
        };
        assert!(toast.text.contains(rule), "{}", toast.text);

        // Rejected with a reason instead.
        h.char('r').await;
        assert!(matches!(h.app.popup, Some(Popup::Prompt { .. })));
        h.type_text("Scène hébergée hors des hôtes autorisés").await;
        h.key(KeyCode::Enter).await;
        h.pump_until("rejected", move |app| {
            app.screens
                .media
                .list
                .rows
                .iter()
                .any(|r| r.id == embed && r.moderation_status == "rejected")
        })
        .await;
        // Its detail now says what the owner read, in the owner's language (French).
        open_detail(&mut h, embed).await;
        let detail = h.app.screens.media.detail.content.as_ref().unwrap();
        assert_eq!(
            detail.told,
            Some((
                Locale::Fr,
                "Votre « Scène 3D logiciel de caisse » n’a pas été publié : Scène hébergée hors des hôtes autorisés".to_owned()
            ))
        );
        let text = h.render(160, 45);
        let heading = match locale {
            Locale::En => "What the owner read (French)",
            Locale::Fr => "Ce que le propriétaire a lu (français)",
        };
        assert!(text.contains(heading), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hostile_file_and_a_missing_one_are_said_in_words() {
    let (db, dir) = demo_db().await;
    let disk = MediaDisk::new(dir.path().join("media"));
    obryl::seed::media_files::lay_out(&db, &disk).await.unwrap();
    let rows = obryl::store::media::list(&mut db.clone(), &MediaFilter::default(), 100)
        .await
        .unwrap();
    let hostile = rows
        .iter()
        .filter(|m| m.collection_name == "portfolio" && m.moderation_status != "pending")
        .map(|m| m.id)
        .max()
        .unwrap();
    let attachment = rows
        .iter()
        .find(|m| m.collection_name == "attachments")
        .map(|m| m.id);
    let mut h = view(&db, &disk, Locale::En).await;
    open_detail(&mut h, hostile).await;
    let text = h.render(160, 45);
    assert!(text.contains("The file's content is text/html"), "{text}");
    assert!(!text.contains("Preview ("), "{text}");
    if let Some(id) = attachment {
        open_detail(&mut h, id).await;
        let text = h.render(160, 45);
        assert!(text.contains("No file at"), "{text}");
    }
}

/// A decision that moves the open item out of the filter leaves the cursor on nothing (never
/// on another record): the detail says the row left the list instead of waiting for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decided_item_leaving_the_filter_is_said_not_awaited() {
    let (db, dir) = demo_db().await;
    let disk = MediaDisk::new(dir.path().join("media"));
    let mut h = view(&db, &disk, Locale::En).await;
    h.char('/').await;
    h.type_text("collection:portfolio status:pending").await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the filtered queue", |app| {
        app.screens
            .media
            .list
            .rows
            .iter()
            .all(|r| r.moderation_status == "pending")
    })
    .await;
    let first = h.app.screens.media.list.current().unwrap().id;
    open_detail(&mut h, first).await;
    h.char('r').await;
    h.type_text("Blurry").await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the row gone", |app| app.screens.media.list.gone.is_some())
        .await;
    let text = h.render(160, 45);
    assert!(text.contains("That row left the list"), "{text}");
    assert!(!text.contains("Loading…"), "{text}");
}
