//! Permissions and roles, named as in spatie/laravel-permission so the seeded
//! rows match the PHP platform's. The table here is only the *default* grant:
//! the database stays the authority once seeded.

string_enum! {
    pub enum Permission : "permission" {
        CommissionsApprove => "commissions.approve",
        CommissionsPay => "commissions.pay",
        CommissionsReject => "commissions.reject",
        ExtCommissionsApprove => "ext_commissions.approve",
        TicketsAssign => "tickets.assign",
        TicketsReply => "tickets.reply",
        ArticlesEdit => "articles.edit",
        ArticlesPublish => "articles.publish",
        ProjectsAssign => "projects.assign",
        ProjectsTransition => "projects.transition",
        SettingsEdit => "settings.edit",
        EscrowRelease => "escrow.release",
        EscrowRefund => "escrow.refund",
        WebhooksManage => "webhooks.manage",
        ApiTokensManage => "api_tokens.manage",
        UsersManage => "users.manage",
        AuditView => "audit.view",
        ReviewsModerate => "reviews.moderate",
        WorkloadEdit => "workload.edit",
        AnalyticsView => "analytics.view",
        ReferralsManage => "referrals.manage",
        MediaModerate => "media.moderate",
    }
}

string_enum! {
    pub enum Role : "role" {
        SuperAdmin => "super-admin",
        Finance => "finance",
        Support => "support",
        Editor => "editor",
        Ops => "ops",
        Client => "client",
        Developer => "developer",
    }
}

impl Role {
    /// Staff roles may open the back-office; platform users may not.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Client | Role::Developer)
    }

    /// The names of the staff roles (as stored in `roles.name`).
    pub fn staff_names() -> Vec<&'static str> {
        Role::ALL
            .iter()
            .filter(|r| r.is_staff())
            .map(|r| r.as_str())
            .collect()
    }

    /// What the seeder grants each role.
    pub fn default_permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::SuperAdmin => Permission::ALL,
            Role::Finance => &[
                CommissionsApprove,
                CommissionsPay,
                CommissionsReject,
                ExtCommissionsApprove,
                SettingsEdit,
                AuditView,
                EscrowRelease,
                EscrowRefund,
                AnalyticsView,
                ReferralsManage,
            ],
            Role::Support => &[TicketsAssign, TicketsReply, AuditView],
            // Editors write the help centre; the audit log is not theirs to read.
            Role::Editor => &[ArticlesEdit, ArticlesPublish],
            Role::Ops => &[
                ProjectsAssign,
                ProjectsTransition,
                WorkloadEdit,
                ReviewsModerate,
                UsersManage,
                AuditView,
                MediaModerate,
            ],
            Role::Client | Role::Developer => &[],
        }
    }

    pub fn grants(self, permission: Permission) -> bool {
        self.default_permissions().contains(&permission)
    }
}

/// Besides `settings.edit`, the permission whose rules a group of settings shapes: the
/// commission rate and threshold belong to finance, SLA targets and reply sizes to support,
/// escrow terms to those who move escrowed funds.
pub fn settings_group_permission(group: &str) -> Option<Permission> {
    match group {
        "commission" => Some(Permission::CommissionsApprove),
        "support" => Some(Permission::TicketsAssign),
        "escrow" => Some(Permission::EscrowRelease),
        "referrals" => Some(Permission::ReferralsManage),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_spatie_rows() {
        assert_eq!(
            Permission::CommissionsApprove.as_str(),
            "commissions.approve"
        );
        assert_eq!(
            Permission::parse("ext_commissions.approve"),
            Ok(Permission::ExtCommissionsApprove)
        );
        assert_eq!(Role::SuperAdmin.as_str(), "super-admin");
        assert_eq!(Role::parse("super-admin"), Ok(Role::SuperAdmin));
        assert!(Role::parse("admin").is_err());
        assert_eq!(Permission::ALL.len(), 22);
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Ok(*p));
        }
        assert_eq!(
            serde_json::to_string(&Role::SuperAdmin).unwrap(),
            "\"super-admin\""
        );
        assert_eq!(
            serde_json::to_string(&Permission::AuditView).unwrap(),
            "\"audit.view\""
        );
    }

    #[test]
    fn default_grants() {
        assert_eq!(Role::SuperAdmin.default_permissions(), Permission::ALL);
        assert!(Role::Finance.grants(Permission::CommissionsApprove));
        assert!(Role::Finance.grants(Permission::EscrowRefund));
        assert!(!Role::Finance.grants(Permission::TicketsReply));
        assert!(Role::Support.grants(Permission::TicketsAssign));
        assert!(!Role::Support.grants(Permission::CommissionsApprove));
        assert!(Role::Editor.grants(Permission::ArticlesPublish));
        assert!(Role::Ops.grants(Permission::WorkloadEdit));
        assert!(!Role::Ops.grants(Permission::WebhooksManage));
        for r in [
            Role::SuperAdmin,
            Role::Finance,
            Role::Support,
            Role::Editor,
            Role::Ops,
        ] {
            assert!(r.is_staff());
            assert_eq!(r.grants(Permission::AuditView), r != Role::Editor);
        }
        for r in [Role::Client, Role::Developer] {
            assert!(!r.is_staff());
            assert!(r.default_permissions().is_empty());
        }
    }
}
