//! The server's Ed25519 host key: read from its file, or made on first start (private to this
//! account, 0600) so clients see the same server every time.

use std::path::Path;

use rand::RngCore;
use russh::keys::ssh_key::LineEnding;
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::{HashAlg, PrivateKey};

/// The host key at `path`, and whether it was made just now.
pub fn load_or_create(path: &Path) -> Result<(PrivateKey, bool), String> {
    if path.exists() {
        let key = PrivateKey::read_openssh_file(path)
            .map_err(|e| format!("cannot read the host key {}: {e}", path.display()))?;
        return Ok((key, false));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    let key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    key.write_openssh_file(path, LineEnding::LF)
        .map_err(|e| format!("cannot write the host key {}: {e}", path.display()))?;
    Ok((key, true))
}

/// The key's fingerprint as `ssh-keygen -l` and OpenSSH's first-connection prompt print it.
pub fn fingerprint(key: &PrivateKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}
