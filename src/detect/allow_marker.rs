//! Inline allow comments: a marker in the scanned text itself that says "this one is not a
//! secret" (a test fixture, a public sandbox key, a hash that looks random).
//!
//! Markers, case-sensitive:
//!
//! | marker | where it applies |
//! |---|---|
//! | `leakhound:allow` | its own line, or the next line when it stands on a line of its own |
//! | `leakhound:allow <fingerprint prefix>...` | the same, but only to findings whose fingerprint starts with a prefix |
//! | `gitleaks:allow`, `pragma: allowlist secret` | like `leakhound:allow` (for teams migrating) |
//! | `pragma: allowlist nextline secret` | the next line only (detect-secrets' form) |
//!
//! A marker allows only findings that *start* on its line (or, from a comment line of its
//! own, on the line right below), never more: a trailing marker on a line of code does not
//! reach the next line, because that line is not "right below a comment".
//!
//! Positional markers are positional by nature: if the secret on an allowed line is replaced by
//! another one, the plain marker allows the new secret too. The pinned form
//! (`leakhound:allow 5c0f3b8e`) names the finding by a prefix of its fingerprint (a hash of
//! rule and secret), so it stops matching the moment the secret changes. Audits can ignore
//! every marker with `--no-suppress`.
//!
//! The detector calls [`inline_allow`] for each finding while it still has the blob, and records
//! the answer on the finding; the suppression stage decides whether to honour it.

use memchr::memmem;

use crate::findings::lines::{first_break, is_break, last_break};

pub use crate::findings::InlineAllow;

/// Shortest fingerprint prefix a pinned marker accepts: 8 hex digits (32 bits) cannot match a
/// changed secret by accident, and shorter hex-looking words ("bad", "cafe") stay words.
pub const MIN_PIN_LEN: usize = 8;

/// Only this much of a line around the secret is searched for a marker, so that a huge
/// one-line file (minified code, a data dump) with many findings stays linear to scan, and a
/// marker far away on such a line does not silently allow everything on it.
const LINE_WINDOW: usize = 2048;

/// Which lines a marker applies to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Its own line, or the next one from a comment line of its own.
    LineOrNext,
    /// Only the next line.
    NextOnly,
}

struct Marker {
    text: &'static [u8],
    reach: Reach,
    /// Whether `<fingerprint prefix>` arguments are read after it.
    pins: bool,
}

const MARKERS: [Marker; 4] = [
    Marker {
        text: b"leakhound:allow",
        reach: Reach::LineOrNext,
        pins: true,
    },
    Marker {
        text: b"gitleaks:allow",
        reach: Reach::LineOrNext,
        pins: false,
    },
    Marker {
        text: b"pragma: allowlist secret",
        reach: Reach::LineOrNext,
        pins: false,
    },
    Marker {
        text: b"pragma: allowlist nextline secret",
        reach: Reach::NextOnly,
        pins: false,
    },
];

/// Whether an inline comment allows the finding whose secret starts at byte `offset` of `blob`
/// and whose fingerprint is `fingerprint`.
pub fn inline_allow(blob: &[u8], offset: usize, fingerprint: &str) -> Option<InlineAllow> {
    let offset = offset.min(blob.len());
    // Line breaks are looked for only within the window around the secret, so that a finding
    // costs the same on a huge one-line file as on a short line (a search back to the line's
    // real start made 166,000 JWTs on one 10 MB line take 100 s). A lone CR ends a line too
    // (see `findings::lines`).
    let lo = offset.saturating_sub(LINE_WINDOW);
    let hi = offset.saturating_add(LINE_WINDOW).min(blob.len());
    let start = last_break(blob, lo, offset).map_or(lo, |p| p + 1);
    let end = first_break(blob, offset, hi).unwrap_or(hi);
    if let Some(allow) = allow_in(&blob[start..end], fingerprint, false) {
        return Some(allow);
    }
    // The line above reaches only a line whose start is within the window: a marker does not
    // allow a secret far into a long line below it.
    let start_known = start > lo || lo == 0 || is_break(blob, lo - 1);
    if start == 0 || !start_known {
        return None;
    }
    let prev_end = start - 1;
    let back = prev_end.saturating_sub(2 * LINE_WINDOW);
    let prev_start = match last_break(blob, back, prev_end) {
        Some(p) => p + 1,
        None if back == 0 => 0,
        None => return None, // a line above longer than the window is no comment line
    };
    let prev = &blob[prev_start..prev_end.min(prev_start.saturating_add(LINE_WINDOW))];
    allow_in(prev, fingerprint, true)
}

/// The strongest allowance the markers in `line` give the finding. `above` is true when `line`
/// is the line above the finding's line.
fn allow_in(line: &[u8], fingerprint: &str, above: bool) -> Option<InlineAllow> {
    let mut best = None;
    for marker in &MARKERS {
        for at in memmem::find_iter(line, marker.text) {
            let after = &line[at + marker.text.len()..];
            if after
                .first()
                .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
            {
                continue; // `leakhound:allowed` is a different word
            }
            let reaches = if above {
                only_comment_before(&line[..at])
            } else {
                marker.reach == Reach::LineOrNext
            };
            if !reaches {
                continue;
            }
            let pins = if marker.pins { pins(after) } else { Vec::new() };
            let allow = if pins.is_empty() {
                Some(InlineAllow::Positional)
            } else if pins.iter().any(|p| starts_with_ignore_case(fingerprint, p)) {
                Some(InlineAllow::Pinned)
            } else {
                None
            };
            // A pinned match is the more precise answer; keep it if one marker gives it.
            best = match (best, allow) {
                (Some(InlineAllow::Pinned), _) | (_, Some(InlineAllow::Pinned)) => {
                    Some(InlineAllow::Pinned)
                }
                (b, a) => b.or(a),
            };
        }
    }
    best
}

