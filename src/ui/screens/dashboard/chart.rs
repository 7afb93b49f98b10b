//! The dashboard's charts: collected, released and commission per month as grouped bars
//! (the selected month's exact figures in the legend, so the chart reads without colour), and
//! on a wide terminal a sparkline per figure with its value and growth (referred revenue and
//! referral rewards among them).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Sparkline};

use crate::domain::Currency;
use crate::office::analytics::MonthRow;
use crate::office::format;
use crate::tr;
use crate::ui::screens::Ctx;
use crate::ui::widgets::virtual_table::Identified;

use super::{DashboardScreen, growth_text};

/// Below this the table alone is shown.
const MIN_ROWS: u16 = 14;
/// The figures panel needs this much width beside the bars.
const PANEL: u16 = 44;

pub fn height(area: Rect) -> u16 {
    if area.height < MIN_ROWS || area.width < 40 {
        return 0;
    }
    (area.height * 3 / 5).min(24)
}

/// 1 234 567 890 minor units of XOF → "1.2G"; of EUR (cents) → "12.3M": whole major units,
/// integer arithmetic only.
fn compact(minor: i64, currency: &str) -> String {
    let exponent = Currency::parse(currency).map_or(0, |c| c.exponent());
    let major = minor / 10_i64.pow(u32::from(exponent));
    let (div, unit) = match major.abs() {
        n if n >= 1_000_000_000 => (1_000_000_000, "G"),
        n if n >= 1_000_000 => (1_000_000, "M"),
        n if n >= 1_000 => (1_000, "k"),
        _ => return major.to_string(),
    };
    format!("{}.{}{unit}", major / div, (major % div).abs() * 10 / div)
}

/// Oldest month first, as a chart reads.
fn oldest_first(s: &DashboardScreen) -> Vec<&MonthRow> {
    s.list.rows.iter().rev().collect()
}

pub fn draw(s: &DashboardScreen, f: &mut Frame, area: Rect, ctx: &Ctx) {
    let months = oldest_first(s);
    if months.is_empty() {
        return;
    }
    let [bars, panel] = if area.width >= PANEL * 2 + 20 {
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(PANEL)]).areas(area)
    } else {
        [area, Rect::default()]
    };
    draw_bars(s, &months, f, bars, ctx);
    if panel.width > 0 {
        draw_panel(&months, f, panel, ctx);
    }
}

fn series(ctx: &Ctx) -> [(String, Style); 3] {
    let t = ctx.theme;
    [
        (ctx.t("dashboard.collected"), t.accent),
        (ctx.t("dashboard.released"), t.ok),
        (ctx.t("dashboard.commission"), t.warning),
    ]
}

fn values(r: &MonthRow) -> [i64; 3] {
    [r.collected, r.released, r.commission]
}

fn draw_bars(s: &DashboardScreen, months: &[&MonthRow], f: &mut Frame, area: Rect, ctx: &Ctx) {
    let selected = s.list.current().map(|r| r.row_id());
    let series = series(ctx);
    let l = ctx.locale;
    // The legend is the selected month's figures: marker, name, exact amount. Items are
    // packed into as many lines as the width needs, never cut inside an amount.
    let mut items: Vec<Vec<Span>> = Vec::new();
    if let Some(r) = s.list.current() {
        items.push(vec![Span::styled(
            format!("{} ", r.month),
            ctx.theme.header,
        )]);
        for ((name, style), v) in series.iter().zip(values(r)) {
            items.push(vec![
                Span::styled("■ ", *style),
                Span::raw(format!("{name} {}  ", format::money(v, &r.currency, l))),
            ]);
        }
    }
    let room = usize::from(area.width.saturating_sub(2)).max(1);
    let mut legend: Vec<Line> = Vec::new();
    let mut line: Vec<Span> = Vec::new();
    let mut used = 0;
    for item in items {
        let w: usize = item.iter().map(|s| s.width()).sum();
        if used > 0 && used + w > room {
            legend.push(Line::from(std::mem::take(&mut line)));
            used = 0;
        }
        used += w;
        line.extend(item);
    }
    if !line.is_empty() {
        legend.push(Line::from(line));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.theme.border)
        .title(Span::styled(
            format!(
                " {} ",
                ctx.ta("dashboard.chart_title", &[("currency", s.currency.code())])
            ),
            ctx.theme.header,
        ));
    // The legend sits under the bars, inside the frame.
    let legend_rows = (legend.len() as u16).min(area.height.saturating_sub(4));
    let [bars_area, legend_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(legend_rows)])
            .areas(block.inner(area));
    f.render_widget(block, area);
    f.render_widget(Paragraph::new(legend), legend_area);
    let inner = bars_area;
    // Three bars a month and a gap between months, as wide as the room allows.
    let n = months.len() as u16;
    let bar_width = (inner.width.saturating_sub(n) / (n * 3)).clamp(1, 8);
    let groups: Vec<BarGroup> = months
        .iter()
        .map(|r| {
            let label_style = if Some(r.row_id()) == selected {
                ctx.theme.selection
            } else {
                ctx.theme.muted
            };
            let bars: Vec<Bar> = series
                .iter()
                .zip(values(r))
                .map(|((_, style), v)| {
                    Bar::new(v.max(0) as u64)
                        .style(*style)
                        .text_value(compact(v, &r.currency))
                        .value_style(ctx.theme.base)
                })
                .collect();
            let label = format!("{:02}", r.month.month);
            BarGroup::new(bars).label(Line::styled(label, label_style))
        })
        .collect();
    let chart = BarChart::grouped(groups)
        .bar_width(bar_width)
        .bar_gap(0)
        .group_gap(1);
    f.render_widget(chart, inner);
}

