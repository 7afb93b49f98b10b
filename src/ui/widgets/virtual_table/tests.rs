use super::*;

#[derive(Debug, PartialEq)]
struct R(i64);
impl Identified for R {
    fn row_id(&self) -> i64 {
        self.0
    }
}

fn page(ids: std::ops::Range<i64>, before: bool, after: bool) -> Page<R> {
    Page {
        rows: ids.map(R).collect(),
        has_before: before,
        has_after: after,
    }
}

#[test]
fn window_slides_and_asks_for_more() {
    let mut v = ListView::default();
    v.set_viewport(20);
    v.apply(page(0..100, false, true), Fill::Replace(Keep::Top));
    assert_eq!(v.need(), None);
    v.move_by(75);
    assert_eq!(v.need(), Some(Need::After));
    for k in 1..5 {
        v.apply(page(k * 100..(k + 1) * 100, true, true), Fill::Append);
    }
    assert_eq!(v.rows.len(), MAX_LOADED);
    assert_eq!(
        v.current(),
        Some(&R(75)),
        "cursor stays on its row as the window slides"
    );
    v.apply(page(0..10, false, true), Fill::Replace(Keep::Row(5)));
    assert_eq!(v.current(), Some(&R(5)));
    v.apply(page(0..10, true, false), Fill::Replace(Keep::Bottom));
    assert_eq!(v.current(), Some(&R(9)));
    v.move_by(-100);
    assert_eq!(v.cursor, 0);
}

fn drawn(view: &ListView<R>, columns: &[Column], width: u16) -> Vec<String> {
    let theme = Theme::load("dark", true);
    let backend = ratatui::backend::TestBackend::new(width, 6);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    terminal
        .draw(|f| {
            let cells = |r: &R| -> Vec<Cell> {
                vec![
                    format!("1,062,{:03} FCFA", r.0).into(),
                    "A project title far longer than its column".into(),
                ]
            };
            let look = TableLook {
                title: String::new(),
                focused: true,
                theme: &theme,
                empty: String::new(),
                hidden: ("+{n} hidden".into(), "+{n} hidden".into()),
            };
            draw(f, f.area(), view, columns, cells, look);
        })
        .unwrap();
    let buf = terminal.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_owned())
                .collect()
        })
        .collect()
}

/// After G on a list a little longer than a page, the count is exact once the rows before
/// the last page are in.
#[test]
fn the_end_of_a_short_list_gives_its_exact_count() {
    let mut v = ListView::default();
    v.set_viewport(20);
    v.apply(page(20..120, true, false), Fill::Replace(Keep::Bottom));
    assert_eq!(v.position_label(), "100/≥ 100");
    assert_eq!(v.need(), Some(Need::Before));
    v.apply(page(0..20, false, true), Fill::Prepend);
    assert_eq!(v.position_label(), "120/120");
    assert_eq!(v.need(), None);
}

/// A money cell wider than its column's nominal width widens the column: no leading digit
/// is lost (it used to read ",062,500 FCFA"); a text that cannot fit ends with '…'.
#[test]
fn money_is_never_clipped_and_text_is_elided_visibly() {
    let mut v = ListView::default();
    v.set_viewport(3);
    v.apply(page(500..502, false, false), Fill::Replace(Keep::Top));
    let columns = [
        Column::new("Amount", Constraint::Length(8)).right(),
        Column::new("Project", Constraint::Fill(1)),
    ];
    let lines = drawn(&v, &columns, 40);
    assert!(lines[2].contains("1,062,500 FCFA"), "{lines:#?}");
    assert!(lines[2].contains('…'), "{lines:#?}");

    // A column left out for want of room is said in the title.
    let narrow = [
        Column::new("Amount", Constraint::Length(8)).right(),
        Column::new("Project", Constraint::Length(30)).optional(),
    ];
    let lines = drawn(&v, &narrow, 24);
    assert!(lines[0].contains("+1 hidden"), "{lines:#?}");

    // Marked rows carry a mark of their own, not only a colour.
    v.toggle_selected();
    let lines = drawn(&v, &columns, 40);
    assert!(
        lines[2].contains('✓') && !lines[3].contains('✓'),
        "{lines:#?}"
    );
}

#[test]
fn a_row_that_left_the_list_leaves_the_cursor_on_nothing() {
    let mut v = ListView::default();
    v.set_viewport(20);
    v.apply(page(0..10, false, false), Fill::Replace(Keep::Top));
    v.move_by(4);
    assert_eq!(v.current(), Some(&R(4)));
    // Row 4 was acted on and no longer matches: never row 5 in its place.
    let without_4 = Page {
        rows: (0..10).filter(|i| *i != 4).map(R).collect(),
        has_before: false,
        has_after: false,
    };
    v.apply(without_4, Fill::Replace(Keep::Row(4)));
    assert_eq!(v.current(), None);
    assert_eq!(v.kept_id(), Some(4));
    assert_eq!(v.position_label(), "–/9");
    // A live refresh keeps it so; the person's own move lands next to where it was.
    v.apply(
        Page {
            rows: (0..10).filter(|i| *i != 4).map(R).collect(),
            has_before: false,
            has_after: false,
        },
        Fill::Replace(Keep::Row(4)),
    );
    assert_eq!(v.current(), None);
    v.move_by(1);
    assert_eq!(v.current(), Some(&R(5)));
    assert_eq!(v.gone, None);
    // Up from nothing goes to the row above where it was.
    v.move_by(-2);
    assert_eq!(v.current(), Some(&R(2)));
    v.apply(
        Page {
            rows: (0..10).filter(|i| *i != 2).map(R).collect(),
            has_before: false,
            has_after: false,
        },
        Fill::Replace(Keep::Row(2)),
    );
    assert_eq!(v.current(), None);
    v.move_by(-1);
    assert_eq!(v.current(), Some(&R(1)));
}
