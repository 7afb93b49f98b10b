//! One person at one connection: who is logged in and through which back-office session,
//! where the connection comes from, their language and colours, their drafts, their
//! remembered login and what they last copied. An `App` draws for exactly one `Session`; a
//! process may hold many (the local terminal holds one, the SSH server one per channel).

use std::path::PathBuf;

use crate::domain::Locale;
use crate::office::session::LoginMemory;
use crate::service::{Actor, Origin};

use super::options::AppOptions;
use super::theme::Theme;

/// The token of a back-office session: kept by the remembered-login store when remembered,
/// ended when the connection closes otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionToken {
    pub token: String,
    pub remembered: bool,
}

pub struct Session {
    /// Where this connection comes from: the channel, and a source taken from the connection
    /// itself (the operating-system account for a local terminal, the peer address for a
    /// network one). Audit rows and login throttling use it.
    pub origin: Origin,
    /// The staff member logged in (None at the login screen).
    pub actor: Option<Actor>,
    /// Their back-office session (None before login and after it ended).
    pub token: Option<SessionToken>,
    pub locale: Locale,
    pub theme: Theme,
    /// Where composer drafts are kept, one folder per staff member (None: not kept).
    pub drafts: Option<PathBuf>,
    /// Where a remembered login is kept for the next start (None: logins are not remembered
    /// here, e.g. a connection authenticated by its own key).
    pub logins: Option<LoginMemory>,
    /// The last text copied (`y`), also sent to the person's terminal by the runner.
    pub clipboard: Option<String>,
    /// How this person's terminal draws pictures, as it answered (None: previews are off).
    pub graphics: Option<super::graphics::Graphics>,
}

impl Session {
    /// The person at this machine's own terminal, as the options configure it.
    pub fn local(opts: &AppOptions, logins: Option<LoginMemory>) -> Session {
        Session::new(Origin::tui(), opts, logins)
    }

    /// A connection coming from `origin`, with the options' language and colours until
    /// someone logs in.
    pub fn new(origin: Origin, opts: &AppOptions, logins: Option<LoginMemory>) -> Session {
        Session {
            origin,
            actor: None,
            token: None,
            locale: opts.locale,
            theme: Theme::load(&opts.theme, opts.no_color),
            drafts: opts.drafts_dir.clone(),
            logins,
            clipboard: None,
            graphics: (opts.graphics != super::options::GraphicsMode::Off)
                .then(super::graphics::Graphics::halfblocks),
        }
    }

    /// The folder of the logged-in staff member's drafts: two people drafting on the same
    /// record each keep their own.
    pub fn drafts_dir(&self) -> Option<PathBuf> {
        let user = self.actor.as_ref()?.id;
        Some(self.drafts.as_ref()?.join(format!("u{user}")))
    }

    /// Keeps `token` for the next start, if this connection remembers logins.
    pub fn remember(&self, token: &str) -> std::io::Result<()> {
        match &self.logins {
            Some(store) => store.save(token),
            None => Ok(()),
        }
    }

    /// Forgets a remembered login: nothing opens it any more.
    pub fn forget(&self) {
        if let Some(store) = &self.logins {
            store.forget();
        }
    }
}
