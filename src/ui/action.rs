//! Everything the user can ask for. Keys map to actions (keymap.rs); screens handle actions.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    ForceQuit,
    NextTab,
    PrevTab,
    Tab1,
    Tab2,
    Tab3,
    Tab4,
    Tab5,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    Open,
    ToggleDetail,
    Back,
    Sort,
    SortReverse,
    Filter,
    Palette,
    Help,
    Notifications,
    Copy,
    Select,
    Follow,
    Refresh,
    Approve,
    Reject,
    Pay,
    AssignMe,
    AssignTo,
    Reply,
    Note,
    SetStatus,
    SetPriority,
    History,
    WeekBack,
    WeekForward,
    Cancel,
    GrantRole,
    RevokeRole,
    EndSessions,
    Hide,
    Restore,
    Export,
    LinkProject,
    Edit,
    Release,
    Refund,
    DecideDispute,
    Withdraw,
    Verify,
    Accounts,
    ConfirmPayment,
    FailPayment,
    Reconcile,
    Create,
    SwitchOff,
    Rotate,
    SendTest,
    Replay,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Quit,
        Action::ForceQuit,
        Action::NextTab,
        Action::PrevTab,
        Action::Tab1,
        Action::Tab2,
        Action::Tab3,
        Action::Tab4,
        Action::Tab5,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::First,
        Action::Last,
        Action::Open,
        Action::ToggleDetail,
        Action::Back,
        Action::Sort,
        Action::SortReverse,
        Action::Filter,
        Action::Palette,
        Action::Help,
        Action::Notifications,
        Action::Copy,
        Action::Select,
        Action::Follow,
        Action::Refresh,
        Action::Approve,
        Action::Reject,
        Action::Pay,
        Action::AssignMe,
        Action::AssignTo,
        Action::Reply,
        Action::Note,
        Action::SetStatus,
        Action::SetPriority,
        Action::History,
        Action::WeekBack,
        Action::WeekForward,
        Action::Cancel,
        Action::GrantRole,
        Action::RevokeRole,
        Action::EndSessions,
        Action::Hide,
        Action::Restore,
        Action::Export,
        Action::LinkProject,
        Action::Edit,
        Action::Release,
        Action::Refund,
        Action::DecideDispute,
        Action::Withdraw,
        Action::Verify,
        Action::Accounts,
        Action::ConfirmPayment,
        Action::FailPayment,
        Action::Reconcile,
        Action::Create,
        Action::SwitchOff,
        Action::Rotate,
        Action::SendTest,
        Action::Replay,
    ];

    /// The name used in the config's [keys] table and the locale files.
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    pub fn from_name(name: &str) -> Option<Action> {
        // The names the article and setting popups' key had before they became views.
        if matches!(name, "edit_article" | "edit_setting") {
            return Some(Action::Edit);
        }
        serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
    }

    /// Actions that change data: hidden and refused in read-only mode.
    pub fn is_mutation(self) -> bool {
        matches!(
            self,
            Action::Approve
                | Action::Reject
                | Action::Pay
                | Action::AssignMe
                | Action::AssignTo
                | Action::Reply
                | Action::Note
                | Action::SetStatus
                | Action::SetPriority
                | Action::Cancel
                | Action::GrantRole
                | Action::RevokeRole
                | Action::EndSessions
                | Action::Hide
                | Action::Restore
                | Action::LinkProject
                | Action::Edit
                | Action::Release
                | Action::Refund
                | Action::DecideDispute
                | Action::Withdraw
                | Action::ConfirmPayment
                | Action::FailPayment
                | Action::Create
                | Action::SwitchOff
                | Action::Rotate
                | Action::SendTest
                | Action::Replay
        )
    }
}
