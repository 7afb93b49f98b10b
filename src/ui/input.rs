//! Input: keys, mouse and pastes become actions; `dispatch` runs an action on the main
//! screens (navigation, lists, details, filters) or hands it to the screen, and `run_effects`
//! carries out what the screen asked for. Nothing here awaits the database.

use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};

use crate::store::Anchor;

use super::action::Action;
use super::app::App;
use super::data::{Pane, common};
use super::popup::Popup;
use super::screens::{Effect, TabId};
use super::widgets::filter::ParsedFilter;
use super::widgets::input::LineInput;
use super::widgets::toast::Level;
use super::widgets::virtual_table::{Fill, Keep};

/// Input as the App takes it, whatever delivers it: the local terminal (crossterm's events),
/// or an SSH channel's bytes read by a terminal input parser. Keys and mouse events keep
/// crossterm's plain data types; nothing here reads a terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
}

impl Input {
    /// The local terminal's event, when it is one the App takes (key releases and focus
    /// changes are not).
    pub fn from_terminal(ev: Event) -> Option<Input> {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => Some(Input::Key(k)),
            Event::Mouse(m) => Some(Input::Mouse(m)),
            Event::Paste(text) => Some(Input::Paste(text)),
            Event::Resize(w, h) => Some(Input::Resize(w, h)),
            _ => None,
        }
    }
}

impl App {
    /// The local terminal's event.
    pub fn handle_event(&mut self, ev: Event) {
        if let Some(input) = Input::from_terminal(ev) {
            self.handle_input(input);
        }
    }

    pub fn handle_input(&mut self, input: Input) {
        self.last_input = std::time::Instant::now();
        #[cfg(debug_assertions)]
        if let Input::Key(k) = &input {
            panic_on_demand(k);
        }
        match input {
            Input::Key(k) => self.handle_key(k),
            Input::Mouse(m) if self.opts.mouse => self.handle_mouse(m),
            Input::Mouse(_) => {}
            Input::Paste(text) => self.handle_paste(&text),
            Input::Resize(_, _) => self.dirty = true,
        }
    }

    pub fn handle_key(&mut self, k: KeyEvent) {
        self.dirty = true;
        // Ctrl-C quits from anywhere, popups included: composer drafts are already on disk.
        if k.code == crossterm::event::KeyCode::Char('c')
            && k.modifiers
                .contains(crossterm::event::KeyModifiers::CONTROL)
            && self.keymap.action(self.tab.key(), &k) == Some(Action::ForceQuit)
        {
            self.quit();
            return;
        }
        if self.login.is_some() {
            self.login_key(k);
            return;
        }
        if self.popup.is_some() {
            self.popup_key(k);
            return;
        }
        if let Some(action) = self.keymap.action(self.tab.key(), &k) {
            self.dispatch(action);
        }
    }

    fn handle_paste(&mut self, text: &str) {
        self.dirty = true;
        if let Some(login) = self.login.as_mut() {
            login.paste(text);
        } else if let Some(p) = self.popup.as_mut() {
            p.paste(text);
        }
    }

    fn handle_mouse(&mut self, m: MouseEvent) {
        if self.login.is_some() || self.popup.is_some() {
            return;
        }
        match m.kind {
            MouseEventKind::ScrollDown => {
                for _ in 0..3 {
                    self.dispatch(Action::Down);
                }
            }
            MouseEventKind::ScrollUp => {
                for _ in 0..3 {
                    self.dispatch(Action::Up);
                }
            }
            MouseEventKind::Down(MouseButton::Left) => {
                let hit = self
                    .hits
                    .tabs
                    .iter()
                    .find(|(r, _)| r.contains((m.column, m.row).into()))
                    .map(|(_, t)| *t);
                if let Some(tab) = hit {
                    self.switch_tab(tab);
                    return;
                }
                let list = self.hits.list;
                // Two rows of border + header above the first data row.
                if list.contains((m.column, m.row).into()) && m.row >= list.y + 2 {
                    let line = (m.row - list.y - 2) as usize;
                    let s = self.screens.get_mut(self.tab);
                    let index = s.offset() + line;
                    s.select_index(index);
                    self.after_move();
                }
            }
            _ => {}
        }
    }

    /// Whether `action` changes data: a screen action declared as writing.
    pub(crate) fn writes(&self, action: Action) -> bool {
        let Action::Screen(verb) = action else {
            return false;
        };
        let declared = self.screens.get(self.tab).declared();
        super::action::find(declared, verb).is_some_and(|d| d.writes)
    }

