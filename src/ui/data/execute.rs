//! Runs one request against `store` (reads) or `service` (writes).

use chrono::Duration;

use super::*;

pub(super) async fn run(db: &Db, actor: &Actor, req: Request) -> Result<Reply, ServiceError> {
    let mut c = db.clone();
    let origin = Origin::tui();
    Ok(match req {
        Request::Unread => {
            Reply::Unread(store::notifications::unread_count(&mut c, actor.id).await?)
        }
        Request::Notifications => {
            Reply::Notifications(store::notifications::list(&mut c, actor.id, 100).await?)
        }
        Request::MarkRead(id) => {
            service::notifications::mark_read(db, actor, id.as_deref()).await?;
            Reply::Done(Outcome::MarkedRead)
        }
        Request::TicketReply { id, body, internal } => {
            service::tickets::reply(db, actor, &origin, id, &body, internal).await?;
            Reply::Done(Outcome::Replied { id, internal })
        }
        Request::TicketStatus {
            id,
            to,
            resolution,
            seen,
        } => {
            service::tickets::transition(db, actor, &origin, id, to, resolution.as_deref(), seen)
                .await?;
            Reply::Done(Outcome::TicketChanged { id })
        }
        Request::TicketPriority { id, priority, seen } => {
            service::tickets::set_priority(db, actor, &origin, id, priority, seen).await?;
            Reply::Done(Outcome::TicketChanged { id })
        }
        Request::AssignTicket { id, to, seen } => {
            service::tickets::assign(db, actor, &origin, id, to, seen).await?;
            Reply::Done(Outcome::Assigned { id })
        }
        Request::Presence { id, typing } => {
            Reply::Presence(id, service::tickets::presence(db, actor, id, typing).await?)
        }
        Request::Agents => {
            Reply::Agents(store::users::staff(&mut c, &["support", "super-admin"]).await?)
        }
        Request::Candidates { project_id } => {
            let project =
                store::projects::get(&mut c, project_id)
                    .await?
                    .ok_or(ServiceError::NotFound {
                        what: "project",
                        key: project_id.to_string(),
                    })?;
            let plan = service::projects::plan_weeks(&project, chrono::Utc::now().date_naive());
            let (from, weeks) = match (plan.first(), plan.last()) {
                (Some(first), Some(last)) => (first.0, (last.0 - first.0).num_weeks() + 1),
                _ => (
                    service::projects::week_start(chrono::Utc::now().date_naive()),
                    1,
                ),
            };
            let to = from + Duration::weeks(weeks);
            let hours = plan.iter().map(|(_, h)| h).sum();
            let list =
                store::workload::candidates(&mut c, project.client_id, from, to, weeks, 50).await?;
            Reply::Candidates(project_id, list, hours)
        }
        Request::ClientProjects {
            ticket_id,
            client_id,
        } => {
            let filter = store::projects::Filter {
                client_id: Some(client_id),
                ..Default::default()
            };
            let page = store::projects::page(
                &mut c,
                &filter,
                store::projects::Sort::Newest,
                &Anchor::First,
                50,
            )
            .await?;
            Reply::ClientProjects(ticket_id, page.rows)
        }
        Request::LinkProject {
            ticket_id,
            project_id,
        } => {
            service::tickets::link_project(db, actor, &origin, ticket_id, project_id).await?;
            Reply::Done(Outcome::TicketChanged { id: ticket_id })
        }
        Request::AssignDeveloper {
            project_id,
            developer_id,
            seen,
        } => {
            service::projects::assign_developer(db, actor, &origin, project_id, developer_id, seen)
                .await?;
            Reply::Done(Outcome::ProjectChanged { id: project_id })
        }
        Request::ProjectStatus { id, to, seen } => {
            service::projects::transition(db, actor, &origin, id, to, seen).await?;
            Reply::Done(Outcome::ProjectChanged { id })
        }
        Request::SetAvailability { user_id, to, seen } => {
            let changed =
                service::users::set_availability(db, actor, &origin, user_id, to, Some(&seen))
                    .await?;
            Reply::Done(Outcome::AvailabilityChanged {
                user_id,
                to: to.as_str().to_owned(),
                changed,
            })
        }
        Request::SetCapacity {
            user_id,
            hours,
            max_projects,
        } => {
            service::users::set_capacity(db, actor, &origin, user_id, hours, max_projects).await?;
            Reply::Done(Outcome::CapacityChanged { user_id })
        }
        Request::RestoreReview { id } => {
            service::content::restore_review(db, actor, &origin, id).await?;
            Reply::Done(Outcome::ReviewRestored { id })
        }
        Request::SetRole { email, role, grant } => {
            let changed =
                service::users::set_role(db, Some(actor), &origin, &email, role, grant).await?;
            Reply::Done(Outcome::RoleChanged {
                email,
                role: role.as_str().to_owned(),
                grant,
                changed,
            })
        }
        Request::Articles => Reply::Articles(store::content::list_articles(&mut c, 200).await?),
        Request::EditArticle {
            id,
            title,
            excerpt,
            body,
            seen,
        } => {
            let edit = service::content::ArticleEdit {
                title: &title,
                excerpt: &excerpt,
                body: &body,
            };
            service::content::edit_article(db, actor, &origin, id, &edit, seen).await?;
            Reply::Done(Outcome::ArticleChanged { id })
        }
        Request::ArticleStatus { id, to, seen } => {
            service::content::set_article_status(db, actor, &origin, id, to, seen).await?;
            Reply::Done(Outcome::ArticleChanged { id })
        }
        Request::Settings => Reply::Settings(store::settings::all(&mut c).await?),
        Request::UpdateSetting {
            group,
            name,
            payload,
        } => {
            let value: serde_json::Value =
                serde_json::from_str(payload.trim()).map_err(|e| ServiceError::Invalid {
                    field: "setting",
                    message: format!("not valid JSON: {e}"),
                })?;
            service::settings::update(db, actor, &origin, &group, &name, value).await?;
            Reply::Done(Outcome::SettingUpdated {
                key: format!("{group}.{name}"),
            })
        }
        Request::Ping => {
            db.ping().await?;
            Reply::Pong
        }
        Request::Whoami => Reply::Actor(Box::new(
            service::access::current(&mut db.clone(), actor).await?,
        )),
        Request::RevokeSessions { user_id } => {
            let count = service::auth::revoke(db, actor, &origin, user_id, None).await?;
            Reply::Done(Outcome::SessionsRevoked { user_id, count })
        }
        Request::Approve { kind, id, seen } => {
            let out = service::commissions::approve(db, actor, &origin, kind, id, seen).await?;
            Reply::Done(Outcome::Approved {
                id,
                first_of_two: out == service::commissions::Approval::FirstOfTwo,
            })
        }
        Request::HideReview { id, reason } => {
            service::content::hide_review(db, actor, &origin, id, &reason).await?;
            Reply::Done(Outcome::ReviewHidden { id })
        }
        Request::SetPlannedHours {
            developer_id,
            project_id,
            week,
            hours,
        } => {
            service::projects::set_planned_hours(
                db,
                actor,
                &origin,
                developer_id,
                project_id,
                week,
                hours,
            )
            .await?;
            Reply::Done(Outcome::HoursPlanned { developer_id })
        }
        Request::CancelCommission { kind, id, seen } => {
            service::commissions::cancel(db, actor, &origin, kind, id, seen).await?;
            Reply::Done(Outcome::Cancelled { id })
        }
        Request::BulkApprove { kind, ids } => {
            let report = service::commissions::approve_many(db, actor, &origin, kind, &ids).await?;
            let (approved, first_of_two) = (report.approved.len(), report.first_of_two.len());
            let skipped = report
                .skipped
                .into_iter()
                .map(|(id, e)| (id, crate::office::messages::error_text(&e, actor.locale)))
                .collect();
            Reply::Done(Outcome::Bulk {
                approved,
                first_of_two,
                skipped,
            })
        }
        Request::Reject {
            kind,
            id,
            reason,
            seen,
        } => {
            service::commissions::reject(db, actor, &origin, kind, id, &reason, seen).await?;
            Reply::Done(Outcome::Rejected { id })
        }
        Request::Pay {
            kind,
            id,
            reference,
            seen,
        } => {
            service::commissions::pay(db, actor, &origin, kind, id, &reference, seen).await?;
            Reply::Done(Outcome::Paid { id })
        }
        Request::AssignTicketToMe { id, seen } => {
            service::tickets::assign(db, actor, &origin, id, actor.id, seen).await?;
            Reply::Done(Outcome::Assigned { id })
        }
    })
}
