//! Who may do what, in one place: every use case staff perform and the permission it needs
//! (the permission matrix, role × use case), the rules of role administration, and login
//! throttling. Pure: the service layer feeds it what the database holds now.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};

use super::{Permission, Role};

string_enum! {
    /// Every use case of the back-office, reads included. Each needs one permission, or only
    /// a staff role (`permission()` None).
    pub enum UseCase : "use case" {
        CommissionApprove => "commission.approve",
        CommissionReject => "commission.reject",
        CommissionPay => "commission.pay",
        CommissionCancel => "commission.cancel",
        CommissionCreate => "commission.create",
        ExtCommissionApprove => "ext_commission.approve",
        ExtCommissionReject => "ext_commission.reject",
        ExtCommissionPay => "ext_commission.pay",
        ExtCommissionCancel => "ext_commission.cancel",
        TicketAssign => "ticket.assign",
        TicketReply => "ticket.reply",
        TicketStatus => "ticket.status",
        TicketPriority => "ticket.priority",
        TicketLinkProject => "ticket.link_project",
        TicketPresence => "ticket.presence",
        TicketFollowUp => "ticket.follow_up",
        EscrowRelease => "escrow.release",
        EscrowRefund => "escrow.refund",
        EscrowDispute => "escrow.dispute",
        PaymentRecord => "payment.record",
        PayoutBatch => "payout.batch",
        WebhookManage => "webhook.manage",
        TokenManage => "token.manage",
        ProjectAssign => "project.assign",
        ProjectStatus => "project.status",
        ProjectCreate => "project.create",
        ProjectMessage => "project.message",
        WorkloadPlan => "workload.plan",
        DeveloperAvailability => "developer.availability",
        DeveloperCapacity => "developer.capacity",
        ArticleEdit => "article.edit",
        ArticlePublish => "article.publish",
        ReviewCreate => "review.create",
        ReviewHide => "review.hide",
        ReviewRestore => "review.restore",
        SettingsEdit => "settings.edit",
        UserCreate => "user.create",
        UserRole => "user.role",
        UserPassword => "user.password",
        PasswordOwn => "user.password_own",
        UserDelete => "user.delete",
        SessionRevokeOwn => "session.revoke_own",
        SessionRevokeOthers => "session.revoke_others",
        NotificationsRead => "notifications.read",
        AuditRead => "audit.read",
        AnalyticsRead => "analytics.read",
        AnalyticsRebuild => "analytics.rebuild",
        ReferralCodeManage => "referral_code.manage",
        ReferralRewardDecide => "referral_reward.decide",
        ReferralCheck => "referral.check",
        MediaRead => "media.read",
        MediaDecide => "media.decide",
        DataRead => "data.read",
    }
}

impl UseCase {
    /// The permission the use case needs; None: any staff member may.
    pub fn permission(self) -> Option<Permission> {
        use Permission as P;
        use UseCase::*;
        Some(match self {
            CommissionApprove | CommissionCancel | CommissionCreate => P::CommissionsApprove,
            CommissionReject => P::CommissionsReject,
            CommissionPay | ExtCommissionPay => P::CommissionsPay,
            ExtCommissionApprove | ExtCommissionReject | ExtCommissionCancel => {
                P::ExtCommissionsApprove
            }
            TicketAssign => P::TicketsAssign,
            TicketReply | TicketStatus | TicketPriority | TicketLinkProject | TicketPresence
            | TicketFollowUp => P::TicketsReply,
            EscrowRelease | EscrowDispute | PaymentRecord | PayoutBatch => P::EscrowRelease,
            EscrowRefund => P::EscrowRefund,
            WebhookManage => P::WebhooksManage,
            TokenManage => P::ApiTokensManage,
            ProjectAssign => P::ProjectsAssign,
            ProjectStatus | ProjectCreate | ProjectMessage => P::ProjectsTransition,
            WorkloadPlan | DeveloperAvailability | DeveloperCapacity => P::WorkloadEdit,
            ArticleEdit => P::ArticlesEdit,
            ArticlePublish => P::ArticlesPublish,
            ReviewCreate | ReviewHide | ReviewRestore => P::ReviewsModerate,
            SettingsEdit => P::SettingsEdit,
            UserCreate | UserRole | UserPassword | UserDelete | SessionRevokeOthers => {
                P::UsersManage
            }
            AuditRead => P::AuditView,
            AnalyticsRead | AnalyticsRebuild => P::AnalyticsView,
            ReferralCodeManage | ReferralRewardDecide | ReferralCheck => P::ReferralsManage,
            MediaRead | MediaDecide => P::MediaModerate,
            NotificationsRead | PasswordOwn | SessionRevokeOwn | DataRead => return None,
        })
    }

