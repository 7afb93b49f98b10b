//! The login screen: email, password (never shown), "remember me", and the demo accounts when
//! the database it logs into holds them (asked in the background: [`DemoAccounts`]).

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::domain::{Locale, Role};
use crate::service::auth;
use crate::store::{self, Db, StoreError};

use super::data::{Job, Pane};
use super::widgets::virtual_table::Fill;
use crate::tr;

use super::theme::Theme;
use super::widgets::centered;
use super::widgets::input::{InputOutcome, LineInput};

pub struct LoginState {
    pub email: LineInput,
    pub password: LineInput,
    pub remember: bool,
    /// 0 email, 1 password, 2 remember.
    pub focus: usize,
    pub error: Option<String>,
    /// What is missing before the login can be tried (a locale key: no password typed).
    pub missing: Option<&'static str>,
    pub busy: bool,
    /// The demo's staff accounts this database holds (e-mail, roles); none listed when empty.
    pub demo: Vec<(String, String)>,
}

/// The demo's staff accounts the database holds, with the staff roles it gives them: the
/// generator's accounts that are there, not deleted, with a staff role. A few small reads
/// (one per staff role).
pub async fn demo_accounts_in(db: &Db) -> Result<Vec<(String, String)>, StoreError> {
    let mut conn = db.clone();
    let mut held: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for role in Role::staff_names() {
        for (_, _, email) in store::users::staff(&mut conn, &[role]).await? {
            held.entry(email.to_lowercase()).or_default().push(role);
        }
    }
    Ok(crate::seed::demo::staff_accounts()
        .filter_map(|(email, _)| {
            held.get(email)
                .map(|roles| (email.to_owned(), roles.join(", ")))
        })
        .collect())
}

/// The answer of [`demo_accounts_in`], asked once in the background so the launch never waits
/// for it; the runner hands it to whichever login screen is open.
#[derive(Clone, Default)]
pub struct DemoAccounts(Arc<OnceLock<Vec<(String, String)>>>);

impl DemoAccounts {
    pub fn look_up(db: &Db) -> DemoAccounts {
        let found = DemoAccounts::default();
        let (slot, db) = (found.0.clone(), db.clone());
        tokio::spawn(async move {
            let accounts = demo_accounts_in(&db).await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot read the demo accounts");
                Vec::new()
            });
            let _ = slot.set(accounts);
        });
        found
    }

    /// Lists them on `login` once known; true when that changed what it shows.
    pub fn show_on(&self, login: Option<&mut LoginState>) -> bool {
        match (login, self.0.get()) {
            (Some(login), Some(accounts)) if login.demo != *accounts => {
                login.demo = accounts.clone();
                true
            }
            _ => false,
        }
    }
}

pub enum LoginOutcome {
    Nothing,
    Submit { email: String, password: String },
    Quit,
}

impl LoginState {
    pub fn new(email: &str, remember: bool) -> LoginState {
        LoginState {
            email: LineInput::with_text(email, 255),
            password: LineInput::new(128),
            remember,
            focus: if email.is_empty() { 0 } else { 1 },
            error: None,
            missing: None,
            busy: false,
            demo: Vec::new(),
        }
    }

    pub fn paste(&mut self, text: &str) {
        match self.focus {
            0 => self.email.insert_str(text.trim()),
            1 => self
                .password
                .insert_str(text.trim_end_matches(['\n', '\r'])),
            _ => {}
        }
    }

