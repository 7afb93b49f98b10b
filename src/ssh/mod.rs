//! The back-office served over SSH (`obryl serve --ssh`): staff authenticate with their own
//! keys and get one `App` each, drawn down their channel at their pty's size, and nothing
//! else. [`server`] owns the listener, the limits and the shared pool and feed; [`handler`]
//! answers one connection's SSH requests; [`runner`] runs one channel's App; [`input`] parses
//! its bytes into the App's events and [`backend`] queues its frames.

pub mod backend;
pub mod handler;
pub mod host_key;
pub mod input;
pub mod runner;
pub mod server;

pub use backend::SshBackend;
pub use input::InputDecoder;
pub use server::{Server, Service};
