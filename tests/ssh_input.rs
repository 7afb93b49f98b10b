//! An SSH connection's input bytes, as terminals send them, become the App's own `Input`
//! events: keys with modifiers, SGR mouse reports, bracketed paste, several events in one
//! packet, a sequence split across packets, and a lone Esc held until the runner flushes it.

use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEventKind};
use obryl::ssh::InputDecoder;
use obryl::ui::Input;

/// The keys among `inputs`, as (code, modifiers).
fn keys(inputs: &[Input]) -> Vec<(KeyCode, KeyModifiers)> {
    inputs
        .iter()
        .map(|i| match i {
            Input::Key(k) => (k.code, k.modifiers),
            other => panic!("not a key: {other:?}"),
        })
        .collect()
}

fn one_key(bytes: &[u8]) -> (KeyCode, KeyModifiers) {
    let mut d = InputDecoder::new();
    let got = keys(&d.feed(bytes));
    assert_eq!(got.len(), 1, "{bytes:?} gave {got:?}");
    got[0]
}

#[test]
fn plain_and_modified_keys() {
    let none = KeyModifiers::NONE;
    assert_eq!(one_key(b"j"), (KeyCode::Char('j'), none));
    assert_eq!(one_key(b"G"), (KeyCode::Char('G'), KeyModifiers::SHIFT));
    assert_eq!(one_key(b"\r"), (KeyCode::Enter, none));
    assert_eq!(one_key(b"\t"), (KeyCode::Tab, none));
    assert_eq!(one_key(b"\x7f"), (KeyCode::Backspace, none));
    assert_eq!(one_key(b"\x1b[A"), (KeyCode::Up, none));
    assert_eq!(one_key(b"\x1b[6~"), (KeyCode::PageDown, none));
    assert_eq!(one_key(b"\x1bOH"), (KeyCode::Home, none));
    assert_eq!(
        one_key(b"\x03"),
        (KeyCode::Char('c'), KeyModifiers::CONTROL)
    );
    assert_eq!(
        one_key(b"\x0f"),
        (KeyCode::Char('o'), KeyModifiers::CONTROL)
    );
    assert_eq!(one_key(b"\x1b[1;5A"), (KeyCode::Up, KeyModifiers::CONTROL));
    assert_eq!(
        one_key(b"\x1b[1;6C"),
        (KeyCode::Right, KeyModifiers::CONTROL | KeyModifiers::SHIFT)
    );
    assert_eq!(one_key(b"\x1bj"), (KeyCode::Char('j'), KeyModifiers::ALT));
    let (code, mods) = one_key(b"\x1b[Z");
    assert_eq!(code, KeyCode::BackTab);
    assert!(mods.contains(KeyModifiers::SHIFT), "{mods:?}");
    assert_eq!(one_key("é".as_bytes()), (KeyCode::Char('é'), none));
}

#[test]
fn sgr_mouse_reports() {
    let mut d = InputDecoder::new();
    let got = d.feed(b"\x1b[<0;10;5M\x1b[<0;10;5m\x1b[<65;3;4M");
    let mouse: Vec<_> = got
        .iter()
        .map(|i| match i {
            Input::Mouse(m) => (m.kind, m.column, m.row),
            other => panic!("not a mouse event: {other:?}"),
        })
        .collect();
    assert_eq!(
        mouse,
        vec![
            (MouseEventKind::Down(MouseButton::Left), 9, 4),
            (MouseEventKind::Up(MouseButton::Left), 9, 4),
            (MouseEventKind::ScrollDown, 2, 3),
        ]
    );
}

#[test]
fn bracketed_paste_is_one_event_even_split() {
    let mut d = InputDecoder::new();
    let got = d.feed(b"\x1b[200~first line\nsecond\x1b[201~");
    assert!(
        matches!(&got[..], [Input::Paste(t)] if t == "first line\nsecond"),
        "{got:?}"
    );
    // The same paste in three packets: nothing until its end arrives.
    assert!(d.feed(b"\x1b[200~q j ").is_empty());
    assert!(d.feed(b"k\x1b[20").is_empty());
    let got = d.feed(b"1~x");
    assert!(
        matches!(&got[..], [Input::Paste(t), Input::Key(k)] if t == "q j k" && k.code == KeyCode::Char('x')),
        "{got:?}"
    );
}

#[test]
fn several_events_in_one_packet() {
    let mut d = InputDecoder::new();
    let got = keys(&d.feed(b"jk\x1b[B/\r"));
    let codes: Vec<KeyCode> = got.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        codes,
        vec![
            KeyCode::Char('j'),
            KeyCode::Char('k'),
            KeyCode::Down,
            KeyCode::Char('/'),
            KeyCode::Enter
        ]
    );
}

#[test]
fn a_sequence_split_across_packets() {
    let mut d = InputDecoder::new();
    assert!(d.feed(b"\x1b").is_empty());
    assert!(d.feed(b"[1;").is_empty());
    assert_eq!(
        keys(&d.feed(b"5Aj")),
        vec![
            (KeyCode::Up, KeyModifiers::CONTROL),
            (KeyCode::Char('j'), KeyModifiers::NONE)
        ]
    );
    // A mouse report cut in its middle.
    assert!(d.feed(b"\x1b[<0;1").is_empty());
    let got = d.feed(b"2;7M");
    assert!(
        matches!(&got[..], [Input::Mouse(m)] if m.column == 11 && m.row == 6),
        "{got:?}"
    );
    // A multi-byte character cut in two.
    let e = "é".as_bytes();
    assert!(d.feed(&e[..1]).is_empty());
    assert_eq!(
        keys(&d.feed(&e[1..])),
        vec![(KeyCode::Char('é'), KeyModifiers::NONE)]
    );
}

#[test]
fn a_lone_esc_waits_for_the_flush() {
    let mut d = InputDecoder::new();
    // Held: it may begin a sequence.
    assert!(d.feed(b"\x1b").is_empty());
    assert_eq!(
        keys(&d.flush_pending()),
        vec![(KeyCode::Esc, KeyModifiers::NONE)]
    );
    // Nothing held: the flush gives nothing.
    assert!(d.flush_pending().is_empty());
    // Esc then a key in one packet: Esc as Alt, as terminals send it.
    assert_eq!(
        keys(&d.feed(b"\x1bq")),
        vec![(KeyCode::Char('q'), KeyModifiers::ALT)]
    );
    // Esc Esc in one packet (Alt-Esc to the parser) is one Esc, with nothing held.
    assert_eq!(
        keys(&d.feed(b"\x1b\x1b")),
        vec![(KeyCode::Esc, KeyModifiers::NONE)]
    );
    assert!(d.flush_pending().is_empty());
    // A sequence split before its end survives a flush: the rest completes it.
    assert!(d.feed(b"\x1b[").is_empty());
    assert!(d.flush_pending().is_empty());
    assert_eq!(
        keys(&d.feed(b"B")),
        vec![(KeyCode::Down, KeyModifiers::NONE)]
    );
}
