//! The command line's contract with scripts, through the real binary on a copy of the seeded
//! demo: one exit-code table for every command (0 done, 1 refused by a rule, 2 usage or
//! connection error), a missing database file is an error except for `migrate`, `--json` is
//! complete and uniform (RFC 3339 UTC times to the second, arrays for lists, action commands
//! print the resulting record), tickets answer to their number or their reference, and external
//! commissions have their own identity (`X-12`).

mod common;

use std::path::Path;
use std::process::Output;

use common::cli::{assert_uniform_times, code, json, obryl, obryl_with, text};
use common::ui::demo_db;

const ADMIN: &str = "admin@obryl.test";
const FINANCE: &str = "finance@obryl.test";
const FINANCE2: &str = "finance2@obryl.test";
const SUPPORT: &str = "support@obryl.test";
const SUPPORT2: &str = "support2@obryl.test";
const OPS: &str = "ops@obryl.test";

/// `obryl --as EMAIL ARGS` with the demo password.
fn as_(path: &Path, email: &str, args: &[&str]) -> Output {
    obryl(path, &[&["--as", email][..], args].concat())
}

fn expect(o: &Output, want: i32, what: &str) {
    assert_eq!(code(o), Some(want), "{what}: {}", text(o));
}

/// The name of the staff member with this email.
fn name_of(path: &Path, email: &str) -> String {
    let o = as_(path, ADMIN, &["user", "list", "--type", "staff", "--json"]);
    expect(&o, 0, "user list");
    json(&o)
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"] == email)
        .and_then(|p| p["name"].as_str())
        .unwrap_or_else(|| panic!("no staff member {email}"))
        .to_owned()
}

