//! Keys -> actions: defaults (UX.md) overridden by the config's [keys] table. The same map
//! feeds the footer, `?` help and the `:` palette, so they can never disagree.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use crate::config::KeyBinding;

/// A key as written in the config: "a", "A", "ctrl-c", "enter", "pgdn", "shift-tab", ...
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeRepr,
    pub ctrl: bool,
}

/// An orderable copy of the key codes we bind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeRepr {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    F(u8),
}

impl Key {
    pub fn from_event(e: &KeyEvent) -> Option<Key> {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        let code = match e.code {
            KeyCode::Char(c) => KeyCodeRepr::Char(c),
            KeyCode::Enter => KeyCodeRepr::Enter,
            KeyCode::Esc => KeyCodeRepr::Esc,
            KeyCode::Tab => KeyCodeRepr::Tab,
            KeyCode::BackTab => KeyCodeRepr::BackTab,
            KeyCode::Up => KeyCodeRepr::Up,
            KeyCode::Down => KeyCodeRepr::Down,
            KeyCode::Left => KeyCodeRepr::Left,
            KeyCode::Right => KeyCodeRepr::Right,
            KeyCode::PageUp => KeyCodeRepr::PageUp,
            KeyCode::PageDown => KeyCodeRepr::PageDown,
            KeyCode::Home => KeyCodeRepr::Home,
            KeyCode::End => KeyCodeRepr::End,
            KeyCode::F(n) => KeyCodeRepr::F(n),
            _ => return None,
        };
        Some(Key { code, ctrl })
    }

    pub fn parse(text: &str) -> Option<Key> {
        let lower = text.trim().to_lowercase();
        let (ctrl, rest) = match lower
            .strip_prefix("ctrl-")
            .or_else(|| lower.strip_prefix("c-"))
        {
            Some(r) => (true, r.to_owned()),
            None => (false, lower.clone()),
        };
        let code = match rest.as_str() {
            "enter" | "return" => KeyCodeRepr::Enter,
            "esc" | "escape" => KeyCodeRepr::Esc,
            "tab" => KeyCodeRepr::Tab,
            "shift-tab" | "backtab" => KeyCodeRepr::BackTab,
            "up" => KeyCodeRepr::Up,
            "down" => KeyCodeRepr::Down,
            "left" => KeyCodeRepr::Left,
            "right" => KeyCodeRepr::Right,
            "pgup" | "pageup" => KeyCodeRepr::PageUp,
            "pgdn" | "pagedown" => KeyCodeRepr::PageDown,
            "home" => KeyCodeRepr::Home,
            "end" => KeyCodeRepr::End,
            "space" => KeyCodeRepr::Char(' '),
            f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCodeRepr::F(f[1..].parse().ok()?)
            }
            _ => {
                // Single characters keep their case ("A" is not "a").
                let original = text.trim();
                let ch = if ctrl {
                    original.rsplit('-').next()?
                } else {
                    original
                };
                let mut chars = ch.chars();
                let c = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                KeyCodeRepr::Char(if ctrl { c.to_ascii_lowercase() } else { c })
            }
        };
        Some(Key { code, ctrl })
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCodeRepr::Char(' ') => "space".to_owned(),
            KeyCodeRepr::Char(c) => c.to_string(),
            KeyCodeRepr::Enter => "enter".into(),
            KeyCodeRepr::Esc => "esc".into(),
            KeyCodeRepr::Tab => "tab".into(),
            KeyCodeRepr::BackTab => "shift-tab".into(),
            KeyCodeRepr::Up => "↑".into(),
            KeyCodeRepr::Down => "↓".into(),
            KeyCodeRepr::Left => "←".into(),
            KeyCodeRepr::Right => "→".into(),
            KeyCodeRepr::PageUp => "pgup".into(),
            KeyCodeRepr::PageDown => "pgdn".into(),
            KeyCodeRepr::Home => "home".into(),
            KeyCodeRepr::End => "end".into(),
            KeyCodeRepr::F(n) => format!("f{n}"),
        };
        if self.ctrl {
            format!("ctrl-{base}")
        } else {
            base
        }
    }
}