/// One line per figure: name, the last month's value and growth, its sparkline under it.
fn draw_panel(months: &[&MonthRow], f: &mut Frame, area: Rect, ctx: &Ctx) {
    let Some(last) = months.last() else { return };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.theme.border)
        .title(Span::styled(
            format!(
                " {} ",
                ctx.ta("dashboard.figures", &[("month", &last.month.to_string())])
            ),
            ctx.theme.header,
        ));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let l = ctx.locale;
    let money = |v: i64| format::money(v, &last.currency, l);
    type Kpi<'a> = (&'a str, Box<dyn Fn(&MonthRow) -> i64>, String, Option<f64>);
    let kpis: Vec<Kpi> = vec![
        (
            "dashboard.collected",
            Box::new(|r: &MonthRow| r.collected),
            money(last.collected),
            last.collected_growth,
        ),
        (
            "dashboard.released",
            Box::new(|r: &MonthRow| r.released),
            money(last.released),
            last.released_growth,
        ),
        (
            "dashboard.commission",
            Box::new(|r: &MonthRow| r.commission),
            money(last.commission),
            last.commission_growth,
        ),
        (
            "dashboard.refunded",
            Box::new(|r: &MonthRow| r.refunded),
            money(last.refunded),
            last.refunded_growth,
        ),
        (
            "dashboard.referred",
            Box::new(|r: &MonthRow| r.referred_revenue),
            money(last.referred_revenue),
            last.referred_revenue_growth,
        ),
        (
            "dashboard.rewards",
            Box::new(|r: &MonthRow| r.referral_rewards),
            money(last.referral_rewards),
            last.referral_rewards_growth,
        ),
        (
            "dashboard.completed",
            Box::new(|r: &MonthRow| r.projects_completed),
            last.projects_completed.to_string(),
            None,
        ),
        (
            "dashboard.solved",
            Box::new(|r: &MonthRow| r.tickets_solved),
            last.tickets_solved.to_string(),
            None,
        ),
    ];
    let width = kpis
        .iter()
        .map(|(key, ..)| unicode_width::UnicodeWidthStr::width(tr(l, key, &[]).as_str()))
        .max()
        .unwrap_or(0)
        + 1;
    let rows = (inner.height / 2).min(kpis.len() as u16);
    let areas = Layout::vertical(vec![Constraint::Length(2); rows as usize]).split(inner);
    for ((key, get, value, growth), r) in kpis.iter().zip(areas.iter()) {
        let [text, spark] = Layout::vertical([Constraint::Length(1); 2]).areas(*r);
        let label = tr(l, key, &[]);
        let growth = match growth {
            Some(_) => format!(" {}", growth_text(*growth, l)),
            None => String::new(),
        };
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(format!("{label:<width$}"), ctx.theme.muted),
                Span::styled(value.clone(), ctx.theme.base),
                Span::styled(growth, ctx.theme.accent),
            ])),
            text,
        );
        let data: Vec<u64> = months.iter().map(|m| get(m).max(0) as u64).collect();
        f.render_widget(
            Sparkline::default().data(&data).style(ctx.theme.accent),
            spark,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_amounts_are_whole_major_units() {
        assert_eq!(compact(1_234_567_890, "XOF"), "1.2G");
        assert_eq!(compact(12_345_678, "XOF"), "12.3M");
        assert_eq!(compact(1_234_567, "EUR"), "12.3k");
        assert_eq!(compact(999, "XOF"), "999");
        assert_eq!(compact(-45_000, "XOF"), "-45.0k");
    }
}