    /// Runs an action on the main screens.
    pub fn dispatch(&mut self, action: Action) {
        self.dirty = true;
        if self.opts.read_only && self.writes(action) {
            self.toast(self.t("toast.read_only"), Level::Error);
            return;
        }
        match action {
            Action::Quit => {
                if self.screens.get(self.tab).detail_open() {
                    self.close_detail();
                } else if !(self.tab.is_view() && self.go_back()) {
                    self.quit();
                }
            }
            Action::ForceQuit => self.quit(),
            Action::NextTab | Action::PrevTab => {
                // From a view, the tabs count from the one it was opened on.
                let from = self.back.first().copied().unwrap_or(self.tab);
                let n = TabId::ALL.len();
                let step = if action == Action::NextTab { 1 } else { n - 1 };
                // Past the tabs the staff member may not open.
                let next = (1..=n)
                    .map(|k| TabId::ALL[(from.index() + step * k) % n])
                    .find(|t| self.may_see(*t))
                    .unwrap_or(TabId::Projects);
                self.switch_tab(next);
            }
            Action::Tab(n) => {
                // The registry's order numbers the tabs.
                if let Some(tab) = TabId::ALL.get(usize::from(n).saturating_sub(1)) {
                    self.switch_tab(*tab);
                }
            }
            Action::Down | Action::Up | Action::PageDown | Action::PageUp => {
                if self.detail_focus {
                    let lines = match action {
                        Action::Down => 1,
                        Action::Up => -1,
                        Action::PageDown => 10,
                        _ => -10,
                    };
                    self.screens.get_mut(self.tab).scroll_detail(lines);
                    return;
                }
                let s = self.screens.get_mut(self.tab);
                let page = s.viewport() as isize;
                let delta = match action {
                    Action::Down => 1,
                    Action::Up => -1,
                    Action::PageDown => page,
                    _ => -page,
                };
                s.move_by(delta);
                self.after_move();
            }
            Action::First => self.load_tab(self.tab, Anchor::First, Fill::Replace(Keep::Top)),
            Action::Last => self.load_tab(self.tab, Anchor::Last, Fill::Replace(Keep::Bottom)),
            Action::Open | Action::ToggleDetail => {
                let tab = self.tab;
                let opened = (action == Action::Open)
                    .then(|| self.with_ctx(|screens, ctx| screens.get_mut(tab).open(ctx)))
                    .flatten()
                    .flatten();
                if let Some(effects) = opened {
                    return self.run_effects(effects);
                }
                let open = self.screens.get(self.tab).detail_open();
                if open && action == Action::ToggleDetail {
                    self.close_detail();
                } else if open {
                    self.detail_focus = !self.detail_focus;
                } else {
                    self.screens.get_mut(self.tab).open_detail();
                    self.refresh_detail(self.tab);
                }
            }
            Action::Back if self.export.is_some() => self.cancel_export(),
            Action::Export => self.start_export(),
            Action::Back => {
                if self.detail_focus {
                    self.detail_focus = false;
                } else if self.screens.get(self.tab).detail_open() {
                    self.close_detail();
                } else if self.go_back() {
                    // Back from a record's history or a view to where it was opened.
                } else if !self.screens.get(self.tab).filter_text().is_empty() {
                    self.apply_filter(String::new());
                }
            }
            Action::Sort | Action::SortReverse => {
                self.screens
                    .get_mut(self.tab)
                    .cycle_sort(action == Action::SortReverse);
                self.load_tab(self.tab, Anchor::First, Fill::Replace(Keep::Top));
            }
            Action::Filter => {
                let current = self.screens.get(self.tab).filter_text().to_owned();
                self.popup = Some(Popup::filter(&current));
            }
            Action::Palette => self.popup = Some(Popup::palette()),
            Action::Help => self.popup = Some(Popup::Help { scroll: 0 }),
            Action::Notifications => {
                self.popup = Some(Popup::notifications());
                self.send(Pane::Notifications, Fill::Append, common::notifications());
            }
            Action::Copy => {
                if let Some(text) = self.screens.get(self.tab).current_reference() {
                    self.toast(
                        self.ta(
                            "toast.copied",
                            &[("text", &crate::domain::sanitize_line(&text))],
                        ),
                        Level::Info,
                    );
                    self.session.clipboard = Some(text.clone());
                    self.requests.push(super::app::Request::Copy(text));
                }
            }
            Action::Refresh => self.refresh_tab(self.tab),
            Action::History => {
                let subject = self.screens.get(self.tab).current_subject();
                if let Some((kind, id)) = subject {
                    self.visit(TabId::Audit);
                    if self.tab == TabId::Audit {
                        self.apply_filter(format!("type:{kind} id:{id}"));
                    }
                }
            }
            other => {
                let tab = self.tab;
                // Refused before anything opens, naming the permission the key needs.
                let missing = self
                    .with_ctx(|screens, ctx| {
                        screens.get(tab).needs(other).filter(|p| !ctx.actor.can(*p))
                    })
                    .flatten();
                if let Some(p) = missing {
                    let text = super::screens::forbidden_text(p, self.session.locale);
                    return self.toast(text, Level::Error);
                }
                let effects = self
                    .with_ctx(|screens, ctx| screens.get_mut(tab).act(other, ctx))
                    .flatten();
                match effects {
                    Some(effects) => self.run_effects(effects),
                    None if self.writes(other) => {
                        let on_row = self.screens.get(tab).current_reference().is_some();
                        let key = if on_row {
                            "toast.not_here"
                        } else {
                            "toast.no_row"
                        };
                        self.toast(self.t(key), Level::Info)
                    }
                    None => {}
                }
            }
        }
    }

