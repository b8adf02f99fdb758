//! The detection engine: from a blob of bytes to findings.
//!
//! ```text
//! blob ─▶ Matcher (keyword prefilter + windowed regexes) ─▶ raw matches
//!      ─▶ candidate checks (entropy, validator, rule allow-list, global filters)
//!      ─▶ same-secret dedup ─▶ multi-part linking ─▶ fallback rules yield to specific ones
//!      ─▶ findings (locations, fingerprints)
//! ```
//!
//! A [`Detector`] is built once and shared by all threads; each thread owns a
//! [`DetectorScratch`].

pub mod allow_marker;
pub mod check;
pub mod decode;
pub mod entropy;
pub mod filters;
pub mod keyword_scan;
pub mod keyword_window;
mod link;
pub mod matcher;
pub mod path_scope;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::findings::fingerprint::fingerprint;
use crate::findings::lines::LineLocator;
use crate::findings::{Finding, Part};
use crate::rules::RuleSet;
use filters::Filters;
use keyword_window::KeywordWindowMatcher;
use matcher::{Matcher, RawMatch};
use path_scope::PathScope;

/// Longest matched line kept in a finding (bytes); longer lines are cut with `…`.
const MAX_LINE_TEXT: usize = 400;

/// Rules + matcher + filters, compiled once.
pub struct Detector<M: Matcher = KeywordWindowMatcher> {
    rules: Arc<RuleSet>,
    matcher: M,
    path_scope: PathScope,
    filters: Filters,
    /// Candidates dropped as published sample keys, over every blob this detector saw.
    published_samples: AtomicU64,
    /// Whether encoded tokens are decoded and scanned too (on by default).
    decoding: bool,
}

/// The part name of a rule's named group.
fn group_name(rule: &crate::rules::Rule, group: usize) -> String {
    rule.pattern
        .get()
        .ok()
        .and_then(|c| c.part_groups.iter().find(|(_, g)| *g == group))
        .map(|(n, _)| n.clone())
        .unwrap_or_default()
}

/// Per-thread state of a [`Detector`].
pub struct DetectorScratch<M: Matcher = KeywordWindowMatcher> {
    matcher: M::Scratch,
    raw: Vec<RawMatch>,
    candidates: Vec<decode::Candidate>,
    /// Which rules may report in the current file (see [`PathScope`]).
    enabled: Vec<bool>,
}

impl Detector<KeywordWindowMatcher> {
    /// The default engine over `rules`, with the builtin global filters.
    pub fn new(rules: Arc<RuleSet>) -> anyhow::Result<Self> {
        let matcher = KeywordWindowMatcher::new(&rules)?;
        Ok(Detector {
            path_scope: PathScope::new(rules.rules()),
            rules,
            matcher,
            filters: Filters::builtin(),
            published_samples: AtomicU64::new(0),
            decoding: true,
        })
    }
}

impl<M: Matcher> Detector<M> {
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Turns decoding of encoded tokens off (`--no-decode`) or on.
    pub fn with_decoding(mut self, on: bool) -> Self {
        self.decoding = on;
        self
    }

    /// How many candidates were dropped because their vendor publishes them as samples
    /// (`rules/published-samples.toml`): reported in the stats, never as findings.
    pub fn published_samples_dropped(&self) -> u64 {
        self.published_samples.load(Ordering::Relaxed)
    }

    pub fn new_scratch(&self) -> DetectorScratch<M> {
        DetectorScratch {
            matcher: self.matcher.new_scratch(),
            raw: Vec::new(),
            candidates: Vec::new(),
            enabled: Vec::new(),
        }
    }

    /// All findings in `blob`, located and fingerprinted, with `path` as given: in the text as
    /// written, then in its encoded tokens ([`decode`]).
    pub fn detect(
        &self,
        blob: &[u8],
        path: &str,
        scratch: &mut DetectorScratch<M>,
    ) -> Vec<Finding> {
        self.path_scope
            .enabled_for(self.rules.rules(), path, &mut scratch.enabled);
        let mut findings = self.detect_plain(blob, path, scratch);
        if self.decoding {
            self.detect_decoded(blob, path, scratch, &mut findings);
        }
        findings
    }

