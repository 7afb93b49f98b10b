//! Rendering: a pure function of the app state. Never blocks, never queries.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::domain::sanitize_line;
use crate::tr;

use super::action::Action;
use super::app::{App, Live};
use super::screens::TabId;
use super::widgets::virtual_table::TableLook;
use super::widgets::{detail, spinner};

/// Below this the layout cannot work: a one-line notice instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Actions listed in the footer on every tab, after the screen's own.
pub(super) const FOOTER_GLOBAL: [Action; 4] =
    [Action::Filter, Action::Open, Action::Palette, Action::Help];

impl App {
    pub fn draw(&mut self, f: &mut Frame) {
        let area = f.area();
        // A theme with a background of its own paints it first (light on a dark terminal).
        f.buffer_mut().set_style(area, self.session.theme.base);
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let text = self.ta(
                "status.too_small",
                &[
                    ("w", &MIN_WIDTH.to_string()),
                    ("h", &MIN_HEIGHT.to_string()),
                ],
            );
            f.render_widget(
                Paragraph::new(text)
                    .style(self.session.theme.warning)
                    .wrap(Wrap { trim: true }),
                area,
            );
            return;
        }
        if let Some(login) = &self.login {
            let spin = spinner::frame(self.tick);
            login.draw(
                f,
                area,
                &self.session.theme,
                self.session.locale,
                &self.opts.db_label,
                spin,
            );
            return;
        }
        let rows = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .split(area);
        self.draw_tabs(f, rows[0]);
        self.draw_info(f, rows[1]);
        self.draw_body(f, rows[2]);
        self.draw_footer(f, rows[3]);
        self.draw_popup(f, area);
        if let Some(t) = &self.toast {
            t.draw(f, rows[2], &self.session.theme);
        }
    }

    fn draw_tabs(&mut self, f: &mut Frame, area: Rect) {
        let theme = &self.session.theme;
        let mut spans = vec![
            Span::styled(" Obryl ", theme.header),
            Span::styled("│", theme.border),
        ];
        let mut x = area.x + 8;
        self.hits.tabs.clear();
        // Narrow terminals: shorten the other tabs' names so the live indicator still fits.
        // A tab the staff member may not open is not shown (the numbers stay).
        let shown: Vec<(usize, TabId)> = TabId::ALL
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, t)| self.may_see(*t))
            .collect();
        let full: u16 = shown
            .iter()
            .map(|(_, t)| {
                unicode_width::UnicodeWidthStr::width(t.title(self.session.locale).as_str()) as u16
                    + 4
            })
            .sum();
        let view: u16 = if self.tab.is_view() {
            unicode_width::UnicodeWidthStr::width(self.tab.title(self.session.locale).as_str())
                as u16
                + 3
        } else {
            0
        };
        let (live, live_style) = match self.live {
            Live::Pushed => (self.t("status.live"), theme.ok),
            Live::Polling => (self.t("status.polling"), theme.ok),
            Live::Offline => (self.t("status.offline"), theme.danger),
        };
        let mail = format!("  ✉ {} ", self.unread);
        let mail_width = unicode_width::UnicodeWidthStr::width(mail.as_str()) as u16;
        let live_width = unicode_width::UnicodeWidthStr::width(live.as_str()) as u16;
        // Narrow terminals: first the live indicator keeps only its symbol, then the other
        // tabs' names shorten (visibly, with …) to what is left.
        let compact = full + view + 8 + live_width + mail_width > area.width;
        let live = if compact {
            live.chars().next().map(String::from).unwrap_or_default()
        } else {
            live
        };
        let right_width = unicode_width::UnicodeWidthStr::width(live.as_str()) as u16 + mail_width;
        let current = if self.tab.is_view() {
            0
        } else {
            unicode_width::UnicodeWidthStr::width(self.tab.title(self.session.locale).as_str())
                as u16
                + 4
        };
        let others = shown.iter().filter(|(_, t)| *t != self.tab).count().max(1) as u16;
        let room = area
            .width
            .saturating_sub(8 + right_width + view + current + 1)
            / others;
        let short = full + view + 8 + right_width > area.width;
        for (i, tab) in &shown {
            let (i, tab) = (*i, tab);
            let title = tab.title(self.session.locale);
            let label = if short && *tab != self.tab {
                let chars = usize::from(room.saturating_sub(4)).max(3);
                let cut = crate::domain::truncate_to_width(&title, chars);
                format!(" {} {cut} ", i + 1)
            } else {
                format!(" {} {} ", i + 1, title)
            };
            let width = unicode_width::UnicodeWidthStr::width(label.as_str()) as u16;
            self.hits.tabs.push((
                Rect {
                    x,
                    y: area.y,
                    width,
                    height: 1,
                },
                *tab,
            ));
            x += width;
            let style = if *tab == self.tab {
                theme.selection
            } else {
                theme.base
            };
            spans.push(Span::styled(label, style));
        }
        if self.tab.is_view() {
            // A view has no number: it shows after the tabs while it is open.
            let label = format!(" {} ", self.tab.title(self.session.locale));
            let width = unicode_width::UnicodeWidthStr::width(label.as_str()) as u16;
            spans.push(Span::styled("│", theme.border));
            self.hits.tabs.push((
                Rect {
                    x: x + 1,
                    y: area.y,
                    width,
                    height: 1,
                },
                self.tab,
            ));
            spans.push(Span::styled(label, theme.selection));
        }
        let right = vec![
            Span::styled(live, live_style),
            Span::styled(
                mail,
                if self.unread > 0 {
                    theme.warning
                } else {
                    theme.muted
                },
            ),
        ];
        f.render_widget(Paragraph::new(Line::from(spans)), area);
        if area.width > right_width {
            let r = Rect {
                x: area.x + area.width - right_width,
                y: area.y,
                width: right_width,
                height: 1,
            };
            f.render_widget(Paragraph::new(Line::from(right)), r);
        }
    }

    fn draw_info(&mut self, f: &mut Frame, area: Rect) {
        let tab = self.tab;
        let tick = self.tick;
        let text = self.with_ctx(|screens, ctx| {
            let s = screens.get(tab);
            let spin = if s.is_loading() {
                format!(" {}", spinner::frame(tick))
            } else {
                String::new()
            };
            let filter = if s.filter_text().is_empty() {
                ctx.t("info.no_filter")
            } else {
                s.filter_text().to_owned()
            };
            let summary = s
                .summary(ctx)
                .map(|t| format!(" · {t}"))
                .unwrap_or_default();
            format!(
                " {}: {} · {}: {} · {}{}{}",
                ctx.t("info.filter"),
                sanitize_line(&filter),
                s.sort_word(ctx),
                s.sort_label(ctx),
                s.position_label(),
                summary,
                spin
            )
        });
        let exporting = self.export.as_ref().map(|e| {
            self.ta(
                "status.exporting",
                &[
                    ("n", &e.rows.to_string()),
                    ("tab", &e.tab.title(self.session.locale)),
                ],
            )
        });
        let text = match (text, exporting) {
            (Some(t), Some(e)) => Some(format!("{t} · {e}")),
            (t, _) => t,
        };
        f.render_widget(
            Paragraph::new(Line::styled(
                text.unwrap_or_default(),
                self.session.theme.muted,
            )),
            area,
        );
    }

    fn draw_body(&mut self, f: &mut Frame, area: Rect) {
        let tab = self.tab;
        let detail_focus = self.detail_focus;
        let wide = area.width >= 110;
        // "Fatou Sow is replying…": shown on the open ticket to everyone else who has it open.
        let presence = match (&self.screens.tickets.presence, tab) {
            (Some((id, people)), TabId::Tickets)
                if self.screens.tickets.detail.for_id == Some(*id) && !people.is_empty() =>
            {
                people
                    .iter()
                    .map(|(name, typing)| {
                        self.ta(
                            if *typing {
                                "presence.typing"
                            } else {
                                "presence.viewing"
                            },
                            &[("name", name)],
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" · ")
            }
            _ => String::new(),
        };
        let mut list_area = area;
        let _ = self.with_ctx(|screens, ctx| {
            let s = screens.get(tab);
            let open = s.detail_open();
            let (list_rect, detail_rect) = if open && wide {
                let cols =
                    Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
                        .split(area);
                (Some(cols[0]), Some(cols[1]))
            } else if open {
                (None, Some(area))
            } else {
                (Some(area), None)
            };
            if let Some(r) = list_rect {
                list_area = r;
                let look = TableLook {
                    title: format!(" {} ", tab.title(ctx.locale)),
                    theme: ctx.theme,
                    focused: !detail_focus,
                    empty: String::new(),
                    hidden: (
                        ctx.ta("info.columns_hidden.one", &[("n", "{n}")]),
                        ctx.ta("info.columns_hidden.other", &[("n", "{n}")]),
                    ),
                };
                s.draw_list(f, r, look, ctx);
            }
            // A picture above the detail's text, when the screen has one and there is room.
            let picture = detail_rect.map_or(0, |r| s.preview_height(r, ctx));
            let (picture_rect, detail_rect) = match detail_rect {
                Some(r) if picture > 0 => {
                    let [top, rest] =
                        Layout::vertical([Constraint::Length(picture), Constraint::Fill(1)])
                            .areas(r);
                    (Some(top), Some(rest))
                }
                other => (None, other),
            };
            if let Some(r) = detail_rect {
                let view = s.detail_view(ctx);
                let mut title = view.title;
                if !presence.is_empty() {
                    title = format!("{title} — ⚠ {presence}");
                }
                detail::draw(
                    f,
                    r,
                    &title,
                    &view.lines,
                    view.scroll,
                    ctx.theme,
                    detail_focus,
                );
            }
            if let Some(r) = picture_rect {
                screens.get_mut(tab).draw_preview(f, r, ctx);
            }
        });
        self.hits.list = list_area;
    }

    pub fn footer_actions(&mut self) -> Vec<Action> {
        let tab = self.tab;
        let (mut actions, on_row) = self
            .with_ctx(|screens, ctx| {
                let screen = screens.get(tab);
                (screen.actions(ctx), screen.current_reference().is_some())
            })
            .unwrap_or_default();
        actions.extend(FOOTER_GLOBAL);
        // A record's history and its detail need a record under the cursor.
        actions.retain(|a| on_row || !matches!(a, Action::History | Action::Open));
        actions
    }

    /// What `a` is called here: the screen's own word for it (a token is revoked where an
    /// endpoint is disabled), else the action's name.
    pub(crate) fn action_label(&mut self, a: Action) -> String {
        let tab = self.tab;
        self.with_ctx(|screens, ctx| screens.get(tab).action_label(a, ctx))
            .flatten()
            .unwrap_or_else(|| match a {
                // A numbered tab is called by the screen it opens.
                Action::Tab(n) => TabId::ALL
                    .get(usize::from(n).saturating_sub(1))
                    .map(|t| tr(self.session.locale, &format!("tab.{}", t.key()), &[]))
                    .unwrap_or_default(),
                a => tr(self.session.locale, &format!("action.{}", a.name()), &[]),
            })
    }

    fn draw_footer(&mut self, f: &mut Frame, area: Rect) {
        let actions = self.footer_actions();
        let theme = &self.session.theme;
        let who = self
            .session
            .actor
            .as_ref()
            .map(|a| format!(" {} · {} · {} ", a.name, a.main_role(), self.opts.db_label))
            .unwrap_or_default();
        let mut spans = vec![Span::styled(sanitize_line(&who), theme.accent)];
        if self.opts.read_only {
            spans.push(Span::styled(
                format!("{} ", self.t("status.read_only")),
                theme.warning,
            ));
        }
        let labelled: Vec<(Action, String)> = actions
            .into_iter()
            .map(|a| (a, self.action_label(a)))
            .collect();
        let theme = &self.session.theme;
        let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
        let hints: Vec<(Action, String, String)> = labelled
            .into_iter()
            .filter_map(|(a, label)| {
                let keys = self
                    .keymap
                    .label_in(self.tab.key(), a, self.session.locale)?;
                Some((a, format!(" {keys}"), format!(" {label} ")))
            })
            .collect();
        // Whole hints only, as many as fit; `?` (where every key is listed) always stays.
        let help = hints.iter().find(|(a, _, _)| *a == Action::Help).cloned();
        let help_width = help.as_ref().map_or(0, |(_, k, l)| width(k) + width(l));
        let mut room = usize::from(area.width)
            .saturating_sub(spans.iter().map(|s| width(&s.content)).sum::<usize>())
            .saturating_sub(help_width);
        for (a, keys, label) in &hints {
            if *a == Action::Help {
                continue;
            }
            let w = width(keys) + width(label);
            if w > room {
                break;
            }
            room -= w;
            spans.push(Span::styled(keys.clone(), theme.header));
            spans.push(Span::styled(label.clone(), theme.muted));
        }
        if let Some((_, keys, label)) = help {
            spans.push(Span::styled(keys, theme.header));
            spans.push(Span::styled(label, theme.muted));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
        if let Some(err) = &self.last_error {
            // The whole message was in the toast; here it stays as a reminder, visibly elided.
            let room = usize::from(area.width * 2 / 3);
            let text = format!(
                " ✕ {} ",
                crate::domain::text::truncate_to_width(&sanitize_line(err), room.saturating_sub(4))
            );
            let w = (width(text.as_str()) as u16).min(area.width);
            let r = Rect {
                x: area.x + area.width - w,
                y: area.y,
                width: w,
                height: 1,
            };
            f.render_widget(Clear, r);
            f.render_widget(Paragraph::new(Span::styled(text, theme.danger)), r);
        }
    }
}
