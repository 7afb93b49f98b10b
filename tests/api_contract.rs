//! The OpenAPI document is the API's contract: every answer of every route it describes, the
//! problems included, has the documented content type, headers and body (each object's
//! properties, required fields and types, nothing undocumented), on SQLite and PostgreSQL;
//! and every response it describes is one the server gives.

mod api_support;
mod common;

use std::collections::BTreeSet;

use api_support::schema::Doc;
use api_support::{admin, client, more_rows, start, token};
use common::fixtures::*;
use serde_json::Value;

struct Checker {
    doc: Doc,
    seen: BTreeSet<(String, String, u16)>,
}

impl Checker {
    /// Sends `GET url` and checks the answer against `template`'s documented `status`.
    async fn get(
        &mut self,
        c: &reqwest::Client,
        url: &str,
        template: &str,
        token: Option<&str>,
        status: u16,
    ) {
        let mut req = c.get(url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status().as_u16(), status, "GET {url}");
        let (content_type, schema) = self
            .doc
            .response(template, "get", status)
            .unwrap_or_else(|| panic!("GET {template} → {status} is not documented"));
        let schema = schema.clone();
        for header in self.doc.response_headers(template, "get", status) {
            assert!(
                r.headers().contains_key(header.to_lowercase().as_str()),
                "GET {url}: no {header}"
            );
        }
        let got = r.headers()["content-type"].to_str().unwrap().to_owned();
        assert_eq!(got, content_type, "GET {url}");
        let body = api_support::json(r).await;
        let errors = self.doc.check(&schema, &body);
        assert!(
            errors.is_empty(),
            "GET {url} → {status}:\n{}\n{body:#}",
            errors.join("\n")
        );
        self.seen
            .insert((template.to_owned(), "get".to_owned(), status));
    }

    /// An answer outside the documented routes (unknown path, another method): a problem.
    async fn problem(&self, r: reqwest::Response, status: u16) {
        assert_eq!(r.status().as_u16(), status);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let body = api_support::json(r).await;
        let errors = self.doc.check(self.doc.schema("Problem"), &body);
        assert!(errors.is_empty(), "{}\n{body:#}", errors.join("\n"));
    }
}

