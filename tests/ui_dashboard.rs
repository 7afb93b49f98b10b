//! The dashboard (`:dashboard`) as finance meets it on the seeded demo: the month table shows
//! the figures `office::analytics` computes, Enter on a month lands on the commissions paid
//! that month, and staff without analytics.view are refused before it opens.

mod common;

use common::ui::{Harness, demo_db};
use crossterm::event::KeyCode;
use obryl::domain::{Currency, Locale};
use obryl::office::analytics::{self, YearMonth};
use obryl::office::format::money;
use obryl::store::Db;
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;

async fn open(db: &Db, email: &str) -> Harness {
    let mut h = Harness::new(db, email, Locale::En, TabId::Projects).await;
    h.char(':').await;
    h.type_text("dashboard").await;
    h.key(KeyCode::Enter).await;
    h
}

#[tokio::test]
async fn finance_reads_the_months_and_opens_a_months_paid_commissions() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, "finance@obryl.test").await;
    assert_eq!(h.app.tab, TabId::Dashboard);
    h.pump_until("the months", |app| {
        !app.screens.dashboard.list.rows.is_empty()
    })
    .await;
    let screen = &h.app.screens.dashboard;
    assert_eq!(screen.list.rows.len(), 12);
    let (end, currency) = (screen.end, screen.currency);
    let expected = analytics::money_and_counts(&mut db.clone(), end.plus(-11), end, Some(currency))
        .await
        .unwrap();
    let shown: Vec<_> = screen.list.rows.iter().rev().cloned().collect();
    assert_eq!(
        shown, expected,
        "the table is the read model's months, newest first"
    );

    // The month with the most commission paid: its commissions are what Enter opens.
    let best = expected
        .iter()
        .max_by_key(|r| r.commission)
        .unwrap()
        .clone();
    assert!(best.commission > 0, "the demo pays commissions");
    let text = h.render(160, 45);
    assert!(
        text.contains(&money(best.commission, currency.code(), Locale::En)),
        "{text}"
    );
    let at = h
        .app
        .screens
        .dashboard
        .list
        .rows
        .iter()
        .position(|r| r.month == best.month)
        .unwrap();
    h.char('g').await;
    for _ in 0..at {
        h.key(KeyCode::Down).await;
    }
    h.key(KeyCode::Enter).await;
    assert_eq!(h.app.tab, TabId::Commissions);
    h.pump_until("the paid commissions", |app| {
        !app.screens.commissions.list.rows.is_empty()
    })
    .await;
    let rows = &h.app.screens.commissions.list.rows;
    assert!(rows.iter().all(|c| c.status == "paid"));
    assert!(rows.iter().all(|c| c.currency == currency.code()));
    assert!(
        rows.iter()
            .all(|c| c.paid_at.map(YearMonth::of) == Some(best.month))
    );
    let total: i64 = rows.iter().map(|c| c.amount).sum();
    assert_eq!(total, best.commission, "the bar counts exactly these");
}

#[tokio::test]
async fn s_offers_the_currencies_with_figures_and_never_mixes_two() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, "finance@obryl.test").await;
    h.pump_until("the months", |app| {
        !app.screens.dashboard.list.rows.is_empty()
    })
    .await;
    let end = h.app.screens.dashboard.end;
    let all = analytics::money_and_counts(&mut db.clone(), end.plus(-11), end, None)
        .await
        .unwrap();
    let mut with_money: Vec<String> = all
        .iter()
        .filter(|r| r.collected + r.released + r.commission + r.refunded != 0)
        .map(|r| r.currency.clone())
        .collect();
    with_money.sort();
    with_money.dedup();
    assert!(with_money.len() > 1 && with_money.len() < Currency::ALL.len());
    h.char('s').await;
    h.pump_until("the currencies", |app| {
        matches!(
            &app.popup,
            Some(Popup::Picker {
                options: Some(_),
                ..
            })
        )
    })
    .await;
    let Some(Popup::Picker {
        options: Some(options),
        ..
    }) = &h.app.popup
    else {
        unreachable!()
    };
    let offered: Vec<String> = options.iter().map(|(o, _)| o.clone()).collect();
    assert_eq!(offered, with_money, "only currencies with figures");
    let first = h.app.screens.dashboard.currency;
    let other = offered.iter().position(|c| c != first.code()).unwrap();
    for _ in 0..other {
        h.key(KeyCode::Down).await;
    }
    h.key(KeyCode::Enter).await;
    let chosen = offered[other].clone();
    h.pump_until("the other currency", move |app| {
        app.screens.dashboard.currency.code() == chosen
            && !app.screens.dashboard.list.rows.is_empty()
            && app
                .screens
                .dashboard
                .list
                .rows
                .iter()
                .all(|r| r.currency == app.screens.dashboard.currency.code())
    })
    .await;
    let text = h.render(160, 45);
    assert!(
        text.contains(&format!("filter: currency:{}", offered[other])),
        "{text}"
    );
    assert!(text.contains(" · period: "), "{text}");
}

