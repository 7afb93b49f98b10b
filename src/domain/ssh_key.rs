//! OpenSSH public keys as staff paste them (`ssh-ed25519 AAAA… comment`, one line of an
//! `authorized_keys` or `.pub` file): the algorithm, the base64 blob, and its fingerprint as
//! `ssh-keygen -l` prints it (`SHA256:` and the unpadded base64 of the blob's SHA-256). The
//! blob must decode and name the same algorithm as the line, and hold a key of that kind.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use sha2::{Digest, Sha256};

/// The algorithms accepted, as OpenSSH names them.
pub const ALGORITHMS: &[&str] = &[
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "ssh-rsa",
];

/// A parsed public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshPublicKey {
    pub algorithm: String,
    /// The blob in base64, as OpenSSH writes it.
    pub public_key: String,
    pub fingerprint: String,
    pub comment: Option<String>,
}

/// Why a line is not an accepted key: the code of its message (`error.invalid_message`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SshKeyError {
    /// Nothing given, or not `algorithm base64 [comment]`.
    Malformed,
    /// An algorithm other than [`ALGORITHMS`] (DSA, security keys, certificates…).
    Unsupported,
    /// The base64 does not decode, or the blob does not hold a key of its algorithm.
    BadBlob,
}

impl SshKeyError {
    pub fn code(self) -> &'static str {
        match self {
            SshKeyError::Malformed => "ssh_key_malformed",
            SshKeyError::Unsupported => "ssh_key_unsupported",
            SshKeyError::BadBlob => "ssh_key_bad_blob",
        }
    }
}

/// `SHA256:…` of a key blob, as `ssh-keygen -l` prints it.
pub fn fingerprint(blob: &[u8]) -> String {
    format!("SHA256:{}", STANDARD_NO_PAD.encode(Sha256::digest(blob)))
}

/// Reads the SSH wire strings of a blob (each a big-endian u32 length and its bytes).
fn strings(mut blob: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out = Vec::new();
    while !blob.is_empty() {
        let len = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?) as usize;
        let s = blob.get(4..4usize.checked_add(len)?)?;
        out.push(s);
        blob = &blob[4 + len..];
    }
    Some(out)
}

/// Whether the blob's fields are those of a key of `algorithm`.
fn well_formed(algorithm: &str, fields: &[&[u8]]) -> bool {
    if fields.first().copied() != Some(algorithm.as_bytes()) {
        return false;
    }
    match algorithm {
        "ssh-ed25519" => fields.len() == 2 && fields[1].len() == 32,
        "ssh-rsa" => fields.len() == 3 && !fields[1].is_empty() && fields[2].len() >= 128,
        curve => {
            let name = curve.trim_start_matches("ecdsa-sha2-");
            fields.len() == 3 && fields[1] == name.as_bytes() && fields[2].first() == Some(&4)
        }
    }
}

/// Parses one public-key line. Leading options (as in `authorized_keys`) are not accepted.
pub fn parse(line: &str) -> Result<SshPublicKey, SshKeyError> {
    let mut parts = line.split_whitespace();
    let (Some(algorithm), Some(b64)) = (parts.next(), parts.next()) else {
        return Err(SshKeyError::Malformed);
    };
    if !ALGORITHMS.contains(&algorithm) {
        let known = ["ssh-", "ecdsa-", "sk-"];
        return Err(if known.iter().any(|p| algorithm.starts_with(p)) {
            SshKeyError::Unsupported
        } else {
            SshKeyError::Malformed
        });
    }
    let blob = STANDARD.decode(b64).map_err(|_| SshKeyError::BadBlob)?;
    let fields = strings(&blob).ok_or(SshKeyError::BadBlob)?;
    if !well_formed(algorithm, &fields) {
        return Err(SshKeyError::BadBlob);
    }
    let comment = parts.collect::<Vec<_>>().join(" ");
    Ok(SshPublicKey {
        algorithm: algorithm.to_owned(),
        public_key: b64.to_owned(),
        fingerprint: fingerprint(&blob),
        comment: (!comment.is_empty()).then_some(comment),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_a_key() {
        assert_eq!(parse(""), Err(SshKeyError::Malformed));
        assert_eq!(parse("hello"), Err(SshKeyError::Malformed));
        assert_eq!(parse("ssh-dss AAAA"), Err(SshKeyError::Unsupported));
        assert_eq!(parse("ssh-ed25519 !!!"), Err(SshKeyError::BadBlob));
        // A blob naming another algorithm than its line.
        let rsa_name = STANDARD.encode(b"\0\0\0\x07ssh-rsa");
        assert_eq!(
            parse(&format!("ssh-ed25519 {rsa_name}")),
            Err(SshKeyError::BadBlob)
        );
    }
}
