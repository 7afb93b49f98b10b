//! The partners' read API over real HTTP on the loopback, on SQLite and PostgreSQL: tokens and
//! abilities (401, 403), 404, keyset cursors, the rate per token (429), the plaintext stored
//! and logged nowhere, the last use written once a minute. tests/api_contract.rs checks every
//! answer against the OpenAPI document, tests/api_cli.rs the `token` and `serve` commands.

mod api_support;
mod common;

use std::collections::BTreeSet;

use api_support::{admin, client, expire, last_used_at, more_rows, platform_token, start, token};
use common::fixtures::*;
use obryl::domain::Locale;
use obryl::service::tokens::{self, NewToken};
use obryl::service::{Origin, ServiceError};
use obryl::store::schema;
use reqwest::StatusCode;
use serde_json::Value;

async fn get(c: &reqwest::Client, url: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut req = c.get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.expect("request");
    let status = r.status();
    let body = api_support::json(r).await;
    (status, body)
}

fn problem_kind(body: &Value) -> &str {
    body["type"]
        .as_str()
        .and_then(|t| t.rsplit('#').next())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_projects_token_reads_projects_and_nothing_else() {
    on_all!(|db| {
        world(&db).await;
        let admin = admin(&db).await;
        let (_, projects) = token(&db, &admin, &["projects:read"]).await;
        let server = start(&db, 1000).await;
        let c = client();

        let (status, body) = get(&c, &server.url("/api/v1/projects"), Some(&projects)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let rows = body["data"].as_array().unwrap();
        assert_eq!(rows.len(), 8);
        assert_eq!(body["next_cursor"], Value::Null);
        // Newest first; money as minor units with its currency; no staff email anywhere.
        assert_eq!(rows[0]["id"], 8);
        assert_eq!(
            rows[0]["budget"],
            serde_json::json!({"amount": 300_000, "currency": "XOF"})
        );
        assert_eq!(rows[0]["client"]["name"], "Pharmacie du Plateau");
        assert!(!body.to_string().contains("@obryl.test"));

        let (status, body) = get(&c, &server.url("/api/v1/projects/7"), Some(&projects)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["data"]["developer"]["name"], "Moussa Traoré");
        assert_eq!(body["data"]["status"], "in_progress");

        for path in ["/api/v1/commissions", "/api/v1/escrows", "/api/v1/tickets"] {
            let (status, body) = get(&c, &server.url(path), Some(&projects)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            assert_eq!(problem_kind(&body), "forbidden");
            assert!(body["detail"].as_str().unwrap().contains(":read"), "{body}");
        }

        for missing in ["/api/v1/projects/999999", "/api/v1/projects/abc"] {
            let (status, body) = get(&c, &server.url(missing), Some(&projects)).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
            assert_eq!(problem_kind(&body), "not_found");
        }

        // `*` reads everything.
        let (_, all) = token(&db, &admin, &["*"]).await;
        for path in ["/api/v1/commissions", "/api/v1/escrows", "/api/v1/tickets"] {
            let (status, body) = get(&c, &server.url(path), Some(&all)).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
        }
        server.stop().await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_a_valid_token_are_refused() {
    on_all!(|db| {
        world(&db).await;
        let admin = admin(&db).await;
        let (id, plaintext) = token(&db, &admin, &["projects:read"]).await;
        let secret = plaintext.split_once('|').unwrap().1.to_owned();
        let server = start(&db, 1000).await;
        let c = client();
        let url = server.url("/api/v1/projects");

        let r = c.get(&url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            r.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
        assert!(
            r.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
        let other_secret = format!("{}|{secret}", id + 1);
        let wrong_secret = format!("{id}|{}x", &secret[..secret.len() - 1]);
        for bad in [
            "garbage",
            "1|",
            &wrong_secret,
            // The right secret under another id.
            &other_secret,
        ] {
            let (status, body) = get(&c, &url, Some(bad)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad}");
            assert_eq!(problem_kind(&body), "unauthorized");
            assert!(
                !body.to_string().contains(&secret),
                "the answer echoes the secret"
            );
        }
        let basic = c
            .get(&url)
            .header("authorization", format!("Basic {plaintext}"))
            .send()
            .await
            .unwrap();
        assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);

        // Sanctum also accepts the secret alone, and the platform's older tokens.
        assert_eq!(get(&c, &url, Some(&secret)).await.0, StatusCode::OK);
        let platform = platform_token(&db, AWA).await;
        assert_eq!(get(&c, &url, Some(&platform)).await.0, StatusCode::OK);
        assert_eq!(get(&c, &url, Some(&plaintext)).await.0, StatusCode::OK);

        // Expired.
        let (expiring_id, expiring) = token(&db, &admin, &["projects:read"]).await;
        assert_eq!(get(&c, &url, Some(&expiring)).await.0, StatusCode::OK);
        expire(&db, expiring_id).await;
        let (status, body) = get(&c, &url, Some(&expiring)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(
            body["detail"].as_str().unwrap().contains("expired"),
            "{body}"
        );

        // Revoked: refused at the next request.
        tokens::revoke(&db, &admin, &Origin::cli(), id)
            .await
            .unwrap();
        let (status, _) = get(&c, &url, Some(&plaintext)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(matches!(
            tokens::revoke(&db, &admin, &Origin::cli(), id).await,
            Err(ServiceError::NotFound { what: "token", .. })
        ));
        server.stop().await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_token_managers_create_list_and_revoke_and_refusals_are_translated() {
    on_all!(|db| {
        world(&db).await;
        let admin = admin(&db).await;
        let finance = actor(&db, IBRAHIMA).await;
        let abilities = vec!["projects:read".to_owned()];
        let new = NewToken {
            name: "Compta",
            abilities: &abilities,
            expires_in_days: None,
        };
        let o = Origin::cli();
        assert!(matches!(
            tokens::create(&db, &finance, &o, &new).await,
            Err(ServiceError::Forbidden {
                permission: "api_tokens.manage"
            })
        ));
        let created = tokens::create(&db, &admin, &o, &new).await.unwrap();
        assert!(created.plaintext.starts_with(&format!("{}|", created.id)));
        assert!(
            tokens::list(&db, &finance, &obryl::store::Anchor::First, 10)
                .await
                .is_err()
        );
        let page = tokens::list(&db, &admin, &obryl::store::Anchor::First, 10)
            .await
            .unwrap();
        assert_eq!(page.rows.len(), 1);
        assert_eq!(page.rows[0].owner_name.as_deref(), Some("Awa Diop"));
        assert_eq!(page.rows[0].expires_at, None);

        let bad = vec!["projects:write".to_owned()];
        let e = tokens::create(
            &db,
            &admin,
            &o,
            &NewToken {
                abilities: &bad,
                ..new.clone()
            },
        )
        .await
        .unwrap_err();
        let fr = obryl::office::messages::error_text(&e, Locale::Fr);
        assert!(fr.contains("projects:write n'est pas une capacité"), "{fr}");
        for (e, want) in [
            (
                tokens::create(
                    &db,
                    &admin,
                    &o,
                    &NewToken {
                        abilities: &[],
                        ..new.clone()
                    },
                )
                .await,
                "au moins une capacité",
            ),
            (
                tokens::create(
                    &db,
                    &admin,
                    &o,
                    &NewToken {
                        expires_in_days: Some(0),
                        ..new.clone()
                    },
                )
                .await,
                "1 à 3650 jours",
            ),
            (
                tokens::create(
                    &db,
                    &admin,
                    &o,
                    &NewToken {
                        name: " ",
                        ..new.clone()
                    },
                )
                .await,
                "nom",
            ),
        ] {
            let fr = obryl::office::messages::error_text(&e.unwrap_err(), Locale::Fr);
            assert!(fr.contains(want), "{fr}");
        }
        assert!(matches!(
            tokens::revoke(&db, &finance, &o, created.id).await,
            Err(ServiceError::Forbidden { .. })
        ));
    });
}

/// Walks `path` with `limit` and returns the ids in the order served.
async fn walk(
    c: &reqwest::Client,
    server: &api_support::Running,
    path: &str,
    token: &str,
    limit: u64,
) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{}?limit={limit}", server.url(path));
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let (status, body) = get(c, &url, Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{url}: {body}");
        let rows = body["data"].as_array().unwrap();
        assert!(rows.len() as u64 <= limit);
        ids.extend(rows.iter().map(|r| r["id"].as_i64().unwrap()));
        match body["next_cursor"].as_str() {
            Some(next) => {
                assert_eq!(rows.len() as u64, limit, "a page before the last is full");
                cursor = Some(next.to_owned());
            }
            None => return ids,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cursors_walk_every_row_once() {
    on_all!(|db| {
        world(&db).await;
        more_rows(&db, 250).await;
        let admin = admin(&db).await;
        let (_, all) = token(&db, &admin, &["*"]).await;
        let server = start(&db, 10_000).await;
        let c = client();
        for (path, table) in [
            ("/api/v1/projects", "projects"),
            ("/api/v1/commissions", "commissions"),
            ("/api/v1/escrows", "escrows"),
            ("/api/v1/tickets", "support_tickets"),
        ] {
            let q = sea_query::Query::select()
                .expr(sea_query::Expr::cust("COUNT(*)"))
                .from(table)
                .to_owned();
            let count = db.one::<(i64,)>(&q).await.unwrap().0 as usize;
            for limit in [100, 7] {
                let ids = walk(&c, &server, path, &all, limit).await;
                assert_eq!(ids.len(), count, "{path} limit {limit}");
                let unique: BTreeSet<i64> = ids.iter().copied().collect();
                assert_eq!(unique.len(), count, "{path}: a row served twice");
                assert!(ids.windows(2).all(|w| w[0] > w[1]), "{path}: newest first");
            }
            // Nothing internal leaks into the lists.
            let (_, body) = get(&c, &format!("{}?limit=100", server.url(path)), Some(&all)).await;
            let text = body.to_string();
            for internal in [
                "INTERNAL",
                "lock_version",
                "pending_decision",
                "@obryl.test",
            ] {
                assert!(!text.contains(internal), "{path} shows {internal}");
            }
        }
        let url = server.url("/api/v1/projects");
        for bad in ["limit=101", "limit=0", "limit=ten", "cursor=nope"] {
            let (status, body) = get(&c, &format!("{url}?{bad}"), Some(&all)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
            assert_eq!(problem_kind(&body), "bad_request");
        }
        // A cursor from one list is refused by another.
        let (_, tickets) = get(
            &c,
            &format!("{}?limit=1", server.url("/api/v1/tickets")),
            Some(&all),
        )
        .await;
        let cursor = tickets["next_cursor"].as_str().unwrap();
        let (status, _) = get(&c, &format!("{url}?cursor={cursor}"), Some(&all)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        // The default page is api.default_page.
        let (_, body) = get(&c, &url, Some(&all)).await;
        assert_eq!(body["data"].as_array().unwrap().len(), 50);
        server.stop().await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_rate_answers_429_with_retry_after() {
    on_all!(|db| {
        world(&db).await;
        let admin = admin(&db).await;
        let (_, busy) = token(&db, &admin, &["projects:read"]).await;
        let (_, calm) = token(&db, &admin, &["projects:read"]).await;
        let server = start(&db, 5).await;
        let c = client();
        let url = server.url("/api/v1/projects/1");
        let mut limited = None;
        for _ in 0..40 {
            let r = c.get(&url).bearer_auth(&busy).send().await.unwrap();
            if r.status() == StatusCode::TOO_MANY_REQUESTS {
                limited = Some(r);
                break;
            }
            assert_eq!(r.status(), StatusCode::OK);
        }
        let r = limited.expect("no 429 after 40 requests at a rate of 5/s");
        let wait: u64 = r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=2).contains(&wait), "Retry-After {wait}");
        let body = api_support::json(r).await;
        assert_eq!(body["status"], 429);
        assert_eq!(problem_kind(&body), "rate_limited");
        // Another token has its own rate.
        assert_eq!(get(&c, &url, Some(&calm)).await.0, StatusCode::OK);
        // After the wait the busy token is served again.
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
        assert_eq!(get(&c, &url, Some(&busy)).await.0, StatusCode::OK);
        server.stop().await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plaintext_is_stored_nowhere_and_logged_nowhere() {
    on_all!(|db| {
        world(&db).await;
        let admin = admin(&db).await;
        let (id, plaintext) = token(&db, &admin, &["projects:read"]).await;
        let secret = plaintext.split_once('|').unwrap().1.to_owned();
        let hash = obryl::domain::api_token::hash_secret(&secret);
        let server = start(&db, 1000).await;
        let c = client();
        for path in ["/api/v1/projects", "/api/v1/tickets", "/api/v1/nowhere"] {
            get(&c, &server.url(path), Some(&plaintext)).await;
        }
        get(
            &c,
            &server.url("/api/v1/projects"),
            Some(&format!("{plaintext}x")),
        )
        .await;
        get(&c, &server.url("/api/v1/projects"), Some(&secret)).await;
        tokens::revoke(&db, &admin, &Origin::cli(), id)
            .await
            .unwrap();
        get(&c, &server.url("/api/v1/projects"), Some(&plaintext)).await;
        server.stop().await;

        // The hash was in its row until the revocation; nothing else ever held either.
        for table in [
            &schema::PERSONAL_ACCESS_TOKENS,
            &schema::AUDIT_LOGS,
            &schema::NOTIFICATIONS,
            &schema::WEBHOOK_EVENTS,
        ] {
            for text in api_support::texts(&db, table).await {
                assert!(!text.contains(&secret), "{}: {text}", table.name);
                assert!(!text.contains(&hash), "{}: {text}", table.name);
            }
        }
        let audit = api_support::texts(&db, &schema::AUDIT_LOGS).await;
        assert!(
            audit.iter().any(|t| t == "api_token"),
            "creation and revocation are audited"
        );

        let logs = api_support::logs();
        assert!(!logs.contains(&secret), "a log line holds the secret");
        assert!(!logs.contains(&hash), "a log line holds the hash");
        // Lines of other tests run alongside, so look for this request's own line.
        assert!(
            logs.lines().any(|l| {
                l.contains(&format!("token_id={id}"))
                    && l.contains("method=GET")
                    && l.contains("path=/api/v1/tickets")
                    && l.contains("status=403")
                    && l.contains("latency_us=")
            }),
            "the request is logged with its method, path, status, latency and token id"
        );
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_used_at_is_written_once_a_minute() {
    on_all!(|db| {
        world(&db).await;
        let admin = admin(&db).await;
        let (id, plaintext) = token(&db, &admin, &["projects:read"]).await;
        assert_eq!(last_used_at(&db, id).await, None);
        let server = start(&db, 10_000).await;
        let c = client();
        let url = server.url("/api/v1/projects/1");
        assert_eq!(get(&c, &url, Some(&plaintext)).await.0, StatusCode::OK);
        // Written in the background, after the answer.
        let mut first = None;
        for _ in 0..100 {
            first = last_used_at(&db, id).await;
            if first.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let first = first.expect("last_used_at written after the first request");
        for _ in 0..60 {
            assert_eq!(get(&c, &url, Some(&plaintext)).await.0, StatusCode::OK);
        }
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        assert_eq!(get(&c, &url, Some(&plaintext)).await.0, StatusCode::OK);
        server.stop().await;
        // A second server (another process, a restart) does not write it again either.
        let again = start(&db, 10_000).await;
        for _ in 0..5 {
            assert_eq!(
                get(&c, &again.url("/api/v1/projects/1"), Some(&plaintext))
                    .await
                    .0,
                StatusCode::OK
            );
        }
        again.stop().await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(last_used_at(&db, id).await, Some(first));
        // A minute later it would be written again: the row's guard says so.
        let later = first + chrono::Duration::seconds(61);
        assert!(tokens::mark_used(&db, id, later).await.unwrap());
        assert!(
            !tokens::mark_used(&db, id, later + chrono::Duration::seconds(30))
                .await
                .unwrap()
        );
    });
}

/// The staff's list keeps revoked tokens, marked with when and by whom, in id order with the
/// live ones, whichever way it is paged; the revoked token's detail is found too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_tokens_are_listed_marked_in_order_with_the_live_ones() {
    use obryl::store::{Anchor, Cursor};
    on_all!(|db| {
        world(&db).await;
        let admin = admin(&db).await;
        let mut ids = Vec::new();
        for _ in 0..4 {
            ids.push(token(&db, &admin, &["projects:read"]).await.0);
        }
        for id in [ids[1], ids[2]] {
            tokens::revoke(&db, &admin, &Origin::cli(), id)
                .await
                .unwrap();
        }
        let newest_first: Vec<i64> = ids.iter().rev().copied().collect();
        // One row at a time, forwards from the first and backwards from the last.
        let mut seen = Vec::new();
        let mut anchor = Anchor::First;
        loop {
            let page = tokens::list_with_revoked(&db, &admin, &anchor, 1)
                .await
                .unwrap();
            let Some(row) = page.rows.first() else { break };
            seen.push(row.id);
            let revoked = [ids[1], ids[2]].contains(&row.id);
            assert_eq!(row.revoked_at.is_some(), revoked, "{row:?}");
            assert_eq!(row.revoked_by.is_some(), revoked, "{row:?}");
            assert_eq!(row.owner_name.as_deref(), Some("Awa Diop"), "{row:?}");
            assert_eq!(
                obryl::domain::api_token::stored_abilities(row.abilities.as_deref()),
                ["projects:read"]
            );
            if !page.has_after {
                break;
            }
            anchor = Anchor::After(Cursor::id(row.id));
        }
        assert_eq!(seen, newest_first);
        let mut back = Vec::new();
        let mut anchor = Anchor::Last;
        loop {
            let page = tokens::list_with_revoked(&db, &admin, &anchor, 1)
                .await
                .unwrap();
            let Some(row) = page.rows.first() else { break };
            back.push(row.id);
            if !page.has_before {
                break;
            }
            anchor = Anchor::Before(Cursor::id(row.id));
        }
        back.reverse();
        assert_eq!(back, newest_first);
        let gone = obryl::store::tokens::find_any(&mut db.clone(), ids[1])
            .await
            .unwrap()
            .unwrap();
        assert!(gone.revoked_at.is_some() && gone.expires_at.is_some());
        // The token check and the CLI's list still know only the live ones.
        let live = tokens::list(&db, &admin, &Anchor::First, 10).await.unwrap();
        assert_eq!(live.rows.len(), 2);
    });
}
