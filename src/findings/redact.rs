//! Redaction: how a secret is shown when it must not be shown.
//!
//! Enough of the start stays visible to recognise which key it is (`AKIA…`, `ghp_…`), never
//! enough to use it. Short secrets show less, and a PEM block shows only its (public) header.

/// The redacted form of `secret`.
///
/// ```
/// use leakhound::findings::redact::redact;
/// assert_eq!(redact("xoxb-1234-5678-q8ZrT1mNc4VbX2kLp9SdF3gH"), "xoxb…");
/// assert_eq!(redact("hunter2x9"), "hu…");
/// assert_eq!(redact("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----"),
///            "-----BEGIN EC PRIVATE KEY-----…");
/// ```
pub fn redact(secret: &str) -> String {
    if let Some(header_end) = secret.find("-----BEGIN").and_then(|b| {
        let after = &secret[b + 10..];
        after.find("-----").map(|e| b + 10 + e + 5)
    }) {
        return format!("{}…", &secret[..header_end]);
    }
    let chars = secret.chars().count();
    let visible = match chars {
        0..=7 => 0,
        8..=15 => 2,
        _ => 4,
    };
    let mut out: String = secret.chars().take(visible).collect();
    out.push('…');
    out
}

/// `text` with every occurrence of each secret replaced by its redacted form.
pub fn redact_in(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    // Longest first: a secret that contains another (an encoded token holding a password) is
    // hidden whole, not around the shorter one.
    let mut secrets: Vec<&str> = secrets.iter().copied().filter(|s| !s.is_empty()).collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for secret in secrets {
        if out.contains(secret) {
            out = out.replace(secret, &redact(secret));
        }
        // A multi-line secret (PEM) starts on this line but does not fit in it: hide the
        // part of it that does.
        if let Some(first_line) = secret.lines().next() {
            if first_line.len() >= 8 && first_line.len() < secret.len() && out.contains(first_line)
            {
                out = out.replace(first_line, &redact(first_line));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake AWS key id, split so this file holds none.
    const KEY_ID: &str = concat!("AKIA", "Q3EGUZJX4PLM7N2D");

    #[test]
    fn keeps_a_short_prefix_only() {
        assert_eq!(redact(KEY_ID), "AKIA…");
        assert_eq!(redact("hunter2x9"), "hu…");
        assert_eq!(redact("abc"), "…");
        assert_eq!(redact("ключ-секрет-значение"), "ключ…");
    }

    #[test]
    fn pem_shows_header_only() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----";
        assert_eq!(redact(pem), "-----BEGIN RSA PRIVATE KEY-----…");
    }

    #[test]
    fn redacts_every_occurrence_in_a_line() {
        let line = format!("KEY={KEY_ID} # again {KEY_ID}");
        let out = redact_in(&line, &[KEY_ID]);
        assert_eq!(out, "KEY=AKIA… # again AKIA…");
        assert!(!out.contains("Q3EG"));
    }
}
