//! The read routes. Each checks its ability, reads one keyset page (or one row) through the
//! store and answers the partner-safe shape of `resources`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;

use crate::domain::api_token::Ability;
use crate::store::{self, Anchor, Cursor, partner_reads, projects};

use super::Api;
use super::auth::Caller;
use super::page::{self, One, PageBody, PageParams};
use super::problem::Problem;
use super::resources::{Commission, Escrow, Project, Ticket};

/// The OpenAPI document, checked in and checked against the answers by tests/api.rs.
pub const OPENAPI: &str = include_str!("../../assets/openapi.json");

type Answer<T> = Result<Json<T>, Problem>;
type RawQuery = Result<Query<HashMap<String, String>>, QueryRejection>;

fn params(api: &Api, list: &str, query: RawQuery) -> Result<PageParams, Problem> {
    let Query(query) =
        query.map_err(|_| Problem::bad_request("the query string could not be read"))?;
    page::params(list, &query, api.default_page)
}

pub async fn projects(
    State(api): State<Arc<Api>>,
    Extension(caller): Extension<Caller>,
    query: RawQuery,
) -> Answer<PageBody<Project>> {
    caller.require(Ability::ProjectsRead)?;
    let p = params(&api, "projects", query)?;
    let anchor = p
        .after
        .map_or(Anchor::First, |id| Anchor::After(Cursor::id(id)));
    let mut db = api.db.clone();
    let rows = store::projects::page(
        &mut db,
        &projects::Filter::default(),
        projects::Sort::Newest,
        &anchor,
        p.limit,
    )
    .await?;
    Ok(Json(page::body(
        "projects",
        rows.rows,
        rows.has_after,
        |r| r.id,
        Project::from,
    )))
}

pub async fn project(
    State(api): State<Arc<Api>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Answer<One<Project>> {
    caller.require(Ability::ProjectsRead)?;
    let missing = || {
        Problem::not_found(format!(
            "no project {}",
            id.chars().take(20).collect::<String>()
        ))
    };
    // The contract's integer: digits only, so `+7` or ` 7` is no project, as `seven` is not.
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(missing());
    }
    let key: i64 = id.parse().map_err(|_| missing())?;
    let mut db = api.db.clone();
    let row = store::projects::get(&mut db, key)
        .await?
        .ok_or_else(missing)?;
    Ok(Json(One {
        data: Project::from(row),
    }))
}

pub async fn commissions(
    State(api): State<Arc<Api>>,
    Extension(caller): Extension<Caller>,
    query: RawQuery,
) -> Answer<PageBody<Commission>> {
    caller.require(Ability::CommissionsRead)?;
    let p = params(&api, "commissions", query)?;
    let mut db = api.db.clone();
    let rows = partner_reads::commissions(&mut db, p.after, p.limit).await?;
    Ok(Json(page::body(
        "commissions",
        rows.rows,
        rows.has_after,
        |r| r.id,
        Commission::from,
    )))
}

pub async fn escrows(
    State(api): State<Arc<Api>>,
    Extension(caller): Extension<Caller>,
    query: RawQuery,
) -> Answer<PageBody<Escrow>> {
    caller.require(Ability::EscrowsRead)?;
    let p = params(&api, "escrows", query)?;
    let mut db = api.db.clone();
    let rows = partner_reads::escrows(&mut db, p.after, p.limit).await?;
    Ok(Json(page::body(
        "escrows",
        rows.rows,
        rows.has_after,
        |r| r.id,
        Escrow::from,
    )))
}

pub async fn tickets(
    State(api): State<Arc<Api>>,
    Extension(caller): Extension<Caller>,
    query: RawQuery,
) -> Answer<PageBody<Ticket>> {
    caller.require(Ability::TicketsRead)?;
    let p = params(&api, "tickets", query)?;
    let mut db = api.db.clone();
    let rows = partner_reads::tickets(&mut db, p.after, p.limit).await?;
    Ok(Json(page::body(
        "tickets",
        rows.rows,
        rows.has_after,
        |r| r.id,
        Ticket::from,
    )))
}

/// The OpenAPI document needs no token: it describes the API, not the platform's data.
pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

pub async fn no_route() -> Problem {
    Problem::not_found("no such route; the routes are listed in /api/v1/openapi.json")
}

pub async fn read_only() -> Problem {
    Problem::method_not_allowed()
}
