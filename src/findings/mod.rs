//! What a scan reports: [`Finding`]s, and the pieces that make them safe to show and stable to
//! track (fingerprints, redaction, line/column locations).

pub mod fingerprint;
pub mod lines;
pub mod redact;
pub mod verification;

use serde::Serialize;

use crate::rules::Severity;

/// One occurrence of a secret at one place.
///
/// The same secret in several places gives several findings that share a `fingerprint`.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub rule_name: String,
    pub severity: Severity,
    /// Path relative to the scanned root (or as given), with `/` separators.
    pub path: String,
    /// 1-based line and column (in characters) of the secret's first byte.
    pub line: usize,
    pub column: usize,
    /// 1-based line and exclusive column of the secret's end.
    pub end_line: usize,
    pub end_column: usize,
    /// The secret itself. Reports redact it unless asked not to.
    pub secret: String,
    /// Other parts of a multi-part credential found with it (key, passphrase, ...).
    pub parts: Vec<Part>,
    /// The line the secret starts on, as found (reports redact the secrets in it).
    pub line_text: String,
    /// Every secret that the scan found within `line_text` (this finding's and others'), so that
    /// reports redact all of them in the snippet. Not serialized.
    #[serde(skip)]
    pub snippet_secrets: Vec<String>,
    /// Hash of (rule id, secret): stable across moves, renames and line shifts.
    pub fingerprint: String,
    /// For rules that parse a known credential file: its kind (`netrc`, `docker-config`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_kind: Option<String>,
    /// How the secret was encoded where it was found (`base64`, `percent`, ...), when the engine
    /// decoded it to find it; `None` for plain text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded: Option<String>,
    /// Set for findings in git history (commit, author, ...); `None` for files on disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<CommitInfo>,
    /// Set by `--verify`: whether the provider accepts the credential, and what it can do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<verification::Verification>,
    /// Set when an inline allow comment (`leakhound:allow`, ...) covers this finding. The
    /// suppression stage drops such findings unless `--no-suppress` is given.
    #[serde(skip)]
    pub allowed_inline: Option<InlineAllow>,
}

/// How an inline comment allows a finding (see `crate::detect::allow_marker`, which reads the
/// markers, and `crate::suppress`, which honours them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineAllow {
    /// A plain marker: allows whatever is found on its line, even after the secret changes.
    Positional,
    /// `leakhound:allow <prefix>`: allows only the finding whose fingerprint has that prefix.
    Pinned,
}

/// A named part of a multi-part credential.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub value: String,
    pub line: usize,
    pub column: usize,
    /// The rule that matched this part, when it came from another rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
}

/// Where in git history a finding was introduced.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CommitInfo {
    pub commit: String,
    pub author: String,
    pub email: String,
    /// ISO 8601, UTC.
    pub date: String,
    pub subject: String,
    /// True when the same secret is still in the files at HEAD.
    pub in_head: bool,
    /// Where in the commit (or tag) the secret is, when it is not in a file: its message.
    /// `None` for file content. For a tag message, `commit` is the tag object's id and
    /// author, email and date are the tagger's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Every secret the scan found in this commit's message: reports redact them in
    /// `subject` (whatever finding prints it) unless secrets are shown. Not serialized.
    #[serde(skip)]
    pub message_secrets: Vec<String>,
}

/// Gives every history finding the secrets found in its commit's message (the findings whose
/// location is that commit's message), so that reports can redact them in the subject of
/// every finding of that commit. Call it once all findings of a scan (or a report read back)
/// are known.
pub fn link_message_secrets(findings: &mut [Finding]) {
    let mut by_commit: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for f in findings.iter() {
        if let Some(c) = f.commit.as_ref().filter(|c| c.location.is_some()) {
            by_commit
                .entry(c.commit.clone())
                .or_default()
                .extend(f.secret_values().map(String::from));
        }
    }
    if by_commit.is_empty() {
        return;
    }
    for f in findings {
        if let Some(c) = &mut f.commit {
            if let Some(secrets) = by_commit.get(&c.commit) {
                c.message_secrets.clone_from(secrets);
            }
        }
    }
}

/// A place of a secret that is not file content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Location {
    /// The message (subject or body) of a commit.
    CommitMessage,
    /// The message of an annotated tag.
    TagMessage,
}

impl Location {
    /// The name reports give it (`commit-message`, `tag-message`).
    pub fn as_str(self) -> &'static str {
        match self {
            Location::CommitMessage => "commit-message",
            Location::TagMessage => "tag-message",
        }
    }

    /// How the text report and the messages of other formats name it.
    pub fn describe(self) -> &'static str {
        match self {
            Location::CommitMessage => "commit message",
            Location::TagMessage => "tag message",
        }
    }
}

impl Finding {
    /// Every secret value this finding carries: the secret, then its parts.
    pub fn secret_values(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.secret.as_str()).chain(self.parts.iter().map(|p| p.value.as_str()))
    }

    /// Where the secret is when it is not file content (a commit or tag message).
    pub fn location(&self) -> Option<Location> {
        self.commit.as_ref().and_then(|c| c.location)
    }

    /// The commit subject as reports print it: every secret found in the commit's message,
    /// and this finding's own, redacted unless `show_secrets`. `None` outside history.
    pub fn shown_subject(&self, show_secrets: bool) -> Option<String> {
        let c = self.commit.as_ref()?;
        if show_secrets {
            return Some(c.subject.clone());
        }
        let secrets: Vec<&str> = self
            .secret_values()
            .chain(c.message_secrets.iter().map(String::as_str))
            .collect();
        Some(redact::redact_in(&c.subject, &secrets))
    }
}
