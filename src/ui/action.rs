//! What the user can ask for. Two layers: the navigation every screen shares (`Action`'s own
//! variants: moving, tabs, filter, help, …) and each screen's own actions, which the screen
//! declares once (`Declared`: name, default keys, permission, whether it writes) and receives
//! as `Action::Screen(verb)`. Nothing app-wide changes when a screen gains an action: its
//! declaration and its locale key (`action.<name>`) are the whole of it.

use crate::domain::Permission;

/// A screen's own action, named as in the config (`[keys.escrow] release = "R"`) and the
/// locale files (`action.release`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Verb(pub &'static str);

impl Verb {
    pub fn name(self) -> &'static str {
        self.0
    }
}

/// One action a screen offers, declared once: the footer, `?` help, the keymap (and its
/// config overrides), read-only mode and the permission check all read this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Declared {
    pub verb: Verb,
    /// Default keys ("R", "ctrl-e", "space"); the config may rebind them per screen.
    pub keys: &'static [&'static str],
    /// Refused before anything opens, naming it, when the actor lacks it.
    pub needs: Option<Permission>,
    /// Changes data: hidden and refused in read-only mode.
    pub writes: bool,
}

impl Declared {
    /// An action that writes and needs `permission`.
    pub const fn write(verb: Verb, keys: &'static [&'static str], needs: Permission) -> Self {
        Declared {
            verb,
            keys,
            needs: Some(needs),
            writes: true,
        }
    }

    /// An action that only reads (or moves within the screen).
    pub const fn read(verb: Verb, keys: &'static [&'static str]) -> Self {
        Declared {
            verb,
            keys,
            needs: None,
            writes: false,
        }
    }
}

/// The declaration of `verb` among `declared`.
pub fn find(declared: &[Declared], verb: Verb) -> Option<&Declared> {
    declared.iter().find(|d| d.verb == verb)
}

/// The navigation every screen shares, and a screen's own action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    ForceQuit,
    NextTab,
    PrevTab,
    /// The numbered tab `n` (1–9) of the registry's order.
    Tab(u8),
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
    Refresh,
    History,
    Export,
    /// An action the current screen declared.
    Screen(Verb),
}

/// The shared actions with their names (config `[keys]`, locale `action.<name>`) and default
/// keys.
pub const NAVIGATION: &[(Action, &str, &[&str])] = &[
    (Action::Quit, "quit", &["q"]),
    (Action::ForceQuit, "force_quit", &["ctrl-c"]),
    (Action::NextTab, "next_tab", &["tab"]),
    (Action::PrevTab, "prev_tab", &["shift-tab"]),
    (Action::Tab(1), "tab1", &["1"]),
    (Action::Tab(2), "tab2", &["2"]),
    (Action::Tab(3), "tab3", &["3"]),
    (Action::Tab(4), "tab4", &["4"]),
    (Action::Tab(5), "tab5", &["5"]),
    (Action::Tab(6), "tab6", &["6"]),
    (Action::Tab(7), "tab7", &["7"]),
    (Action::Tab(8), "tab8", &["8"]),
    (Action::Tab(9), "tab9", &["9"]),
    (Action::Down, "down", &["j", "down"]),
    (Action::Up, "up", &["k", "up"]),
    (Action::PageDown, "page_down", &["pgdn", "ctrl-d"]),
    (Action::PageUp, "page_up", &["pgup", "ctrl-u"]),
    (Action::First, "first", &["g", "home"]),
    (Action::Last, "last", &["G", "end"]),
    (Action::Open, "open", &["enter"]),
    (Action::ToggleDetail, "toggle_detail", &["d"]),
    (Action::Back, "back", &["esc"]),
    (Action::Sort, "sort", &["s"]),
    (Action::SortReverse, "sort_reverse", &["S"]),
    (Action::Filter, "filter", &["/"]),
    (Action::Palette, "palette", &[":"]),
    (Action::Help, "help", &["?"]),
    (Action::Notifications, "notifications", &["n"]),
    (Action::Copy, "copy", &["y"]),
    (Action::Refresh, "refresh", &["ctrl-r"]),
    (Action::History, "history", &["h"]),
    (Action::Export, "export", &["e"]),
];

impl Action {
    /// The name used in the config's `[keys]` tables and the locale files.
    pub fn name(self) -> &'static str {
        match self {
            Action::Screen(v) => v.name(),
            a => NAVIGATION
                .iter()
                .find(|(n, _, _)| *n == a)
                .map(|(_, name, _)| *name)
                .unwrap_or(""),
        }
    }

    /// A shared action by its name (a screen's own are found in its declaration).
    pub fn navigation(name: &str) -> Option<Action> {
        NAVIGATION
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(a, _, _)| *a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shared_action_has_a_name_that_round_trips() {
        for (a, name, _) in NAVIGATION {
            assert_eq!(a.name(), *name);
            assert_eq!(Action::navigation(name), Some(*a));
        }
    }
}
