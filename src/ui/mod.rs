//! The terminal back-office (ratatui). Never imports sqlx, never awaits the database in draw:
//! terminal events, data answers, other writers' changes and ticks meet in one select! loop.

pub mod action;
mod answers;
pub mod app;
pub mod data;
pub mod drafts;
mod draw;
mod draw_popups;
mod export;
mod filter_text;
pub mod graphics;
mod input;
pub mod keymap;
pub mod login;
pub mod notify;
pub mod options;
pub mod palette;
pub mod popup;
pub mod screens;
pub mod session;
pub mod terminal;
pub mod theme;
pub mod widgets;

mod run;

pub use input::Input;
pub use run::{Launch, follow_feed, run};
