//! Content: articles (edit with `articles.edit`, publish with `articles.publish`) and reviews
//! (one per party per completed project; hidden by moderators with a reason).

use serde_json::{Value as JsonValue, json};

use crate::domain::{ArticleStatus, ProjectStatus, UseCase, require_text};
use crate::store::{self, Db};

use super::access;
use super::record::{Change, Diff, Notice, record_and_commit};
use super::{Actor, Origin, Result, ServiceError};

pub struct ArticleEdit<'a> {
    pub title: &'a str,
    pub excerpt: &'a str,
    pub body: &'a str,
}

pub async fn edit_article(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    edit: &ArticleEdit<'_>,
    seen: Option<i64>,
) -> Result<()> {
    let title = require_text("title", edit.title, 200)?;
    let excerpt = edit.excerpt.trim().to_owned();
    if excerpt.len() > 1000 {
        return Err(crate::domain::DomainError::TextTooLong {
            field: "excerpt",
            max_bytes: 1000,
            actual: excerpt.len(),
        }
        .into());
    }
    let body = require_text("body", edit.body, 1 << 20)?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::ArticleEdit).await?;
    let actor = &actor;
    let a = store::content::article(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "article",
            key: id.to_string(),
        })?;
    super::ensure_version("article", a.lock_version, seen)?;
    let now = super::now();
    let values = vec![
        ("title", title.clone().into()),
        ("excerpt", excerpt.clone().into()),
        ("body", body.clone().into()),
    ];
    if !store::content::cas_update_article(&mut tx, id, a.lock_version, values, now).await? {
        return Err(ServiceError::Stale { what: "article" });
    }
    let diff = Diff::new()
        .field("title", a.title.as_str(), title.as_str())
        .field("excerpt", a.excerpt.clone(), excerpt.as_str())
        .field("body_bytes", a.body.len(), body.len());
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "updated",
            subject_type: "article",
            subject_id: id,
            diff,
            notices: Vec::new(),
            webhook: Some("article.updated"),
        },
    )
    .await?;
    Ok(())
}

/// Moves an article through draft → review → published → archived. Publishing needs
/// `articles.publish`; other moves `articles.edit`.
pub async fn set_article_status(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    to: ArticleStatus,
    seen: Option<i64>,
) -> Result<()> {
    let use_case = if to == ArticleStatus::Published {
        UseCase::ArticlePublish
    } else {
        UseCase::ArticleEdit
    };
    let (mut tx, actor) = access::begin(db, actor, use_case).await?;
    let actor = &actor;
    let a = store::content::article(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "article",
            key: id.to_string(),
        })?;
    super::ensure_version("article", a.lock_version, seen)?;
    let from = ArticleStatus::parse(&a.status)?;
    from.transition(to)?;
    let now = super::now();
    let mut values: Vec<(&'static str, sea_query::Value)> = vec![("status", to.as_str().into())];
    let mut diff = Diff::new().field("status", from.as_str(), to.as_str());
    if to == ArticleStatus::Published {
        values.push(("published_at", now.into()));
        diff = diff.field(
            "published_at",
            a.published_at.map(|t| t.to_rfc3339()),
            now.to_rfc3339(),
        );
    }
    if !store::content::cas_update_article(&mut tx, id, a.lock_version, values, now).await? {
        return Err(ServiceError::Stale { what: "article" });
    }
    let notices = if a.author_id == actor.id {
        Vec::new()
    } else {
        vec![Notice {
            user_id: a.author_id,
            class: "App\\Notifications\\ArticleStatusChanged",
            kind: "article.status_changed",
            params: json!({"title": a.title, "to": to.as_str()}),
        }]
    };
    let webhook = format!("article.{}", to.as_str());
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "status_changed",
            subject_type: "article",
            subject_id: id,
            diff,
            notices,
            webhook: Some(&webhook),
        },
    )
    .await?;
    Ok(())
}

