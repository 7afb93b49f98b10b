//! `e` exports the whole filtered list of a tab to CSV, page by page, as the screen shows it;
//! Esc cancels and leaves no partial file.

mod common;

use common::ui::{Harness, demo_db};
use crossterm::event::KeyCode;
use obryl::domain::Locale;
use obryl::store::Db;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::toast::Level;
use sea_query::{Expr, Query};

const FINANCE: &str = "finance@obryl.test";

async fn count(db: &Db, table: &'static str) -> i64 {
    let q = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(table)
        .to_owned();
    let (n,): (i64,) = db.one(&q).await.unwrap();
    n
}

fn read(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

async fn export(h: &mut Harness) -> std::path::PathBuf {
    h.char('e').await;
    h.pump_until("the export", |app| {
        app.export.is_none() && app.toast.is_some()
    })
    .await;
    let toast = h.app.toast.take().unwrap();
    assert_eq!(toast.level, Level::Success, "{}", toast.text);
    let dir = h.app.opts.exports_dir.clone().unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let path = files.pop().unwrap();
    assert!(
        toast.text.contains(&path.display().to_string()),
        "{}",
        toast.text
    );
    path
}

#[tokio::test]
async fn the_whole_audit_log_in_pages_not_just_the_screen() {
    let (db, dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Audit).await;
    h.app.opts.exports_dir = Some(dir.path().join("exports"));
    let path = export(&mut h).await;
    let (header, rows) = read(&path);
    assert_eq!(header[0], "#");
    assert!(header.iter().any(|c| c == "Event"), "{header:?}");
    let total = count(&db, "audit_logs").await;
    assert!(total > 2000, "several pages of 500");
    assert_eq!(
        rows.len() as i64,
        total,
        "every row, not the window on screen"
    );
    // Newest first, like the screen, and no cell a spreadsheet would run.
    let ids: Vec<i64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]));
    assert!(
        rows.iter()
            .flatten()
            .all(|c| !c.starts_with(['=', '+', '@']))
    );
}

#[tokio::test]
async fn a_filtered_list_exports_what_the_filter_shows() {
    let (db, dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::Fr, TabId::Commissions).await;
    h.app.opts.exports_dir = Some(dir.path().join("exports"));
    h.app.apply_filter("status:all currency:XOF".into());
    h.pump().await;
    let on_screen = h.app.screens.commissions.list.rows.len();
    let path = export(&mut h).await;
    let (header, rows) = read(&path);
    assert!(header.iter().any(|c| c == "Commission"), "{header:?}");
    assert_eq!(rows.len(), on_screen, "the demo fits one window");
    assert!(
        rows.iter()
            .all(|r| r.iter().any(|c| c.ends_with(" XOF") || c.ends_with(" XAF")))
    );
    // Then the raw values: minor units and the currency code, as stored.
    let col = |name: &str| header.iter().position(|c| c == name).unwrap();
    let (amount, currency) = (col("amount_minor"), col("currency"));
    for r in &rows {
        assert_eq!(r[currency], "XOF");
        let id: i64 = r[0].parse().unwrap();
        let stored = obryl::store::commissions::get(
            &mut db.clone(),
            obryl::service::commissions::Kind::Platform,
            id,
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(r[amount].parse::<i64>().unwrap(), stored.amount);
    }
}

#[tokio::test]
async fn esc_cancels_and_leaves_nothing_behind() {
    let (db, dir) = demo_db().await;
    let mut h = Harness::new(&db, FINANCE, Locale::En, TabId::Audit).await;
    let exports = dir.path().join("exports");
    h.app.opts.exports_dir = Some(exports.clone());
    h.app
        .handle_key(crossterm::event::KeyEvent::from(KeyCode::Char('e')));
    assert!(h.app.export.is_some());
    let shown = h.render(120, 40);
    assert!(shown.contains("exporting Audit log"), "{shown}");
    h.app
        .handle_key(crossterm::event::KeyEvent::from(KeyCode::Esc));
    h.pump().await;
    assert!(h.app.export.is_none());
    assert_eq!(std::fs::read_dir(&exports).unwrap().count(), 0);
    assert_eq!(h.app.tab, TabId::Audit, "Esc only cancelled the export");

    // Without a data directory, an export is refused with the reason.
    h.app.opts.exports_dir = None;
    h.char('e').await;
    let toast = h.app.toast.take().unwrap();
    assert_eq!(toast.level, Level::Error);
}
