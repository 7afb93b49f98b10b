//! Users (a view, `:users`): everyone on the platform with their client and developer profiles
//! (availability, capacity, payout method) and staff roles; `+` / `-` grant and revoke roles,
//! `t` sets a developer's availability, `K` / `D` register and revoke a staff member's SSH keys.

use ratatui::layout::Constraint;

use crate::domain::access::{RoleChange, check_role_change};
use crate::domain::{Availability, Permission, Role, mask_account};
use crate::office;
use crate::office::format;
use crate::service::ServiceError;
use crate::store::Anchor;
use crate::store::people::{Filter, Kind, PersonRow, Profile, Sort};
use crate::ui::action::{Action, Declared, Verb};
use crate::ui::data::{Job, UserDetail};
use crate::ui::widgets::detail::{DetailLine, Tone};
use crate::ui::widgets::filter::ParsedFilter;
use crate::ui::widgets::virtual_table::{Cell, Column, ListView, styled};

use super::{Ctx, DetailState, Effect, ListScreen, TabId};

mod jobs;
mod keys;

#[derive(Default)]
pub struct UsersScreen {
    pub list: ListView<PersonRow>,
    pub detail: DetailState<UserDetail>,
    pub sort: Sort,
    pub filter: Filter,
    pub filter_raw: String,
}

/// What a person is, in a few words: their staff roles, then their profiles.
fn kind_label(p: &PersonRow, ctx: &Ctx) -> String {
    let mut kinds: Vec<String> = p
        .roles
        .iter()
        .filter(|r| Role::parse(r).is_ok_and(|r| r.is_staff()))
        .cloned()
        .collect();
    if p.client.is_some() {
        kinds.push(ctx.t("users.client"));
    }
    if p.developer.is_some() {
        kinds.push(ctx.t("users.developer"));
    }
    kinds.join(" · ")
}

fn availability_tone(a: &str) -> Tone {
    match a {
        "available" => Tone::Ok,
        "busy" => Tone::Warning,
        _ => Tone::Danger,
    }
}

/// The payout method in words, and the account masked unless the viewer pays people out.
fn payout_text(p: &Profile, ctx: &Ctx) -> String {
    let Some(method) = &p.payout_method else {
        return "—".into();
    };
    let method = format::status("payout", method, ctx.locale);
    match &p.payout_account {
        Some(account) if ctx.actor.can(Permission::CommissionsPay) => {
            format!("{method} · {account}")
        }
        Some(account) => format!("{method} · {}", mask_account(account)),
        None => method,
    }
}

