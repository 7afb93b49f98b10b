//! The ticket writes and pickers this screen asks for, and what each says when done.

use crate::domain::{Locale, TicketPriority, TicketStatus};
use crate::office::format;
use crate::service::tickets;
use crate::store::{self, Anchor};
use crate::tr;
use crate::ui::data::{Done, Job};
use crate::ui::screens::{Choices, Compose, Ctx, Effect, TextSize};

/// Assigns the ticket to `to` (None: to oneself), named `name` in the toast.
pub fn assign(id: i64, to: Option<i64>, name: String, seen: Option<i64>, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        let to = to.unwrap_or(actor.id);
        tickets::assign(&db, &actor, &origin, id, to, seen).await?;
        let id = id.to_string();
        Ok(Done::say(
            locale,
            "toast.assigned",
            &[("id", &id), ("name", &name)],
        ))
    })
}

/// The support agents to assign the ticket to, each with their open tickets; the current
/// assignee is marked (choosing them changes nothing and says so).
pub fn agents(id: i64, assignee: Option<i64>, seen: Option<i64>, locale: Locale) -> Job {
    Job::new(move |mut db, _| async move {
        let agents = store::users::staff(&mut db, &["support", "super-admin"]).await?;
        let ids: Vec<i64> = agents.iter().map(|(id, _, _)| *id).collect();
        let open = store::users::open_tickets(&mut db, &ids).await?;
        let mut options: Vec<(String, Effect)> = Vec::new();
        if assignee.is_some() {
            let unassign = Job::write(move |db, actor, origin| async move {
                tickets::unassign(&db, &actor, &origin, id, seen).await?;
                Ok(Done::about(locale, "toast.unassigned", id))
            });
            options.push((tr(locale, "picker.unassign", &[]), Effect::write(unassign)));
        }
        options.extend(agents.into_iter().map(|(to, name, email)| {
            let n = open.iter().find(|(a, _)| *a == to).map_or(0, |(_, n)| *n);
            let count = crate::office::messages::plural(
                locale,
                "picker.open_tickets",
                n as usize,
                &[("n", &n.to_string())],
            );
            if assignee == Some(to) {
                let mark = tr(locale, "picker.current", &[]);
                let label = format!("✓ {name} <{email}> · {count} · {mark}");
                let said = tr(locale, "error.already_assigned", &[("to", &name)]);
                return (label, Effect::Toast(said));
            }
            let label = format!("  {name} <{email}> · {count}");
            (
                label,
                Effect::write(assign(id, Some(to), name, seen, locale)),
            )
        }));
        Ok(Choices {
            title: tr(locale, "picker.agent", &[]),
            options,
        })
    })
}

/// The requester's projects (as client or as developer), newest first, to link the ticket to
/// one (or to none).
pub fn client_projects(id: i64, reference: String, client_id: i64, locale: Locale) -> Job {
    Job::new(move |mut db, _| async move {
        let filter = store::projects::Filter {
            party_id: Some(client_id),
            ..Default::default()
        };
        let sort = store::projects::Sort::Newest;
        let page = store::projects::page(&mut db, &filter, sort, &Anchor::First, 50).await?;
        let mut options = vec![(tr(locale, "picker.no_project", &[]), link(id, None, locale))];
        options.extend(page.rows.iter().map(|p| {
            let status = format::status("project", &p.status, locale);
            let label = format!("#{} {} · {status}", p.id, p.title);
            (label, link(id, Some(p.id), locale))
        }));
        Ok(Choices {
            title: tr(locale, "picker.link_project", &[("reference", &reference)]),
            options,
        })
    })
}

fn link(id: i64, project_id: Option<i64>, locale: Locale) -> Effect {
    Effect::write(Job::write(move |db, actor, origin| async move {
        tickets::link_project(&db, &actor, &origin, id, project_id).await?;
        Ok(Done::about(locale, "toast.ticket_changed", id))
    }))
}

/// A public reply or an internal note, composed, then sent.
pub fn reply(id: i64, internal: bool, locale: Locale) -> Compose {
    let key = format!("ticket-{id}-{}", if internal { "note" } else { "reply" });
    Compose::new(key, TextSize::Reply, move |body| {
        Job::write(move |db, actor, origin| async move {
            tickets::reply(&db, &actor, &origin, id, &body, internal).await?;
            let key = if internal {
                "toast.noted"
            } else {
                "toast.replied"
            };
            Ok(Done::about(locale, key, id))
        })
    })
    .on_ticket(id, !internal)
}

/// The follow-up of closed ticket `id`: the message composed becomes its first reply.
pub fn follow_up(id: i64, requester: String, locale: Locale) -> Compose {
    let key = format!("ticket-{id}-follow-up");
    Compose::new(key, TextSize::Reply, move |body| {
        let requester = requester.clone();
        Job::write(move |db, actor, origin| async move {
            let (_, reference) = tickets::follow_up(&db, &actor, &origin, id, &body).await?;
            Ok(Done::say(
                locale,
                "toast.followed_up",
                &[("reference", &reference), ("requester", &requester)],
            ))
        })
    })
    .on_ticket(id, true)
}

/// Moving the ticket to `to`; solving asks for the resolution first.
pub fn status(id: i64, to: TicketStatus, seen: Option<i64>, ctx: &Ctx) -> Effect {
    let locale = ctx.locale;
    let change = move |resolution: Option<String>| {
        Job::write(move |db, actor, origin| async move {
            let resolution = resolution.as_deref();
            tickets::transition(&db, &actor, &origin, id, to, resolution, seen).await?;
            Ok(Done::about(locale, "toast.ticket_changed", id))
        })
    };
    if to == TicketStatus::Solved {
        let key = format!("ticket-{id}-resolution");
        let purpose = Compose::new(key, TextSize::Reason, move |text| change(Some(text)));
        return Effect::Compose {
            title: ctx.ta("compose.resolution_title", &[("id", &id.to_string())]),
            purpose,
        };
    }
    Effect::write(change(None))
}

pub fn priority(id: i64, priority: TicketPriority, seen: Option<i64>, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        tickets::set_priority(&db, &actor, &origin, id, priority, seen).await?;
        Ok(Done::about(locale, "toast.ticket_changed", id))
    })
}

/// Says one is looking at (or typing in) the ticket; answers who else is
/// (`(id, [(name, typing)])`).
pub fn presence(id: i64, typing: bool) -> Job {
    Job::new(move |db, actor| async move {
        let people = tickets::presence(&db, &actor, id, typing).await?;
        Ok((id, people))
    })
}
