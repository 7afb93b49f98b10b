//! Keys -> actions: defaults (UX.md) overridden by the config's [keys] table. The same map
//! feeds the footer, `?` help and the `:` palette, so they can never disagree.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Declared, NAVIGATION, Verb};
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

/// Every key bound by default: the shared navigation's and every screen's own.
pub fn default_keys() -> Vec<&'static str> {
    let shared = NAVIGATION
        .iter()
        .flat_map(|(_, _, keys)| keys.iter().copied());
    let layers = crate::ui::screens::TabId::layers();
    let own = layers
        .into_iter()
        .flat_map(|(_, declared)| declared.iter().flat_map(|d| d.keys.iter().copied()));
    let mut all: Vec<&'static str> = shared.chain(own).collect();
    all.sort_unstable();
    all.dedup();
    all
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

/// One screen's own keys: its declared actions with their keys after the config's overrides.
#[derive(Clone, Debug, Default)]
struct Layer {
    by_key: BTreeMap<Key, Verb>,
    by_verb: BTreeMap<Verb, Vec<Key>>,
}

/// Keys resolve in layers: the current screen's own actions first, then the navigation every
/// screen shares. A screen may so reuse a shared key for its own meaning (the dashboard's `s`
/// switches the currency), and two screens may give one key different actions.
#[derive(Clone, Debug)]
pub struct Keymap {
    by_key: BTreeMap<Key, Action>,
    by_action: BTreeMap<Action, Vec<Key>>,
    screens: BTreeMap<&'static str, Layer>,
    popup: BTreeMap<PopupKey, Vec<Key>>,
}

fn parse_all(keys: &[&str]) -> Vec<Key> {
    keys.iter().filter_map(|k| Key::parse(k)).collect()
}

/// The keys of one `[keys]` entry; what cannot be read is reported.
fn read_binding(name: &str, binding: &KeyBinding, problems: &mut Vec<String>) -> Vec<Key> {
    let mut keys = Vec::new();
    for k in binding.keys() {
        match Key::parse(&k) {
            Some(key) => keys.push(key),
            None => problems.push(format!("cannot read key \"{k}\" for {name}")),
        }
    }
    keys
}

impl Keymap {
    /// Defaults (the shared navigation, then each screen's declarations, as `screens` lists
    /// them by the screen's key) with the config's overrides applied: `[keys] name = …` for a
    /// shared action (or for every screen declaring that name), `[keys.<screen>] name = …` for
    /// one screen. Returns the map and the entries it could not understand (shown to the
    /// user, never fatal).
    pub fn new(
        overrides: &BTreeMap<String, KeyBinding>,
        screens: &[(&'static str, &'static [Declared])],
    ) -> (Keymap, Vec<String>) {
        let mut by_action: BTreeMap<Action, Vec<Key>> = NAVIGATION
            .iter()
            .map(|(a, _, keys)| (*a, parse_all(keys)))
            .collect();
        let mut layers: BTreeMap<&'static str, Layer> = BTreeMap::new();
        for (screen, declared) in screens {
            let layer = layers.entry(screen).or_default();
            for d in *declared {
                layer.by_verb.insert(d.verb, parse_all(d.keys));
            }
        }
        let mut popup: BTreeMap<PopupKey, Vec<Key>> = PopupKey::ALL
            .iter()
            .map(|p| (*p, parse_all(p.defaults())))
            .collect();
        let mut problems = Vec::new();
        for (name, binding) in overrides {
            if let KeyBinding::Screen(table) = binding {
                let Some(layer) = layers.get_mut(name.as_str()) else {
                    problems.push(format!("unknown screen \"{name}\" in [keys.{name}]"));
                    continue;
                };
                for (verb, binding) in table {
                    let Some(v) = layer.by_verb.keys().find(|v| v.name() == verb).copied() else {
                        problems.push(format!("{name} has no action \"{verb}\" in [keys.{name}]"));
                        continue;
                    };
                    let keys = read_binding(verb, binding, &mut problems);
                    rebind(&mut layer.by_verb, v, keys);
                }
                continue;
            }
            if let Some(p) = PopupKey::ALL.iter().find(|p| p.name() == name) {
                popup.insert(*p, read_binding(name, binding, &mut problems));
                continue;
            }
            if let Some(action) = Action::navigation(name) {
                let keys = read_binding(name, binding, &mut problems);
                rebind(&mut by_action, action, keys);
                continue;
            }
            // The names the article and setting popups' key had before they became views.
            let (only, name) = match name.as_str() {
                "edit_article" => (Some("articles"), "edit"),
                "edit_setting" => (Some("settings"), "edit"),
                other => (None, other),
            };
            // A screen action named at the top level: every screen declaring it.
            let mut found = false;
            let chosen = layers
                .iter_mut()
                .filter(|(screen, _)| only.is_none_or(|o| o == **screen));
            for (_, layer) in chosen {
                if let Some(v) = layer.by_verb.keys().find(|v| v.name() == name).copied() {
                    let keys = read_binding(name, binding, &mut problems);
                    rebind(&mut layer.by_verb, v, keys);
                    found = true;
                }
            }
            if !found {
                problems.push(format!("unknown action \"{name}\" in [keys]"));
            }
        }
        let mut by_key = BTreeMap::new();
        for (action, keys) in &by_action {
            for k in keys {
                by_key.insert(*k, *action);
            }
        }
        for layer in layers.values_mut() {
            for (verb, keys) in &layer.by_verb {
                for k in keys {
                    layer.by_key.insert(*k, *verb);
                }
            }
        }
        (
            Keymap {
                by_key,
                by_action,
                screens: layers,
                popup,
            },
            problems,
        )
    }

