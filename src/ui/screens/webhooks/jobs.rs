//! The webhooks view's writes, one question at a time: an endpoint's URL then its event types
//! (adding shows the signing secret once), a confirmation before disabling, enabling or
//! rotating, and the deliveries a replay may send again.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::domain::Permission;
use crate::domain::webhook::Policy;
use crate::domain::{Locale, sanitize_line};
use crate::office::format;
use crate::service::webhooks::EndpointInput;
use crate::service::{self, ServiceError};
use crate::store::Anchor;
use crate::store::deliveries::{DeliveryRow, Filter};
use crate::store::webhooks::EndpointRow;
use crate::tr;
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{Done, Job};
use crate::ui::screens::{Choices, Ctx, Effect, answer, typed_list};

/// The webhooks view's own actions, all needing webhooks.manage, in the footer's order.
pub const CREATE: Verb = Verb("create");
pub const EDIT: Verb = Verb("edit");
pub const SWITCH_OFF: Verb = Verb("switch_off");
pub const ROTATE: Verb = Verb("rotate");
pub const SEND_TEST: Verb = Verb("send_test");
pub const REPLAY: Verb = Verb("replay");
pub const ACTIONS: &[Declared] = &[
    Declared::write(CREATE, &["N"], Permission::WebhooksManage),
    Declared::write(EDIT, &["w"], Permission::WebhooksManage),
    Declared::write(SWITCH_OFF, &["O"], Permission::WebhooksManage),
    Declared::write(ROTATE, &["Z"], Permission::WebhooksManage),
    Declared::write(SEND_TEST, &["T"], Permission::WebhooksManage),
    Declared::write(REPLAY, &["V"], Permission::WebhooksManage),
];

/// Failed deliveries a replay offers one by one.
const REPLAYABLE: u64 = 20;

/// `N`: the URL, then the event types; the secret is shown once.
pub fn add(policy: Policy, locale: Locale) -> Effect {
    Effect::Prompt {
        title: tr(locale, "webhooks_view.url_question", &[]),
        text: "https://".into(),
        submit: Arc::new(move |url| {
            let url = url.trim().to_owned();
            answer(vec![Effect::Prompt {
                title: tr(locale, "webhooks_view.events_question", &[]),
                text: "*".into(),
                submit: Arc::new(move |typed| {
                    let (url, types) = (url.clone(), typed_list(&typed));
                    Job::write(move |db, actor, origin| async move {
                        let input = EndpointInput {
                            url: &url,
                            description: None,
                            event_types: &types,
                        };
                        let added =
                            service::webhooks::add(&db, &actor, &origin, &policy, &input).await?;
                        let id = added.id.to_string();
                        let named = [("id", id.as_str()), ("url", url.as_str())];
                        Ok(
                            Done::say(locale, "webhooks_view.added_toast", &named).revealing(
                                tr(locale, "webhooks_view.secret_once", &named),
                                added.secret,
                            ),
                        )
                    })
                }),
            }])
        }),
    }
}

/// Every other action on the endpoint `r`.
pub fn act(action: Action, r: &EndpointRow, policy: Policy, ctx: &Ctx) -> Option<Effect> {
    let locale = ctx.locale;
    let (id, seen) = (r.id, Some(r.version));
    let id_text = id.to_string();
    let url = sanitize_line(&r.url);
    let named = [("id", id_text.as_str()), ("url", url.as_str())];
    let confirm = |key: &str, job: Job| Effect::Confirm {
        title: ctx.t("confirm.title"),
        question: ctx.ta(key, &named),
        job,
    };
    Some(match action {
        Action::Screen(EDIT) => edit(r, policy, locale),
        Action::Screen(SWITCH_OFF) if r.status == "active" => confirm(
            "webhooks_view.disable_question",
            Job::write(move |db, actor, origin| async move {
                service::webhooks::disable(&db, &actor, &origin, id, seen).await?;
                Ok(Done::about(locale, "webhooks_view.disabled_toast", id))
            }),
        ),
        Action::Screen(SWITCH_OFF) => confirm(
            "webhooks_view.enable_question",
            Job::write(move |db, actor, origin| async move {
                service::webhooks::enable(&db, &actor, &origin, id, seen).await?;
                Ok(Done::about(locale, "webhooks_view.enabled_toast", id))
            }),
        ),
        Action::Screen(ROTATE) => confirm(
            "webhooks_view.rotate_question",
            Job::write(move |db, actor, origin| async move {
                let r = service::webhooks::rotate(&db, &actor, &origin, &policy, id, seen).await?;
                let until = format::absolute(Some(r.previous_until), locale);
                let args = [("id", id.to_string()), ("until", until)];
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                Ok(Done::say(locale, "webhooks_view.rotated_toast", &args)
                    .revealing(tr(locale, "webhooks_view.new_secret_once", &args), r.secret))
            }),
        ),
        Action::Screen(SEND_TEST) => {
            Effect::write(Job::write(move |db, actor, origin| async move {
                service::webhooks::send_test(&db, &actor, &origin, id).await?;
                Ok(Done::about(locale, "webhooks_view.test_toast", id))
            }))
        }
        Action::Screen(REPLAY) => Effect::Choose(replay_choices(id, ctx.now, locale)),
        _ => return None,
    })
}