    /// What the seeded `role` may do. `UserRole` is further limited by [`check_role_change`]
    /// (nobody hands out more than they hold).
    pub fn allowed(self, role: Role) -> bool {
        role.is_staff() && self.permission().is_none_or(|p| role.grants(p))
    }
}

/// The seeded staff roles, in the order the matrix shows them.
pub fn staff_roles() -> impl Iterator<Item = Role> {
    Role::ALL.iter().copied().filter(|r| r.is_staff())
}

/// The matrix as a Markdown table (use case × staff role), as the README shows it.
pub fn matrix_markdown() -> String {
    let roles: Vec<Role> = staff_roles().collect();
    let mut out = String::from("| use case | permission |");
    for r in &roles {
        out.push_str(&format!(" {} |", r.as_str()));
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---|".repeat(roles.len()));
    for uc in UseCase::ALL {
        let permission = uc.permission().map_or("(staff)", |p| p.as_str());
        out.push_str(&format!("\n| `{}` | `{permission}` |", uc.as_str()));
        for r in &roles {
            out.push_str(if uc.allowed(*r) { " ✓ |" } else { " |" });
        }
    }
    out.push('\n');
    out
}

/// Why a role may not be granted or revoked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleRule {
    /// Nobody changes their own roles.
    OwnRoles,
    /// Role administration needs `users.manage`.
    NotManager,
    /// Nobody hands out (or takes away) more than they hold: these are the role's
    /// permissions the actor lacks.
    MoreThanHeld(Vec<Permission>),
    /// Super-admin is granted and revoked by a super-admin only.
    SuperAdminOnly,
    /// The last super-admin stays.
    LastSuperAdmin,
}

impl RoleRule {
    pub fn code(&self) -> &'static str {
        match self {
            RoleRule::OwnRoles => "own_roles",
            RoleRule::NotManager => "not_manager",
            RoleRule::MoreThanHeld(_) => "more_than_held",
            RoleRule::SuperAdminOnly => "super_admin_only",
            RoleRule::LastSuperAdmin => "last_super_admin",
        }
    }
}

/// What the decision on a role change needs to know, as the database holds it now.
pub struct RoleChange<'a> {
    pub actor_id: i64,
    pub actor_roles: &'a [Role],
    pub actor_permissions: &'a BTreeSet<Permission>,
    pub target_id: i64,
    pub role: Role,
    /// The permissions the role carries (the database is the authority, not the defaults).
    pub role_permissions: &'a [Permission],
    pub grant: bool,
    /// When revoking super-admin from a holder: the other holders left (accounts not deleted).
    /// None when it does not apply or is not known yet (the service checks it under a lock).
    pub other_super_admins: Option<usize>,
}

/// Decides a grant or revoke; the first rule broken, in the order a person would check them.
pub fn check_role_change(c: &RoleChange) -> Result<(), RoleRule> {
    if c.actor_id == c.target_id {
        return Err(RoleRule::OwnRoles);
    }
    if !c.actor_permissions.contains(&Permission::UsersManage) {
        return Err(RoleRule::NotManager);
    }
    if c.role == Role::SuperAdmin && !c.actor_roles.contains(&Role::SuperAdmin) {
        return Err(RoleRule::SuperAdminOnly);
    }
    let missing: Vec<Permission> = c
        .role_permissions
        .iter()
        .copied()
        .filter(|p| !c.actor_permissions.contains(p))
        .collect();
    if !missing.is_empty() {
        return Err(RoleRule::MoreThanHeld(missing));
    }
    if !c.grant && c.role == Role::SuperAdmin && c.other_super_admins == Some(0) {
        return Err(RoleRule::LastSuperAdmin);
    }
    Ok(())
}