#[tokio::test]
async fn no_later_month_and_no_filter_it_cannot_use() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, "finance@obryl.test").await;
    h.pump_until("the months", |app| {
        !app.screens.dashboard.list.rows.is_empty()
    })
    .await;
    let end = h.app.screens.dashboard.end;
    h.char(']').await;
    assert_eq!(h.app.screens.dashboard.end, end, "no month after this one");
    assert!(
        h.app
            .toast
            .take()
            .is_some_and(|t| t.text.contains("current month"))
    );
    h.char('/').await;
    h.type_text("2026-1").await;
    h.key(KeyCode::Enter).await;
    let said = h.app.last_error.clone().unwrap_or_default();
    assert!(
        said.contains("2026-1"),
        "the unusable text is named: {said}"
    );
    assert!(
        matches!(h.app.popup, Some(Popup::Filter { .. })),
        "the bar stays open"
    );
    h.key(KeyCode::Esc).await;
    let text = h.render(160, 45);
    assert!(text.contains("Projects done/new"), "{text}");
}

#[tokio::test]
async fn support_is_refused_the_dashboard_naming_the_permission() {
    let (db, _dir) = demo_db().await;
    let h = open(&db, "support@obryl.test").await;
    assert_ne!(h.app.tab, TabId::Dashboard);
    let text = h
        .app
        .last_error
        .clone()
        .or(h.app.toast.as_ref().map(|t| t.text.clone()))
        .unwrap_or_default();
    assert!(text.contains("analytics.view"), "{text}");
}

