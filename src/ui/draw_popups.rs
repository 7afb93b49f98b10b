//! Drawing the popups: filter bar, palette, help, notifications, pickers, a one-line prompt,
//! confirm and composer.

use super::keymap::PopupKey;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, Paragraph};

use crate::domain::sanitize_line;

use super::action::Action;
use super::app::App;
use super::popup::Popup;
use super::screens::TabId;
use super::widgets::{centered, confirm};

/// A popup's width: at least `min` columns, wider when its title needs it (the screen's
/// width caps it; a title longer than the screen is cut there).
fn fitting(title: &str, min: u16) -> u16 {
    let needed = unicode_width::UnicodeWidthStr::width(title).saturating_add(6);
    u16::try_from(needed).unwrap_or(u16::MAX).max(min)
}

impl App {
    pub(crate) fn draw_popup(&mut self, f: &mut Frame, area: Rect) {
        let Some(mut popup) = self.popup.take() else {
            return;
        };
        let theme = self.session.theme.clone();
        match &mut popup {
            Popup::Filter { input, error } => {
                let r = Rect {
                    x: area.x,
                    y: area.y + 1,
                    width: area.width,
                    height: 3,
                };
                let (hint, style) = match error {
                    Some(e) => (e.clone(), theme.danger),
                    None => (self.t("filter.help"), theme.muted),
                };
                let title = self.t("filter.title");
                draw_input(f, r, (&title, "/"), input, (&hint, style), &theme);
            }
            Popup::Palette(input) => {
                let r = Rect {
                    x: area.x,
                    y: area.y + 1,
                    width: area.width,
                    height: 3,
                };
                let completions = super::palette::complete(&input.text());
                let hint = completions
                    .iter()
                    .take(6)
                    .map(|c| c.trim().to_owned())
                    .collect::<Vec<_>>()
                    .join("  ");
                let title = self.t("palette.title");
                draw_input(f, r, (&title, ":"), input, (&hint, theme.muted), &theme);
            }
            Popup::Help { scroll } => {
                let lines = self.help_lines();
                let r = centered(area, 72, area.height.saturating_sub(4));
                f.render_widget(Clear, r);
                f.render_widget(
                    Paragraph::new(lines)
                        .wrap(ratatui::widgets::Wrap { trim: false })
                        .scroll((*scroll, 0))
                        .block(
                            Block::default()
                                .borders(Borders::ALL)
                                .border_style(theme.accent)
                                .title(Span::styled(
                                    format!(" {} ", self.t("help.title")),
                                    theme.header,
                                )),
                        ),
                    r,
                );
            }
            Popup::Notifications { rows, cursor } => {
                let r = centered(area, 90, area.height.saturating_sub(4));
                f.render_widget(Clear, r);
                let block = Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.accent)
                    .title(Span::styled(
                        format!(" {} ", self.t("notifications.title")),
                        theme.header,
                    ))
                    .title_bottom(Span::styled(
                        format!(
                            " {} ",
                            self.ta(
                                "notifications.keys",
                                &[("key", &self.keymap.popup_label(PopupKey::MarkAllRead))]
                            )
                        ),
                        theme.muted,
                    ));
                let items: Vec<ListItem> = match rows {
                    None => vec![ListItem::new(self.t("detail.loading"))],
                    Some(rows) if rows.is_empty() => {
                        vec![ListItem::new(self.t("notifications.empty"))]
                    }
                    Some(rows) => rows
                        .iter()
                        .enumerate()
                        .map(|(i, n)| {
                            let mark = if n.read_at.is_none() { "●" } else { " " };
                            let text = format!(
                                "{mark} {}  {}",
                                crate::office::format::when(
                                    n.created_at,
                                    self.now,
                                    self.session.locale
                                ),
                                super::notify::text(n, self.session.locale)
                            );
                            let style = if i == *cursor {
                                theme.selection
                            } else if n.read_at.is_none() {
                                theme.base
                            } else {
                                theme.muted
                            };
                            ListItem::new(Line::styled(sanitize_line(&text), style))
                        })
                        .collect(),
                };
                f.render_widget(List::new(items).block(block), r);
            }
            Popup::Picker {
                title,
                options,
                cursor,
            } => {
                let labels: Option<Vec<String>> = options
                    .as_ref()
                    .map(|o| o.iter().map(|(l, _)| l.clone()).collect());
                draw_choices(
                    f,
                    area,
                    title,
                    labels,
                    *cursor,
                    &self.t("picker.keys"),
                    &self.t("detail.loading"),
                    &theme,
                );
            }
            Popup::Prompt { title, input, .. } => {
                let r = centered(area, fitting(title, 100), 3);
                let hint = self.t("prompt.keys");
                draw_input(f, r, (title, ""), input, (&hint, theme.muted), &theme);
            }
            Popup::Confirm {
                title, question, ..
            } => {
                confirm::draw(f, area, title, question, &self.t("confirm.keys"), &theme);
            }
            Popup::Compose {
                composer, canned, ..
            } => {
                let r = centered(area, fitting(&composer.title, 80), 12);
                composer.draw(f, r, &theme);
                if let Some((replies, cursor)) = canned {
                    let labels = replies.iter().map(|(t, _)| t.clone()).collect();
                    draw_choices(
                        f,
                        area,
                        &self.t("compose.canned_title"),
                        Some(labels),
                        *cursor,
                        &self.t("picker.keys"),
                        "",
                        &theme,
                    );
                }
            }
        }
        self.popup = Some(popup);
    }

    /// Help generated from the active keymap: every bound action with its keys.
    pub fn help_lines(&mut self) -> Vec<Line<'static>> {
        let screen_actions = self.footer_actions();
        let theme = self.session.theme.clone();
        let mut lines = vec![Line::styled(self.t("help.this_screen"), theme.header)];
        // The filter fields are what the screen reads: re-reading its own filter names them.
        let tab = self.tab;
        let fields = self
            .with_ctx(|screens, ctx| {
                let s = screens.get_mut(tab);
                let raw = s.filter_text().to_owned();
                let parsed = super::widgets::filter::ParsedFilter::parse(&raw);
                s.set_filter(&raw, &parsed, ctx);
                parsed.accepted()
            })
            .unwrap_or_default();
        if !fields.is_empty() {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<16}", "/"), theme.accent),
                Span::raw(self.ta("help.filter_fields", &[("fields", &fields.join(" "))])),
            ]));
        }
        // This screen's own actions (offered now first, then the rest it declares that the
        // actor may use), then the navigation every screen shares, each under its heading.
        let declared: Vec<Action> = self
            .with_ctx(|screens, ctx| {
                let screen = screens.get(tab);
                screen
                    .declared()
                    .iter()
                    .map(|d| Action::Screen(d.verb))
                    .filter(|a| screen.needs(*a).is_none_or(|p| ctx.may(p)))
                    .collect()
            })
            .unwrap_or_default();
        let own: Vec<Action> = screen_actions
            .iter()
            .copied()
            .filter(|a| !super::draw::FOOTER_GLOBAL.contains(a))
            .chain(declared)
            .collect();
        let shared: Vec<Action> = super::action::NAVIGATION
            .iter()
            .map(|(a, _, _)| *a)
            .collect();
        let mut seen = Vec::new();
        for (part, heading) in [(own, None), (shared, Some("help.everywhere"))] {
            if let Some(key) = heading {
                lines.push(Line::from(""));
                lines.push(Line::styled(self.t(key), theme.header));
            }
            for a in part {
                if seen.contains(&a) || (self.opts.read_only && self.writes(a)) {
                    continue;
                }
                if matches!(a, Action::Tab(n) if usize::from(n) > TabId::ALL.len()) {
                    continue;
                }
                seen.push(a);
                if let Some(keys) = self.keymap.label_in(self.tab.key(), a, self.session.locale) {
                    let label = self.action_label(a);
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {keys:<16}"), theme.accent),
                        Span::raw(label),
                    ]));
                }
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::styled(self.t("help.palette"), theme.header));
        for (c, args) in super::palette::commands() {
            lines.push(Line::from(format!("  :{c} {args}")));
        }
        lines
    }
}

