//! Structural checks a secret must pass, named in rule files (`validate = "..."`).
//!
//! A checksum turns a regex match into near-certainty: a random 36-character string that
//! happens to start with `ghp_` fails GitHub's CRC32 with probability 1 - 2^-32.

use crate::encoding::base62;

/// A named structural check; see the table in `rules/README.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// GitHub classic tokens: `<prefix>_` + 30 base62 chars + base62(CRC32 of those 30), 6 chars.
    GithubChecksum,
}

impl Validator {
    pub const NAMES: &'static [&'static str] = &["github-checksum"];

    pub fn from_name(name: &str) -> Option<Validator> {
        match name {
            "github-checksum" => Some(Validator::GithubChecksum),
            _ => None,
        }
    }

    /// True when `secret` passes the check.
    pub fn check(self, secret: &[u8]) -> bool {
        match self {
            Validator::GithubChecksum => github_checksum_ok(secret),
        }
    }
}

fn github_checksum_ok(secret: &[u8]) -> bool {
    let Some(underscore) = secret.iter().position(|&b| b == b'_') else {
        return false;
    };
    let token = &secret[underscore + 1..];
    if token.len() != 36 {
        return false;
    }
    let (body, checksum) = token.split_at(30);
    base62(u64::from(crc32fast::hash(body)), 6).as_bytes() == checksum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make(prefix: &str, body: &str) -> String {
        format!(
            "{prefix}{body}{}",
            base62(u64::from(crc32fast::hash(body.as_bytes())), 6)
        )
    }

    #[test]
    fn github_checksum_accepts_valid_and_rejects_altered() {
        let token = make("ghp_", "q8ZrT1mNc4VbX2kLp9SdF3gHj5Kw7Y");
        assert!(Validator::GithubChecksum.check(token.as_bytes()));
        let mut altered = token.clone().into_bytes();
        altered[10] = if altered[10] == b'a' { b'b' } else { b'a' };
        assert!(!Validator::GithubChecksum.check(&altered));
        assert!(!Validator::GithubChecksum.check(b"ghp_short"));
    }
}
