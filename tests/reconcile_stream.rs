//! Provider statements read from their file a line at a time, on real SQLite and PostgreSQL: a
//! broken line is reported by its number and the lines after it are still reconciled; what we
//! hold that the statement does not list is found over several pages of our transactions; a
//! report lists the first mismatches and counts the rest; `obryl reconcile` streams its file.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use obryl::domain::Currency;
use obryl::domain::statement::{format_of, write};
use obryl::office::reconcile::{KEPT, LINE_MAX_BYTES, Outcome, Report, reconcile_stream};
use obryl::seed::{SeedOptions, Size, seed};
use obryl::store::{self, Db};
use sea_query::Value;

async fn demo(db: &Db) {
    let opts = SeedOptions {
        size: Size::Demo,
        seed: 42,
        anchor: Utc::now() - chrono::Duration::minutes(5),
    };
    seed(db, &opts, &|_, _, _| {}).await.expect("seed");
}

type Row = (String, DateTime<Utc>, i64, Currency, String);

/// Our succeeded wave transactions, as the provider's statement would list them.
async fn wave_lines(db: &Db) -> Vec<Row> {
    let rows = store::payments::succeeded_between(
        &mut db.clone(),
        "wave",
        Utc::now() - chrono::Duration::days(3650),
        Utc::now(),
    )
    .await
    .unwrap();
    rows.iter()
        .map(|p| {
            (
                p.provider_reference.clone(),
                p.created_at.unwrap(),
                p.amount,
                Currency::parse(&p.currency).unwrap(),
                "succeeded".to_owned(),
            )
        })
        .collect()
}

/// Reconciles `text` from a file, as the CLI and the TUI read one.
async fn from_file(db: &Db, provider: &str, text: &str) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("statement.csv");
    std::fs::write(&path, text).unwrap();
    let file = tokio::fs::File::open(&path).await.unwrap();
    reconcile_stream(&mut db.clone(), provider, tokio::io::BufReader::new(file))
        .await
        .unwrap()
}

/// The statement's text with `extra` inserted as its line `number` (1 is the header).
fn with_line(text: &str, number: usize, extra: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(number - 1, extra);
    lines.join("\n") + "\n"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_broken_line_is_reported_by_its_number_and_the_next_ones_still_reconcile() {
    on_all!(|db| {
        demo(&db).await;
        let format = format_of("wave").unwrap();
        let mut rows = wave_lines(&db).await;
        assert!(rows.len() >= 5, "{}", rows.len());
        let n = rows.len();
        // The last line's amount differs: it comes after the broken one.
        rows[n - 1].2 += 1_000;
        let broken_at = 2 + n / 2;
        let text = with_line(
            &write(format, &rows),
            broken_at,
            "\"wave_broken,2026-11-30 10:00:00,1000,XOF,succeeded",
        );
        let report = from_file(&db, "wave", &text).await;

        assert_eq!(report.unreadable.len(), 1, "{:?}", report.unreadable);
        assert_eq!(report.unreadable[0].line, broken_at);
        assert!(
            report.unreadable[0].reason.contains("quote"),
            "{}",
            report.unreadable[0].reason
        );
        assert_eq!(report.lines, n + 1);
        assert_eq!(report.count(&Outcome::Matched), n - 1);
        assert_eq!(report.count(&Outcome::AmountMismatch), 1);
        assert_eq!(report.count(&Outcome::MissingAtProvider), 0);
        assert_eq!(report.count(&Outcome::MissingOnOurSide), 0);
        let differs = &report.entries[0];
        assert_eq!(differs.outcome, Outcome::AmountMismatch);
        // Header, the lines before the broken one, the broken one, then the rest.
        assert_eq!(differs.line, Some(n + 2));
        assert!(differs.line.unwrap() > broken_at);
        assert_eq!(report.entries.len(), 1);
        assert!(!report.reconciles());
    });
}

/// 2 500 succeeded wave transactions over one day, many sharing a time: the statement lists
/// all but three (one on each page of our side), which are found missing at the provider.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn missing_at_the_provider_is_found_across_pages_of_ours() {
    on_all!(|db| {
        let day = Utc.with_ymd_and_hms(2026, 3, 14, 0, 0, 0).unwrap();
        let mut rows = Vec::new();
        let mut ours = Vec::new();
        for k in 0..2_500i64 {
            let at = day + chrono::Duration::seconds(k / 7 * 30);
            let reference = format!("wave_bulk_{k:05}");
            ours.push(vec![
                Value::from("wave"),
                Value::from(reference.clone()),
                Value::from("collection"),
                Value::from(1_000 + k),
                Value::from("XOF"),
                Value::from("succeeded"),
                Value::from(at),
                Value::from(at),
            ]);
            rows.push((
                reference,
                at,
                1_000 + k,
                Currency::XOF,
                "succeeded".to_owned(),
            ));
        }
        let mut tx = db.begin().await.unwrap();
        let columns = [
            "provider",
            "provider_reference",
            "direction",
            "amount",
            "currency",
            "status",
            "created_at",
            "updated_at",
        ];
        store::bulk::insert_rows(&mut tx, "payment_transactions", &columns, ours)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let left_out = ["wave_bulk_00700", "wave_bulk_01503", "wave_bulk_02222"];
        rows.retain(|r| !left_out.contains(&r.0.as_str()));
        let format = format_of("wave").unwrap();
        let report = from_file(&db, "wave", &write(format, &rows)).await;
        assert_eq!(report.count(&Outcome::Matched), 2_497);
        assert_eq!(report.count(&Outcome::MissingAtProvider), 3);
        let missing: Vec<&str> = report
            .entries
            .iter()
            .map(|e| e.reference.as_str())
            .collect();
        assert_eq!(missing, left_out);
        assert!(report.entries.iter().all(|e| e.line.is_none()));
    });
}