/// A popup's title on its top border: a title wider than the box ends with '…' rather than
/// being cut off silently.
fn boxed_title(title: &str, r: Rect) -> String {
    let width = usize::from(r.width.saturating_sub(4));
    format!(
        " {} ",
        crate::domain::text::truncate_to_width(&sanitize_line(title), width)
    )
}

/// A one-line input: its title and the prefix before the text, the hint under it (or what
/// went wrong, in its own style).
fn draw_input(
    f: &mut Frame,
    r: Rect,
    (title, prefix): (&str, &str),
    input: &super::widgets::input::LineInput,
    (hint, hint_style): (&str, ratatui::style::Style),
    theme: &super::theme::Theme,
) {
    let hint = sanitize_line(hint);
    // A hint or an error longer than the bottom border is written whole under the input, the
    // box growing to hold it, never cut.
    let room = usize::from(r.width.saturating_sub(4));
    let below = if crate::domain::text::display_width(&hint) > room {
        crate::domain::text::wrap_to_width(&hint, usize::from(r.width.saturating_sub(2)))
    } else {
        Vec::new()
    };
    // A title longer than the top border (a question with the reason a value was refused)
    // is written whole above the input in the same way.
    let title = sanitize_line(title);
    let above = if crate::domain::text::display_width(&title) > room {
        crate::domain::text::wrap_to_width(&title, usize::from(r.width.saturating_sub(2)))
    } else {
        Vec::new()
    };
    let screen = f.area();
    let grown = r.height + (above.len() + below.len()) as u16;
    let r = Rect {
        height: grown.min(screen.bottom().saturating_sub(r.y)),
        ..r
    };
    f.render_widget(Clear, r);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent);
    if above.is_empty() {
        block = block.title(Span::styled(boxed_title(&title, r), theme.header));
    }
    if below.is_empty() {
        block = block.title_bottom(Span::styled(format!(" {hint} "), hint_style));
    }
    let inner = block.inner(r);
    let input_row = above.len() as u16;
    let mut lines: Vec<Line> = above
        .into_iter()
        .map(|l| Line::styled(l, theme.header))
        .collect();
    lines.push(Line::from(format!(
        "{prefix}{}",
        sanitize_line(&input.text())
    )));
    lines.extend(below.into_iter().map(|l| Line::styled(l, hint_style)));
    f.render_widget(Paragraph::new(lines).block(block), r);
    f.set_cursor_position((
        inner.x + prefix.len() as u16 + input.cursor_column(),
        inner.y + input_row,
    ));
}

