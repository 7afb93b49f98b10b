//! The webhooks view's writes, one question at a time: an endpoint's URL then its event types
//! (adding shows the signing secret once; a refused field is asked again at once with its
//! refusal and what was typed, the other field kept), a confirmation before disabling,
//! enabling or rotating, a test event (whose toast says whether a worker will send it), and
//! the deliveries a replay may send again.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::domain::Permission;
use crate::domain::webhook::Policy;
use crate::domain::{Locale, sanitize_line};
use crate::office::format;
use crate::office::messages::{error_text, said_text};
use crate::service::webhooks::EndpointInput;
use crate::service::{self, ServiceError};
use crate::store::Anchor;
use crate::store::deliveries::{DeliveryRow, Filter};
use crate::store::webhooks::EndpointRow;
use crate::tr;
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{Done, Job};
use crate::ui::screens::{Choices, Ctx, Effect, answer, typed_list};

use super::worker::Delivery;

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

/// What the URL and event types are asked for: a new endpoint, or endpoint `id` as it was at
/// version `seen` (its description kept).
#[derive(Clone)]
enum Form {
    Add,
    Edit {
        id: i64,
        seen: Option<i64>,
        description: Option<String>,
    },
}

/// `N`: the URL, then the event types; the secret is shown once.
pub fn add(policy: Policy, locale: Locale) -> Effect {
    ask_url(
        Form::Add,
        "https://".into(),
        "*".into(),
        None,
        policy,
        locale,
    )
}

/// The question, or, asked again, the refusal of what was typed (the field holds it, to fix).
fn asked(error: Option<&str>, question: &str, locale: Locale) -> String {
    match error {
        Some(e) => format!("✕ {e}"),
        None => tr(locale, question, &[]),
    }
}

/// Why a field was refused, in words that fit its question's place: a validation refusal
/// without the field's name (the field is the one asked), anything else in full.
fn refusal(e: &ServiceError, locale: Locale) -> String {
    match e {
        ServiceError::Invalid { message, .. } => said_text(message, locale),
        _ => error_text(e, locale),
    }
}

/// The URL (as typed so far): refused at once, with what was typed kept, when the rules or
/// the addresses its name resolves to refuse it; then the event types.
fn ask_url(
    form: Form,
    typed: String,
    types: String,
    error: Option<String>,
    policy: Policy,
    locale: Locale,
) -> Effect {
    Effect::Prompt {
        title: asked(error.as_deref(), "webhooks_view.url_question", locale),
        text: typed,
        submit: Arc::new(move |url| {
            let (form, types, url) = (form.clone(), types.clone(), url.trim().to_owned());
            Job::new(move |_, _| async move {
                let next = match service::webhooks::check_url(&url, &policy).await {
                    Ok(()) => ask_types(form, url, types, None, policy, locale),
                    Err(e) => {
                        let why = refusal(&e, locale);
                        ask_url(form, url, types, Some(why), policy, locale)
                    }
                };
                Ok::<_, ServiceError>(vec![next])
            })
        }),
    }
}

/// The event types (as typed so far): refused at once, with the URL and what was typed
/// kept, when one is not a type; then the write.
fn ask_types(
    form: Form,
    url: String,
    typed: String,
    error: Option<String>,
    policy: Policy,
    locale: Locale,
) -> Effect {
    Effect::Prompt {
        title: asked(error.as_deref(), "webhooks_view.events_question", locale),
        text: typed,
        submit: Arc::new(move |typed| {
            let (form, url) = (form.clone(), url.clone());
            let types = typed_list(&typed);
            if let Err(e) = service::webhooks::event_types(&types) {
                let why = refusal(&e, locale);
                let again = ask_types(form, url, typed.clone(), Some(why), policy, locale);
                return answer(vec![again]);
            }
            save(form, url, types, policy, locale)
        }),
    }
}

/// Adds the endpoint (its secret shown once, the cursor on it) or saves the edit.
fn save(form: Form, url: String, types: Vec<String>, policy: Policy, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        match form {
            Form::Add => {
                let input = EndpointInput {
                    url: &url,
                    description: None,
                    event_types: &types,
                };
                let added = service::webhooks::add(&db, &actor, &origin, &policy, &input).await?;
                let id = added.id.to_string();
                let named = [("id", id.as_str()), ("url", url.as_str())];
                Ok(Done::say(locale, "webhooks_view.added_toast", &named)
                    .revealing(
                        tr(locale, "webhooks_view.secret_once", &named),
                        added.secret,
                    )
                    .focusing(added.id))
            }
            Form::Edit {
                id,
                seen,
                description,
            } => {
                let input = EndpointInput {
                    url: &url,
                    description: description.as_deref(),
                    event_types: &types,
                };
                service::webhooks::edit(&db, &actor, &origin, &policy, id, &input, seen).await?;
                Ok(Done::about(locale, "webhooks_view.edited_toast", id))
            }
        }
    })
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
                // Whether anything will send it: a worker, or nobody until one is started.
                let now = service::now();
                let pulse = crate::store::delivery_watch::pulse(&mut db.clone(), now).await?;
                Ok(Done::text(Delivery::of(&pulse, now).test_toast(id, locale)))
            }))
        }
        Action::Screen(REPLAY) => Effect::Choose(replay_choices(id, ctx.now, locale)),
        _ => return None,
    })
}

/// `w`: the URL as it is, then the event types as they are.
fn edit(r: &EndpointRow, policy: Policy, locale: Locale) -> Effect {
    let form = Form::Edit {
        id: r.id,
        seen: Some(r.version),
        description: r.description.clone(),
    };
    let types = r.event_types.join(", ");
    ask_url(form, sanitize_line(&r.url), types, None, policy, locale)
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
