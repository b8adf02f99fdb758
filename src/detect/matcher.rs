//! The boundary between the scan loop and the regex engine.
//!
//! Everything after a raw match (entropy, filters, linking, locations) is engine-independent,
//! so an engine only has to say where each rule's regex matched. The default engine is
//! [`super::keyword_window::KeywordWindowMatcher`] (pure Rust); a Vectorscan engine could
//! implement this trait behind a cargo feature without touching any caller.

use std::ops::Range;

/// One regex match of one rule, with the byte ranges of its groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMatch {
    /// Index of the rule in the [`crate::rules::RuleSet`].
    pub rule: usize,
    /// The whole match.
    pub span: Range<usize>,
    /// The `secret` group.
    pub secret: Range<usize>,
    /// Other named groups that matched: (group index, range).
    pub groups: Vec<(usize, Range<usize>)>,
}

/// A multi-rule matcher over one blob at a time.
pub trait Matcher: Send + Sync {
    /// Per-thread mutable state (regex caches, window bookkeeping); one per scanning thread.
    type Scratch: Send;

    fn new_scratch(&self) -> Self::Scratch;

    /// Appends every match of every rule `r` with `enabled[r]` in `blob` to `out`. Matches of
    /// one rule never overlap.
    fn find_all(
        &self,
        blob: &[u8],
        enabled: &[bool],
        scratch: &mut Self::Scratch,
        out: &mut Vec<RawMatch>,
    );
}