#[tokio::test]
async fn every_command_follows_one_exit_code_table() {
    let (_db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");

    // 2: usage. Unknown options and invalid values, whatever the command, before anything is
    // read or written.
    for args in [
        &["project", "list", "--status", "bogus"][..],
        &["project", "status", "1", "bogus"],
        &["commission", "list", "--status", "bogus"],
        &["commission", "show", "abc"],
        &["commission", "approve", "Y-3"],
        &["ticket", "status", "1", "bogus"],
        &["ticket", "status", "TCK-2026-000001", "bogus"],
        &["user", "grant", SUPPORT, "bogus"],
        &[
            "user", "create", "--name", "X", "--email", "x@x.test", "--role", "bogus",
        ],
        &["user", "list", "--availability", "bogus"],
        &["user", "list", "--role", "bogus"],
        &["workload", "--week", "99"],
        &["review", "list", "--rating", "9"],
        &["session", "revoke"],
        &["commission", "list", "--bogus"],
        &["ticket", "list", "--bogus"],
        &["audit", "tail", "--lines", "many"],
    ] {
        let o = as_(&path, ADMIN, args);
        expect(&o, 2, &format!("{args:?}"));
        assert!(
            !String::from_utf8_lossy(&o.stderr).trim().is_empty(),
            "{args:?} says why"
        );
    }

    // 1: refused by a rule: nobody logged in, a permission, a state, four-eyes, not found.
    let o = obryl_with(&path, None, &["commission", "list"]);
    expect(&o, 1, "nobody logged in");
    assert!(text(&o).contains("Who are you?"), "{}", text(&o));
    let o = as_(&path, SUPPORT, &["commission", "approve", "1"]);
    expect(&o, 1, "support approving");
    assert!(text(&o).contains("commissions.approve"), "{}", text(&o));
    let o = as_(&path, ADMIN, &["audit", "tail"]);
    expect(&o, 0, "admin reads the audit log");
    let o = as_(&path, "editor@obryl.test", &["audit", "tail"]);
    expect(&o, 1, "editor reading the audit log");
    let paid = as_(
        &path,
        FINANCE,
        &["commission", "list", "--status", "paid", "--json"],
    );
    expect(&paid, 0, "paid commissions");
    let paid_id = json(&paid)[0]["id"]
        .as_i64()
        .expect("a paid commission")
        .to_string();
    let o = as_(&path, FINANCE, &["commission", "approve", &paid_id]);
    expect(&o, 1, "approving a paid commission");
    for args in [
        &["commission", "show", "999999"][..],
        &["commission", "show", "X-999999"],
        &["ticket", "show", "999999"],
        &["ticket", "show", "TCK-1999-999999"],
        &["project", "show", "999999"],
        &["ticket", "assign", "1", "--to", "nobody@obryl.test"],
    ] {
        let o = as_(&path, ADMIN, args);
        expect(&o, 1, &format!("not found: {args:?}"));
    }
    let o = as_(&path, OPS, &["user", "grant", OPS, "super-admin"]);
    expect(&o, 1, "granting oneself a role");

    // 0: done.
    for args in [
        &["commission", "list"][..],
        &["ticket", "list"],
        &["project", "list"],
    ] {
        expect(&as_(&path, FINANCE, args), 0, &format!("{args:?}"));
    }

    // 2: a database that cannot be reached.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_obryl"))
        .args(["--database-url", "postgres://nobody@127.0.0.1:9/none"])
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--locale", "en", "--as", FINANCE, "commission", "list"])
        .env("OBRYL_PASSWORD", "demo")
        .env_remove("DATABASE_URL")
        .env_remove("OBRYL_DATABASE_URL")
        .output()
        .expect("run obryl");
    expect(&o, 2, "unreachable database");
}

#[tokio::test]
async fn a_missing_database_file_is_an_error_except_for_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nothing-here.db");
    let shown = path.display().to_string();
    for args in [
        &["commission", "list"][..],
        &["ticket", "show", "1"],
        &["audit", "tail"],
        &["doctor"],
        &["seed"],
        &[
            "user",
            "create",
            "--name",
            "Awa Diop",
            "--email",
            "awa@x.test",
        ],
        &["user", "list"],
        &["session", "list"],
    ] {
        let o = as_(&path, ADMIN, args);
        expect(&o, 2, &format!("{args:?} on a missing file"));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(&shown), "{args:?} names the path: {err}");
        assert!(!path.exists(), "{args:?} created {shown}");
    }
    let o = obryl(&path, &["migrate"]);
    expect(&o, 0, "migrate creates the file");
    assert!(path.exists());
    let o = obryl(&path, &["doctor"]);
    expect(&o, 0, "doctor on the new file");
    // A column the store needs, gone behind its back: doctor names it and fails.
    {
        let url = format!("sqlite://{}", path.display());
        let db = obryl::store::Db::connect(&url).await.unwrap();
        let obryl::store::Db::Sqlite(pool) = &db else {
            unreachable!()
        };
        sqlx::query("ALTER TABLE articles DROP COLUMN excerpt")
            .execute(pool)
            .await
            .unwrap();
        db.close().await;
        let o = obryl(&path, &["doctor"]);
        expect(&o, 2, "doctor on a database missing a column");
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("column articles.excerpt is missing"), "{out}");
        let pool = obryl::store::Db::connect(&url).await.unwrap();
        let obryl::store::Db::Sqlite(pool) = &pool else {
            unreachable!()
        };
        sqlx::query("ALTER TABLE articles ADD COLUMN excerpt TEXT")
            .execute(pool)
            .await
            .unwrap();
    }
    // Now the file exists, the bootstrap path makes the first super-admin.
    let o = obryl(
        &path,
        &[
            "user",
            "create",
            "--name",
            "Awa Diop",
            "--email",
            "awa@x.test",
            "--role",
            "super-admin",
        ],
    );
    expect(&o, 0, "the first account");
}

