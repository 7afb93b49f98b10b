//! The remembered login: a random token in a 0600 file in the data dir (only its hash is in the
//! database), tied to the database it was issued for. The TUI writes it; the TUI and the CLI
//! read it.

use std::io::Write;
use std::path::PathBuf;

use crate::config::Config;

fn token_file(config: &Config) -> PathBuf {
    config.data_dir().join("session.token")
}

/// The remembered token for `url`, if any.
pub fn load_token(config: &Config, url: &str) -> Option<String> {
    let text = std::fs::read_to_string(token_file(config)).ok()?;
    let mut lines = text.lines();
    let (for_url, token) = (lines.next()?, lines.next()?);
    (for_url == url && !token.is_empty()).then(|| token.to_owned())
}

pub fn save_token(config: &Config, url: &str, token: &str) -> std::io::Result<()> {
    let path = token_file(config);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    writeln!(f, "{url}\n{token}")
}

pub fn forget_token(config: &Config) {
    let _ = std::fs::remove_file(token_file(config));
}
