//! The ignore file, `.leakhoundignore`: fingerprints of findings that are not to be reported.
//!
//! ```text
//! # header comments
//! 5c0f3b8e1a7d4c2b9e6f0a1d3c5b7e9f  # the test fixture's fake Binance key
//! ```
//!
//! One fingerprint (32 hex digits) per line, optionally followed by `# comment`; blank lines
//! and comment lines are free. A fingerprint hashes (rule id, secret) only, so an entry keeps
//! working when the secret's line moves or its file is renamed, and stops matching the moment
//! the secret changes: a new secret on the same line is reported again.
//!
//! `leakhound ignore add` edits the file through [`add_entries`], which keeps it sorted by
//! fingerprint and free of duplicates (so two branches that each add an entry merge cleanly)
//! and keeps every comment with the entry it describes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// The ignore file's name at the scanned root.
pub const IGNORE_FILE_NAME: &str = ".leakhoundignore";

/// Largest ignore file read (bytes): the file may come from an untrusted repository.
const MAX_IGNORE_FILE_SIZE: u64 = 4 << 20;

/// One fingerprint of an ignore file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreEntry {
    /// Lower-case, 32 hex digits.
    pub fingerprint: String,
    /// 1-based line number in the file.
    pub line: usize,
    /// The comment after the fingerprint, if any.
    pub comment: Option<String>,
}

/// A parsed ignore file.
#[derive(Debug, Clone, Default)]
pub struct IgnoreFile {
    /// Where it was read from, as given (for messages).
    pub path: PathBuf,
    /// In file order; a fingerprint listed twice keeps its first line.
    pub entries: Vec<IgnoreEntry>,
}

/// True for a valid fingerprint: 32 hex digits (either case).
pub fn is_fingerprint(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Splits a line into (content, comment): the comment starts at the first `#`.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    match line.split_once('#') {
        Some((content, comment)) => (content.trim(), Some(comment.trim())),
        None => (line.trim(), None),
    }
}

impl IgnoreFile {
    /// Parses the text of an ignore file; `origin` names it in errors. A line that is neither
    /// blank, a comment nor a fingerprint is an error: a typo must not silently ignore nothing.
    pub fn parse(text: &str, origin: &Path) -> anyhow::Result<IgnoreFile> {
        let mut entries: Vec<IgnoreEntry> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let (content, comment) = split_comment(line);
            if content.is_empty() {
                continue;
            }
            if !is_fingerprint(content) {
                bail!(
                    "{}:{}: not a fingerprint: expected 32 hex digits, optionally followed by `# comment`",
                    origin.display(),
                    i + 1
                );
            }
            let fingerprint = content.to_ascii_lowercase();
            if entries.iter().any(|e| e.fingerprint == fingerprint) {
                continue;
            }
            entries.push(IgnoreEntry {
                fingerprint,
                line: i + 1,
                comment: comment.filter(|c| !c.is_empty()).map(str::to_string),
            });
        }
        Ok(IgnoreFile {
            path: origin.to_path_buf(),
            entries,
        })
    }

    /// Reads and parses an ignore file.
    pub fn load(path: &Path) -> anyhow::Result<IgnoreFile> {
        let text = read_limited(path, MAX_IGNORE_FILE_SIZE)
            .with_context(|| format!("cannot read the ignore file {}", path.display()))?;
        IgnoreFile::parse(&text, path)
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.entries.iter().any(|e| e.fingerprint == fingerprint)
    }
}

/// Reads a UTF-8 text file of at most `max` bytes.
pub(crate) fn read_limited(path: &Path, max: u64) -> anyhow::Result<String> {
    let size = std::fs::metadata(path)?.len();
    if size > max {
        bail!("the file is {size} bytes, over the {max}-byte limit");
    }
    Ok(std::fs::read_to_string(path)?)
}

/// One entry of a file being edited, with the comment lines written right above it.
struct Block {
    comments_above: Vec<String>,
    line: String,
}

/// The result of [`add_entries`].
#[derive(Debug)]
pub struct Edited {
    /// The new text of the file.
    pub text: String,
    /// Fingerprints added (lower-case).
    pub added: Vec<String>,
    /// Fingerprints that were already there.
    pub already: Vec<String>,
}

/// What a new ignore file starts with.
pub const NEW_FILE_HEADER: &str = "\
# leakhound ignore file: findings with these fingerprints are not reported.
# One fingerprint per line, optionally followed by `# why`. Add entries with
# `leakhound ignore add FINGERPRINT --reason TEXT`. A fingerprint is a hash of the rule and the
# value found, so an entry keeps working when the line moves and stops matching if it changes.

";

