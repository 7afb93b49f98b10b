//! A spinner frame for pane titles while a request is in flight.

const FRAMES: [&str; 4] = ["◐", "◓", "◑", "◒"];

pub fn frame(tick: u64) -> &'static str {
    FRAMES[(tick % FRAMES.len() as u64) as usize]
}