/// `w`: the URL as it is, then the event types as they are.
fn edit(r: &EndpointRow, policy: Policy, locale: Locale) -> Effect {
    let (id, seen) = (r.id, Some(r.version));
    let description = r.description.clone();
    let types_now = r.event_types.join(", ");
    Effect::Prompt {
        title: tr(locale, "webhooks_view.url_question", &[]),
        text: sanitize_line(&r.url),
        submit: Arc::new(move |url| {
            let (url, description) = (url.trim().to_owned(), description.clone());
            answer(vec![Effect::Prompt {
                title: tr(locale, "webhooks_view.events_question", &[]),
                text: types_now.clone(),
                submit: Arc::new(move |typed| {
                    let (url, description, types) =
                        (url.clone(), description.clone(), typed_list(&typed));
                    Job::write(move |db, actor, origin| async move {
                        let input = EndpointInput {
                            url: &url,
                            description: description.as_deref(),
                            event_types: &types,
                        };
                        service::webhooks::edit(&db, &actor, &origin, &policy, id, &input, seen)
                            .await?;
                        Ok(Done::about(locale, "webhooks_view.edited_toast", id))
                    })
                }),
            }])
        }),
    }
}

/// "attempt 3 · commission.approved · HTTP 500 · 2 h ago"
fn delivery_label(d: &DeliveryRow, now: DateTime<Utc>, locale: Locale) -> String {
    let code = d
        .response_status
        .map(|c| format!("HTTP {c}"))
        .or_else(|| d.last_error.as_deref().map(sanitize_line))
        .unwrap_or_default();
    tr(
        locale,
        "webhooks_view.replay_one",
        &[
            ("id", &d.id.to_string()),
            ("type", &sanitize_line(&d.event_type)),
            (
                "outcome",
                &crate::domain::text::truncate_to_width(&code, 50),
            ),
            (
                "when",
                &format::when(d.attempted_at.or(d.created_at), now, locale),
            ),
        ],
    )
}

/// `V`: every failed delivery since a time, or one of the latest failed ones.
fn replay_choices(endpoint: i64, now: DateTime<Utc>, locale: Locale) -> Job {
    Job::new(move |mut db, _| async move {
        let filter = Filter {
            endpoint_id: Some(endpoint),
            failed: true,
            ..Default::default()
        };
        let failed = crate::store::deliveries::page(&mut db, &filter, &Anchor::First, REPLAYABLE)
            .await?
            .rows;
        let since = Effect::Prompt {
            title: tr(locale, "webhooks_view.since_question", &[]),
            text: (now - chrono::Duration::hours(24))
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            submit: Arc::new(move |typed| replay_since(endpoint, &typed, locale)),
        };
        let mut options = vec![(tr(locale, "webhooks_view.replay_since", &[]), since)];
        for d in &failed {
            let id = d.id;
            let job = Job::write(move |db, actor, origin| async move {
                service::webhooks::replay(&db, &actor, &origin, id).await?;
                Ok(Done::about(locale, "webhooks_view.replayed_toast", id))
            });
            options.push((delivery_label(d, now, locale), Effect::write(job)));
        }
        let key = match failed.is_empty() {
            true => "webhooks_view.replay_none",
            false => "webhooks_view.replay_title",
        };
        Ok::<_, ServiceError>(Choices {
            title: tr(locale, key, &[("id", &endpoint.to_string())]),
            options,
        })
    })
}

fn replay_since(endpoint: i64, typed: &str, locale: Locale) -> Job {
    let Some(since) = format::read_time(typed) else {
        return answer(vec![Effect::Refuse(tr(
            locale,
            "webhooks_view.time_unreadable",
            &[("value", &sanitize_line(typed))],
        ))]);
    };
    Job::write(move |db, actor, origin| async move {
        let n =
            service::webhooks::replay_failed_since(&db, &actor, &origin, endpoint, since).await?;
        Ok(Done::say(
            locale,
            "webhooks_view.replayed_since_toast",
            &[
                ("n", &n.to_string()),
                ("id", &endpoint.to_string()),
                ("since", &format::absolute(Some(since), locale)),
            ],
        ))
    })
}