/// Deleting an account: `users.manage`, never oneself, and the last super-admin stays.
pub fn check_delete(
    actor_id: i64,
    actor_permissions: &BTreeSet<Permission>,
    target_id: i64,
    target_is_super_admin: bool,
    other_super_admins: usize,
) -> Result<(), RoleRule> {
    if actor_id == target_id {
        return Err(RoleRule::OwnRoles);
    }
    if !actor_permissions.contains(&Permission::UsersManage) {
        return Err(RoleRule::NotManager);
    }
    if target_is_super_admin && other_super_admins == 0 {
        return Err(RoleRule::LastSuperAdmin);
    }
    Ok(())
}

/// Login throttling: after `after` failures within `window` (per account or per source,
/// counted since the last success), attempts are refused without checking the password
/// until the last failure plus a delay that grows with each further failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub after: usize,
    pub window: Duration,
    /// Delay after the `after`-th failure, the next one, ...; the last repeats.
    pub delays: Vec<Duration>,
}

impl Default for ThrottlePolicy {
    fn default() -> ThrottlePolicy {
        ThrottlePolicy {
            after: 5,
            window: Duration::minutes(15),
            delays: [30, 60, 120, 300, 900]
                .into_iter()
                .map(Duration::seconds)
                .collect(),
        }
    }
}

