//! Drawing an App through the SSH backend: the bytes it queues, read back through a terminal
//! emulator (`vt100`) the size of the client's pty, show the screen; a window change redraws
//! at the new size; the session's setup and teardown sequences switch the client's modes.

mod common;

use common::ui::{Harness, demo_db};
use obryl::domain::Locale;
use obryl::ssh::{SshBackend, backend};
use obryl::ui::screens::TabId;
use ratatui::Terminal;

/// Draws the harness's app through the backend and returns the bytes for the channel.
fn frame(term: &mut Terminal<SshBackend>, h: &mut Harness) -> Vec<u8> {
    term.draw(|f| h.app.draw(f)).expect("draw");
    term.backend_mut().take_output()
}

/// What the client's terminal shows after `bytes`.
fn screen(client: &mut vt100::Parser, bytes: &[u8]) -> String {
    client.process(bytes);
    client.screen().contents()
}

#[tokio::test]
async fn the_login_screen_reaches_the_client_at_its_size() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::login_screen(&db, Locale::En).await;
    h.resize(80, 24);
    let mut term = Terminal::new(SshBackend::new(80, 24)).expect("terminal");
    let mut client = vt100::Parser::new(24, 80, 0);
    client.process(&backend::setup_sequence());
    assert!(client.screen().alternate_screen());
    assert!(client.screen().hide_cursor());
    assert!(client.screen().bracketed_paste());
    assert_ne!(
        client.screen().mouse_protocol_encoding(),
        vt100::MouseProtocolEncoding::Default
    );

    let text = screen(&mut client, &frame(&mut term, &mut h));
    assert!(text.contains("Obryl"), "{text}");
    assert!(text.to_lowercase().contains("password"), "{text}");
    // Nothing drawn past the pty's 80 columns.
    assert!(text.lines().all(|l| l.chars().count() <= 80));
    assert_eq!(
        term.size().expect("size"),
        ratatui::layout::Size::new(80, 24)
    );

    client.process(&backend::teardown_sequence());
    assert!(!client.screen().alternate_screen());
    assert!(!client.screen().hide_cursor());
    assert!(!client.screen().bracketed_paste());
    assert_eq!(
        client.screen().mouse_protocol_mode(),
        vt100::MouseProtocolMode::None
    );
}

#[tokio::test]
async fn a_list_is_drawn_and_a_window_change_redraws_it() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "finance@obryl.test", Locale::En, TabId::Projects).await;
    h.resize(80, 24);
    h.pump().await;
    let mut term = Terminal::new(SshBackend::new(80, 24)).expect("terminal");
    let mut client = vt100::Parser::new(24, 80, 0);
    let small = screen(&mut client, &frame(&mut term, &mut h));
    assert!(small.contains("Projects"), "{small}");
    assert!(small.contains("Commissions"), "{small}");
    assert!(small.contains("Budget") && small.contains("XOF"), "{small}");
    assert!(!small.contains("Deadline"), "{small}");
    let rows_small = small.lines().filter(|l| !l.trim().is_empty()).count();

    // The client's window grows: the runner sets the size, the next draw fills it.
    term.backend_mut().set_size(120, 40);
    h.resize(120, 40);
    h.pump().await;
    client.screen_mut().set_size(40, 120);
    let large = screen(&mut client, &frame(&mut term, &mut h));
    assert_eq!(
        term.size().expect("size"),
        ratatui::layout::Size::new(120, 40)
    );
    assert!(large.lines().any(|l| l.chars().count() > 80), "{large}");
    // The column left out at 80 columns is drawn at 120.
    assert!(large.contains("Deadline"), "{large}");
    let rows_large = large.lines().filter(|l| !l.trim().is_empty()).count();
    assert!(
        rows_large > rows_small,
        "{rows_small} rows, then {rows_large}"
    );
}
