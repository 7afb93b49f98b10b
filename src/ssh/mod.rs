//! Groundwork for serving the TUI over SSH: a connection's input bytes parsed into the App's
//! own [`crate::ui::Input`] events ([`input`]), and a ratatui backend that queues the bytes to
//! send down the channel at the size the client's pty announced ([`backend`]). No networking
//! here: the server's runner owns the channel and hands bytes in and out.

pub mod backend;
pub mod input;

pub use backend::SshBackend;
pub use input::InputDecoder;
