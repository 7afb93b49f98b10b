//! Hygiene for untrusted text (names, ticket bodies, webhook payloads) before
//! it reaches a terminal. Escape sequences could move the cursor, retitle the
//! window, write to the clipboard (OSC 52) or forge hyperlinks; bidi controls
//! could reorder what staff read (Trojan Source). Whole sequences are dropped,
//! not just their ESC, so no "[31m" debris is left behind.
//!
//! A small hand-written state machine (after ECMA-48 / vt100.net's DEC parser)
//! instead of `strip-ansi-escapes`: that crate also drops tabs and does not know
//! the 8-bit C1 introducers. One pass, O(n).

/// Sanitises multi-line text: keeps '\n', turns '\t' into a space.
pub fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    strip(input, |c| match c {
        '\n' => out.push('\n'),
        '\t' => out.push(' '),
        c => out.push(c),
    });
    out
}

/// For a single table cell: also folds each run of newlines/tabs into one space.
pub fn sanitize_line(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut in_break = false;
    strip(input, |c| {
        if c == '\n' || c == '\t' {
            if !in_break {
                out.push(' ');
            }
            in_break = true;
        } else {
            out.push(c);
            in_break = false;
        }
    });
    out
}

/// For a cell of an exported spreadsheet: a text that a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@`, tab or carriage return first) gets a leading `'`, so a name typed on
/// the platform cannot become `=HYPERLINK(...)` on a finance laptop. Plain negative numbers
/// stay numbers.
pub fn spreadsheet_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '@', '\t', '\r'])
        || (text.starts_with('-') && text[1..].parse::<f64>().is_err());
    if risky {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Ground,
    /// After ESC.
    Escape,
    /// ESC followed by intermediates (0x20–0x2F), e.g. "ESC ( B".
    EscapeIntermediate,
    /// Control Sequence: ESC [ or U+009B, up to a final byte 0x40–0x7E.
    Csi,
    /// OSC, DCS, SOS, PM, APC: swallowed until BEL, ST (ESC \ or U+009C), CAN or SUB.
    ControlString,
}

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
const CAN: char = '\u{18}';
const SUB: char = '\u{1a}';
const ST_C1: char = '\u{9c}';

/// Feeds every printable char (plus '\n' and '\t') to `emit`, dropping
/// escape sequences and control/bidi characters.
fn strip(input: &str, mut emit: impl FnMut(char)) {
    let mut state = State::Ground;
    for c in input.chars() {
        state = match state {
            State::Ground => ground(c, &mut emit),
            State::Escape => match c {
                '[' => State::Csi,
                ']' | 'P' | 'X' | '^' | '_' => State::ControlString,
                ESC => State::Escape,
                CAN | SUB => State::Ground,
                '\u{20}'..='\u{2f}' => State::EscapeIntermediate,
                '\u{30}'..='\u{7e}' => State::Ground,
                // Anything else aborts the sequence; the char is treated normally.
                _ => ground(c, &mut emit),
            },
            State::EscapeIntermediate => match c {
                '\u{20}'..='\u{2f}' => State::EscapeIntermediate,
                '\u{30}'..='\u{7e}' | CAN | SUB => State::Ground,
                ESC => State::Escape,
                _ => ground(c, &mut emit),
            },
            State::Csi => match c {
                // Parameters and intermediates.
                '\u{20}'..='\u{3f}' => State::Csi,
                '\u{40}'..='\u{7e}' | CAN | SUB => State::Ground,
                ESC => State::Escape,
                // Terminals execute C0 controls inside a CSI; keep a newline.
                '\n' => {
                    emit('\n');
                    State::Csi
                }
                '\u{0}'..='\u{1f}' | '\u{7f}' => State::Csi,
                _ => ground(c, &mut emit),
            },
            State::ControlString => match c {
                BEL | ST_C1 | CAN | SUB => State::Ground,
                // ESC \ (ST) ends the string; any ESC starts a new sequence and
                // '\' is a final byte there, so both cases land in Ground.
                ESC => State::Escape,
                _ => State::ControlString,
            },
        };
    }
}

/// Handles one char outside any sequence and returns the next state.
fn ground(c: char, emit: &mut impl FnMut(char)) -> State {
    match c {
        ESC => State::Escape,
        '\u{9b}' => State::Csi,
        '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => State::ControlString,
        '\n' | '\t' => {
            emit(c);
            State::Ground
        }
        c if is_dropped(c) => State::Ground,
        c => {
            emit(c);
            State::Ground
        }
    }
}