pub fn default_bindings() -> Vec<(Action, &'static [&'static str])> {
    use Action::*;
    vec![
        (Quit, &["q"]),
        (ForceQuit, &["ctrl-c"]),
        (NextTab, &["tab"]),
        (PrevTab, &["shift-tab"]),
        (Tab1, &["1"]),
        (Tab2, &["2"]),
        (Tab3, &["3"]),
        (Tab4, &["4"]),
        (Tab5, &["5"]),
        (Down, &["j", "down"]),
        (Up, &["k", "up"]),
        (PageDown, &["pgdn", "ctrl-d"]),
        (PageUp, &["pgup", "ctrl-u"]),
        (First, &["g", "home"]),
        (Last, &["G", "end"]),
        (Open, &["enter"]),
        (ToggleDetail, &["d"]),
        (Back, &["esc"]),
        (Sort, &["s"]),
        (SortReverse, &["S"]),
        (Filter, &["/"]),
        (Palette, &[":"]),
        (Help, &["?"]),
        (Notifications, &["n"]),
        (Copy, &["y"]),
        (Select, &["space"]),
        (Follow, &["f"]),
        (Refresh, &["ctrl-r"]),
        (Approve, &["a"]),
        (Reject, &["r"]),
        (Pay, &["p"]),
        (AssignMe, &["m"]),
        (AssignTo, &["A"]),
        (Reply, &["c"]),
        (Note, &["i"]),
        (SetStatus, &["t"]),
        (SetPriority, &["P"]),
        (History, &["h"]),
        (WeekBack, &["["]),
        (WeekForward, &["]"]),
        (Cancel, &["X"]),
        (GrantRole, &["+"]),
        (RevokeRole, &["-"]),
        (EndSessions, &["E"]),
        (Hide, &["H"]),
        (Restore, &["U"]),
        (Export, &["e"]),
        (LinkProject, &["L"]),
        (Edit, &["w"]),
        (Release, &["R"]),
        (Refund, &["F"]),
        (DecideDispute, &["D"]),
        (Withdraw, &["W"]),
        (Verify, &["v"]),
        (Accounts, &["b"]),
        (ConfirmPayment, &["K"]),
        (FailPayment, &["x"]),
        (Reconcile, &["I"]),
        (Create, &["N"]),
        (SwitchOff, &["O"]),
        (Rotate, &["Z"]),
        (SendTest, &["T"]),
        (Replay, &["V"]),
    ]
}

/// Keys that act inside one popup. Each popup reads only its own, so they may share a key with
/// a screen's action (`a` marks every notification read in the notifications popup).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PopupKey {
    /// Notifications: mark them all read.
    MarkAllRead,
}

impl PopupKey {
    pub const ALL: &'static [PopupKey] = &[PopupKey::MarkAllRead];

    /// The name in the config's `[keys]` table.
    pub fn name(self) -> &'static str {
        match self {
            PopupKey::MarkAllRead => "mark_all_read",
        }
    }

    fn defaults(self) -> &'static [&'static str] {
        match self {
            PopupKey::MarkAllRead => &["a"],
        }
    }
}

#[derive(Clone, Debug)]
pub struct Keymap {
    by_key: BTreeMap<Key, Action>,
    by_action: BTreeMap<Action, Vec<Key>>,
    popup: BTreeMap<PopupKey, Vec<Key>>,
}

impl Keymap {
    /// Defaults with the config's overrides applied; returns the map and any entries it could
    /// not understand (shown to the user, never fatal).
    pub fn new(overrides: &BTreeMap<String, KeyBinding>) -> (Keymap, Vec<String>) {
        let mut by_action: BTreeMap<Action, Vec<Key>> = BTreeMap::new();
        for (action, keys) in default_bindings() {
            by_action.insert(action, keys.iter().filter_map(|k| Key::parse(k)).collect());
        }
        let mut popup: BTreeMap<PopupKey, Vec<Key>> = PopupKey::ALL
            .iter()
            .map(|p| {
                (
                    *p,
                    p.defaults().iter().filter_map(|k| Key::parse(k)).collect(),
                )
            })
            .collect();
        let mut problems = Vec::new();
        for (name, binding) in overrides {
            if let Some(p) = PopupKey::ALL.iter().find(|p| p.name() == name) {
                let keys = binding
                    .keys()
                    .iter()
                    .filter_map(|k| Key::parse(k))
                    .collect();
                popup.insert(*p, keys);
                continue;
            }
            let Some(action) = Action::from_name(name) else {
                problems.push(format!("unknown action \"{name}\" in [keys]"));
                continue;
            };
            let mut keys = Vec::new();
            for k in binding.keys() {
                match Key::parse(&k) {
                    Some(key) => keys.push(key),
                    None => problems.push(format!("cannot read key \"{k}\" for {name}")),
                }
            }
            // A key moved to a new action leaves its old one.
            for other in by_action.values_mut() {
                other.retain(|k| !keys.contains(k));
            }
            by_action.insert(action, keys);
        }
        let mut by_key = BTreeMap::new();
        for (action, keys) in &by_action {
            for k in keys {
                by_key.insert(*k, *action);
            }
        }
        (
            Keymap {
                by_key,
                by_action,
                popup,
            },
            problems,
        )
    }

