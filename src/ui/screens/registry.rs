//! The registry: every screen in one list, in order — the numbered tabs, then the views the
//! palette opens. `TabId`, the `Screens` that hold them (`Screens::get` hands any of them out
//! as a `&dyn Screen`) and the orders the tab bar, `--tab`, `1`–`N`, Tab / Shift-Tab, live
//! updates and the palette follow are generated from it. Adding a screen: its module, one line here, its
//! locale keys (`tab.<key>`).

use chrono::{DateTime, Utc};

use crate::domain::Permission;

use super::facade::Screen;

use super::articles::ArticlesScreen;
use super::audit::AuditScreen;
use super::commissions::CommissionsScreen;
use super::dashboard::DashboardScreen;
use super::escrow::EscrowScreen;
use super::ledger::LedgerScreen;
use super::media::MediaScreen;
use super::payments::PaymentsScreen;
use super::payouts::PayoutsScreen;
use super::projects::ProjectsScreen;
use super::referrals::ReferralsScreen;
use super::reviews::ReviewsScreen;
use super::rewards::RewardsScreen;
use super::settings::SettingsScreen;
use super::tickets::TicketsScreen;
use super::tokens::TokensScreen;
use super::users::UsersScreen;
use super::webhooks::WebhooksScreen;
use super::workload::WorkloadScreen;

/// What a screen may start from: the clock and the options that shape it.
pub struct ScreenInit {
    pub now: DateTime<Utc>,
    pub commission_oldest_first: bool,
    /// What a webhook URL must be (checked again by the service).
    pub webhook_policy: crate::domain::webhook::Policy,
    /// What approving media checks.
    pub media_rules: crate::service::media::Rules,
}

macro_rules! registry {
    (
        tabs { $($tab:ident ($tfield:ident: $tty:ty, $tkey:literal, $thint:literal, $tperm:expr) = $tinit:expr;)+ }
        views { $($view:ident ($vfield:ident: $vty:ty, $vkey:literal, $vhint:literal, $vperm:expr) = $vinit:expr;)+ }
    ) => {
        /// A screen: a numbered tab or a view.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum TabId {
            $($tab,)+
            $($view,)+
        }

        impl TabId {
            /// The numbered tabs of the tab bar (1–N, Tab / Shift-Tab), in order.
            pub const ALL: &'static [TabId] = &[$(TabId::$tab),+];
            /// Every screen: the tabs, then the views the palette opens.
            pub const EVERY: &'static [TabId] = &[$(TabId::$tab,)+ $(TabId::$view),+];

            /// Views have no number: Esc goes back to where they were opened from.
            pub fn is_view(self) -> bool {
                matches!(self, $(TabId::$view)|+)
            }

            /// The screen's name (`--tab`, `ui.start_tab`, `:<name>`, the `tab.<name>` texts).
            pub fn key(self) -> &'static str {
                match self {
                    $(TabId::$tab => $tkey,)+
                    $(TabId::$view => $vkey,)+
                }
            }

            /// What the palette's `:<name>` takes after the name.
            pub fn palette_hint(self) -> &'static str {
                match self {
                    $(TabId::$tab => $thint,)+
                    $(TabId::$view => $vhint,)+
                }
            }

            /// The permission needed to open the screen (None: any staff member).
            /// The screen's own actions as its module declares them.
            pub fn declared(self) -> &'static [crate::ui::action::Declared] {
                use super::ListScreen;
                match self {
                    $(TabId::$tab => <$tty>::ACTIONS,)+
                    $(TabId::$view => <$vty>::ACTIONS,)+
                }
            }

            /// Every screen's key with its declared actions (the keymap's layers).
            pub fn layers() -> Vec<(&'static str, &'static [crate::ui::action::Declared])> {
                TabId::EVERY.iter().map(|t| (t.key(), t.declared())).collect()
            }

            pub fn permission(self) -> Option<Permission> {
                match self {
                    $(TabId::$tab => $tperm,)+
                    $(TabId::$view => $vperm,)+
                }
            }
        }

        /// Every screen's state, one field per registry line.
        pub struct Screens {
            $(pub $tfield: $tty,)+
            $(pub $vfield: $vty,)+
        }

        impl Screens {
            /// The screen of `tab`, as the app sees every screen.
            pub fn get(&self, tab: TabId) -> &dyn Screen {
                match tab {
                    $(TabId::$tab => &self.$tfield,)+
                    $(TabId::$view => &self.$vfield,)+
                }
            }

            pub fn get_mut(&mut self, tab: TabId) -> &mut dyn Screen {
                match tab {
                    $(TabId::$tab => &mut self.$tfield,)+
                    $(TabId::$view => &mut self.$vfield,)+
                }
            }

            pub fn new(init: &ScreenInit) -> Screens {
                #[allow(clippy::redundant_closure_call)]
                Screens {
                    $($tfield: ($tinit)(init),)+
                    $($vfield: ($vinit)(init),)+
                }
            }
        }

    };
}

