//! The partners' read API (axum): bearer tokens with abilities, keyset pages.
