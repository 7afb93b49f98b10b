//! The CLI and the TUI answer from the same read functions (`office`): the workload grid and
//! the commission queue give identical figures through `obryl … --json` and on screen.

mod common;

use common::cli::{obryl, text};
use common::ui::{Harness, demo_db};
use obryl::domain::Locale;
use obryl::service::projects::week_start;
use obryl::store::Anchor;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::virtual_table::{Fill, Keep};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workload_grid_is_the_same_in_the_cli_and_the_tui() {
    let (db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");
    let mut h = Harness::new(&db, "ops@obryl.test", Locale::En, TabId::Workload).await;
    // The CLI shows the weeks from this one: so does the screen here.
    h.app.screens.workload.from = week_start(chrono::Utc::now().date_naive());
    h.app
        .load_tab(TabId::Workload, Anchor::First, Fill::Replace(Keep::Top));
    h.pump().await;
    let screen: Vec<(i64, Vec<i64>)> = h
        .app
        .screens
        .workload
        .list
        .rows
        .iter()
        .map(|r| (r.dev.id, r.weeks.clone()))
        .collect();
    assert!(screen.len() >= 10, "{} developers on screen", screen.len());

    let o = obryl(
        &path,
        &[
            "--as",
            "ops@obryl.test",
            "workload",
            "--limit",
            "100",
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cli: Vec<(i64, Vec<i64>)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let weeks = r["weeks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w["planned_hours"].as_i64().unwrap())
                .collect();
            (r["developer_id"].as_i64().unwrap(), weeks)
        })
        .collect();
    let n = screen.len().min(cli.len());
    assert_eq!(&cli[..n], &screen[..n]);
    assert!(
        cli.iter().any(|(_, w)| w.iter().any(|h| *h > 0)),
        "some hours are planned"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_commission_queue_is_the_same_in_the_cli_and_the_tui() {
    let (db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");
    let h = Harness::new(&db, "finance@obryl.test", Locale::En, TabId::Commissions).await;
    let screen: Vec<(i64, i64, bool)> = h
        .app
        .screens
        .commissions
        .list
        .rows
        .iter()
        .map(|r| (r.id, r.amount, r.needs_two()))
        .collect();
    assert!(!screen.is_empty());
    assert!(
        screen.iter().any(|(_, _, two)| *two),
        "the demo has a commission above the dual-approval threshold"
    );

    let o = obryl(
        &path,
        &["--as", "finance@obryl.test", "commission", "list", "--json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cli: Vec<(i64, i64, bool)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["amount"].as_i64().unwrap(),
                r["needs_two_approvers"].as_bool().unwrap(),
            )
        })
        .collect();
    let n = screen.len().min(cli.len());
    assert_eq!(&cli[..n], &screen[..n]);
    // The text list marks them like the screen does.
    let o = obryl(&path, &["--as", "finance@obryl.test", "commission", "list"]);
    assert!(text(&o).contains("2✓"), "{}", text(&o));
}