/// A report lists the first `KEPT` lines that do not match and counts the others; a line
/// longer than the limit is reported without being held.
#[tokio::test]
async fn a_report_lists_the_first_mismatches_and_counts_the_rest() {
    let (db, _dir) = common::sqlite().await;
    let format = format_of("orange_money").unwrap();
    let at = Utc.with_ymd_and_hms(2001, 1, 1, 12, 0, 0).unwrap();
    let rows: Vec<Row> = (0..KEPT + 200)
        .map(|k| {
            (
                format!("MP{k}"),
                at,
                5_000,
                Currency::XOF,
                "succeeded".to_owned(),
            )
        })
        .collect();
    let long = format!("MPX;01/01/2001;{};XOF;Succès", "9".repeat(LINE_MAX_BYTES));
    let text = with_line(&write(format, &rows), 3, &long);
    let report = from_file(&db, "orange_money", &text).await;
    assert_eq!(report.lines, KEPT + 201);
    assert_eq!(report.count(&Outcome::MissingOnOurSide), KEPT + 200);
    assert_eq!(report.entries.len(), KEPT);
    assert_eq!(report.entries_not_listed, 200);
    assert_eq!(report.entries[0].reference, "MP0");
    assert_eq!(report.entries[1].line, Some(4), "after the long line");
    assert_eq!(report.unreadable.len(), 1);
    assert_eq!(report.unreadable[0].line, 3);
    assert!(report.unreadable[0].reason.contains("longer than"));
}

/// `obryl reconcile` reads its file a line at a time and says which line it could not read.
#[tokio::test]
async fn the_command_reports_the_unreadable_line_and_reconciles_the_rest() {
    use common::cli::{code, json, obryl, text};
    let (db, dir) = common::ui::demo_db().await;
    let rows = wave_lines(&db).await;
    let n = rows.len();
    let format = format_of("wave").unwrap();
    let file = dir.path().join("wave.csv");
    std::fs::write(
        &file,
        with_line(
            &write(format, &rows),
            3,
            "wave_x,2026-11-30,not an amount,XOF,ok",
        ),
    )
    .unwrap();
    let args = [
        "--as",
        "finance@obryl.test",
        "reconcile",
        "--provider",
        "wave",
        file.to_str().unwrap(),
    ];
    let o = obryl(
        &dir.path().join("demo.db"),
        &[&args[..], &["--json"][..]].concat(),
    );
    assert_eq!(code(&o), Some(1), "{}", text(&o));
    let report = json(&o);
    assert_eq!(report["unreadable"][0]["line"], 3, "{report}");
    assert_eq!(report["counts"]["matched"], n, "{report}");
    assert_eq!(report["lines"], n + 1);
    let o = obryl(&dir.path().join("demo.db"), &args);
    assert!(text(&o).contains("line 3: "), "{}", text(&o));
}