impl ThrottlePolicy {
    /// When the next attempt may be tried, given the failures since the last success (any
    /// order); None: it may be tried now.
    pub fn retry_at(
        &self,
        failures: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let recent: Vec<&DateTime<Utc>> = failures
            .iter()
            .filter(|t| **t > now - self.window && **t <= now)
            .collect();
        if self.after == 0 || recent.len() < self.after {
            return None;
        }
        let last = **recent.iter().max()?;
        let step = (recent.len() - self.after).min(self.delays.len().saturating_sub(1));
        let delay = self
            .delays
            .get(step)
            .copied()
            .unwrap_or_else(Duration::zero);
        let at = last + delay;
        (at > now).then_some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_use_case_is_named_and_the_matrix_lists_them() {
        for uc in UseCase::ALL {
            assert_eq!(UseCase::parse(uc.as_str()), Ok(*uc));
        }
        let table = matrix_markdown();
        assert_eq!(table.lines().count(), UseCase::ALL.len() + 2);
        assert!(table.contains("| `audit.read` | `audit.view` | ✓ | ✓ | ✓ | | ✓ |"));
        assert!(!UseCase::AuditRead.allowed(Role::Editor));
        assert!(UseCase::DataRead.allowed(Role::Editor));
        assert!(!UseCase::DataRead.allowed(Role::Client));
    }

    #[test]
    fn throttle_waits_after_five_failures_and_grows() {
        let p = ThrottlePolicy::default();
        let t0 = DateTime::parse_from_rfc3339("2026-12-01T07:00:00Z")
            .unwrap()
            .to_utc();
        let at = |s: i64| t0 + Duration::seconds(s);
        let four: Vec<_> = (0..4).map(at).collect();
        assert_eq!(p.retry_at(&four, at(5)), None);
        let five: Vec<_> = (0..5).map(at).collect();
        assert_eq!(p.retry_at(&five, at(5)), Some(at(4 + 30)));
        assert_eq!(p.retry_at(&five, at(34)), None);
        let six: Vec<_> = (0..6).map(at).collect();
        assert_eq!(p.retry_at(&six, at(6)), Some(at(5 + 60)));
        // Old failures fall out of the window.
        assert_eq!(p.retry_at(&five, at(16 * 60)), None);
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        fn permissions() -> impl Strategy<Value = BTreeSet<Permission>> {
            prop::sample::subsequence(Permission::ALL.to_vec(), 0..=Permission::ALL.len())
                .prop_map(|v| v.into_iter().collect())
        }

        fn roles() -> impl Strategy<Value = Vec<Role>> {
            prop::sample::subsequence(Role::ALL.to_vec(), 0..=Role::ALL.len())
        }

        fn config() -> ProptestConfig {
            ProptestConfig {
                failure_persistence: None,
                ..ProptestConfig::default()
            }
        }

        proptest! {
            #![proptest_config(config())]

            #[test]
            fn a_role_change_that_passes_breaks_no_rule(
                actor_id in 1i64..4,
                target_id in 1i64..4,
                actor_roles in roles(),
                actor_permissions in permissions(),
                role in prop::sample::select(Role::ALL.to_vec()),
                grant in any::<bool>(),
                others in prop::option::of(0usize..3),
            ) {
                let role_permissions = role.default_permissions();
                let change = RoleChange {
                    actor_id,
                    actor_roles: &actor_roles,
                    actor_permissions: &actor_permissions,
                    target_id,
                    role,
                    role_permissions,
                    grant,
                    other_super_admins: others,
                };
                match check_role_change(&change) {
                    Ok(()) => {
                        prop_assert_ne!(actor_id, target_id);
                        prop_assert!(actor_permissions.contains(&Permission::UsersManage));
                        prop_assert!(role_permissions.iter().all(|p| actor_permissions.contains(p)));
                        prop_assert!(role != Role::SuperAdmin || actor_roles.contains(&Role::SuperAdmin));
                        prop_assert!(grant || role != Role::SuperAdmin || others != Some(0));
                    }
                    Err(RoleRule::OwnRoles) => prop_assert_eq!(actor_id, target_id),
                    Err(RoleRule::NotManager) => {
                        prop_assert!(!actor_permissions.contains(&Permission::UsersManage))
                    }
                    Err(RoleRule::SuperAdminOnly) => {
                        prop_assert_eq!(role, Role::SuperAdmin);
                        prop_assert!(!actor_roles.contains(&Role::SuperAdmin));
                    }
                    Err(RoleRule::MoreThanHeld(missing)) => {
                        prop_assert!(!missing.is_empty());
                        prop_assert!(missing.iter().all(|p| role_permissions.contains(p)
                            && !actor_permissions.contains(p)));
                    }
                    Err(RoleRule::LastSuperAdmin) => {
                        prop_assert!(!grant && role == Role::SuperAdmin && others == Some(0));
                    }
                }
            }

            #[test]
            fn a_super_admin_may_change_anyone_elses_roles_but_the_last_super_admin(
                role in prop::sample::select(Role::ALL.to_vec()),
                grant in any::<bool>(),
                others in 0usize..3,
            ) {
                let all: BTreeSet<Permission> = Permission::ALL.iter().copied().collect();
                let change = RoleChange {
                    actor_id: 1,
                    actor_roles: &[Role::SuperAdmin],
                    actor_permissions: &all,
                    target_id: 2,
                    role,
                    role_permissions: role.default_permissions(),
                    grant,
                    other_super_admins: Some(others),
                };
                let last = !grant && role == Role::SuperAdmin && others == 0;
                prop_assert_eq!(check_role_change(&change).is_ok(), !last);
            }

            #[test]
            fn throttling_never_refuses_below_the_threshold_and_always_ends(
                ages in prop::collection::vec(0i64..1800, 0..12),
            ) {
                let p = ThrottlePolicy::default();
                let now = DateTime::parse_from_rfc3339("2026-12-01T07:00:00Z").unwrap().to_utc();
                let failures: Vec<_> = ages.iter().map(|s| now - Duration::seconds(*s)).collect();
                let recent = failures.iter().filter(|t| **t > now - p.window && **t <= now).count();
                match p.retry_at(&failures, now) {
                    None => {}
                    Some(at) => {
                        prop_assert!(recent >= p.after);
                        prop_assert!(at > now);
                        let longest = *p.delays.iter().max().unwrap();
                        prop_assert!(at <= now + longest);
                        // Once the delay has passed, the same failures no longer refuse.
                        prop_assert_eq!(p.retry_at(&failures, at), None);
                    }
                }
                if recent < p.after {
                    prop_assert_eq!(p.retry_at(&failures, now), None);
                }
            }
        }
    }
}
