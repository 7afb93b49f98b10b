//! Obryl back-office: the staff terminal program over the Obryl Tech marketplace database.
//!
//! Layers, dependencies pointing down only: `ui`/`cli` -> `service` -> `store` -> `domain`.

pub mod cli;
pub mod config;
pub mod domain;
pub mod logging;
pub mod service;
pub mod store;
pub mod ui;
