//! A media item's file as moderation looks at it, whatever was uploaded: whether it is there,
//! what its bytes are (not what its name or MIME type claim), an image's size and a small copy
//! to preview, a video's metadata. Every read is bounded: the header is read before pixels,
//! a picture too large to decode within [`DECODE_BUDGET`] is refused by its declared size, and
//! a problem is a value to show, never a panic.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageReader, Limits};

use super::video::{VideoInfo, read_video};

/// The most memory a preview's decoding may take (pixels × 4 bytes).
pub const DECODE_BUDGET: u64 = 64 * 1024 * 1024;
/// The widest or tallest picture decoded at all.
pub const MAX_SIDE: u32 = 12_000;
/// A preview is at most this many pixels on its longer side (a terminal shows far fewer).
pub const PREVIEW_SIDE: u32 = 320;

/// What a file's first bytes say it is.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    let starts = |m: &[u8]| head.starts_with(m);
    Some(if starts(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        "image/gif"
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        "image/webp"
    } else if head.len() >= 8 && &head[4..8] == b"ftyp" {
        "video/mp4"
    } else if starts(b"\x1aE\xdf\xa3") {
        "video/webm"
    } else if starts(b"%PDF-") {
        "application/pdf"
    } else if starts(b"MZ") || starts(b"\x7fELF") {
        "application/x-executable"
    } else {
        let text = String::from_utf8_lossy(head);
        let t = text.trim_start().to_ascii_lowercase();
        if t.starts_with('{') || t.starts_with('[') {
            "application/json"
        } else if t.starts_with("<!doctype html") || t.starts_with("<html") || t.starts_with("<svg")
        {
            "text/html"
        } else {
            return None;
        }
    })
}

/// Whether the content found may be what the row claims (`video/quicktime` reads as MP4's
/// family, `image/jpg` as JPEG).
pub fn agrees(claimed: &str, found: &str) -> bool {
    let claimed = claimed.trim().to_ascii_lowercase();
    let claimed = match claimed.as_str() {
        "image/jpg" | "image/pjpeg" => "image/jpeg",
        "video/quicktime" | "video/x-m4v" | "video/3gpp" => "video/mp4",
        other => other,
    };
    claimed == found
}

/// Something wrong with a file, said to the moderator (`media_problem.<key>` in the locales).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Nothing at the path (or the disk is not reachable from here).
    Missing { path: String },
    /// The name would leave the item's folder.
    UnsafeName,
    /// The bytes are another kind of file than the row says.
    Mismatch { claimed: String, found: String },
    /// Too many pixels to decode within the budget.
    TooLarge { width: u32, height: u32 },
    /// The file cannot be read as what it is (truncated, corrupt).
    Unreadable { detail: String },
}

impl Problem {
    pub fn key(&self) -> &'static str {
        match self {
            Problem::Missing { .. } => "missing",
            Problem::UnsafeName => "unsafe_name",
            Problem::Mismatch { .. } => "mismatch",
            Problem::TooLarge { .. } => "too_large",
            Problem::Unreadable { .. } => "unreadable",
        }
    }
}

/// What was found on the disk for one item.
#[derive(Clone, Debug, Default)]
pub struct Inspection {
    /// The file looked at (the original, or the poster of a video).
    pub path: Option<PathBuf>,
    /// What its bytes are.
    pub found: Option<&'static str>,
    /// An image's size in pixels, read from its header.
    pub dimensions: Option<(u32, u32)>,
    pub video: Option<VideoInfo>,
    /// A small copy to draw (an image's, or a video's poster frame).
    pub preview: Option<DynamicImage>,
    pub problems: Vec<Problem>,
}

fn head_of(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(64);
    File::open(path)?.take(64).read_to_end(&mut head)?;
    Ok(head)
}

/// What the file at `path` is, against what the row claims: the first problem, if any.
pub fn check_kind(path: &Path, claimed: Option<&str>) -> Result<Option<&'static str>, Problem> {
    let head = head_of(path).map_err(|_| Problem::Missing {
        path: crate::domain::sanitize_line(&path.display().to_string()),
    })?;
    let found = sniff(&head);
    if let (Some(claimed), Some(found)) = (claimed, found)
        && !agrees(claimed, found)
    {
        return Err(Problem::Mismatch {
            claimed: crate::domain::sanitize_line(claimed),
            found: found.to_owned(),
        });
    }
    if found.is_none() && claimed.is_some_and(|c| c.starts_with("image/")) {
        return Err(Problem::Mismatch {
            claimed: crate::domain::sanitize_line(claimed.unwrap_or_default()),
            found: "unknown".to_owned(),
        });
    }
    Ok(found)
}

/// An image's size from its header, then a bounded decode into a preview-sized copy.
pub fn picture(path: &Path) -> Result<((u32, u32), DynamicImage), Problem> {
    let unreadable = |e: &dyn std::fmt::Display| Problem::Unreadable {
        detail: crate::domain::sanitize_line(&e.to_string()),
    };
    let open = || -> Result<ImageReader<BufReader<File>>, Problem> {
        ImageReader::open(path)
            .and_then(|r| r.with_guessed_format())
            .map_err(|e| unreadable(&e))
    };
    let (width, height) = open()?.into_dimensions().map_err(|e| unreadable(&e))?;
    let bytes = u64::from(width) * u64::from(height) * 4;
    if width > MAX_SIDE || height > MAX_SIDE || bytes > DECODE_BUDGET {
        return Err(Problem::TooLarge { width, height });
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(DECODE_BUDGET * 2);
    let mut reader = open()?;
    reader.limits(limits);
    let image = reader.decode().map_err(|e| unreadable(&e))?;
    Ok(((width, height), image.thumbnail(PREVIEW_SIDE, PREVIEW_SIDE)))
}

/// Looks at the item's file on `disk`: `original` (its path, or why none), its claimed MIME
/// type, and the poster frame's path for a video.
pub fn inspect(
    original: Result<PathBuf, super::disk::UnsafeName>,
    claimed: Option<&str>,
    poster: Option<PathBuf>,
) -> Inspection {
    let mut out = Inspection::default();
    let Ok(path) = original else {
        out.problems.push(Problem::UnsafeName);
        return out;
    };
    out.path = Some(path.clone());
    match check_kind(&path, claimed) {
        Ok(found) => out.found = found,
        Err(p) => {
            out.problems.push(p);
            // A mismatched file is not opened as what it claims.
            if poster.is_none() {
                return out;
            }
        }
    }
    match out.found {
        Some(kind) if kind.starts_with("image/") => match picture(&path) {
            Ok((dims, preview)) => {
                out.dimensions = Some(dims);
                out.preview = Some(preview);
            }
            Err(p) => out.problems.push(p),
        },
        Some("video/mp4") => match read_video(&path) {
            Ok(info) => out.video = Some(info),
            Err(detail) => out.problems.push(Problem::Unreadable { detail }),
        },
        _ => {}
    }
    if let Some(poster) = poster {
        match check_kind(&poster, Some("image/jpeg")).and_then(|_| picture(&poster)) {
            Ok((_, preview)) => out.preview = Some(preview),
            // The poster is a conversion the platform makes: its absence is said, not fatal.
            Err(p) => out.problems.push(p),
        }
    }
    out
}
