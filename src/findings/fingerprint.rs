//! Content fingerprints: the identity of a leaked secret, independent of where it sits.
//!
//! The fingerprint hashes only (rule id, secret), so it survives moves, renames, line shifts
//! and rebases; an ignore entry stops matching the moment the secret changes. It is a
//! domain-separated SHA-256, truncated to 128 bits (32 hex digits): enough to never collide in
//! practice, short enough to paste into an ignore file. Secrets worth reporting are high
//! entropy, so the hash cannot be reversed by guessing.

use sha2::{Digest, Sha256};

const DOMAIN: &[u8] = b"leakhound fingerprint v1\0";

/// ```
/// use leakhound::findings::fingerprint::fingerprint;
/// let a = fingerprint("slack-bot-token", b"xoxb-1234-5678-q8ZrT1mNc4VbX2kLp9SdF3gH");
/// assert_eq!(a.len(), 32);
/// // Same rule and secret, same fingerprint, wherever the secret is found.
/// assert_eq!(a, fingerprint("slack-bot-token", b"xoxb-1234-5678-q8ZrT1mNc4VbX2kLp9SdF3gH"));
/// ```
pub fn fingerprint(rule_id: &str, secret: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(rule_id.as_bytes());
    h.update([0u8]);
    h.update(secret);
    let digest = h.finalize();
    crate::encoding::hex(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn depends_on_rule_and_secret_only() {
        let a = fingerprint("aws-access-key-id", b"q8ZrT1mNc4VbX2kLp9Sd");
        assert_eq!(a.len(), 32);
        assert_eq!(a, fingerprint("aws-access-key-id", b"q8ZrT1mNc4VbX2kLp9Sd"));
        assert_ne!(a, fingerprint("aws-access-key-id", b"q8ZrT1mNc4VbX2kLp9Se"));
        assert_ne!(
            a,
            fingerprint("github-pat-classic", b"q8ZrT1mNc4VbX2kLp9Sd")
        );
        // No ambiguity between the two fields.
        assert_ne!(fingerprint("ab", b"c"), fingerprint("a", b"bc"));
    }
}
