//! Project conversations (permission `projects.transition`): staff post a message to the
//! project's client and developer, or an internal note only staff see. Escrow decisions post
//! their own system messages in the same thread (`service::escrow`).

use serde_json::{Value as JsonValue, json};

use crate::domain::{UseCase, require_text};
use crate::store::{self, Db};

use super::access;
use super::record::{Change, Diff, Notice, record_and_commit};
use super::{Actor, Origin, Result, ServiceError, settings};

/// Posts `body` in project `project_id`'s conversation; a public message notifies its client
/// and developer. Returns the message id.
pub async fn post(
    db: &Db,
    actor: &Actor,
    origin: &Origin,
    project_id: i64,
    body: &str,
    internal: bool,
) -> Result<i64> {
    let limit = {
        let mut c = db.clone();
        settings::reply_max_bytes(&mut c).await?
    };
    let body = require_text(if internal { "note" } else { "message" }, body, limit)?;
    let (mut tx, actor) = access::begin(db, actor, UseCase::ProjectMessage).await?;
    let project =
        store::projects::get(&mut tx, project_id)
            .await?
            .ok_or(ServiceError::NotFound {
                what: "project",
                key: project_id.to_string(),
            })?;
    let now = super::now();
    let conversation =
        store::messages::ensure_conversation(&mut tx, "project", project_id, &project.title, now)
            .await?;
    let message_id =
        store::messages::insert(&mut tx, conversation, Some(actor.id), &body, internal, now)
            .await?;
    let notices = if internal {
        Vec::new()
    } else {
        let params = json!({"project_title": project.title, "project_id": project.id});
        std::iter::once(project.client_id)
            .chain(project.developer_id)
            .map(|user_id| Notice {
                user_id,
                class: "App\\Notifications\\ProjectMessage",
                kind: "project.message",
                params: params.clone(),
            })
            .collect()
    };
    record_and_commit(
        tx,
        Some(&actor),
        origin,
        Change {
            event: if internal {
                "note_added"
            } else {
                "message_posted"
            },
            subject_type: "project",
            subject_id: project_id,
            diff: Diff::new().field("message_id", JsonValue::Null, message_id),
            notices,
            // Internal notes stay internal: no webhook to partners.
            webhook: (!internal).then_some("project.message_posted"),
        },
    )
    .await?;
    Ok(message_id)
}
