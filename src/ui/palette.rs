//! The `:` command palette: commands with arguments, completed with Tab.

use crate::domain::Locale;
use crate::store::Anchor;

use super::app::App;
use super::screens::TabId;
use super::theme::Theme;
use super::widgets::toast::Level;
use super::widgets::virtual_table::{Fill, Keep};

/// The commands that are not screens, with their argument hints.
const OTHER_COMMANDS: &[(&str, &str)] = &[
    ("filter", "TEXT"),
    ("follow", ""),
    ("hide-review", "ID REASON"),
    ("plan", "DEVELOPER_ID PROJECT_ID WEEK(YYYY-MM-DD) HOURS"),
    ("capacity", "DEVELOPER_ID HOURS [MAX_PROJECTS]"),
    ("theme", "dark|light|high-contrast"),
    ("lang", "fr|en"),
    ("refresh", ""),
    ("help", ""),
    ("quit", ""),
];

/// Every command with its argument hint, in completion order: the registry's screens, then
/// the rest.
pub fn commands() -> Vec<(&'static str, &'static str)> {
    TabId::EVERY
        .iter()
        .map(|t| (t.key(), t.palette_hint()))
        .chain(OTHER_COMMANDS.iter().copied())
        .collect()
}

/// Completions for what was typed so far.
pub fn complete(typed: &str) -> Vec<String> {
    let typed = typed.trim_start();
    let (head, rest) = typed.split_once(' ').unwrap_or((typed, ""));
    if rest.is_empty() && !typed.ends_with(' ') {
        return commands()
            .iter()
            .filter(|(c, _)| c.starts_with(head))
            .map(|(c, _)| format!("{c} "))
            .collect();
    }
    let options: &[&str] = match head {
        "theme" => &["dark", "light", "high-contrast"],
        "lang" => &["fr", "en"],
        "audit" => &[
            "project",
            "commission",
            "ext_commission",
            "support_ticket",
            "user",
            "setting",
        ],
        _ => &[],
    };
    options
        .iter()
        .filter(|o| o.starts_with(rest.trim()))
        .map(|o| format!("{head} {o}"))
        .collect()
}

impl App {
    pub fn run_command(&mut self, line: &str) {
        let line = line.trim();
        let (cmd, rest) = line
            .split_once(' ')
            .map(|(c, r)| (c, r.trim()))
            .unwrap_or((line, ""));
        let commands = commands();
        let cmd = commands
            .iter()
            .map(|(c, _)| *c)
            .find(|c| *c == cmd)
            .or_else(|| {
                let matches: Vec<&str> = commands
                    .iter()
                    .map(|(c, _)| *c)
                    .filter(|c| c.starts_with(cmd) && !cmd.is_empty())
                    .collect();
                (matches.len() == 1).then(|| matches[0])
            });
        match cmd {
            // Any screen of the registry but the Audit log (whose arguments are a subject):
            // a tab is switched to, a view is visited (Esc comes back); the rest filters it.
            Some(name) if name != "audit" && TabId::parse(name).is_some() => {
                if let Some(t) = TabId::parse(name) {
                    if t.is_view() {
                        self.visit(t);
                    } else {
                        self.switch_tab(t);
                    }
                    if !rest.is_empty() && self.tab == t {
                        self.apply_filter(rest.to_owned());
                    }
                }
            }
            Some("audit") => {
                self.switch_tab(TabId::Audit);
                let mut words = rest.split_whitespace();
                match (words.next(), words.next()) {
                    (Some("user"), Some(name)) => self.apply_filter(format!("user:{name}")),
                    (Some(kind), Some(id)) if id.parse::<i64>().is_ok() => {
                        self.apply_filter(format!("type:{kind} id:{id}"))
                    }
                    (Some(kind), None) if !kind.contains(':') => {
                        self.apply_filter(format!("type:{kind}"))
                    }
                    _ if !rest.is_empty() => self.apply_filter(rest.to_owned()),
                    _ => {}
                }
            }
            Some("filter") => self.apply_filter(rest.to_owned()),
            Some("follow") => {
                self.switch_tab(TabId::Audit);
                self.screens.audit.follow = true;
                self.load_tab(TabId::Audit, Anchor::First, Fill::Replace(Keep::Top));
            }
            Some("theme") => self.set_theme(rest),
            Some("lang") => self.set_locale(rest),
            Some("refresh") => self.refresh_tab(self.tab),
            Some("help") => self.popup = Some(super::popup::Popup::Help { scroll: 0 }),
            Some("quit") => self.quit(),
            // The screens' own commands (`:plan`, `:capacity`, `:hide-review`).
            Some(name) if self.screen_command(name, rest) => {}
            _ => self.toast(
                self.ta("error.unknown_command", &[("command", line)]),
                Level::Error,
            ),
        }
    }
}

impl App {
    /// Offers `:name rest` to each screen of the registry; false when none runs it.
    fn screen_command(&mut self, name: &str, rest: &str) -> bool {
        let effects = self
            .with_ctx(|screens, ctx| {
                TabId::EVERY
                    .iter()
                    .find_map(|t| screens.get_mut(*t).command(name, rest, ctx))
            })
            .flatten();
        match effects {
            Some(effects) => {
                self.run_effects(effects);
                true
            }
            None => false,
        }
    }

    /// `:theme NAME`: switches the colours live.
    fn set_theme(&mut self, name: &str) {
        if Theme::names().contains(&name) {
            self.opts.theme = name.to_owned();
            self.session.theme = Theme::load(name, self.opts.no_color);
            self.toast(self.ta("toast.theme", &[("name", name)]), Level::Info);
        } else {
            self.toast(
                self.ta(
                    "error.unknown_theme",
                    &[("names", &Theme::names().join(", "))],
                ),
                Level::Error,
            );
        }
    }

    /// `:lang fr|en`: switches the language live.
    fn set_locale(&mut self, tag: &str) {
        self.session.locale = Locale::from_tag(tag);
        self.toast(self.t("toast.language"), Level::Info);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_commands_and_arguments() {
        assert_eq!(complete("ti"), vec!["tickets ".to_string()]);
        assert_eq!(complete("theme l"), vec!["theme light".to_string()]);
        assert!(complete("").len() == commands().len());
    }
}
