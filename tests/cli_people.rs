//! `obryl user list` and `obryl review ...` as a script runs them: the real binary on a copy of
//! the seeded demo, with its exit codes (0 done, 1 refused by a rule, 2 usage).

mod common;

use common::cli::{obryl, text};
use common::ui::demo_db;

#[tokio::test]
async fn users_and_reviews_from_a_script() {
    let (_db, dir) = demo_db().await;
    let path = dir.path().join("demo.db");

    // Reading platform data needs someone logged in.
    let o = obryl(&path, &["user", "list"]);
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("Who are you?"), "{}", text(&o));

    let o = obryl(
        &path,
        &[
            "--as",
            "ops@obryl.test",
            "user",
            "list",
            "--type",
            "developer",
            "--availability",
            "busy",
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let people: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let people = people.as_array().unwrap();
    assert!(!people.is_empty());
    assert!(
        people
            .iter()
            .all(|p| p["developer"]["availability"] == "busy")
    );

    let o = obryl(
        &path,
        &["--as", "ops@obryl.test", "user", "list", "--type", "nobody"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    let o = obryl(
        &path,
        &[
            "--as",
            "ops@obryl.test",
            "review",
            "list",
            "--visible",
            "--rating",
            "1,2",
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let id = list[0]["id"]
        .as_i64()
        .expect("a visible low review")
        .to_string();

    // Support may not; ops may, once; then it is shown again.
    let o = obryl(
        &path,
        &[
            "--as",
            "support@obryl.test",
            "review",
            "hide",
            &id,
            "--reason",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("reviews.moderate"), "{}", text(&o));
    let hide = [
        "--as",
        "ops@obryl.test",
        "review",
        "hide",
        &id,
        "--reason",
        "Propos injurieux",
    ];
    let o = obryl(&path, &hide);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = obryl(&path, &hide);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("Already hidden by Sékou Keïta"),
        "{}",
        text(&o)
    );
    let o = obryl(&path, &["--as", "ops@obryl.test", "review", "restore", &id]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("shown again"), "{}", text(&o));
}
