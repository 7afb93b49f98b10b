//! Errors as `application/problem+json` (RFC 9457): `type`, `title`, `status`, `detail`. The
//! types are documented in docs/API.md; `detail` says what to do and never echoes a token.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Where each problem type is documented.
const TYPE_BASE: &str = "https://obryl.tech/docs/api/problems#";

#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub status: StatusCode,
    /// The type's short name: `unauthorized`, `rate_limited`…
    pub kind: &'static str,
    pub detail: String,
    /// Seconds for `Retry-After` (429).
    pub retry_after: Option<u64>,
    /// A `WWW-Authenticate` challenge (401, RFC 6750).
    pub challenge: Option<&'static str>,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
}

impl Problem {
    fn new(status: StatusCode, kind: &'static str, detail: impl Into<String>) -> Problem {
        Problem {
            status,
            kind,
            detail: detail.into(),
            retry_after: None,
            challenge: None,
        }
    }

    pub fn unauthorized(detail: impl Into<String>, presented: bool) -> Problem {
        Problem {
            challenge: Some(if presented {
                "Bearer realm=\"obryl\", error=\"invalid_token\""
            } else {
                "Bearer realm=\"obryl\""
            }),
            ..Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
        }
    }

    pub fn forbidden(ability: &str) -> Problem {
        Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("this token lacks the ability {ability}; create one that has it"),
        )
    }

    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "bad_request", detail)
    }

    pub fn method_not_allowed() -> Problem {
        Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this API is read-only: use GET",
        )
    }

    pub fn rate_limited(per_second: u32, retry_after: u64) -> Problem {
        Problem {
            retry_after: Some(retry_after),
            ..Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!(
                    "this token is limited to {per_second} requests per second; retry after {retry_after} s"
                ),
            )
        }
    }

    /// A failure of ours; what went wrong is in the log, not in the answer.
    pub fn internal() -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server could not answer; try again later",
        )
    }

    pub fn title(&self) -> &'static str {
        self.status.canonical_reason().unwrap_or("Error")
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = Body {
            kind: format!("{TYPE_BASE}{}", self.kind),
            title: self.title(),
            status: self.status.as_u16(),
            detail: &self.detail,
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (self.status, json).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(challenge) = self.challenge {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}

/// Store and service failures: logged here, answered as [`Problem::internal`].
impl From<crate::service::ServiceError> for Problem {
    fn from(e: crate::service::ServiceError) -> Problem {
        tracing::error!(target: "obryl::api", error = %e, "request failed");
        Problem::internal()
    }
}

impl From<crate::store::StoreError> for Problem {
    fn from(e: crate::store::StoreError) -> Problem {
        tracing::error!(target: "obryl::api", error = %e, "request failed");
        Problem::internal()
    }
}