    /// What `e` asks for on `screen`: its own action first, then the shared one.
    pub fn action(&self, screen: &str, e: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(e)?;
        let own = self
            .screens
            .get(screen)
            .and_then(|l| l.by_key.get(&key))
            .map(|v| Action::Screen(*v));
        own.or_else(|| self.by_key.get(&key).copied())
    }

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

    fn keys_of(&self, screen: &str, action: Action) -> Option<&Vec<Key>> {
        match action {
            Action::Screen(v) => self.screens.get(screen)?.by_verb.get(&v),
            a => self.by_action.get(&a),
        }
        .filter(|keys| !keys.is_empty())
    }

    /// The keys of an action on `screen` as the footer and help show them, key names in
    /// `locale` ("espace", "entrée"). A shared key a screen took for its own action is not
    /// shown for the shared one there.
    pub fn label_in(
        &self,
        screen: &str,
        action: Action,
        locale: crate::domain::Locale,
    ) -> Option<String> {
        let keys = self.keys_of(screen, action)?;
        let taken = |k: &Key| {
            !matches!(action, Action::Screen(_))
                && self
                    .screens
                    .get(screen)
                    .is_some_and(|l| l.by_key.contains_key(k))
        };
        let named = keys
            .iter()
            .filter(|k| !taken(k))
            .map(|k| {
                let plain = k.label();
                let key = format!("key.{plain}");
                match crate::tr(locale, &key, &[]) {
                    t if t != key => t,
                    _ => plain,
                }
            })
            .collect::<Vec<_>>();
        (!named.is_empty()).then(|| named.join("/"))
    }

    pub fn label(&self, screen: &str, action: Action) -> Option<String> {
        let keys = self.keys_of(screen, action)?;
        Some(keys.iter().map(Key::label).collect::<Vec<_>>().join("/"))
    }
}

/// Gives `keys` to `target`; a key moved to it leaves the action it had.
fn rebind<A: Ord + Copy>(map: &mut BTreeMap<A, Vec<Key>>, target: A, keys: Vec<Key>) {
    for other in map.values_mut() {
        other.retain(|k| !keys.contains(k));
    }
    map.insert(target, keys);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Permission;

    const ESCROW: &[Declared] = &[
        Declared::write(Verb("release"), &["R"], Permission::EscrowRelease),
        Declared::write(Verb("refund"), &["F"], Permission::EscrowRefund),
    ];
    const DASHBOARD: &[Declared] = &[Declared::read(Verb("switch_currency"), &["s"])];

    fn screens() -> Vec<(&'static str, &'static [Declared])> {
        vec![("escrow", ESCROW), ("dashboard", DASHBOARD)]
    }

    /// Within one layer, two actions on one key would make one of them unreachable.
    #[test]
    fn no_two_shared_actions_share_a_key() {
        let mut seen: BTreeMap<Key, Action> = BTreeMap::new();
        for (action, _, keys) in NAVIGATION {
            for k in keys.iter().filter_map(|k| Key::parse(k)) {
                if let Some(other) = seen.insert(k, *action) {
                    panic!("{k:?} is bound to both {other:?} and {action:?}");
                }
            }
        }
    }

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn a_screen_layer_comes_before_the_shared_one() {
        let (map, problems) = Keymap::new(&BTreeMap::new(), &screens());
        assert!(problems.is_empty());
        let release = Action::Screen(Verb("release"));
        assert_eq!(map.action("escrow", &key('R')), Some(release));
        assert_eq!(
            map.action("projects", &key('R')),
            None,
            "not another screen's"
        );
        assert_eq!(map.action("escrow", &key('s')), Some(Action::Sort));
        let currency = Action::Screen(Verb("switch_currency"));
        assert_eq!(map.action("dashboard", &key('s')), Some(currency));
        assert_eq!(map.label("escrow", release).as_deref(), Some("R"));
        let en = crate::domain::Locale::En;
        assert_eq!(
            map.label_in("dashboard", Action::Sort, en),
            None,
            "taken there"
        );
        assert_eq!(
            map.label_in("escrow", Action::Sort, en).as_deref(),
            Some("s")
        );
        assert_eq!(
            map.action(
                "escrow",
                &KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Action::ForceQuit)
        );
    }

    #[test]
    fn overrides_per_screen_and_shared() {
        let mut o = BTreeMap::new();
        let mut escrow = BTreeMap::new();
        escrow.insert("release".to_string(), KeyBinding::One("L".into()));
        escrow.insert("bogus".to_string(), KeyBinding::One("x".into()));
        o.insert("escrow".to_string(), KeyBinding::Screen(escrow));
        o.insert("refund".to_string(), KeyBinding::One("U".into()));
        o.insert("quit".to_string(), KeyBinding::One(String::new()));
        o.insert("nowhere".to_string(), KeyBinding::One("x".into()));
        let (map, problems) = Keymap::new(&o, &screens());
        let release = Action::Screen(Verb("release"));
        assert_eq!(map.action("escrow", &key('L')), Some(release));
        assert_eq!(map.action("escrow", &key('R')), None);
        assert_eq!(
            map.action("escrow", &key('U')),
            Some(Action::Screen(Verb("refund")))
        );
        assert_eq!(map.action("escrow", &key('q')), None, "unbound");
        assert_eq!(map.label("escrow", Action::Quit), None);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(map.label("escrow", Action::Down).as_deref(), Some("j/↓"));
    }
}
