//! Where a media item's files are on the disk, as spatie/laravel-medialibrary lays them out:
//! the original at `{root}/{id}/{file_name}`, conversions at
//! `{root}/{id}/conversions/{name}-{conversion}.jpg` (a video's poster frame is one). A name
//! that would leave its folder is refused, never followed.

use std::path::{Path, PathBuf};

/// The media disk's root folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaDisk {
    pub root: PathBuf,
}

/// A file name that cannot be a single name inside the item's folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsafeName;

/// Whether `name` is one plain file name: no separator, no parent step, no control character.
pub fn safe_name(name: &str) -> Result<&str, UnsafeName> {
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name.len() > 255
        || name
            .chars()
            .any(|c| matches!(c, '/' | '\\') || c.is_control());
    if bad { Err(UnsafeName) } else { Ok(name) }
}

impl MediaDisk {
    pub fn new(root: impl Into<PathBuf>) -> MediaDisk {
        MediaDisk { root: root.into() }
    }

    fn folder(&self, id: i64) -> PathBuf {
        self.root.join(id.to_string())
    }

    /// The uploaded file.
    pub fn original(&self, id: i64, file_name: &str) -> Result<PathBuf, UnsafeName> {
        Ok(self.folder(id).join(safe_name(file_name)?))
    }

    /// A conversion of the file (`thumb`, `preview`, `poster`): the file name's stem, a dash,
    /// the conversion's name, `.jpg`.
    pub fn conversion(
        &self,
        id: i64,
        file_name: &str,
        conversion: &str,
    ) -> Result<PathBuf, UnsafeName> {
        let name = safe_name(file_name)?;
        let stem = Path::new(name)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(name);
        let converted = format!("{stem}-{}.jpg", safe_name(conversion)?);
        Ok(self
            .folder(id)
            .join("conversions")
            .join(safe_name(&converted)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_where_the_media_library_puts_them() {
        let d = MediaDisk::new("/srv/media");
        assert_eq!(
            d.original(7, "capture.jpg").unwrap(),
            PathBuf::from("/srv/media/7/capture.jpg")
        );
        assert_eq!(
            d.conversion(7, "demo-site.mp4", "poster").unwrap(),
            PathBuf::from("/srv/media/7/conversions/demo-site-poster.jpg")
        );
    }

    #[test]
    fn names_never_leave_their_folder() {
        let d = MediaDisk::new("/srv/media");
        for name in [
            "../../etc/passwd",
            "a/b.jpg",
            "..",
            "",
            "x\u{1b}[2J.jpg",
            "a\\b",
        ] {
            assert_eq!(d.original(1, name), Err(UnsafeName), "{name:?}");
        }
        assert_eq!(d.conversion(1, "a.jpg", "../x"), Err(UnsafeName));
    }
}
