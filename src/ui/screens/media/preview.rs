//! The open item's picture above its detail: an image, or a video's poster frame, drawn with
//! what this session's terminal answered it can draw (kitty, sixel, iTerm2, else half-blocks).
//! Built once per item from the small copy the detail read (never the file itself), then
//! fitted to the pane by ratatui-image.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};
use ratatui_image::StatefulImage;
use ratatui_image::protocol::StatefulProtocol;

use super::super::Ctx;
use super::MediaDetail;

/// The most rows a preview takes, and the fewest rows left to the detail's text.
const MOST_ROWS: u16 = 16;
const TEXT_ROWS: u16 = 8;

#[derive(Default)]
pub struct Preview {
    /// The item and protocol the picture was made for, and the picture ready to draw.
    ready: Option<(i64, &'static str, StatefulProtocol)>,
}

impl Preview {
    /// Rows given to the picture in a detail pane of `area` (0: none to show, or no room).
    pub fn height(&self, d: Option<&MediaDetail>, area: Rect, ctx: &Ctx) -> u16 {
        let has_picture = d
            .and_then(|d| d.file.as_ref())
            .is_some_and(|f| f.preview.is_some());
        if !has_picture || ctx.graphics.is_none() || area.height < TEXT_ROWS + 6 {
            return 0;
        }
        (area.height - TEXT_ROWS)
            .min(MOST_ROWS)
            .min(area.height / 2 + 2)
    }

    pub fn draw(&mut self, f: &mut Frame, area: Rect, d: &MediaDetail, ctx: &Ctx) {
        let (Some(graphics), Some(picture)) = (
            ctx.graphics,
            d.file.as_ref().and_then(|f| f.preview.as_ref()),
        ) else {
            return;
        };
        let fresh = !matches!(&self.ready, Some((id, name, _)) if *id == d.row.id && *name == graphics.name());
        if fresh {
            let protocol = graphics.picker().new_resize_protocol(picture.clone());
            self.ready = Some((d.row.id, graphics.name(), protocol));
        }
        let title = ctx.ta("media_view.preview", &[("protocol", graphics.name())]);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(ctx.theme.border)
            .title(Span::styled(format!(" {title} "), ctx.theme.header));
        let inner = block.inner(area);
        f.render_widget(block, area);
        if let Some((_, _, protocol)) = &mut self.ready {
            f.render_stateful_widget(StatefulImage::default(), inner, protocol);
        }
    }
}