const LISTS: [&str; 4] = [
    "/api/v1/projects",
    "/api/v1/commissions",
    "/api/v1/escrows",
    "/api/v1/tickets",
];
const ONE: &str = "/api/v1/projects/{id}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_matches_the_openapi_document() {
    on_all!(|db| {
        world(&db).await;
        more_rows(&db, 120).await;
        let admin = admin(&db).await;
        let (_, all) = token(&db, &admin, &["*"]).await;
        let (_, tickets_only) = token(&db, &admin, &["tickets:read"]).await;
        let (_, projects_only) = token(&db, &admin, &["projects:read"]).await;
        let (_, throttled) = token(&db, &admin, &["*"]).await;
        let server = start(&db, 1000).await;
        let slow = start(&db, 1).await;
        let c = client();

        // The served document is the checked-in one.
        let served = api_support::json(
            c.get(server.url("/api/v1/openapi.json"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let file: Value = serde_json::from_str(obryl::api::OPENAPI).unwrap();
        assert_eq!(served, file);
        let mut check = Checker {
            doc: Doc::new(file),
            seen: BTreeSet::new(),
        };
        check
            .get(
                &c,
                &server.url("/api/v1/openapi.json"),
                "/api/v1/openapi.json",
                None,
                200,
            )
            .await;

        let one = |id: &str| server.url(&format!("/api/v1/projects/{id}"));
        for path in LISTS {
            let url = server.url(path);
            check.get(&c, &url, path, Some(&all), 200).await;
            // A middle page (limit 7, with a cursor) and the last one.
            let page = api_support::json(
                c.get(format!("{url}?limit=7"))
                    .bearer_auth(&all)
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            let cursor = page["next_cursor"].as_str().unwrap();
            check
                .get(
                    &c,
                    &format!("{url}?limit=7&cursor={cursor}"),
                    path,
                    Some(&all),
                    200,
                )
                .await;
            check
                .get(&c, &format!("{url}?limit=101"), path, Some(&all), 400)
                .await;
            check.get(&c, &url, path, None, 401).await;
            check.get(&c, &url, path, Some("1|not-a-token"), 401).await;
            let lacking = if path == "/api/v1/tickets" {
                &projects_only
            } else {
                &tickets_only
            };
            check.get(&c, &url, path, Some(lacking), 403).await;
        }
        for id in ["7", "1005"] {
            check.get(&c, &one(id), ONE, Some(&all), 200).await;
        }
        check.get(&c, &one("7"), ONE, None, 401).await;
        check
            .get(&c, &one("7"), ONE, Some(&tickets_only), 403)
            .await;
        check.get(&c, &one("999999"), ONE, Some(&all), 404).await;

        // A rate of 1 a second: the first request passes, the next ones wait.
        let slow_one = slow.url("/api/v1/projects/7");
        assert_eq!(
            c.get(&slow_one)
                .bearer_auth(&throttled)
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        check.get(&c, &slow_one, ONE, Some(&throttled), 429).await;
        for path in LISTS {
            check
                .get(&c, &slow.url(path), path, Some(&throttled), 429)
                .await;
        }

        check
            .problem(
                c.get(server.url("/api/v1/nowhere")).send().await.unwrap(),
                404,
            )
            .await;
        check
            .problem(
                c.post(server.url("/api/v1/projects"))
                    .bearer_auth(&all)
                    .send()
                    .await
                    .unwrap(),
                405,
            )
            .await;

        // The database gone: every route answers a problem, not a broken connection.
        db.close().await;
        check.get(&c, &one("7"), ONE, Some(&all), 500).await;
        for path in LISTS {
            check
                .get(&c, &server.url(path), path, Some(&all), 500)
                .await;
        }
        server.stop().await;
        slow.stop().await;

        let documented: BTreeSet<_> = check.doc.documented().into_iter().collect();
        let missing: Vec<_> = documented.difference(&check.seen).collect();
        assert!(
            missing.is_empty(),
            "documented but never checked: {missing:?}"
        );
    });
}

/// The walker itself: it refuses what the document does not allow.
#[test]
fn the_walker_catches_undocumented_missing_and_mistyped_fields() {
    let doc = Doc::new(serde_json::from_str(obryl::api::OPENAPI).unwrap());
    let money = serde_json::json!({"amount": 450000, "currency": "XOF"});
    assert!(doc.check(doc.schema("Money"), &money).is_empty());
    for bad in [
        serde_json::json!({"amount": 450000, "currency": "XOF", "iban": "FR76"}),
        serde_json::json!({"amount": 450000}),
        serde_json::json!({"amount": 4500.5, "currency": "XOF"}),
        serde_json::json!({"amount": 450000, "currency": "xof"}),
    ] {
        assert!(!doc.check(doc.schema("Money"), &bad).is_empty(), "{bad}");
    }
    let page = serde_json::json!({"data": [{"amount": 1}], "next_cursor": null});
    assert!(!doc.check(doc.schema("EscrowPage"), &page).is_empty());
    let problem = serde_json::json!({"type": "https://obryl.tech/docs/api/problems#x", "title": "Not Found", "status": 404, "detail": "d"});
    assert!(doc.check(doc.schema("Problem"), &problem).is_empty());
    let late = serde_json::json!({"id": 1, "project_id": 1, "status": "held", "provider": null,
        "held": money, "released": money, "refunded": money, "remaining": money,
        "created_at": "2026-03-01T09:30:00+01:00", "updated_at": null});
    assert_eq!(
        doc.check(doc.schema("Escrow"), &late).len(),
        1,
        "a time not in UTC"
    );
}