    /// Matches in `text`, checked, deduplicated, linked into parts, generic ones that a
    /// specific one covers dropped; positions are within `text`.
    fn linked_in(&self, text: &[u8], scratch: &mut DetectorScratch<M>) -> Vec<link::Linked> {
        scratch.raw.clear();
        self.matcher.find_all(
            text,
            &scratch.enabled,
            &mut scratch.matcher,
            &mut scratch.raw,
        );
        if scratch.raw.is_empty() {
            return Vec::new();
        }
        let rules = self.rules.rules();
        scratch
            .raw
            .retain(|m| self.accept(m.rule, &text[m.secret.clone()]));
        link::dedupe_same_secret(rules, &mut scratch.raw);
        scratch.raw.sort_by_key(|m| (m.secret.start, m.rule));
        let mut locator = LineLocator::new(text);
        let located: Vec<link::Located> = scratch
            .raw
            .drain(..)
            .map(|m| {
                let pos = locator.position(m.secret.start);
                link::Located { m, pos }
            })
            .collect();
        let mut linked = link::link_parts(rules, located);
        link::drop_shadowed_fallbacks(rules, &mut linked);
        linked
    }

    fn detect_plain(
        &self,
        blob: &[u8],
        path: &str,
        scratch: &mut DetectorScratch<M>,
    ) -> Vec<Finding> {
        let linked = self.linked_in(blob, scratch);
        if linked.is_empty() {
            return Vec::new();
        }
        let rules = self.rules.rules();
        let mut locator = LineLocator::new(blob);
        let text =
            |r: &std::ops::Range<usize>| String::from_utf8_lossy(&blob[r.clone()]).into_owned();
        // Every secret this blob reports (primaries, their parts, named groups), so that each
        // snippet redacts all of them, not only its own finding's, and is never cut through one.
        let mut secret_ranges: Vec<std::ops::Range<usize>> = linked
            .iter()
            .flat_map(|l| std::iter::once(&l.primary).chain(&l.companions))
            .flat_map(|x| {
                std::iter::once(x.m.secret.clone()).chain(x.m.groups.iter().map(|(_, r)| r.clone()))
            })
            .filter(|r| !r.is_empty())
            .collect();
        secret_ranges.sort_by_key(|r| (r.start, r.end));
        secret_ranges.dedup();
        let mut findings = Vec::with_capacity(linked.len());
        for item in linked {
            let rule = &rules[item.primary.m.rule];
            let m = &item.primary.m;
            let end = locator.position(m.secret.end);
            let start = locator.position(m.secret.start);
            let mut parts = Vec::new();
            for (group, range) in &m.groups {
                let name = group_name(rule, *group);
                let p = locator.position(range.start);
                parts.push(Part {
                    name,
                    value: text(range),
                    line: p.line,
                    column: p.column,
                    rule_id: None,
                });
            }
            for companion in &item.companions {
                let crule = &rules[companion.m.rule];
                parts.push(Part {
                    name: crule.part.clone().unwrap_or_default(),
                    value: text(&companion.m.secret),
                    line: companion.pos.line,
                    column: companion.pos.column,
                    rule_id: Some(crule.id.clone()),
                });
            }
            let secret = &blob[m.secret.clone()];
            let fingerprint = fingerprint(&rule.id, secret);
            let (line_text, shown) =
                locator.snippet(m.secret.clone(), MAX_LINE_TEXT, &secret_ranges);
            let first = secret_ranges.partition_point(|r| r.end <= shown.start);
            let snippet_secrets: Vec<String> = secret_ranges[first..]
                .iter()
                .take_while(|r| r.start < shown.end)
                .filter(|r| r.start >= shown.start && r.end <= shown.end)
                .map(&text)
                .collect();
            // Only here is the text at hand: record an inline allow comment now, and let the
            // suppression stage decide whether to honour it (`--no-suppress` does not).
            let allowed_inline = allow_marker::inline_allow(blob, m.secret.start, &fingerprint);
            findings.push(Finding {
                rule_id: rule.id.clone(),
                rule_name: rule.name.clone(),
                severity: rule.severity,
                path: path.to_string(),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                secret: String::from_utf8_lossy(secret).into_owned(),
                parts,
                line_text,
                snippet_secrets,
                fingerprint,
                commit: None,
                file_kind: rule.file_kind.clone(),
                decoded: None,
                allowed_inline,
                verification: None,
            });
        }
        findings
    }

