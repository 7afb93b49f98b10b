//! Media moderation's rules: the collections and states of a media item, and the embed
//! allowlist (a 3D scene or a video is shown from a host the platform trusts, or not at all).
//! Pure: the address is read, never fetched.

/// The media library's collections, as the platform names them.
pub const COLLECTIONS: [&str; 4] = ["portfolio", "demo_video", "embed_3d", "attachments"];

/// Moderation states: pending until staff decide.
pub const STATUSES: [&str; 3] = ["pending", "approved", "rejected"];

/// The hosts embeds may come from when the configuration names none.
pub const DEFAULT_EMBED_HOSTS: [&str; 4] = [
    "my.spline.design",
    "sketchfab.com",
    "www.youtube.com",
    "player.vimeo.com",
];

/// Where embeds may come from: exact host names, compared without case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbedPolicy {
    pub hosts: Vec<String>,
}

impl Default for EmbedPolicy {
    fn default() -> EmbedPolicy {
        EmbedPolicy::new(DEFAULT_EMBED_HOSTS.iter().map(|h| h.to_string()))
    }
}

/// Why an embed address is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmbedRefusal {
    /// Not an absolute URL at all.
    NotAUrl,
    /// Only `https` embeds are shown to clients.
    NotHttps { scheme: String },
    /// A user name or password in the address (a phishing shape).
    Credentials,
    /// The host is not on the allowlist.
    HostNotAllowed { host: String },
}

impl EmbedRefusal {
    /// The key of its message under `error.invalid_message`.
    pub fn key(&self) -> &'static str {
        match self {
            EmbedRefusal::NotAUrl => "embed_not_a_url",
            EmbedRefusal::NotHttps { .. } => "embed_not_https",
            EmbedRefusal::Credentials => "embed_credentials",
            EmbedRefusal::HostNotAllowed { .. } => "embed_host_not_allowed",
        }
    }
}

impl EmbedPolicy {
    pub fn new(hosts: impl IntoIterator<Item = String>) -> EmbedPolicy {
        EmbedPolicy {
            hosts: hosts
                .into_iter()
                .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
        }
    }

    /// Whether `address` may be shown: https, no credentials, a host on the list exactly
    /// (`evil.my.spline.design` and `my.spline.design.evil.test` are other hosts).
    pub fn check(&self, address: &str) -> Result<(), EmbedRefusal> {
        let url = url::Url::parse(address.trim()).map_err(|_| EmbedRefusal::NotAUrl)?;
        if url.scheme() != "https" {
            return Err(EmbedRefusal::NotHttps {
                scheme: url.scheme().to_owned(),
            });
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(EmbedRefusal::Credentials);
        }
        let host = url
            .host_str()
            .ok_or(EmbedRefusal::NotAUrl)?
            .trim_end_matches('.')
            .to_ascii_lowercase();
        if self.hosts.contains(&host) {
            Ok(())
        } else {
            Err(EmbedRefusal::HostNotAllowed { host })
        }
    }

    /// The allowed hosts, as a message lists them.
    pub fn listed(&self) -> String {
        self.hosts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_hosts_over_https_pass() {
        let p = EmbedPolicy::default();
        assert_eq!(p.check("https://my.spline.design/scene-1a2b/"), Ok(()));
        assert_eq!(p.check("https://WWW.YouTube.com/embed/xyz"), Ok(()));
        assert_eq!(p.check("https://my.spline.design./x"), Ok(()));
        for (address, refusal) in [
            (
                "https://demos.example.com/three/x/",
                EmbedRefusal::HostNotAllowed {
                    host: "demos.example.com".into(),
                },
            ),
            (
                "https://evil.my.spline.design/x",
                EmbedRefusal::HostNotAllowed {
                    host: "evil.my.spline.design".into(),
                },
            ),
            (
                "https://my.spline.design.evil.test/x",
                EmbedRefusal::HostNotAllowed {
                    host: "my.spline.design.evil.test".into(),
                },
            ),
            (
                "http://my.spline.design/x",
                EmbedRefusal::NotHttps {
                    scheme: "http".into(),
                },
            ),
            (
                "javascript:alert(1)",
                EmbedRefusal::NotHttps {
                    scheme: "javascript".into(),
                },
            ),
            (
                "https://my.spline.design@evil.test/x",
                EmbedRefusal::Credentials,
            ),
            ("my.spline.design/x", EmbedRefusal::NotAUrl),
            ("", EmbedRefusal::NotAUrl),
        ] {
            assert_eq!(p.check(address), Err(refusal), "{address}");
        }
    }

    #[test]
    fn the_list_is_configurable() {
        let p = EmbedPolicy::new(["Demos.Example.com ".to_string(), String::new()]);
        assert_eq!(p.hosts, vec!["demos.example.com"]);
        assert_eq!(p.check("https://demos.example.com/three/x/"), Ok(()));
        assert!(p.check("https://my.spline.design/x").is_err());
    }
}