/// C0 (incl. '\r'), DEL, C1 and the bidi embedding/override/isolate/mark controls.
fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{61c}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_ordinary_text() {
        let s = "Aminata Diop — Éloïse N'Guessan, Ouédraogo 👩🏾‍💻 北京 ١٢٣\nligne 2";
        assert_eq!(sanitize(s), s);
        assert_eq!(sanitize_line(s), s.replace('\n', " "));
    }

    #[test]
    fn removes_csi_and_simple_escapes() {
        assert_eq!(sanitize("\x1b[31mrouge\x1b[0m"), "rouge");
        assert_eq!(sanitize("a\x1b[2J\x1b[Hb"), "ab");
        assert_eq!(sanitize("a\x1b[?1049hb"), "ab");
        assert_eq!(sanitize("a\x1b(Bb"), "ab");
        assert_eq!(sanitize("a\x1b7b\x1b8c"), "abc");
        assert_eq!(sanitize("a\u{9b}31mb"), "ab");
    }

    #[test]
    fn removes_control_strings() {
        // Window title (BEL- and ST-terminated), hyperlink, clipboard write, DCS.
        assert_eq!(sanitize("a\x1b]0;pwned\x07b"), "ab");
        assert_eq!(sanitize("a\x1b]0;pwned\x1b\\b"), "ab");
        assert_eq!(
            sanitize("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"),
            "click"
        );
        assert_eq!(sanitize("a\x1b]52;c;ZXZpbA==\x07b"), "ab");
        assert_eq!(sanitize("a\x1bP+q544e\x1b\\b"), "ab");
        assert_eq!(sanitize("a\u{9d}0;t\u{9c}b"), "ab");
        assert_eq!(sanitize("a\x1b_apc\x1b\\b"), "ab");
    }

    #[test]
    fn lone_or_truncated_escapes_do_not_survive() {
        assert_eq!(sanitize("abc\x1b"), "abc");
        assert_eq!(sanitize("\x1b"), "");
        assert_eq!(sanitize("abc\x1b["), "abc");
        assert_eq!(sanitize("a\x1b\x1b[1mb"), "ab");
        assert_eq!(sanitize("a\x1bé"), "aé");
        assert_eq!(sanitize("a\x1b]unterminated"), "a");
    }

    #[test]
    fn removes_controls_and_bidi() {
        assert_eq!(sanitize("a\rb\x00c\x08d\x7fe\u{85}f"), "abcdef");
        assert_eq!(sanitize("a\tb"), "a b");
        assert_eq!(sanitize("x\u{202e}cod.exe\u{202c}y"), "xcod.exey");
        assert_eq!(
            sanitize("\u{2066}\u{2067}\u{2068}\u{2069}\u{200e}\u{200f}\u{61c}ok"),
            "ok"
        );
        assert_eq!(sanitize("l1\r\nl2"), "l1\nl2");
    }

    #[test]
    fn line_variant_folds_breaks() {
        assert_eq!(sanitize_line("a\n\n\tb\r\nc"), "a b c");
        assert_eq!(sanitize_line("a  b"), "a  b");
    }

    /// A megabyte of hostile text comes out exactly as its clean chunks, and long runs that
    /// never end a sequence are swallowed whole. (One pass, no backtracking; the time it takes
    /// is measured by `cargo bench --bench tui`, not asserted here.)
    #[test]
    fn a_megabyte_of_hostile_text() {
        let chunk = "Fatou Ndiaye \x1b[1;31mURGENT\x1b[0m \x1b]0;t\x07 é北👍\u{202e}\n";
        let clean = "Fatou Ndiaye URGENT  é北👍\n";
        assert_eq!(sanitize(chunk), clean);
        let n = 1_048_576 / chunk.len() + 1;
        let big = chunk.repeat(n);
        assert_eq!(sanitize(&big), clean.repeat(n));
        assert_eq!(sanitize_line(&big), clean.replace('\n', " ").repeat(n));
        let esc_only = "\x1b".repeat(1_048_576);
        assert_eq!(sanitize(&esc_only), "");
        let csi_params = format!("\x1b[{}", "1;".repeat(500_000));
        assert_eq!(sanitize(&csi_params), "");
    }

    #[test]
    fn formulas_never_reach_a_spreadsheet() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("+33 6 12"), "'+33 6 12");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("-2+3"), "'-2+3");
        assert_eq!(spreadsheet_safe("-1500"), "-1500");
        assert_eq!(spreadsheet_safe("Awa Diop"), "Awa Diop");
        assert_eq!(spreadsheet_safe(""), "");
    }
}