    /// Findings inside the encoded tokens of `blob` (base64, hex, percent-encoding, string
    /// escapes, PEM keys split into literals), decoded up to two levels deep. Each is reported
    /// at its token, with `decoded` naming the encodings, and its snippet redacts the token.
    fn detect_decoded(
        &self,
        blob: &[u8],
        path: &str,
        scratch: &mut DetectorScratch<M>,
        findings: &mut Vec<Finding>,
    ) {
        let mut candidates = std::mem::take(&mut scratch.candidates);
        decode::candidates(blob, &mut candidates);
        if candidates.is_empty() {
            scratch.candidates = candidates;
            return;
        }
        let rules = self.rules.rules();
        let mut locator = LineLocator::new(blob);
        let mut inner_candidates = Vec::new();
        // A secret already found as written, or found in an earlier token, is not reported
        // again through a decoding.
        let mut seen: std::collections::HashSet<String> =
            findings.iter().map(|f| f.secret.clone()).collect();
        let mut budget = decode::MAX_CANDIDATES;
        let plain_secrets: Vec<String> = findings
            .iter()
            .take(1024)
            .filter(|f| f.secret.len() >= 16)
            .map(|f| f.secret.clone())
            .collect();
        for cand in &candidates {
            let token = &blob[cand.range.clone()];
            // A token that a rule already reports as written (a kubeconfig's client-key-data,
            // a Secret's data value) is that finding; its decoding would report it twice.
            if cand.encoding == decode::Encoding::Base64
                && plain_secrets
                    .iter()
                    .any(|s| memchr::memmem::find(token, s.as_bytes()).is_some())
            {
                continue;
            }
            let Some(text) = decode::decode(cand.encoding, token) else {
                continue;
            };
            // Level one: the decoded text; level two: its own encoded tokens.
            let mut layers: Vec<(Vec<u8>, String)> = vec![(text, cand.encoding.name().to_string())];
            decode::candidates(&layers[0].0, &mut inner_candidates);
            for inner in &inner_candidates {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                let inner_token = &layers[0].0[inner.range.clone()];
                if let Some(t) = decode::decode(inner.encoding, inner_token) {
                    let label = format!("{}+{}", cand.encoding.name(), inner.encoding.name());
                    layers.push((t, label));
                }
            }
            let start = locator.position(cand.range.start);
            let end = locator.position(cand.range.end);
            let token_range = std::slice::from_ref(&cand.range);
            let (line_text, _) = locator.snippet(cand.range.clone(), MAX_LINE_TEXT, token_range);
            let token_text = String::from_utf8_lossy(token).into_owned();
            for (text, label) in &layers {
                for item in self.linked_in(text, scratch) {
                    let rule = &rules[item.primary.m.rule];
                    let value = |r: &std::ops::Range<usize>| {
                        String::from_utf8_lossy(&text[r.clone()]).into_owned()
                    };
                    let secret = &text[item.primary.m.secret.clone()];
                    if !seen.insert(String::from_utf8_lossy(secret).into_owned()) {
                        continue;
                    }
                    let fingerprint = fingerprint(&rule.id, secret);
                    let mut parts: Vec<Part> = item
                        .companions
                        .iter()
                        .map(|c| Part {
                            name: rules[c.m.rule].part.clone().unwrap_or_default(),
                            value: value(&c.m.secret),
                            line: start.line,
                            column: start.column,
                            rule_id: Some(rules[c.m.rule].id.clone()),
                        })
                        .collect();
                    for (group, range) in &item.primary.m.groups {
                        parts.push(Part {
                            name: group_name(rule, *group),
                            value: value(range),
                            line: start.line,
                            column: start.column,
                            rule_id: None,
                        });
                    }
                    let mut snippet_secrets =
                        vec![token_text.clone(), value(&item.primary.m.secret)];
                    snippet_secrets.extend(parts.iter().map(|p| p.value.clone()));
                    findings.push(Finding {
                        rule_id: rule.id.clone(),
                        rule_name: rule.name.clone(),
                        severity: rule.severity,
                        path: path.to_string(),
                        line: start.line,
                        column: start.column,
                        end_line: end.line,
                        end_column: end.column,
                        secret: value(&item.primary.m.secret),
                        parts,
                        line_text: line_text.clone(),
                        snippet_secrets,
                        allowed_inline: allow_marker::inline_allow(
                            blob,
                            cand.range.start,
                            &fingerprint,
                        ),
                        fingerprint,
                        commit: None,
                        file_kind: rule.file_kind.clone(),
                        decoded: Some(label.clone()),
                        verification: None,
                    });
                }
            }
        }
        scratch.candidates = candidates;
    }

    /// The candidate checks, in order of cost.
    fn accept(&self, rule: usize, secret: &[u8]) -> bool {
        let rule = &self.rules.rules()[rule];
        if secret.is_empty() {
            return false;
        }
        if let Some(min) = rule.entropy {
            if entropy::shannon(secret) < min {
                return false;
            }
        }
        if let Some(v) = rule.validator {
            if !v.check(secret) {
                return false;
            }
        }
        if rule.allow.iter().any(|a| a.is_match(secret)) {
            return false;
        }
        if self.filters.is_published_sample(secret) {
            self.published_samples.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        // A token whose checksum validates is never a placeholder, whatever words it happens
        // to contain (1 in ~15,000 random `ghp_` tokens contains `xxxx` or `lorem`).
        if rule.validator.is_some() {
            return true;
        }
        self.filters.reject(secret).is_none()
    }
}
