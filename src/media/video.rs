//! A video's metadata (duration, picture size, codec) read by Mozilla's MP4 parser, which is
//! written for hostile input (fallible allocations, bounded boxes). Only the first
//! [`READ_AT_MOST`] bytes are read: a file whose index lies further is reported, not walked.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// How far into a video its index is looked for.
pub const READ_AT_MOST: u64 = 64 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VideoInfo {
    pub duration_ms: Option<u64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The picture's codec, as the container names it (H264, AV1, VP9…).
    pub codec: Option<String>,
}

/// The metadata of the MP4 at `path`, or why it cannot be read (a sentence, sanitised).
pub fn read_video(path: &Path) -> Result<VideoInfo, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(file).take(READ_AT_MOST);
    let context = mp4parse::read_mp4(&mut reader)
        .map_err(|e| crate::domain::sanitize_line(&format!("{e:?}")))?;
    let track = context
        .tracks
        .iter()
        .find(|t| t.track_type == mp4parse::TrackType::Video)
        .ok_or_else(|| "no video track".to_owned())?;
    let duration_ms = match (track.duration, track.timescale) {
        (Some(d), Some(s)) if s.0 > 0 => d.0.checked_mul(1000).map(|ms| ms / s.0),
        _ => None,
    };
    let (mut width, mut height, mut codec) = (None, None, None);
    if let Some(tkhd) = &track.tkhd {
        // 16.16 fixed point.
        width = Some(tkhd.width >> 16).filter(|w| *w > 0);
        height = Some(tkhd.height >> 16).filter(|h| *h > 0);
    }
    if let Some(stsd) = &track.stsd
        && let Some(mp4parse::SampleEntry::Video(v)) = stsd.descriptions.first()
    {
        codec = Some(format!("{:?}", v.codec_type));
        width = width.or(Some(u32::from(v.width)));
        height = height.or(Some(u32::from(v.height)));
    }
    Ok(VideoInfo {
        duration_ms,
        width,
        height,
        codec,
    })
}
