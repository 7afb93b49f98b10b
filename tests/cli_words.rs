//! What the command line prints for people, through the real binary on the demo: French is
//! French throughout (table headers, statuses, checks, counts that agree with their number),
//! and no code is shown where words are meant (providers, ledger accounts and keys, history
//! values); `--json` keeps the codes for scripts. Also system messages, kept with their key,
//! read in each reader's language on SQLite and PostgreSQL.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use chrono::Utc;
use common::cli::{code, json, text};
use common::ui::demo_db;
use obryl::domain::statement::{format_of, write};
use obryl::domain::{Currency, Locale};
use obryl::office::messages::message_text;
use obryl::seed::{SeedOptions, Size, seed};
use obryl::service::{self, Origin};
use obryl::store::escrows::Filter;
use obryl::store::{self, Anchor, Db};
use sea_query::{Expr, ExprTrait, Query};

const FINANCE: &str = "finance@obryl.test";
const ADMIN: &str = "admin@obryl.test";

/// `obryl --locale LOCALE --as EMAIL ARGS` on the demo copy `db`.
fn obryl(db: &Path, locale: &str, email: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_obryl"))
        .arg("--database-url")
        .arg(format!("sqlite://{}", db.display()))
        .arg("--data-dir")
        .arg(db.parent().unwrap())
        .args(["--locale", locale, "--as", email])
        .args(args)
        .env("OBRYL_PASSWORD", "demo")
        .env_remove("DATABASE_URL")
        .env_remove("OBRYL_DATABASE_URL")
        .output()
        .expect("run obryl")
}

