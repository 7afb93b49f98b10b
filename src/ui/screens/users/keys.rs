//! A staff member's SSH keys from the Users view: `K` registers one (the public key line is
//! typed or pasted), `D` revokes one of their live keys (chosen from the list read now, then
//! confirmed). The service applies the role-administration rules; the sessions a revoked key
//! opened end with it.

use std::sync::Arc;

use crate::domain::Locale;
use crate::domain::sanitize_line;
use crate::service::{ServiceError, ssh_keys};
use crate::store::people::PersonRow;
use crate::tr;
use crate::ui::action::Verb;
use crate::ui::data::{Done, Job};

use super::super::{Choices, Ctx, Effect};

pub const ADD_SSH_KEY: Verb = Verb("add_ssh_key");
pub const REVOKE_SSH_KEY: Verb = Verb("revoke_ssh_key");

/// Asks for the public key line to register for `r`.
pub fn add(r: &PersonRow, ctx: &Ctx) -> Vec<Effect> {
    let (email, locale) = (r.email.clone(), ctx.locale);
    vec![Effect::Prompt {
        title: ctx.ta(
            "users.add_ssh_key_title",
            &[("name", &sanitize_line(&r.name))],
        ),
        text: String::new(),
        submit: Arc::new(move |line| register(email.clone(), line, locale)),
    }]
}

/// Offers `r`'s live keys to revoke, each confirmed first.
pub fn revoke(r: &PersonRow, ctx: &Ctx) -> Vec<Effect> {
    let (email, name, locale) = (r.email.clone(), r.name.clone(), ctx.locale);
    vec![Effect::Choose(Job::new(move |db, _| async move {
        let keys = ssh_keys::list(&db, &email).await?;
        let options: Vec<(String, Effect)> = keys
            .into_iter()
            .filter(|k| k.revoked_at.is_none())
            .map(|k| {
                let label = format!(
                    "{} {}",
                    k.fingerprint,
                    sanitize_line(k.comment.as_deref().unwrap_or(""))
                );
                let question = tr(
                    locale,
                    "confirm.revoke_ssh_key",
                    &[("fingerprint", &k.fingerprint), ("name", &name)],
                );
                let then = Effect::Confirm {
                    title: tr(locale, "confirm.title", &[]),
                    question,
                    job: unregister(email.clone(), k.fingerprint.clone(), locale),
                };
                (label, then)
            })
            .collect();
        let title = if options.is_empty() {
            tr(locale, "users.no_ssh_key", &[("name", &name)])
        } else {
            tr(locale, "users.revoke_ssh_key_title", &[("name", &name)])
        };
        Ok::<_, ServiceError>(Choices { title, options })
    }))]
}

fn register(email: String, line: String, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        let key = ssh_keys::add(&db, Some(&actor), &origin, &email, &line).await?;
        let args = [("fingerprint", key.fingerprint.as_str()), ("email", &email)];
        Ok(Done::say(locale, "cli.key.added", &args))
    })
}

fn unregister(email: String, fingerprint: String, locale: Locale) -> Job {
    Job::write(move |db, actor, origin| async move {
        let revoked = ssh_keys::revoke(&db, Some(&actor), &origin, &email, &fingerprint).await?;
        let key = if revoked {
            "cli.key.revoked"
        } else {
            "cli.key.already_revoked"
        };
        let args = [("fingerprint", fingerprint.as_str()), ("email", &email)];
        Ok(Done::say(locale, key, &args))
    })
}