    pub fn action(&self, e: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(e)?;
        self.by_key.get(&key).copied().or_else(|| {
            // Terminals report Shift-letter as an uppercase char, sometimes with SHIFT set.
            let plain = Key {
                code: key.code,
                ctrl: key.ctrl,
            };
            self.by_key.get(&plain).copied()
        })
    }

    /// The keys bound to an action, as shown in the footer and help ("j/↓").
    /// Whether `e` is one of the popup key's keys.
    pub fn pressed(&self, p: PopupKey, e: &KeyEvent) -> bool {
        let Some(key) = Key::from_event(e) else {
            return false;
        };
        self.popup.get(&p).is_some_and(|keys| keys.contains(&key))
    }

    /// "e" / "e/ctrl-e": how the popup key is shown in its popup's hint line.
    pub fn popup_label(&self, p: PopupKey) -> String {
        self.popup
            .get(&p)
            .map(|keys| keys.iter().map(Key::label).collect::<Vec<_>>().join("/"))
            .unwrap_or_default()
    }

    /// The keys of an action as the footer and help show them, key names in `locale`
    /// ("espace", "entrée").
    pub fn label_in(&self, action: Action, locale: crate::domain::Locale) -> Option<String> {
        let keys = self.by_action.get(&action)?;
        if keys.is_empty() {
            return None;
        }
        let named = keys
            .iter()
            .map(|k| {
                let plain = k.label();
                let key = format!("key.{plain}");
                match crate::tr(locale, &key, &[]) {
                    t if t != key => t,
                    _ => plain,
                }
            })
            .collect::<Vec<_>>();
        Some(named.join("/"))
    }

    pub fn label(&self, action: Action) -> Option<String> {
        let keys = self.by_action.get(&action)?;
        if keys.is_empty() {
            return None;
        }
        Some(keys.iter().map(Key::label).collect::<Vec<_>>().join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys are global: two default actions on one key would make one of them unreachable.
    #[test]
    fn no_two_default_actions_share_a_key() {
        let mut seen: BTreeMap<Key, Action> = BTreeMap::new();
        for (action, keys) in default_bindings() {
            for k in keys.iter().filter_map(|k| Key::parse(k)) {
                if let Some(other) = seen.insert(k, action) {
                    panic!("{k:?} is bound to both {other:?} and {action:?}");
                }
            }
        }
    }

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn defaults_and_overrides() {
        let (map, problems) = Keymap::new(&BTreeMap::new());
        assert!(problems.is_empty());
        assert_eq!(map.action(&key('a')), Some(Action::Approve));
        assert_eq!(map.action(&key('G')), Some(Action::Last));
        assert_eq!(
            map.action(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::ForceQuit)
        );

        let mut o = BTreeMap::new();
        o.insert("approve".to_string(), KeyBinding::One("A".into()));
        o.insert("quit".to_string(), KeyBinding::One(String::new()));
        o.insert("bogus".to_string(), KeyBinding::One("x".into()));
        let (map, problems) = Keymap::new(&o);
        assert_eq!(map.action(&key('A')), Some(Action::Approve));
        assert_eq!(map.action(&key('a')), None);
        assert_eq!(map.action(&key('q')), None, "unbound");
        assert_eq!(map.label(Action::Quit), None);
        assert_eq!(problems.len(), 1);
        assert_eq!(map.label(Action::Down).as_deref(), Some("j/↓"));
    }

    #[test]
    fn every_action_has_a_name_that_round_trips() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(&a.name()), Some(*a));
        }
    }
}