#[allow(clippy::too_many_arguments)]
fn draw_choices(
    f: &mut Frame,
    area: Rect,
    title: &str,
    labels: Option<Vec<String>>,
    cursor: usize,
    keys: &str,
    loading: &str,
    theme: &super::theme::Theme,
) {
    // Each choice is wrapped to the box, so a long one (a reconciliation line) reads in full.
    let inner = usize::from(area.width.min(120).saturating_sub(4));
    let wrapped: Option<Vec<Vec<String>>> = labels.as_ref().map(|ls| {
        ls.iter()
            .map(|l| crate::domain::text::wrap_to_width(&sanitize_line(l), inner))
            .collect()
    });
    let n = wrapped
        .as_ref()
        .map_or(1, |w| w.iter().map(Vec::len).sum::<usize>()) as u16;
    let r = centered(area, 120, n + 2);
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(boxed_title(title, r), theme.header))
        .title_bottom(Span::styled(format!(" {keys} "), theme.muted));
    let items: Vec<ListItem> = match labels {
        None => vec![ListItem::new(loading.to_owned())],
        Some(_) => wrapped
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, lines)| {
                let style = if i == cursor {
                    theme.selection
                } else {
                    theme.base
                };
                ListItem::new(
                    lines
                        .into_iter()
                        .map(|l| Line::styled(l, style))
                        .collect::<Vec<_>>(),
                )
            })
            .collect(),
    };
    // The list scrolls to keep the cursor in view on a small terminal.
    let mut state = ratatui::widgets::ListState::default().with_selected(Some(cursor));
    f.render_stateful_widget(List::new(items).block(block), r, &mut state);
}