/// Adds `fingerprints` (validated by the caller) to the ignore file text `old` (`None` for a
/// new file). The result is sorted by fingerprint and deduplicated; the comments at the top
/// (up to the last blank line before the first entry) stay at the top, comment lines above an
/// entry move with it, and comments after the last entry stay at the end. A duplicate's line
/// goes, but its comment is kept above the entry it repeats.
pub fn add_entries(
    old: Option<&str>,
    fingerprints: &[String],
    reason: Option<&str>,
) -> anyhow::Result<Edited> {
    let old = old.unwrap_or(NEW_FILE_HEADER);
    let lines: Vec<&str> = old.lines().collect();
    let first_entry = lines.iter().position(|l| !split_comment(l).0.is_empty());
    // The header: everything up to the last blank line before the first entry (all of it when
    // there is no entry yet).
    let header_end = match first_entry {
        None => lines.len(),
        Some(first) => lines[..first]
            .iter()
            .rposition(|l| l.trim().is_empty())
            .map_or(0, |blank| blank + 1),
    };
    let mut header: Vec<String> = lines[..header_end].iter().map(|s| s.to_string()).collect();
    let mut blocks: BTreeMap<String, Block> = BTreeMap::new();
    let mut pending: Vec<String> = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(header_end) {
        let (content, comment) = split_comment(line);
        if content.is_empty() {
            // Comment lines go with the entry below them; blank lines between entries go.
            if !line.trim().is_empty() {
                pending.push(line.to_string());
            }
            continue;
        }
        if !is_fingerprint(content) {
            bail!(
                "line {}: not a fingerprint: expected 32 hex digits, optionally followed by `# comment`",
                i + 1
            );
        }
        let fp = content.to_ascii_lowercase();
        let comments_above = std::mem::take(&mut pending);
        match blocks.get_mut(&fp) {
            // A duplicate: drop its line but keep what it said.
            Some(existing) => {
                existing
                    .comments_above
                    .extend::<Vec<String>>(comments_above);
                if let Some(c) = comment.filter(|c| !c.is_empty()) {
                    existing.comments_above.push(format!("# {c}"));
                }
            }
            None => {
                blocks.insert(
                    fp,
                    Block {
                        comments_above,
                        line: line.trim_end().to_string(),
                    },
                );
            }
        }
    }
    let footer: Vec<String> = pending;

    let mut added = Vec::new();
    let mut already = Vec::new();
    let reason = reason
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|r| !r.is_empty());
    for fp in fingerprints {
        let fp = fp.to_ascii_lowercase();
        if blocks.contains_key(&fp) {
            if !already.contains(&fp) {
                already.push(fp);
            }
            continue;
        }
        let line = match &reason {
            Some(r) => format!("{fp}  # {r}"),
            None => fp.clone(),
        };
        blocks.insert(
            fp.clone(),
            Block {
                comments_above: Vec::new(),
                line,
            },
        );
        added.push(fp);
    }

    while header.last().is_some_and(|l| l.trim().is_empty()) && blocks.is_empty() {
        header.pop();
    }
    let mut text = String::new();
    for l in &header {
        text.push_str(l);
        text.push('\n');
    }
    for block in blocks.values() {
        for c in &block.comments_above {
            text.push_str(c);
            text.push('\n');
        }
        text.push_str(&block.line);
        text.push('\n');
    }
    if !footer.is_empty() {
        text.push('\n');
        for l in &footer {
            text.push_str(l);
            text.push('\n');
        }
    }
    Ok(Edited {
        text,
        added,
        already,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(c: char) -> String {
        c.to_string().repeat(32)
    }

    #[test]
    fn parses_entries_comments_and_errors() {
        let text = format!("# head\n\n{}  # why\n{}\n{}\n", fp('b'), fp('A'), fp('b'));
        let f = IgnoreFile::parse(&text, Path::new("x")).unwrap();
        assert_eq!(f.entries.len(), 2);
        assert_eq!(f.entries[0].line, 3);
        assert_eq!(f.entries[0].comment.as_deref(), Some("why"));
        assert!(f.contains(&fp('a')));
        let err = IgnoreFile::parse("abc\n", Path::new("dir/.leakhoundignore"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("dir/.leakhoundignore:1"), "{err}");
    }

    #[test]
    fn new_file_gets_header_sorted_entries_and_reason() {
        let e = add_entries(None, &[fp('c'), fp('a'), fp('c')], Some("test\nfixture")).unwrap();
        assert!(e.text.starts_with(NEW_FILE_HEADER));
        let body = &e.text[NEW_FILE_HEADER.len()..];
        assert_eq!(
            body,
            format!("{}  # test fixture\n{}  # test fixture\n", fp('a'), fp('c'))
        );
        assert_eq!(e.added, vec![fp('c'), fp('a')]);
        let f = IgnoreFile::parse(&e.text, Path::new("x")).unwrap();
        assert_eq!(f.entries.len(), 2);
    }

    #[test]
    fn keeps_comments_with_their_entries_and_dedups() {
        let old = format!(
            "# top\n\n# about d\n{}  # dd\n# about b\n{}\n{}  # again\n\n# the end\n",
            fp('d'),
            fp('b'),
            fp('D')
        );
        let e = add_entries(Some(&old), &[fp('c'), fp('b')], None).unwrap();
        assert_eq!(e.added, vec![fp('c')]);
        assert_eq!(e.already, vec![fp('b')]);
        let want = format!(
            "# top\n\n# about b\n{}\n{}\n# about d\n# again\n{}  # dd\n\n# the end\n",
            fp('b'),
            fp('c'),
            fp('d')
        );
        assert_eq!(e.text, want);
        // Adding again changes nothing: the file is stable.
        let again = add_entries(Some(&e.text), &[fp('c')], None).unwrap();
        assert_eq!(again.text, e.text);
        assert!(again.added.is_empty());
    }

    #[test]
    fn refuses_to_edit_a_broken_file() {
        assert!(add_entries(Some("not a fingerprint\n"), &[fp('a')], None).is_err());
    }
}