/// Records a review: only on a completed project, by its client about its developer or the
/// other way round, once per reviewer. (The platform normally writes these; the back-office
/// uses the same rule when staff enter one on a party's behalf.)
pub async fn create_review(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    project_id: i64,
    reviewer_id: i64,
    rating: i64,
    comment: Option<&str>,
) -> Result<i64> {
    if !(1..=5).contains(&rating) {
        return Err(ServiceError::Invalid {
            field: "rating",
            message: crate::service::Said::new("rating_range"),
        });
    }
    let comment = comment
        .map(|c| require_text("comment", c, 4096))
        .transpose()?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::ReviewCreate).await?;
    let actor = &actor;
    let p = store::projects::get(&mut tx, project_id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "project",
            key: project_id.to_string(),
        })?;
    if p.status != ProjectStatus::Completed.as_str() {
        return Err(ServiceError::Invalid {
            field: "project",
            message: crate::service::Said::new("review_not_completed")
                .status("status", "project", &p.status),
        });
    }
    let reviewee = match (reviewer_id == p.client_id, p.developer_id) {
        (true, Some(dev)) => dev,
        (false, Some(dev)) if dev == reviewer_id => p.client_id,
        _ => {
            return Err(ServiceError::Invalid {
                field: "reviewer",
                message: crate::service::Said::new("reviewer"),
            });
        }
    };
    let now = super::now();
    let id = store::reviews::insert_review(
        &mut tx,
        project_id,
        reviewer_id,
        reviewee,
        rating,
        comment.as_deref(),
        now,
    )
    .await
    .map_err(|e| match e.unique_violation() {
        Some(_) => ServiceError::Duplicate {
            field: "review by this person on this project",
            value: project_id.to_string(),
        },
        None => e.into(),
    })?;
    let diff = Diff::new()
        .field("rating", JsonValue::Null, rating)
        .field("reviewer_id", JsonValue::Null, reviewer_id)
        .field("reviewee_id", JsonValue::Null, reviewee);
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "created",
            subject_type: "review",
            subject_id: id,
            diff,
            notices: Vec::new(),
            webhook: Some("review.created"),
        },
    )
    .await?;
    Ok(id)
}

pub async fn hide_review(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    id: i64,
    reason: &str,
) -> Result<()> {
    let reason = require_text("reason", reason, 1000)?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::ReviewHide).await?;
    let actor = &actor;
    let r = review_or_not_found(&mut tx, id).await?;
    let now = super::now();
    if !store::reviews::hide_review(&mut tx, id, actor.id, &reason, now).await? {
        // Read again: under PostgreSQL's read committed the other moderator's hide may have
        // committed after our first read.
        let r = review_or_not_found(&mut tx, id).await?;
        let by = match r.hidden_by {
            Some(uid) => store::users::find(&mut tx, uid).await?.map(|u| u.name),
            None => None,
        };
        return Err(ServiceError::AlreadyDecided {
            status: "hidden".into(),
            by: by.unwrap_or_else(|| "a moderator".into()),
            at: r.hidden_at.unwrap_or(now),
        });
    }
    let diff = Diff::new()
        .field("hidden_at", JsonValue::Null, now.to_rfc3339())
        .field("hidden_reason", JsonValue::Null, reason.as_str());
    // The reviewer learns why their review no longer shows on the platform.
    let project_title = store::projects::get(&mut tx, r.project_id)
        .await?
        .map(|p| p.title)
        .unwrap_or_default();
    let notice = Notice {
        user_id: r.reviewer_id,
        class: "App\\Notifications\\ReviewHidden",
        kind: "review.hidden",
        params: json!({
            "review_id": id,
            "project_id": r.project_id,
            "project_title": project_title,
            "reason": reason,
        }),
    };
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "hidden",
            subject_type: "review",
            subject_id: id,
            diff,
            notices: vec![notice],
            webhook: Some("review.hidden"),
        },
    )
    .await?;
    Ok(())
}

/// Shows a hidden review again (a moderation mistake); the audit row keeps why it was hidden.
pub async fn restore_review(db: &Db, actor: &Actor, origin: &Origin, id: i64) -> Result<()> {
    let (mut tx, actor) = access::begin(db, actor, UseCase::ReviewRestore).await?;
    let actor = &actor;
    let r = review_or_not_found(&mut tx, id).await?;
    let now = super::now();
    if !store::reviews::restore_review(&mut tx, id, now).await? {
        return Err(ServiceError::Stale { what: "review" });
    }
    let diff = Diff::new()
        .field(
            "hidden_at",
            r.hidden_at.map(|t| t.to_rfc3339()),
            JsonValue::Null,
        )
        .field("hidden_reason", r.hidden_reason, JsonValue::Null);
    record_and_commit(
        tx,
        Some(actor),
        origin,
        Change {
            event: "restored",
            subject_type: "review",
            subject_id: id,
            diff,
            notices: Vec::new(),
            webhook: Some("review.restored"),
        },
    )
    .await?;
    Ok(())
}

async fn review_or_not_found(tx: &mut store::Tx, id: i64) -> Result<store::reviews::ReviewRow> {
    store::reviews::review(tx, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "review",
            key: id.to_string(),
        })
}