#[tokio::test]
async fn json_is_complete_and_uniform() {
    let (_db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");

    // Lists are arrays; every time is RFC 3339 UTC to the second.
    for (email, args) in [
        (
            FINANCE,
            &["commission", "list", "--status", "all", "--json"][..],
        ),
        (
            FINANCE,
            &[
                "commission",
                "list",
                "--external",
                "--status",
                "all",
                "--json",
            ],
        ),
        (SUPPORT, &["ticket", "list", "--json"]),
        (OPS, &["project", "list", "--json"]),
        (OPS, &["workload", "--json"]),
        (ADMIN, &["audit", "tail", "--lines", "30", "--json"]),
        (ADMIN, &["user", "list", "--json"]),
        (OPS, &["review", "list", "--json"]),
        (ADMIN, &["session", "list", "--all", "--json"]),
    ] {
        let o = as_(&path, email, args);
        expect(&o, 0, &format!("{args:?}"));
        let v = json(&o);
        let rows = v
            .as_array()
            .unwrap_or_else(|| panic!("{args:?} is not an array: {v}"));
        assert!(
            !rows.is_empty() || args[0] == "session",
            "{args:?} is empty"
        );
        assert_uniform_times(&v);
    }
    let o = as_(&path, ADMIN, &["audit", "tail", "--lines", "5", "--json"]);
    assert_eq!(json(&o).as_array().map(Vec::len), Some(5));

    // A commission carries every field its detail shows.
    let o = as_(
        &path,
        FINANCE,
        &[
            "commission",
            "list",
            "--status",
            "all",
            "--limit",
            "500",
            "--json",
        ],
    );
    let all = json(&o);
    let rows = all.as_array().unwrap();
    for key in [
        "id",
        "ref",
        "kind",
        "project_id",
        "project_title",
        "project_status",
        "client",
        "developer",
        "gross_amount",
        "rate_bps",
        "amount",
        "currency",
        "status",
        "requested_by",
        "first_approved_by",
        "first_approved_at",
        "approved_by",
        "approved_at",
        "rejected_by",
        "rejected_at",
        "rejection_reason",
        "paid_by",
        "paid_at",
        "payment_reference",
        "cancelled_by",
        "cancelled_at",
        "external_total",
        "dual_approval_threshold",
        "needs_two_approvers",
        "approvals_needed",
        "approvals_given",
        "lock_version",
        "created_at",
    ] {
        assert!(
            rows.iter().all(|r| r.get(key).is_some()),
            "commission without {key}"
        );
    }
    let cancelled = rows
        .iter()
        .find(|r| r["cancelled_at"].is_string())
        .expect("a cancelled one");
    assert!(cancelled["cancelled_by"].is_string(), "{cancelled}");
    let o = as_(
        &path,
        FINANCE,
        &[
            "commission",
            "show",
            cancelled["ref"].as_str().unwrap(),
            "--json",
        ],
    );
    assert!(
        json(&o).get("cancellation_reason").is_some(),
        "{}",
        text(&o)
    );
    assert!(
        rows.iter().any(|r| r["first_approved_at"].is_string()),
        "a first approval"
    );
    assert!(assert_uniform_times(&all) > rows.len(), "times are checked");
    let id = rows[0]["id"].as_i64().unwrap().to_string();
    let o = as_(&path, FINANCE, &["commission", "show", &id, "--json"]);
    expect(&o, 0, "commission show");
    let shown = json(&o);
    assert!(shown.is_object(), "{shown}");
    assert!(shown["externals"].is_array(), "{shown}");
    for (k, v) in rows[0].as_object().unwrap() {
        assert_eq!(&shown[k], v, "show and list agree on {k}");
    }
    assert_uniform_times(&shown);

    // A ticket too, with its conversation as an array.
    let o = as_(&path, SUPPORT, &["ticket", "list", "--json"]);
    let tickets = json(&o);
    let first = &tickets[0];
    let reference = first["reference"].as_str().unwrap().to_owned();
    let o = as_(&path, SUPPORT, &["ticket", "show", &reference, "--json"]);
    expect(&o, 0, "ticket show");
    let t = json(&o);
    for key in [
        "id",
        "reference",
        "subject",
        "requester",
        "assignee",
        "priority",
        "status",
        "category",
        "first_response_due_at",
        "first_responded_at",
        "resolution_due_at",
        "resolved_at",
        "resolution",
        "paused_seconds",
        "paused_since",
        "last_activity_at",
        "project_id",
        "lock_version",
        "created_at",
        "body",
        "messages",
    ] {
        assert!(t.get(key).is_some(), "ticket without {key}: {t}");
    }
    assert!(t["messages"].is_array());
    assert_uniform_times(&t);

    // Action commands take --json and print the resulting record.
    let support2 = name_of(&path, SUPPORT2);
    let o = as_(
        &path,
        SUPPORT,
        &["ticket", "assign", &reference, "--to", SUPPORT2, "--json"],
    );
    expect(&o, 0, "ticket assign --json");
    let t = json(&o);
    assert_eq!(t["reference"], reference.as_str());
    assert_eq!(t["assignee"], support2.as_str());
    assert_uniform_times(&t);
    let o = as_(
        &path,
        SUPPORT,
        &[
            "ticket",
            "reply",
            &reference,
            "--body",
            "On regarde ça.",
            "--json",
        ],
    );
    expect(&o, 0, "ticket reply --json");
    let t = json(&o);
    let last = t["messages"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!(last["body"], "On regarde ça.");
    assert_eq!(last["internal"], false);
    let o = as_(
        &path,
        SUPPORT,
        &[
            "ticket",
            "status",
            &reference,
            "solved",
            "--resolution",
            "Rembourse.",
            "--json",
        ],
    );
    expect(&o, 0, "ticket status --json");
    let t = json(&o);
    assert_eq!(t["status"], "solved");
    assert_eq!(t["resolution"], "Rembourse.");
    assert!(t["resolved_at"].is_string(), "{t}");
    assert_uniform_times(&t);

    let pending = as_(&path, FINANCE, &["commission", "list", "--json"]);
    let pending = json(&pending);
    let c = pending
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["approvals_needed"] == 1)
        .expect("a pending commission for one approver");
    let id = c["id"].as_i64().unwrap().to_string();
    let o = as_(&path, FINANCE, &["commission", "approve", &id, "--json"]);
    expect(&o, 0, "commission approve --json");
    let approved = json(&o);
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["approvals_given"], 1);
    assert!(approved["approved_at"].is_string());
    assert_uniform_times(&approved);
    // A commission is paid from what releases moved: release the rest of its escrow first.
    let escrows = json(&as_(&path, FINANCE, &["escrow", "list", "--json"]));
    let escrow = escrows
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["project_id"] == c["project_id"])
        .expect("the commission's escrow");
    let escrow = escrow["id"].as_i64().unwrap().to_string();
    let o = as_(&path, FINANCE, &["escrow", "release", &escrow, "--all"]);
    expect(&o, 0, "escrow release --all");
    let o = as_(
        &path,
        FINANCE,
        &[
            "commission",
            "pay",
            &id,
            "--reference",
            "OM-TEST-1",
            "--json",
        ],
    );
    expect(&o, 0, "commission pay --json");
    let paid = json(&o);
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["payment_reference"], "OM-TEST-1");
    assert!(paid["paid_by"].is_string(), "{paid}");
    let other = pending
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"].as_i64().unwrap().to_string() != id)
        .unwrap();
    let other_id = other["id"].as_i64().unwrap().to_string();
    let o = as_(
        &path,
        FINANCE,
        &[
            "commission",
            "reject",
            &other_id,
            "--reason",
            "Doublon",
            "--json",
        ],
    );
    expect(&o, 0, "commission reject --json");
    let rejected = json(&o);
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["rejection_reason"], "Doublon");
    assert!(rejected["rejected_at"].is_string(), "{rejected}");

    let o = as_(
        &path,
        ADMIN,
        &["user", "grant", SUPPORT, "editor", "--json"],
    );
    expect(&o, 0, "user grant --json");
    let person = json(&o);
    assert_eq!(person["email"], SUPPORT);
    assert!(
        person["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "editor"),
        "{person}"
    );
    let o = as_(
        &path,
        ADMIN,
        &["user", "revoke", SUPPORT, "editor", "--json"],
    );
    expect(&o, 0, "user revoke --json");
    assert!(
        !json(&o)["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "editor"),
        "{}",
        text(&o)
    );

    let o = as_(&path, OPS, &["review", "list", "--visible", "--json"]);
    let review = json(&o)[0]["id"].as_i64().unwrap().to_string();
    let o = as_(
        &path,
        OPS,
        &[
            "review",
            "hide",
            &review,
            "--reason",
            "Hors sujet",
            "--json",
        ],
    );
    expect(&o, 0, "review hide --json");
    let r = json(&o);
    assert_eq!(r["hidden_reason"], "Hors sujet");
    assert!(r["hidden_at"].is_string());
    assert_uniform_times(&r);
    let o = as_(&path, OPS, &["review", "restore", &review, "--json"]);
    expect(&o, 0, "review restore --json");
    assert!(json(&o)["hidden_at"].is_null());

    let o = as_(
        &path,
        OPS,
        &["project", "list", "--status", "draft", "--json"],
    );
    let draft = json(&o)[0]["id"]
        .as_i64()
        .expect("a draft project")
        .to_string();
    let o = as_(&path, OPS, &["project", "status", &draft, "open", "--json"]);
    expect(&o, 0, "project status --json");
    let p = json(&o);
    assert_eq!(p["status"], "open");
    assert_uniform_times(&p);
}

#[tokio::test]
async fn tickets_answer_to_their_number_and_their_reference() {
    let (_db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");
    let o = as_(&path, SUPPORT, &["ticket", "list", "--json"]);
    let list = json(&o);
    let (id, reference) = (
        list[0]["id"].as_i64().unwrap(),
        list[0]["reference"].as_str().unwrap().to_owned(),
    );
    assert!(
        reference.ends_with(&format!("{id:06}")),
        "{reference} names ticket {id}"
    );
    let lower = reference.to_lowercase();
    let hash = format!("#{id}");
    for key in [id.to_string().as_str(), &reference, &lower, &hash] {
        let o = as_(&path, SUPPORT, &["ticket", "show", key, "--json"]);
        expect(&o, 0, &format!("ticket show {key}"));
        let t = json(&o);
        assert_eq!(
            (t["id"].as_i64(), t["reference"].as_str()),
            (Some(id), Some(reference.as_str()))
        );
        let o = as_(&path, SUPPORT, &["ticket", "show", key]);
        expect(&o, 0, &format!("ticket show {key} (text)"));
        assert!(text(&o).contains(&reference), "{}", text(&o));
    }
    // What the text list prints is accepted as it is.
    let o = as_(&path, SUPPORT, &["ticket", "list"]);
    let printed = String::from_utf8_lossy(&o.stdout)
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    expect(
        &as_(&path, SUPPORT, &["ticket", "show", &printed]),
        0,
        "the printed reference",
    );
    let o = as_(
        &path,
        SUPPORT,
        &[
            "ticket",
            "reply",
            &id.to_string(),
            "--body",
            "Vu.",
            "--internal",
        ],
    );
    expect(&o, 0, "reply by number");
    assert!(text(&o).contains(&reference), "{}", text(&o));
}

/// The text line of the list whose first cell is `id`.
fn line_of(out: &Output, id: &str) -> String {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.split_whitespace().next() == Some(id))
        .unwrap_or_else(|| panic!("no line for {id}: {}", text(out)))
        .to_owned()
}

#[tokio::test]
async fn external_commissions_have_their_own_identity() {
    let (_db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");

    let o = as_(
        &path,
        FINANCE,
        &[
            "commission",
            "list",
            "--external",
            "--status",
            "all",
            "--json",
        ],
    );
    let externals = json(&o);
    let externals = externals.as_array().unwrap();
    for e in externals {
        assert_eq!(e["kind"], "external");
        assert_eq!(e["ref"], format!("X-{}", e["id"]).as_str());
    }
    let text_list = as_(
        &path,
        FINANCE,
        &["commission", "list", "--external", "--status", "all"],
    );
    let pending = externals
        .iter()
        .find(|e| e["status"] == "pending")
        .expect("a pending external commission");
    let (n, xref) = (
        pending["id"].as_i64().unwrap().to_string(),
        pending["ref"].as_str().unwrap().to_owned(),
    );
    let line = line_of(&text_list, &xref);
    assert!(
        line.contains(pending["contributor"].as_str().unwrap()),
        "{line}"
    );

    // The platform commission with the same number is another record.
    let o = as_(&path, FINANCE, &["commission", "show", &n, "--json"]);
    expect(&o, 0, "the platform commission of that number");
    let platform = json(&o);
    assert_eq!(platform["kind"], "platform");
    assert_eq!(platform["ref"], n.as_str());
    let platform_status = platform["status"].clone();

    for key in [xref.as_str(), &xref.to_lowercase()] {
        let o = as_(&path, FINANCE, &["commission", "show", key, "--json"]);
        expect(&o, 0, &format!("show {key}"));
        let e = json(&o);
        assert_eq!(
            (e["kind"].as_str(), e["ref"].as_str()),
            (Some("external"), Some(xref.as_str()))
        );
        assert_eq!(e["contributor"], pending["contributor"]);
    }
    let o = as_(
        &path,
        FINANCE,
        &["commission", "show", &n, "--external", "--json"],
    );
    assert_eq!(json(&o)["ref"], xref.as_str(), "--external still names it");
    let o = as_(&path, FINANCE, &["commission", "show", &xref]);
    expect(&o, 0, "show X- as text");
    assert!(text(&o).contains(&xref), "{}", text(&o));

    let o = as_(&path, FINANCE, &["commission", "approve", &xref, "--json"]);
    expect(&o, 0, "approve X-");
    let e = json(&o);
    assert_eq!(
        (e["kind"].as_str(), e["ref"].as_str()),
        (Some("external"), Some(xref.as_str()))
    );
    assert!(e["approvals_given"] == 1, "{e}");
    let o = as_(&path, FINANCE, &["commission", "show", &n, "--json"]);
    assert_eq!(
        json(&o)["status"],
        platform_status,
        "the platform one is untouched"
    );
    // Messages name it the same way.
    let another = externals
        .iter()
        .filter(|e| e["status"] == "pending" && e["ref"] != xref.as_str())
        .map(|e| e["ref"].as_str().unwrap().to_owned())
        .next()
        .expect("another pending external commission");
    let o = as_(
        &path,
        FINANCE,
        &["commission", "reject", &another, "--reason", "Doublon"],
    );
    expect(&o, 0, "reject X-");
    assert!(
        text(&o).contains(&another),
        "messages name X-: {}",
        text(&o)
    );

    // The list shows the dual-approval state: approvals given / needed.
    let o = as_(&path, FINANCE, &["commission", "list", "--json"]);
    let queue = json(&o);
    let finance = name_of(&path, FINANCE);
    let finance2 = name_of(&path, FINANCE2);
    let big = queue
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["approvals_needed"] == 2
                && c["first_approved_by"].is_null()
                && c["requested_by"] != finance.as_str()
                && c["requested_by"] != finance2.as_str()
        })
        .expect("a pending commission above the dual-approval threshold");
    assert_eq!(big["needs_two_approvers"], true);
    assert_eq!(big["approvals_given"], 0);
    let id = big["id"].as_i64().unwrap().to_string();
    let o = as_(&path, FINANCE, &["commission", "list"]);
    assert!(line_of(&o, &id).contains("0/2"), "{}", line_of(&o, &id));
    let o = as_(&path, FINANCE, &["commission", "approve", &id, "--json"]);
    expect(&o, 0, "first approval");
    let c = json(&o);
    assert_eq!(
        (c["status"].as_str(), c["approvals_given"].as_i64()),
        (Some("pending"), Some(1))
    );
    assert_eq!(c["first_approved_by"], finance.as_str());
    let o = as_(&path, FINANCE, &["commission", "list"]);
    assert!(line_of(&o, &id).contains("1/2"), "{}", line_of(&o, &id));
    let o = as_(&path, FINANCE, &["commission", "approve", &id]);
    expect(&o, 1, "the same approver twice");
    let o = as_(&path, FINANCE2, &["commission", "approve", &id, "--json"]);
    expect(&o, 0, "second approval");
    let c = json(&o);
    assert_eq!(
        (c["status"].as_str(), c["approvals_given"].as_i64()),
        (Some("approved"), Some(2))
    );
    let o = as_(
        &path,
        FINANCE,
        &["commission", "list", "--status", "approved"],
    );
    assert!(line_of(&o, &id).contains("2/2"), "{}", line_of(&o, &id));
}
