//! One log line per request: method, path (never the query string), status, latency and the
//! token's id when one was recognised. Headers are never logged, so neither is a token.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use super::auth::TokenId;

pub async fn requests(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    let token_id = response.extensions().get::<TokenId>().map(|t| t.0);
    tracing::info!(
        target: "obryl::api",
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        token_id,
        "request"
    );
    response
}