fn profile_lines(p: &Profile, ctx: &Ctx, out: &mut Vec<DetailLine>) {
    let place = [p.city.as_deref(), p.country.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    out.push(DetailLine::Field(
        ctx.t("users.display_name"),
        p.display_name.clone(),
    ));
    if let Some(company) = &p.company_name {
        out.push(DetailLine::Field(ctx.t("users.company"), company.clone()));
    }
    if !place.is_empty() {
        out.push(DetailLine::Field(ctx.t("col.city"), place));
    }
    if p.kind == "developer" {
        out.push(DetailLine::Styled(
            ctx.t("col.availability"),
            format::status("availability", &p.availability, ctx.locale),
            availability_tone(&p.availability),
        ));
        out.push(DetailLine::Field(
            ctx.t("col.capacity"),
            format!(
                "{} h · {} {}",
                p.weekly_capacity_hours,
                p.max_active_projects,
                ctx.t("detail.max_projects")
            ),
        ));
        if ctx.may(Permission::WorkloadEdit) {
            out.push(DetailLine::Text(
                ctx.ta("users.capacity_hint", &[("id", &p.user_id.to_string())]),
            ));
        }
        if !p.skills.is_empty() {
            out.push(DetailLine::Field(
                ctx.t("detail.skills"),
                p.skills.join(", "),
            ));
        }
        if let (Some(rate), Some(cur)) = (p.hourly_rate, &p.hourly_rate_currency) {
            out.push(DetailLine::Field(
                ctx.t("users.hourly_rate"),
                format!("{} / h", format::money(rate, cur, ctx.locale)),
            ));
        }
    }
    out.push(DetailLine::Field(
        ctx.t("users.payout"),
        payout_text(p, ctx),
    ));
}

fn counts_line(counts: &[(String, i64)], ctx: &Ctx) -> String {
    if counts.is_empty() {
        return ctx.t("detail.none");
    }
    counts
        .iter()
        .map(|(status, n)| format!("{n} {}", format::status("project", status, ctx.locale)))
        .collect::<Vec<_>>()
        .join(" · ")
}

impl UsersScreen {
    /// `t` on a developer: the other availabilities (unavailable ones are never assigned).
    fn pick_availability(&self, ctx: &Ctx) -> Option<Vec<Effect>> {
        if !ctx.may(Permission::WorkloadEdit) {
            return Some(vec![ctx.refuse(Permission::WorkloadEdit)]);
        }
        let r = self.list.current()?;
        let Some(dev) = &r.developer else {
            return Some(vec![Effect::Refuse(
                ctx.ta("error.not_a_developer", &[("name", &r.name)]),
            )]);
        };
        let options = Availability::ALL
            .iter()
            .filter(|a| a.as_str() != dev.availability)
            .map(|a| {
                (
                    format::status("availability", a.as_str(), ctx.locale),
                    Effect::write(jobs::availability(
                        r.id,
                        *a,
                        dev.availability.clone(),
                        ctx.locale,
                    )),
                )
            })
            .collect();
        Some(vec![Effect::Pick {
            title: ctx.ta("picker.availability", &[("name", &r.name)]),
            options,
        }])
    }
}

/// This screen's own actions.
const GRANT_ROLE: Verb = Verb("grant_role");
const REVOKE_ROLE: Verb = Verb("revoke_role");
const END_SESSIONS: Verb = Verb("end_sessions");
const SET_STATUS: Verb = Verb("set_status");

impl ListScreen for UsersScreen {
    const ACTIONS: &'static [Declared] = &[
        Declared::write(GRANT_ROLE, &["+"], Permission::UsersManage),
        Declared::write(REVOKE_ROLE, &["-"], Permission::UsersManage),
        Declared::write(END_SESSIONS, &["E"], Permission::UsersManage),
        Declared::write(SET_STATUS, &["t"], Permission::WorkloadEdit),
        Declared::write(keys::ADD_SSH_KEY, &["K"], Permission::UsersManage),
        Declared::write(keys::REVOKE_SSH_KEY, &["D"], Permission::UsersManage),
    ];
    const SUBJECT: Option<&'static str> = Some("user");

    super::screen_fields!(TabId::Users, PersonRow, UserDetail);
    super::sorted_by!(Sort::Name => "sort.name", Sort::Newest => "sort.newest");

    fn request(&self, anchor: Anchor, limit: u64) -> Job {
        let (filter, sort) = (self.filter.clone(), self.sort);
        Job::new(move |db, _| async move {
            let staff = crate::domain::Role::staff_names();
            let mut c = db.clone();
            Ok::<_, ServiceError>(
                crate::store::people::page(&mut c, &filter, &staff, sort, &anchor, limit).await?,
            )
        })
    }
    fn detail_request(&self, row: &PersonRow) -> Option<Job> {
        let id = row.id;
        Some(Job::new(move |db, viewer| async move {
            let d = office::details::user(&mut db.clone(), &viewer, id).await?;
            Ok::<_, ServiceError>((id, d))
        }))
    }
    fn set_filter(&mut self, raw: &str, p: &ParsedFilter, _ctx: &Ctx) {
        self.filter_raw = raw.to_owned();
        let kinds = [
            "client",
            "clients",
            "developer",
            "developers",
            "dev",
            "développeur",
            "developpeur",
            "staff",
            "équipe",
            "equipe",
        ];
        let kind = p
            .choice(&["type", "kind"], &kinds)
            .and_then(|k| match k.as_str() {
                "client" | "clients" => Some(Kind::Client),
                "developer" | "developers" | "dev" | "développeur" | "developpeur" => {
                    Some(Kind::Developer)
                }
                "staff" | "équipe" | "equipe" => Some(Kind::Staff),
                _ => None,
            });
        self.filter = Filter {
            text: p.text_except(&["deleted", "supprimés", "supprimes"]),
            kind,
            role: p.choice(&["role", "rôle"], &super::codes(Role::ALL)),
            availability: p.choice(
                &["availability", "dispo", "disponibilité"],
                &super::codes(Availability::ALL),
            ),
            payout_method: p.first(&["payout", "paiement"]).map(|m| m.to_lowercase()),
            include_deleted: p.flag("deleted") || p.flag("supprimés") || p.flag("supprimes"),
        };
    }
    fn columns(&self, ctx: &Ctx) -> Vec<Column> {
        vec![
            Column::new("#", Constraint::Length(6)).right(),
            Column::new(ctx.t("users.name"), Constraint::Fill(2)),
            Column::new(ctx.t("users.email"), Constraint::Fill(2)).optional(),
            Column::new(ctx.t("users.kind"), Constraint::Fill(1)),
            Column::new(ctx.t("col.availability"), Constraint::Length(12)).optional(),
            Column::new(ctx.t("col.capacity"), Constraint::Length(10)).right(),
            Column::new(ctx.t("users.payout"), Constraint::Length(13)).optional(),
            Column::new(ctx.t("col.city"), Constraint::Length(13)).optional(),
        ]
    }
    fn cells(&self, r: &PersonRow, ctx: &Ctx) -> Vec<Cell> {
        let name = if r.deleted_at.is_some() {
            styled(
                format!("✕ {} ({})", r.name, ctx.t("users.deleted")),
                ctx.theme.muted,
            )
        } else {
            r.name.clone().into()
        };
        let dev = r.developer.as_ref();
        let availability = match dev {
            Some(d) => styled(
                format::status("availability", &d.availability, ctx.locale),
                availability_tone(&d.availability).style(ctx.theme),
            ),
            None => "—".into(),
        };
        let capacity = dev
            .map(|d| format!("{} h · {}", d.weekly_capacity_hours, d.max_active_projects))
            .unwrap_or_else(|| "—".into());
        let payout = r
            .payout()
            .and_then(|p| p.payout_method.as_deref())
            .map(|m| format::status("payout", m, ctx.locale))
            .unwrap_or_else(|| "—".into());
        let city = dev
            .or(r.client.as_ref())
            .and_then(|p| p.city.clone())
            .unwrap_or_default();
        vec![
            r.id.to_string().into(),
            name,
            r.email.clone().into(),
            kind_label(r, ctx).into(),
            availability,
            capacity.into(),
            payout.into(),
            city.into(),
        ]
    }
    fn heading(&self, d: &Self::Detail, _ctx: &Ctx) -> String {
        d.person.name.clone()
    }
    fn body(&self, d: &UserDetail, ctx: &Ctx) -> Vec<DetailLine> {
        let p = &d.person;
        let mut out = vec![
            DetailLine::Field(ctx.t("col.reference"), format!("#{}", p.id)),
            DetailLine::Field(ctx.t("users.email"), p.email.clone()),
            DetailLine::Field(
                ctx.t("users.phone"),
                p.phone.clone().unwrap_or_else(|| "—".into()),
            ),
            DetailLine::Field(ctx.t("users.locale"), p.locale.clone()),
            DetailLine::Field(
                ctx.t("detail.created"),
                format::absolute(p.created_at, ctx.locale),
            ),
        ];
        if let Some(at) = p.deleted_at {
            out.push(DetailLine::Styled(
                ctx.t("users.deleted"),
                format::absolute(Some(at), ctx.locale),
                Tone::Danger,
            ));
        }
        out.push(DetailLine::Section(ctx.t("users.access")));
        out.push(DetailLine::Field(
            ctx.t("users.roles"),
            if p.roles.is_empty() {
                ctx.t("detail.none")
            } else {
                p.roles.join(", ")
            },
        ));
        if !d.permissions.is_empty() {
            out.push(DetailLine::Field(
                ctx.t("users.permissions"),
                d.permissions.join(", "),
            ));
        }
        if !d.sessions.is_empty() {
            out.push(DetailLine::Section(ctx.t("users.sessions")));
            for s in &d.sessions {
                let kind = if s.remembered {
                    ctx.t("users.session_remembered")
                } else {
                    ctx.t("users.session_live")
                };
                out.push(DetailLine::Field(
                    format!("#{}", s.id),
                    ctx.ta(
                        "users.session_line",
                        &[
                            ("kind", &kind),
                            ("source", s.source.as_deref().unwrap_or("—")),
                            ("opened", &format::absolute(Some(s.created_at), ctx.locale)),
                            ("used", &format::absolute(s.last_used_at, ctx.locale)),
                        ],
                    ),
                ));
            }
        }
        if !d.ssh_keys.is_empty() {
            out.push(DetailLine::Section(ctx.t("users.ssh_keys")));
            for k in &d.ssh_keys {
                out.push(DetailLine::Field(
                    k.fingerprint.clone(),
                    ctx.ta(
                        "users.ssh_key_line",
                        &[
                            ("algorithm", &k.algorithm),
                            ("comment", k.comment.as_deref().unwrap_or("—")),
                            ("used", &format::absolute(k.last_used_at, ctx.locale)),
                        ],
                    ),
                ));
            }
        }
        if let Some(dev) = &p.developer {
            out.push(DetailLine::Section(ctx.t("users.developer_profile")));
            profile_lines(dev, ctx, &mut out);
            out.push(DetailLine::Field(
                ctx.t("users.projects"),
                counts_line(&d.projects.as_developer, ctx),
            ));
        }
        let (reviews, sum) = d.rating;
        if reviews > 0 {
            // The average in tenths, rounded half up, without floating point.
            let tenths = (sum * 20 + reviews) / (reviews * 2);
            out.push(DetailLine::Field(
                ctx.t("users.rating"),
                ctx.ta(
                    "users.rating_value",
                    &[
                        ("avg", &{
                            let point = if ctx.locale == crate::domain::Locale::Fr {
                                ','
                            } else {
                                '.'
                            };
                            format!("{}{point}{}", tenths / 10, tenths % 10)
                        }),
                        ("n", &reviews.to_string()),
                    ],
                ),
            ));
        }
        if let Some(client) = &p.client {
            out.push(DetailLine::Section(ctx.t("users.client_profile")));
            profile_lines(client, ctx, &mut out);
            out.push(DetailLine::Field(
                ctx.t("users.projects"),
                counts_line(&d.projects.as_client, ctx),
            ));
        }
        super::audit::history_lines(&d.history, ctx, &mut out);
        out
    }
    fn reference(&self, r: &PersonRow) -> String {
        format!("user #{} {}", r.id, r.email)
    }
    fn actions(&self, ctx: &Ctx) -> Vec<Action> {
        let mut out = Vec::new();
        if ctx.may(Permission::UsersManage) {
            out.extend([
                Action::Screen(GRANT_ROLE),
                Action::Screen(REVOKE_ROLE),
                Action::Screen(END_SESSIONS),
            ]);
        }
        let developer = self.list.current().is_some_and(|r| r.developer.is_some());
        if developer && ctx.may(Permission::WorkloadEdit) {
            out.push(Action::Screen(SET_STATUS));
        }
        out.push(Action::History);
        if ctx.may(Permission::UsersManage) {
            out.extend([
                Action::Screen(keys::ADD_SSH_KEY),
                Action::Screen(keys::REVOKE_SSH_KEY),
            ]);
        }
        out
    }
    fn act(&mut self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        let grant = match action {
            Action::Screen(GRANT_ROLE) => true,
            Action::Screen(REVOKE_ROLE) => false,
            Action::Screen(SET_STATUS) => return self.pick_availability(ctx),
            Action::Screen(verb @ (keys::ADD_SSH_KEY | keys::REVOKE_SSH_KEY)) => {
                if !ctx.may(Permission::UsersManage) {
                    return Some(vec![ctx.refuse(Permission::UsersManage)]);
                }
                let r = self.list.current()?;
                return Some(if verb == keys::ADD_SSH_KEY {
                    keys::add(r, ctx)
                } else {
                    keys::revoke(r, ctx)
                });
            }
            Action::Screen(END_SESSIONS) => {
                let r = self.list.current()?;
                return Some(vec![Effect::Confirm {
                    title: ctx.t("confirm.title"),
                    question: ctx.ta("confirm.revoke_sessions", &[("name", &r.name)]),
                    job: jobs::end_sessions(r.id, ctx.locale),
                }]);
            }
            _ => return None,
        };
        if !ctx.may(Permission::UsersManage) {
            return Some(vec![ctx.refuse(Permission::UsersManage)]);
        }
        let r = self.list.current()?;
        // Staff roles only: client and developer follow from the platform's own sign-up.
        let options: Vec<_> = Role::ALL
            .iter()
            .filter(|role| role.is_staff() && r.roles.iter().any(|h| h == role.as_str()) != grant)
            .map(|role| {
                let change = RoleChoice {
                    user_id: r.id,
                    name: &r.name,
                    email: &r.email,
                    role: *role,
                    grant,
                };
                let then = confirm_role(ctx, &change).unwrap_or_else(Effect::Refuse);
                (role.as_str().to_owned(), then)
            })
            .collect();
        if options.is_empty() {
            let key = if grant {
                "users.has_every_role"
            } else {
                "users.has_no_role"
            };
            return Some(vec![Effect::Toast(ctx.ta(key, &[("name", &r.name)]))]);
        }
        let key = if grant {
            "picker.grant"
        } else {
            "picker.revoke"
        };
        Some(vec![Effect::Pick {
            title: ctx.ta(key, &[("name", &r.name)]),
            options,
        }])
    }
    fn command(&mut self, name: &str, rest: &str, ctx: &Ctx) -> Option<Vec<Effect>> {
        if name != "capacity" {
            return None;
        }
        // `:capacity DEVELOPER_ID HOURS [MAX_PROJECTS]`
        let numbers: Option<Vec<i64>> = rest.split_whitespace().map(|p| p.parse().ok()).collect();
        Some(vec![match numbers.as_deref() {
            Some(&[user_id, hours]) => {
                Effect::write(jobs::capacity(user_id, hours, None, ctx.locale))
            }
            Some(&[user_id, hours, max]) => {
                Effect::write(jobs::capacity(user_id, hours, Some(max), ctx.locale))
            }
            _ => Effect::Refuse(ctx.ta(
                "error.usage",
                &[("usage", ":capacity DEVELOPER_ID HOURS [MAX_PROJECTS]")],
            )),
        }])
    }
    fn watches(&self, t: &str) -> bool {
        matches!(t, "user" | "profile")
    }
}