/// True when the text before a marker holds no code: only whitespace and punctuation, as in
/// `# `, `// `, `<!-- `, `-- `, `; `, `/* `, ` * `.
fn only_comment_before(prefix: &[u8]) -> bool {
    prefix
        .iter()
        .all(|b| b.is_ascii_whitespace() || b.is_ascii_punctuation())
}

/// The fingerprint prefixes after `leakhound:allow`: the leading words of 8 to 32 hex digits,
/// separated by spaces or commas. The first other word (a reason, say) ends the list.
fn pins(after: &[u8]) -> Vec<&[u8]> {
    after
        .split(|&b| b.is_ascii_whitespace() || b == b',')
        .filter(|w| !w.is_empty())
        .take_while(|w| {
            (MIN_PIN_LEN..=32).contains(&w.len()) && w.iter().all(|b| b.is_ascii_hexdigit())
        })
        .collect()
}

fn starts_with_ignore_case(fingerprint: &str, prefix: &[u8]) -> bool {
    fingerprint
        .as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "5c0f3b8e1a7d4c2b9e6f0a1d3c5b7e9f";

    /// The allowance for a secret at the first `@` of `text` (the `@` stands for the secret).
    fn allow(text: &str) -> Option<InlineAllow> {
        let at = text.find('@').expect("test text marks the secret with @");
        inline_allow(text.as_bytes(), at, FP)
    }

    #[test]
    fn same_line_markers() {
        assert_eq!(
            allow("k = @  # leakhound:allow"),
            Some(InlineAllow::Positional)
        );
        assert_eq!(
            allow("k = @  // gitleaks:allow"),
            Some(InlineAllow::Positional)
        );
        assert_eq!(
            allow("k = @  # pragma: allowlist secret"),
            Some(InlineAllow::Positional)
        );
        assert_eq!(allow("k = @  # leakhound:allowed"), None);
        assert_eq!(allow("k = @  # LEAKHOUND:ALLOW"), None);
        assert_eq!(allow("k = @"), None);
        // The nextline pragma does not apply to its own line.
        assert_eq!(allow("k = @  # pragma: allowlist nextline secret"), None);
    }

    #[test]
    fn line_above_only_from_a_comment_line() {
        assert_eq!(
            allow("a\n  # leakhound:allow\nk = @\n"),
            Some(InlineAllow::Positional)
        );
        assert_eq!(
            allow("<!-- gitleaks:allow -->\nk = @"),
            Some(InlineAllow::Positional)
        );
        assert_eq!(
            allow("# pragma: allowlist nextline secret\nk = @"),
            Some(InlineAllow::Positional)
        );
        // A trailing marker on a line of code covers that line only.
        assert_eq!(allow("x = 1  # leakhound:allow\nk = @"), None);
        // Two lines above is too far.
        assert_eq!(allow("# leakhound:allow\n\nk = @"), None);
        // The line below never counts.
        assert_eq!(allow("k = @\n# leakhound:allow"), None);
    }

    #[test]
    fn pinned_markers() {
        assert_eq!(
            allow("k = @  # leakhound:allow 5c0f3b8e"),
            Some(InlineAllow::Pinned)
        );
        assert_eq!(
            allow("k = @  # leakhound:allow 5C0F3B8E1A7D, test fixture"),
            Some(InlineAllow::Pinned)
        );
        assert_eq!(
            allow("k = @  # leakhound:allow deadbeef,5c0f3b8e1a"),
            Some(InlineAllow::Pinned)
        );
        assert_eq!(
            allow("# leakhound:allow 5c0f3b8e\nk = @"),
            Some(InlineAllow::Pinned)
        );
        // A pin for another fingerprint allows nothing: the secret changed.
        assert_eq!(allow("k = @  # leakhound:allow deadbeef"), None);
        // Words after the marker are a reason, not pins; short hex words too.
        assert_eq!(
            allow("k = @  # leakhound:allow test fixture"),
            Some(InlineAllow::Positional)
        );
        assert_eq!(
            allow("k = @  # leakhound:allow bad example"),
            Some(InlineAllow::Positional)
        );
    }

    #[test]
    fn far_markers_on_huge_lines_are_not_seen() {
        let text = format!("k = @{}# leakhound:allow", " ".repeat(LINE_WINDOW + 10));
        assert_eq!(allow(&text), None);
    }

    #[test]
    fn crlf_and_edges() {
        assert_eq!(
            allow("# leakhound:allow\r\nk = @\r\n"),
            Some(InlineAllow::Positional)
        );
        assert_eq!(inline_allow(b"", 0, FP), None);
        assert_eq!(inline_allow(b"x", 99, FP), None);
    }
}
