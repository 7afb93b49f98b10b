//! Reusable pieces shared by every screen.

pub mod composer;
pub mod confirm;
pub mod detail;
pub mod filter;
pub mod input;
pub mod spinner;
pub mod toast;
pub mod virtual_table;

use ratatui::layout::Rect;

/// A rectangle of at most `w`×`h` centred in `area` (popups).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
