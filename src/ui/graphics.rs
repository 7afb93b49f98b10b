//! What a person's terminal can draw pictures with (kitty, sixel, iTerm2, or half-blocks, which
//! every colour terminal can), asked of that terminal itself: the local one through this
//! process's stdin and stdout, an SSH session's through its own channel. The question ends with
//! a status request every terminal answers, so a silent terminal is told apart from a slow one
//! only by a short deadline; without an answer, half-blocks.

use std::time::Duration;

use ratatui_image::FontSize;
use ratatui_image::picker::cap_parser::{Parser, QueryStdioOptions, Response};
use ratatui_image::picker::{Picker, ProtocolType};

/// How long a terminal has to answer before pictures are drawn with half-blocks.
pub const ANSWER_WITHIN: Duration = Duration::from_millis(400);

/// One session's way of drawing pictures.
#[derive(Clone)]
pub struct Graphics {
    picker: Picker,
}

impl std::fmt::Debug for Graphics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Graphics({:?})", self.picker.protocol_type())
    }
}

impl Default for Graphics {
    fn default() -> Graphics {
        Graphics::halfblocks()
    }
}

impl Graphics {
    /// Half-blocks: two pixels per cell in colour, on any terminal.
    pub fn halfblocks() -> Graphics {
        Graphics::with(ProtocolType::Halfblocks, None)
    }

    fn with(protocol: ProtocolType, font: Option<(u16, u16)>) -> Graphics {
        // A cell's size in pixels only matters to the pixel protocols; half-blocks assume 1:2.
        let (w, h) = font.filter(|(w, h)| *w > 0 && *h > 0).unwrap_or((10, 20));
        #[allow(deprecated)]
        let mut picker = Picker::from_fontsize(FontSize::new(w, h));
        picker.set_protocol_type(protocol);
        Graphics { picker }
    }

    /// The question to send to a terminal (written before any input is read).
    pub fn query() -> String {
        Parser::query(false, QueryStdioOptions::default())
    }

    pub fn picker(&self) -> &Picker {
        &self.picker
    }

    /// The protocol's name, as the detail pane says what drew a preview.
    pub fn name(&self) -> &'static str {
        match self.picker.protocol_type() {
            ProtocolType::Halfblocks => "half-blocks",
            ProtocolType::Sixel => "sixel",
            ProtocolType::Kitty => "kitty",
            ProtocolType::Iterm2 => "iTerm2",
        }
    }
}

/// Reads a terminal's answers to [`Graphics::query`] as they arrive, byte by byte.
#[derive(Default)]
pub struct Probe {
    parser: Parser,
    responses: Vec<Response>,
    done: bool,
}

impl Probe {
    pub fn new() -> Probe {
        Probe::default()
    }

    /// Takes the bytes of one read; what follows the end of the answer (keys typed already)
    /// comes back to be read as input.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        for (i, b) in bytes.iter().enumerate() {
            if self.done {
                return bytes[i..].to_vec();
            }
            for r in self.parser.push(char::from(*b)) {
                if r == Response::Status {
                    self.done = true;
                } else {
                    self.responses.push(r);
                }
            }
        }
        Vec::new()
    }

    /// The terminal has answered the whole question.
    pub fn done(&self) -> bool {
        self.done
    }

    /// What the answers say: kitty over sixel, half-blocks when neither was claimed.
    pub fn graphics(&self) -> Graphics {
        let mut protocol = ProtocolType::Halfblocks;
        let mut font = None;
        for r in &self.responses {
            match r {
                Response::Kitty => protocol = ProtocolType::Kitty,
                Response::Sixel if protocol == ProtocolType::Halfblocks => {
                    protocol = ProtocolType::Sixel
                }
                Response::CellSize(Some(size)) => font = Some(*size),
                _ => {}
            }
        }
        // Pixel protocols need the cell size; without it they would draw at the wrong scale.
        if font.is_none() {
            protocol = ProtocolType::Halfblocks;
        }
        Graphics::with(protocol, font)
    }
}

/// Asks this process's terminal (stdin and stdout, already in raw mode) and reads its answer
/// for up to `within`, without a thread left reading stdin afterwards.
#[cfg(unix)]
pub fn ask_local_terminal(within: Duration) -> Graphics {
    use std::io::Write;
    use std::os::fd::AsRawFd;
    let stdin = std::io::stdin();
    let fd = stdin.as_raw_fd();
    // SAFETY: isatty only reads the descriptor's state.
    if unsafe { libc::isatty(fd) } != 1 {
        return Graphics::halfblocks();
    }
    let mut out = std::io::stdout();
    if out.write_all(Graphics::query().as_bytes()).is_err() || out.flush().is_err() {
        return Graphics::halfblocks();
    }
    let deadline = std::time::Instant::now() + within;
    let mut probe = Probe::new();
    let mut buf = [0u8; 256];
    while !probe.done() {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            break;
        }
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, a bounded timeout.
        let ready = unsafe { libc::poll(&mut pfd, 1, left.as_millis().min(1000) as i32) };
        if ready <= 0 {
            continue;
        }
        // SAFETY: reads at most buf.len() bytes into buf, which outlives the call.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            break;
        }
        // Keys typed during the question are dropped: it is asked before the first screen.
        let _ = probe.feed(&buf[..n as usize]);
    }
    probe.graphics()
}

#[cfg(not(unix))]
pub fn ask_local_terminal(_within: Duration) -> Graphics {
    Graphics::halfblocks()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terminal_claiming_sixel_with_a_cell_size_gets_sixel() {
        let mut p = Probe::new();
        // DA1 with 4 (sixel), the cell size (16t reply: 6;height;width), then the status.
        let rest = p.feed(b"\x1b[?64;4;22c\x1b[6;20;10t\x1b[0nq");
        assert!(p.done());
        assert_eq!(rest, b"q");
        assert_eq!(p.graphics().name(), "sixel");
    }

    #[test]
    fn no_claim_or_no_cell_size_is_halfblocks() {
        let mut p = Probe::new();
        p.feed(b"\x1b[?62;22c");
        assert!(!p.done());
        p.feed(b"\x1b[0n");
        assert!(p.done());
        assert_eq!(p.graphics().name(), "half-blocks");
        let mut p = Probe::new();
        p.feed(b"\x1b[?64;4;22c\x1b[0n");
        assert_eq!(p.graphics().name(), "half-blocks");
    }
}
