//! The library API: rules → engine → findings for a byte slice, a folder, or a repository's
//! history, without the command line.
//!
//! ```
//! use leakhound::Scanner;
//!
//! let scanner = Scanner::new()?; // the builtin rules
//! // A fake 64-character Binance API key, made at run time (this file holds no key).
//! let text = format!("BINANCE_API_KEY={}\n", leakhound::fake::alnum(64, 1));
//! let findings = scanner.scan_bytes(text.as_bytes(), "config/.env");
//! assert_eq!(findings[0].rule_id, "binance-api-key");
//! assert_eq!(findings[0].line, 1);
//! // Redaction is the caller's choice: `findings::redact::redact` is what reports use.
//! assert!(leakhound::findings::redact::redact(&findings[0].secret).ends_with('…'));
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! Suppression, verification and reports are further stages: see [`crate::pipeline`].

use std::path::Path;
use std::sync::Arc;

use crate::detect::Detector;
use crate::findings::Finding;
use crate::rules::RuleSet;
use crate::sources::fs::{scan_files, FsOptions};
use crate::sources::git::history::{scan_history, HistoryOptions};
use crate::sources::SourceOutcome;

/// Default largest file or blob scanned (the command line's default).
const MAX_FILE_SIZE: u64 = 10 << 20;

/// Rules and an engine, built once; scans are `&self` and can run from many threads.
pub struct Scanner {
    detector: Detector,
}

impl Scanner {
    /// A scanner with the builtin rules.
    pub fn new() -> anyhow::Result<Scanner> {
        Scanner::with_rules(RuleSet::builtin()?)
    }

    /// A scanner with these rules (builtin ones, user ones from
    /// [`crate::rules::load_path`], or both).
    pub fn with_rules(rules: RuleSet) -> anyhow::Result<Scanner> {
        Ok(Scanner {
            detector: Detector::new(Arc::new(rules))?,
        })
    }

    /// The findings in `bytes`, reported under `path` (which also selects path-limited rules,
    /// such as those for `.netrc` or config files). Secrets are in full in the findings.
    pub fn scan_bytes(&self, bytes: &[u8], path: &str) -> Vec<Finding> {
        let mut scratch = self.detector.new_scratch();
        self.detector.detect(bytes, path, &mut scratch)
    }

    /// The findings in the files under `root` (honouring `.gitignore`), with what was skipped
    /// and why.
    ///
    /// ```no_run
    /// let outcome = leakhound::Scanner::new()?.scan_path("my-project")?;
    /// println!("{} findings, {} files skipped", outcome.findings.len(), outcome.skipped.len());
    /// # Ok::<(), anyhow::Error>(())
    /// ```
    pub fn scan_path(&self, root: impl AsRef<Path>) -> anyhow::Result<SourceOutcome> {
        let opts = FsOptions {
            roots: vec![root.as_ref().to_path_buf()],
            max_file_size: MAX_FILE_SIZE,
            threads: 0,
            no_ignore: false,
            excludes: Vec::new(),
            base_excludes: None,
            no_archives: false,
        };
        scan_files(&self.detector, &opts, &())
    }

    /// The findings of the full git history of the repository at `repo` (every branch, tag and
    /// HEAD), each attributed to the commit that introduced it.
    pub fn scan_git_history(&self, repo: impl AsRef<Path>) -> anyhow::Result<SourceOutcome> {
        let opts = HistoryOptions {
            repo: repo.as_ref().to_path_buf(),
            max_file_size: MAX_FILE_SIZE,
            ..HistoryOptions::default()
        };
        let (mut outcome, stats) = scan_history(&self.detector, &opts, &())?;
        outcome.git_stats = Some(crate::sources::git::GitStats::History(stats));
        Ok(outcome)
    }
}