fn out(o: &Output, want: i32) -> String {
    assert_eq!(code(o), Some(want), "{}", text(o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn none_of(text: &str, codes: &[&str]) {
    for c in codes {
        assert!(!text.contains(c), "{c} in:\n{text}");
    }
}

const PROVIDER_CODES: [&str; 3] = ["mtn_momo", "orange_money", "moov_money"];

#[tokio::test]
async fn french_tables_and_reports_are_french_and_say_words() {
    let (db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");

    // payment list: French headers, providers, directions and statuses in words.
    let fr = out(&obryl(&path, "fr", FINANCE, &["payment", "list"]), 0);
    let header = fr.lines().next().unwrap();
    for word in [
        "Prestataire",
        "Référence",
        "Sens",
        "Montant",
        "Statut",
        "Échec",
    ] {
        assert!(header.contains(word), "{header}");
    }
    none_of(
        &fr,
        &[
            "provider",
            "direction",
            "succeeded",
            "collection",
            "failure",
        ],
    );
    none_of(&fr, &PROVIDER_CODES);
    assert!(fr.contains("encaissement") && fr.contains("réussi"), "{fr}");
    // --json keeps the codes.
    let rows = json(&obryl(&path, "fr", FINANCE, &["payment", "list", "--json"]));
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"] == "succeeded")
    );

    // payout list and history: providers by their names.
    let fr = out(&obryl(&path, "fr", FINANCE, &["payout", "list"]), 0);
    none_of(&fr, &PROVIDER_CODES);
    none_of(&fr, &["cinetpay", " wave "]);
    let fr = out(&obryl(&path, "fr", FINANCE, &["payout", "history"]), 0);
    none_of(&fr, &PROVIDER_CODES);

    // escrow show: the transfers' table in French, accounts and keys in words.
    let held = Filter {
        statuses: vec!["held".into()],
        ..Default::default()
    };
    let escrow = store::escrows::page(&mut db.clone(), &held, &Anchor::First, 1)
        .await
        .unwrap()
        .rows[0]
        .clone();
    let id = escrow.id.to_string();
    let fr = out(&obryl(&path, "fr", FINANCE, &["escrow", "show", &id]), 0);
    assert!(fr.contains("Écriture") && fr.contains("De → vers"), "{fr}");
    assert!(fr.contains("Transit prestataires → Fonds clients"), "{fr}");
    assert!(
        fr.contains(&format!("encaissement, projet n°{}", escrow.project_id)),
        "{fr}"
    );
    none_of(
        &fr,
        &[
            "transfer ",
            "from → to",
            "psp_clearing",
            "client_funds",
            "collection:p",
            "hold:p",
        ],
    );
    let en = out(&obryl(&path, "en", FINANCE, &["escrow", "show", &id]), 0);
    assert!(
        en.contains("Provider clearing → Client funds")
            && en.contains(&format!("collection for project #{}", escrow.project_id)),
        "{en}"
    );
    let v = json(&obryl(
        &path,
        "fr",
        FINANCE,
        &["escrow", "show", &id, "--json"],
    ));
    assert_eq!(v["transfers"][0]["debit"], "psp_clearing");

    // ledger verify: each check named in words, the count agreeing with its number.
    let fr = out(&obryl(&path, "fr", FINANCE, &["ledger", "verify"]), 0);
    assert!(fr.contains("✓ Équilibre par devise — 0 écart"), "{fr}");
    assert!(fr.contains("✓ Paiements des commissions — 0 écart"), "{fr}");
    none_of(&fr, &["balance_per_currency", "_"]);
    let en = out(&obryl(&path, "en", FINANCE, &["ledger", "verify"]), 0);
    assert!(
        en.contains("✓ Balance per currency — 0 discrepancies"),
        "{en}"
    );
    let v = json(&obryl(
        &path,
        "fr",
        FINANCE,
        &["ledger", "verify", "--json"],
    ));
    assert_eq!(v["checks"][0], "balance_per_currency");

    // audit tail: times, events, records and changes in words.
    let fr = out(
        &obryl(&path, "fr", ADMIN, &["audit", "tail", "--lines", "30"]),
        0,
    );
    none_of(
        &fr,
        &["{\"", "updated ", "status_changed", "support_ticket#"],
    );
    assert!(
        fr.contains("modification") || fr.contains("changement de statut"),
        "{fr}"
    );
}

#[tokio::test]
async fn a_reconciliation_in_french_counts_and_states_in_words() {
    let (db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");
    // Our succeeded wave transactions as the provider lists them, one amount changed.
    let ours = store::payments::succeeded_between(
        &mut db.clone(),
        "wave",
        Utc::now() - chrono::Duration::days(3650),
        Utc::now(),
    )
    .await
    .unwrap();
    assert!(ours.len() > 2, "the demo has wave transactions");
    let mut rows: Vec<_> = ours
        .iter()
        .map(|p| {
            (
                p.provider_reference.clone(),
                p.created_at.unwrap(),
                p.amount,
                Currency::parse(&p.currency).unwrap(),
                "succeeded".to_owned(),
            )
        })
        .collect();
    rows[0].2 += 1_000;
    let statement = dir.path().join("wave.csv");
    std::fs::write(&statement, write(format_of("wave").unwrap(), &rows)).unwrap();
    let file = statement.display().to_string();

    let o = obryl(
        &path,
        "fr",
        FINANCE,
        &["reconcile", "--provider", "wave", &file],
    );
    let fr = out(&o, 1);
    let matched = ours.len() - 1;
    assert!(
        fr.starts_with(&format!("Wave · {} lignes", ours.len())),
        "{fr}"
    );
    assert!(
        fr.contains(&format!("{matched} lignes concordantes")),
        "{fr}"
    );
    assert!(fr.contains("1 montant différent"), "{fr}");
    assert!(fr.contains("0 devise différente"), "{fr}");
    assert!(fr.contains("XOF réussi"), "{fr}");
    none_of(&fr, &["succeeded", "concordant\n", "wave ·"]);

    let o = obryl(
        &path,
        "en",
        FINANCE,
        &["reconcile", "--provider", "wave", &file],
    );
    let en = out(&o, 1);
    assert!(en.contains(&format!("{matched} lines match")), "{en}");
    assert!(en.contains("1 amount differs"), "{en}");
}

#[tokio::test]
async fn refusals_read_as_sentences() {
    let (db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");
    let done = store::payments::succeeded_between(
        &mut db.clone(),
        "wave",
        Utc::now() - chrono::Duration::days(3650),
        Utc::now(),
    )
    .await
    .unwrap()[0]
        .id
        .to_string();
    let args = ["payment", "confirm", done.as_str(), "--reference", "X-1"];
    let fr = text(&obryl(&path, "fr", FINANCE, &args));
    assert!(fr.contains("cette transaction a déjà réussi"), "{fr}");
    let en = text(&obryl(&path, "en", FINANCE, &args));
    assert!(
        en.contains("this transaction has already succeeded"),
        "{en}"
    );

    // 0 is not negative: a release must move something.
    let held = Filter {
        statuses: vec!["held".into()],
        ..Default::default()
    };
    let id = store::escrows::page(&mut db.clone(), &held, &Anchor::First, 1)
        .await
        .unwrap()
        .rows[0]
        .id
        .to_string();
    let args = ["escrow", "release", id.as_str(), "--amount", "0"];
    let o = obryl(&path, "fr", FINANCE, &args);
    let fr = text(&o);
    assert_eq!(code(&o), Some(1), "{fr}");
    assert!(
        fr.contains("supérieur à zéro") && !fr.contains("négatif"),
        "{fr}"
    );
    let en = text(&obryl(&path, "en", FINANCE, &args));
    assert!(
        en.contains("greater than zero") && !en.contains("negative"),
        "{en}"
    );
}

/// A release writes its system message with its key: the client's language in the body (what
/// the platform shows), each reader's own on our screens; older rows show their body.
async fn system_message_in_each_language(db: &Db) {
    let opts = SeedOptions {
        size: Size::Demo,
        seed: 11,
        anchor: Utc::now() - chrono::Duration::minutes(5),
    };
    seed(db, &opts, &|_, _, _| {}).await.expect("seed");
    let admin = common::ui::actor(db, ADMIN).await;
    let unlimited = serde_json::json!({"XOF": i64::MAX, "XAF": i64::MAX, "EUR": i64::MAX});
    service::settings::update(
        db,
        &admin,
        &Origin::cli(),
        "commission",
        "dual_approval_threshold",
        unlimited,
    )
    .await
    .unwrap();
    let finance = common::ui::actor(db, FINANCE).await;
    let held = Filter {
        statuses: vec!["held".into()],
        currencies: vec!["XOF".into()],
        ..Default::default()
    };
    let escrow = store::escrows::page(&mut db.clone(), &held, &Anchor::First, 50)
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|e| e.project_status == "in_progress" || e.project_status == "delivered")
        .expect("a held escrow with work under way");
    // The client reads French.
    sqlx_locale(db, escrow.client_id, "fr").await;
    service::escrow::release(
        db,
        &finance,
        &Origin::cli(),
        escrow.id,
        service::escrow::Take::Amount(10_000),
        None,
    )
    .await
    .unwrap();
    let detail = obryl::office::escrow::detail(&mut db.clone(), escrow.id)
        .await
        .unwrap();
    let m = detail.messages.last().expect("the system message");
    assert_eq!(m.sender_id, None);
    assert_eq!(m.body, "Fonds libérés : 10 000 XOF");
    assert_eq!(message_text(m, Locale::En), "Funds released: 10,000 XOF");
    assert_eq!(message_text(m, Locale::Fr), "Fonds libérés : 10 000 XOF");
    // Seeded notes of the platform too.
    assert!(
        detail
            .messages
            .iter()
            .any(|m| m.sender_id.is_none() && message_text(m, Locale::En).starts_with("The ")),
        "the platform's notes read in English"
    );
}

async fn sqlx_locale(db: &Db, user: i64, locale: &str) {
    db.exec(
        &Query::update()
            .table("users")
            .value("locale", locale)
            .and_where(Expr::col("id").eq(user))
            .to_owned(),
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn system_messages_read_in_each_readers_language() {
    on_all!(|db| system_message_in_each_language(&db).await);
}