    pub fn handle(&mut self, k: &KeyEvent) -> LoginOutcome {
        if self.busy {
            return LoginOutcome::Nothing;
        }
        match k.code {
            KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1) % 3;
                return LoginOutcome::Nothing;
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = (self.focus + 2) % 3;
                return LoginOutcome::Nothing;
            }
            KeyCode::Char(' ') if self.focus == 2 => {
                self.remember = !self.remember;
                return LoginOutcome::Nothing;
            }
            KeyCode::Char('c')
                if k.modifiers
                    .contains(crossterm::event::KeyModifiers::CONTROL) =>
            {
                return LoginOutcome::Quit;
            }
            _ => {}
        }
        let outcome = match self.focus {
            0 => self.email.handle(k),
            1 => self.password.handle(k),
            _ => match k.code {
                KeyCode::Enter => InputOutcome::Submit,
                KeyCode::Esc => InputOutcome::Cancel,
                _ => InputOutcome::Ignored,
            },
        };
        match outcome {
            InputOutcome::Submit if self.focus == 0 => {
                self.focus = 1;
                LoginOutcome::Nothing
            }
            InputOutcome::Submit => {
                if self.email.is_empty() || self.password.is_empty() {
                    // Enter on an empty field says what is missing, where to type it.
                    let (focus, key) = if self.email.is_empty() {
                        (0, "login.email_missing")
                    } else {
                        (1, "login.password_missing")
                    };
                    self.focus = focus;
                    self.error = None;
                    self.missing = Some(key);
                    return LoginOutcome::Nothing;
                }
                self.busy = true;
                self.error = None;
                self.missing = None;
                LoginOutcome::Submit {
                    email: self.email.text(),
                    password: self.password.text(),
                }
            }
            InputOutcome::Cancel => LoginOutcome::Quit,
            _ => {
                self.error = None;
                self.missing = None;
                LoginOutcome::Nothing
            }
        }
    }

    pub fn draw(
        &self,
        f: &mut Frame,
        area: Rect,
        theme: &Theme,
        locale: Locale,
        db_label: &str,
        spinner: &str,
    ) {
        let t = |k: &str| tr(locale, k, &[]);
        let rect = centered(area, 64, 20);
        f.render_widget(Clear, rect);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.accent)
            .title(Span::styled(
                format!(" {} ", t("login.title")),
                theme.header,
            ));
        let inner = block.inner(rect);
        f.render_widget(block, rect);
        let rows = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            // Two lines: a refusal says when to retry or who ended the session.
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .split(inner);
        let field = |label: String, value: String, focused: bool| {
            let style = if focused { theme.selection } else { theme.base };
            Line::from(vec![
                Span::styled(format!("{label:<14}"), theme.muted),
                Span::styled(format!(" {value:<40}"), style),
            ])
        };
        f.render_widget(
            Paragraph::new(Line::styled(db_label.to_owned(), theme.muted)),
            rows[0],
        );
        f.render_widget(
            Paragraph::new(field(t("login.email"), self.email.text(), self.focus == 0)),
            rows[2],
        );
        let stars = "•".repeat(self.password.text().chars().count());
        f.render_widget(
            Paragraph::new(field(t("login.password"), stars, self.focus == 1)),
            rows[3],
        );
        let check = if self.remember { "[x]" } else { "[ ]" };
        let style = if self.focus == 2 {
            theme.selection
        } else {
            theme.base
        };
        f.render_widget(
            Paragraph::new(Line::styled(
                format!("{check} {}", t("login.remember")),
                style,
            )),
            rows[4],
        );
        let status = if self.busy {
            Line::styled(format!("{spinner} {}", t("login.checking")), theme.accent)
        } else if let Some(e) = &self.error {
            Line::styled(crate::domain::sanitize_line(e), theme.danger)
        } else if let Some(key) = self.missing {
            Line::styled(t(key), theme.warning)
        } else {
            Line::styled(t("login.keys"), theme.muted)
        };
        f.render_widget(Paragraph::new(status).wrap(Wrap { trim: true }), rows[5]);
        if !self.demo.is_empty() {
            let mut demo = vec![Line::styled(t("login.demo_accounts"), theme.header)];
            for (email, roles) in &self.demo {
                demo.push(Line::from(format!("  {email:<22} {roles}")));
            }
            f.render_widget(Paragraph::new(demo).wrap(Wrap { trim: false }), rows[7]);
        }
        if self.focus < 2 && !self.busy {
            let col = if self.focus == 0 {
                self.email.cursor_column()
            } else {
                self.password.text().chars().count() as u16
            };
            let row = rows[2 + self.focus];
            f.set_cursor_position((row.x + 15 + col, row.y));
        }
    }
}

/// The login screen's keys: a submitted form logs in through the data runner (bcrypt is slow,
/// it runs on a task of its own like every job) and the answer comes back on `Pane::Login`.
impl super::app::App {
    pub(crate) fn login_key(&mut self, k: KeyEvent) {
        let Some(login) = self.login.as_mut() else {
            return;
        };
        match login.handle(&k) {
            LoginOutcome::Nothing => {}
            LoginOutcome::Quit => self.quit(),
            LoginOutcome::Submit { email, password } => {
                let settings = &self.opts.login;
                let session = if login.remember {
                    auth::SessionKind::Remembered {
                        ttl: settings.remembered_ttl,
                    }
                } else {
                    auth::SessionKind::Live {
                        ttl: settings.live_ttl,
                    }
                };
                let policy = settings.policy.clone();
                let job = Job::anonymous(move |db, origin| async move {
                    auth::login(&db, &email, &password, &origin, &policy, session).await
                });
                self.send(Pane::Login, Fill::Append, job);
            }
        }
    }
}