/// At 80×24 the chart's legend still prints the selected month's three figures whole: the
/// chart reads without colour, and no amount loses digits.
#[tokio::test]
async fn a_small_terminal_prints_every_figure_of_the_month_whole() {
    let (db, _dir) = demo_db().await;
    let mut h = open(&db, "finance@obryl.test").await;
    h.pump_until("the months", |app| {
        !app.screens.dashboard.list.rows.is_empty()
    })
    .await;
    h.key(KeyCode::Down).await;
    let r = h.app.screens.dashboard.list.current().cloned().unwrap();
    let text = h.render(80, 24);
    // The legend: the lines with a series marker (the table below has none).
    let legend: String = text
        .lines()
        .filter(|l| l.contains('■'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(legend.contains(&r.month.to_string()), "{text}");
    for v in [r.collected, r.released, r.commission] {
        let amount = money(v, &r.currency, Locale::En);
        assert!(legend.contains(&amount), "{amount} in\n{legend}");
    }
}

/// `f` on a month opens the tickets whose SLA breached that month: the Tickets tab, filtered
/// `breached:YYYY-MM`, holding exactly the tickets the database says breached in it.
#[tokio::test]
async fn f_opens_the_tickets_breached_that_month() {
    let (db, _dir) = demo_db().await;
    let Db::Sqlite(pool) = &db else {
        unreachable!("the demo is SQLite")
    };
    let mut h = open(&db, "finance@obryl.test").await;
    h.pump_until("the months", |app| {
        !app.screens.dashboard.list.rows.is_empty()
    })
    .await;
    let now = h.app.now.timestamp();
    let breached_in = |month: YearMonth| {
        let (from, to) = (month.start().timestamp(), month.next().start().timestamp());
        sqlx::query_scalar::<_, i64>(
            "SELECT id FROM support_tickets WHERE sla_breach_at >= ? AND sla_breach_at < ? \
             ORDER BY id",
        )
        .bind(from)
        .bind(to.min(now))
        .fetch_all(pool)
    };
    // The month of the twelve with the most breaches.
    let months: Vec<YearMonth> = h
        .app
        .screens
        .dashboard
        .list
        .rows
        .iter()
        .map(|r| r.month)
        .collect();
    let mut best = (0, 0);
    for (i, m) in months.iter().enumerate() {
        let n = breached_in(*m).await.unwrap().len();
        if n > best.1 {
            best = (i, n);
        }
    }
    assert!(
        best.1 > 0,
        "the demo breaches some SLA in its last twelve months"
    );
    for _ in 0..best.0 {
        h.key(KeyCode::Down).await;
    }
    let month = h.app.screens.dashboard.list.current().unwrap().month;
    h.char('f').await;
    assert_eq!(h.app.tab, TabId::Tickets);
    h.pump_until("the tickets", |app| {
        app.screens.tickets.list.state != obryl::ui::widgets::virtual_table::PaneState::Loading
    })
    .await;
    assert_eq!(
        h.app.screens.tickets.filter_raw,
        format!("breached:{month}")
    );
    let expected = breached_in(month).await.unwrap();
    let mut shown: Vec<i64> = h
        .app
        .screens
        .tickets
        .list
        .rows
        .iter()
        .map(|r| r.id)
        .collect();
    shown.sort_unstable();
    assert_eq!(shown, expected);
}

/// The referral figures of the months: referred revenue and the rewards it earned in the table
/// (160×45: every column), the 12-month figures panel and the month's detail with the share
/// given back; at 80×24 the table keeps its first columns whole and says the others are
/// hidden. Snapshots in both languages.
#[tokio::test]
async fn referral_figures_per_month_in_both_languages() {
    let (db, _dir) = demo_db().await;
    for locale in [Locale::En, Locale::Fr] {
        let mut h = Harness::new(&db, "finance@obryl.test", locale, TabId::Projects).await;
        h.char(':').await;
        h.type_text("dashboard").await;
        h.key(KeyCode::Enter).await;
        h.pump_until("the months", |app| {
            !app.screens.dashboard.list.rows.is_empty()
        })
        .await;
        let rows = h.app.screens.dashboard.list.rows.clone();
        let best = rows
            .iter()
            .max_by_key(|r| r.referred_revenue)
            .unwrap()
            .clone();
        assert!(
            best.referral_rewards > 0 && best.referred_revenue > best.referral_rewards,
            "the demo earns rewards: {best:?}"
        );
        assert!(best.referred_revenue <= best.commission, "{best:?}");
        let (lang, referred, rewards, share) = match locale {
            Locale::En => ("en", "Referred", "Rewards", "Given back as rewards"),
            Locale::Fr => ("fr", "Parrainé", "Récompenses", "Reversé en récompenses"),
        };
        let text = h.render(160, 45);
        assert!(
            text.lines()
                .any(|l| l.contains(referred) && l.contains(rewards) && l.contains("│")),
            "both columns at 160×45:\n{text}"
        );
        // The month's row of the table (the chart's legend is the one with the markers).
        let line = text
            .lines()
            .find(|l| l.contains(&best.month.to_string()) && !l.contains('■'))
            .unwrap();
        for v in [best.referred_revenue, best.referral_rewards] {
            assert!(line.contains(&money(v, &best.currency, locale)), "{line}");
        }
        insta::assert_snapshot!(format!("dashboard_{lang}_160x45"), text);

        let at = rows.iter().position(|r| r.month == best.month).unwrap();
        for _ in 0..at {
            h.char('j').await;
        }
        h.char('d').await;
        h.pump_until("the month's detail", |app| {
            app.screens.dashboard.detail.content.is_some()
        })
        .await;
        let text = h.render(160, 45);
        let pct = analytics::percent(best.referral_rewards, best.referred_revenue).unwrap();
        let pct = format!("{} %", obryl::office::format::decimal(pct, locale));
        assert!(
            text.lines().any(|l| l.contains(share) && l.contains(&pct)),
            "{pct} in\n{text}"
        );
        h.char('d').await;
        h.char('g').await;
        let text = h.render(80, 24);
        // The pane's lines are exactly as wide as the screen.
        for line in text.lines().skip(2).take(21) {
            assert_eq!(unicode_width::UnicodeWidthStr::width(line), 80, "{line:?}");
        }
        insta::assert_snapshot!(format!("dashboard_{lang}_80x24"), text);
    }
}