/// A role offered to grant or revoke.
struct RoleChoice<'a> {
    user_id: i64,
    name: &'a str,
    email: &'a str,
    role: Role,
    grant: bool,
}

/// What picking a role does: refused at once when a role-administration rule forbids it (the
/// service decides again, with the last-super-admin rule, under a lock); otherwise a
/// confirmation that shows what the role carries.
fn confirm_role(ctx: &Ctx, choice: &RoleChoice) -> Result<Effect, String> {
    let RoleChoice {
        user_id,
        name,
        email,
        role,
        grant,
    } = choice;
    let carried = role.default_permissions();
    let actor = ctx.actor;
    check_role_change(&RoleChange {
        actor_id: actor.id,
        actor_roles: &actor.roles,
        actor_permissions: &actor.permissions,
        target_id: *user_id,
        role: *role,
        role_permissions: carried,
        grant: *grant,
        other_super_admins: None,
    })
    .map_err(|rule| {
        crate::office::messages::error_text(
            &crate::service::ServiceError::RoleRule(rule),
            ctx.locale,
        )
    })?;
    let permissions = carried
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let key = if *grant {
        "confirm.grant_role"
    } else {
        "confirm.revoke_role"
    };
    Ok(Effect::Confirm {
        title: ctx.t("confirm.title"),
        question: ctx.ta(
            key,
            &[
                ("name", name),
                ("role", role.as_str()),
                ("permissions", &permissions),
            ],
        ),
        job: jobs::set_role(email.to_string(), *role, *grant, ctx.locale),
    })
}
