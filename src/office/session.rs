//! The remembered login: a random token in a 0600 file in the data dir (only its hash is in the
//! database), tied to the database it was issued for. The TUI keeps it through its `Session`;
//! the TUI and the CLI read it.

use std::io::Write;
use std::path::PathBuf;

use crate::config::Config;

/// Where one person's remembered login for one database is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginMemory {
    path: PathBuf,
    url: String,
}

impl LoginMemory {
    /// This machine's account, for the database at `url` (the data dir is the account's own).
    pub fn local(config: &Config, url: &str) -> LoginMemory {
        LoginMemory {
            path: config.data_dir().join("session.token"),
            url: url.to_owned(),
        }
    }

    /// The remembered token, if it was issued for this database.
    pub fn load(&self) -> Option<String> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        let mut lines = text.lines();
        let (for_url, token) = (lines.next()?, lines.next()?);
        (for_url == self.url && !token.is_empty()).then(|| token.to_owned())
    }

    pub fn save(&self, token: &str) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&self.path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        writeln!(f, "{}\n{token}", self.url)
    }

    pub fn forget(&self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The remembered token for `url`, if any.
pub fn load_token(config: &Config, url: &str) -> Option<String> {
    LoginMemory::local(config, url).load()
}

pub fn forget_token(config: &Config) {
    LoginMemory::local(config, "").forget();
}