    fn close_detail(&mut self) {
        self.detail_focus = false;
        self.screens.get_mut(self.tab).close_detail();
    }

    pub(crate) fn after_move(&mut self) {
        self.prefetch();
        if self.screens.get(self.tab).detail_behind() {
            self.refresh_detail(self.tab);
        }
    }

    /// Applies a typed filter. A term the screen cannot use (an unknown field, a value it
    /// cannot read) keeps the list as it was and reopens the bar saying what and why.
    pub fn apply_filter(&mut self, raw: String) {
        let parsed = ParsedFilter::parse(&raw);
        let tab = self.tab;
        let previous = self.screens.get(tab).filter_text().to_owned();
        let problems = self
            .with_ctx(|screens, ctx| {
                screens.get_mut(tab).set_filter(&raw, &parsed, ctx);
                parsed.problems()
            })
            .unwrap_or_default();
        if let Some(first) = problems.first() {
            let before = ParsedFilter::parse(&previous);
            self.with_ctx(|screens, ctx| screens.get_mut(tab).set_filter(&previous, &before, ctx));
            let error =
                super::filter_text::problem_text(first, problems.len(), self.session.locale);
            self.last_error = Some(error.clone());
            self.popup = Some(Popup::Filter {
                input: LineInput::with_text(&raw, 500),
                error: Some(error),
            });
            return;
        }
        self.load_tab(tab, Anchor::First, Fill::Replace(Keep::Top));
    }

    pub(crate) fn run_effects(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Send(pane, fill, job) => self.send(pane, fill, job),
                Effect::Confirm {
                    title,
                    question,
                    job,
                } => {
                    self.popup = Some(Popup::Confirm {
                        title,
                        question,
                        job: Some(job),
                    })
                }
                Effect::Compose { title, purpose } => self.open_composer(title, purpose),
                Effect::Prompt {
                    title,
                    text,
                    submit,
                } => {
                    self.popup = Some(Popup::Prompt {
                        title,
                        input: LineInput::with_text(&text, 4000),
                        submit,
                    })
                }
                Effect::Pick { title, options } => {
                    self.popup = Some(Popup::Picker {
                        title,
                        options: Some(options),
                        cursor: 0,
                    })
                }
                Effect::Choose(job) => {
                    self.popup = Some(Popup::Picker {
                        title: self.t("detail.loading"),
                        options: None,
                        cursor: 0,
                    });
                    self.send(Pane::Choices, Fill::Append, job);
                }
                Effect::Toast(t) => self.toast(t, Level::Info),
                Effect::Refuse(t) => self.toast(t, Level::Error),
                Effect::Reload => self.load_tab(self.tab, Anchor::First, Fill::Replace(Keep::Top)),
                Effect::Visit { tab, filter } => {
                    self.visit(tab);
                    if self.tab == tab {
                        self.apply_filter(filter);
                    }
                }
            }
        }
    }
}

/// Debug builds only (release builds do not contain it): when `OBRYL_DEBUG_PANIC_KEY` holds
/// one character, pressing that key panics inside the event loop, so the end-to-end test can
/// show what a crash leaves of the terminal. Without the variable nothing happens.
#[cfg(debug_assertions)]
fn panic_on_demand(k: &KeyEvent) {
    static KEY: std::sync::OnceLock<Option<char>> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(|| {
        let value = std::env::var("OBRYL_DEBUG_PANIC_KEY").ok()?;
        let mut chars = value.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    });
    if let (Some(key), crossterm::event::KeyCode::Char(pressed)) = (key, k.code)
        && *key == pressed
        && k.kind == KeyEventKind::Press
    {
        panic!("deliberate panic on key {pressed:?} (OBRYL_DEBUG_PANIC_KEY)");
    }
}
