//! The demo's media files, laid out on the media disk as the media library keeps them (the
//! files ship in `assets/media/`): portfolio pictures, a demo video with its poster frame.
//! Attachments get no file (the detail reports it missing), and one decided portfolio item gets
//! a page of HTML under its picture's name: the content moderation must not take for an image.
//! Idempotent: a file already there is left as it is.

use std::path::Path;

use crate::media::MediaDisk;
use crate::service::ServiceError;
use crate::store::Db;
use crate::store::media::MediaFilter;

const DASHBOARD: &[u8] = include_bytes!("../../assets/media/portfolio-dashboard.jpg");
const MOBILE: &[u8] = include_bytes!("../../assets/media/portfolio-mobile.jpg");
const POSTER: &[u8] = include_bytes!("../../assets/media/demo-poster.jpg");
const VIDEO: &[u8] = include_bytes!("../../assets/media/demo-walkthrough.mp4");
/// What a hostile upload looks like: a page, named like a picture.
const NOT_AN_IMAGE: &[u8] =
    b"<!doctype html><html><body><script>document.location='https://phish.example.test'</script></body></html>\n";

fn put(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    if path.exists() {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, bytes)?;
    Ok(true)
}

/// Writes the demo's files for the media rows of `db` onto `disk`; how many it wrote.
pub async fn lay_out(db: &Db, disk: &MediaDisk) -> Result<usize, ServiceError> {
    let rows = crate::store::media::list(&mut db.clone(), &MediaFilter::default(), 200).await?;
    let io = |e: std::io::Error| ServiceError::Internal(format!("media files: {e}"));
    // The hostile example is a decided item, so every pending picture is a real one.
    let hostile = rows
        .iter()
        .filter(|m| m.collection_name == "portfolio" && m.moderation_status != "pending")
        .map(|m| m.id)
        .max();
    let mut wrote = 0;
    for m in &rows {
        let Ok(original) = disk.original(m.id, &m.file_name) else {
            continue;
        };
        let files: Vec<(std::path::PathBuf, &[u8])> = match m.collection_name.as_str() {
            "portfolio" if Some(m.id) == hostile => vec![(original, NOT_AN_IMAGE)],
            "portfolio" if m.id % 2 == 0 => vec![(original, DASHBOARD)],
            "portfolio" => vec![(original, MOBILE)],
            "demo_video" => {
                let mut files = vec![(original, VIDEO)];
                if let Ok(poster) = disk.conversion(m.id, &m.file_name, "poster") {
                    files.push((poster, POSTER));
                }
                files
            }
            _ => Vec::new(),
        };
        for (path, bytes) in files {
            if put(&path, bytes).map_err(io)? {
                wrote += 1;
            }
        }
    }
    Ok(wrote)
}
