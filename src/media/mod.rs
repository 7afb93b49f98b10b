//! Media files as the platform keeps them (spatie/laravel-medialibrary's layout on a disk root)
//! and what moderation learns from them: the file's real kind, an image's size and preview, a
//! video's metadata. Read-only: the back-office never writes or fetches a developer's media.

pub mod disk;
pub mod inspect;
pub mod video;

pub use disk::MediaDisk;
pub use inspect::{Inspection, Problem, inspect};
pub use video::VideoInfo;