registry! {
    tabs {
        Projects (projects: ProjectsScreen, "projects", "[filter]", None) = |_: &ScreenInit| ProjectsScreen::default();
        Commissions (commissions: CommissionsScreen, "commissions", "[filter]", None) =
            |i: &ScreenInit| CommissionsScreen::new(i.commission_oldest_first);
        Workload (workload: WorkloadScreen, "workload", "[filter]", None) =
            |i: &ScreenInit| WorkloadScreen::new(i.now.date_naive());
        Tickets (tickets: TicketsScreen, "tickets", "[filter]", None) = |i: &ScreenInit| TicketsScreen::new(i.now);
        Audit (audit: AuditScreen, "audit", "[project|commission|support_ticket|user] [id|name]",
            Some(Permission::AuditView)) =
            |_: &ScreenInit| AuditScreen::default();
    }
    views {
        Users (users: UsersScreen, "users", "[filter: role: type: availability: payout:]", None) = |_: &ScreenInit| UsersScreen::default();
        Reviews (reviews: ReviewsScreen, "reviews", "[filter: hidden rating: project: user:]", None) = |_: &ScreenInit| ReviewsScreen::default();
        Articles (articles: ArticlesScreen, "articles", "[filter: status:]", None) = |_: &ScreenInit| ArticlesScreen::default();
        Settings (settings: SettingsScreen, "settings", "[filter]", None) = |_: &ScreenInit| SettingsScreen::default();
        Escrow (escrow: EscrowScreen, "escrow", "[filter: status: currency: provider: project: overdue]", None) = |_: &ScreenInit| EscrowScreen::default();
        Ledger (ledger: LedgerScreen, "ledger", "[filter: account: currency: code: project: batch:]", None) = |_: &ScreenInit| LedgerScreen::default();
        Payments (payments: PaymentsScreen, "payments", "[filter: provider: status: direction: ref:]", None) = |_: &ScreenInit| PaymentsScreen::default();
        Payouts (payouts: PayoutsScreen, "payouts", "[filter: status: provider: currency: batch: developer:]",
            Some(Permission::EscrowRelease)) = |_: &ScreenInit| PayoutsScreen::default();
        Dashboard (dashboard: DashboardScreen, "dashboard", "", Some(Permission::AnalyticsView)) =
            |i: &ScreenInit| DashboardScreen::new(i.now);
        Webhooks (webhooks: WebhooksScreen, "webhooks", "[filter: status:]", Some(Permission::WebhooksManage)) =
            |i: &ScreenInit| WebhooksScreen::new(i.webhook_policy);
        Tokens (tokens: TokensScreen, "tokens", "", Some(Permission::ApiTokensManage)) = |_: &ScreenInit| TokensScreen::default();
        Referrals (referrals: ReferralsScreen, "referrals", "", None) = |_: &ScreenInit| ReferralsScreen::default();
        Rewards (rewards: RewardsScreen, "rewards", "", None) = |_: &ScreenInit| RewardsScreen::default();
        Media (media: MediaScreen, "media", "[filter: status: collection: owner: project:]",
            Some(Permission::MediaModerate)) = |i: &ScreenInit| MediaScreen::new(i.media_rules.clone());
    }
}
