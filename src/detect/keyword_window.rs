//! The default engine: one Aho-Corasick pass over all keywords, then each triggered rule's
//! regex only inside small windows around its keyword hits.
//!
//! Why this shape (measurements in `../shared/research/rust-stack.md` §2): a multi-pattern
//! `RegexSet` collapses below 1 MB/s with ~150 secret rules, and running each triggered rule
//! over the whole blob (gitleaks' approach) reached 36 MB/s. The keyword pass alone runs at
//! ~524 MB/s per core when Aho-Corasick is forced into its DFA form (the automatic choice, a
//! contiguous NFA, ran at 116 MB/s). What remains is keeping the regex work proportional to
//! the keyword hits, not to the file: rules declare how far before/after a keyword a match can
//! lie (`window_before`/`window_after`), overlapping windows of one rule are merged as hits
//! stream in, and the regex searches only that span. The span is given to the regex engine as
//! a span of the whole blob (not a sliced haystack), so `\b`, `^` and `$` still see the bytes
//! around the window.

use std::sync::{Arc, Once};

use regex_automata::meta::Cache;
use regex_automata::util::captures::Captures;
use regex_automata::Input;

use super::keyword_scan::{KeywordHit, KeywordScanner};
use super::matcher::{Matcher, RawMatch};
use crate::rules::{CompiledPattern, RuleSet};

/// Window sizes, copied out of `Rule` for locality in the hot loop.
#[derive(Debug, Clone, Copy)]
struct Window {
    before: usize,
    after: usize,
}

/// Aho-Corasick keyword prefilter + windowed regexes.
#[derive(Debug)]
pub struct KeywordWindowMatcher {
    keywords: Option<KeywordScanner>,
    /// For each keyword (by pattern id), the rules it triggers.
    keyword_rules: Vec<Vec<u32>>,
    /// Rules without keywords: run over the whole blob.
    unconditional: Vec<u32>,
    windows: Vec<Window>,
    rules: Arc<RuleSet>,
    /// One warning per rule whose (builtin) regex fails to compile; the rule is then skipped.
    broken: Vec<Once>,
}

/// A rule's regex cache and capture slots for one thread, made on the rule's first hit.
struct RuleScratch {
    cache: Cache,
    captures: Captures,
}

/// Per-thread state: regex caches per rule, and the open windows.
pub struct Scratch {
    per_rule: Vec<Option<RuleScratch>>,
    /// Open window per rule; `start == usize::MAX` means closed.
    windows: Vec<(usize, usize)>,
    /// End of the last match reported per rule in this blob, to drop re-found matches.
    last_end: Vec<usize>,
    /// Rules touched in this blob, to reset only those.
    touched: Vec<u32>,
    /// The keyword occurrences of the current blob.
    hits: Vec<KeywordHit>,
}

const CLOSED: usize = usize::MAX;

impl KeywordWindowMatcher {
    pub fn new(rules: &Arc<RuleSet>) -> Result<Self, aho_corasick::BuildError> {
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<u32>> = Vec::new();
        let mut unconditional = Vec::new();
        for (i, rule) in rules.rules().iter().enumerate() {
            if rule.keywords.is_empty() {
                unconditional.push(i as u32);
            }
            for kw in &rule.keywords {
                match keywords.iter().position(|k| k == kw) {
                    Some(p) => keyword_rules[p].push(i as u32),
                    None => {
                        keywords.push(kw.clone());
                        keyword_rules.push(vec![i as u32]);
                    }
                }
            }
        }
        let ac = if keywords.is_empty() {
            None
        } else {
            Some(KeywordScanner::new(&keywords)?)
        };
        let windows = rules
            .rules()
            .iter()
            .map(|r| Window {
                before: r.window_before,
                after: r.window_after,
            })
            .collect();
        Ok(KeywordWindowMatcher {
            keywords: ac,
            keyword_rules,
            unconditional,
            windows,
            broken: rules.rules().iter().map(|_| Once::new()).collect(),
            rules: rules.clone(),
        })
    }

    /// Rule `r`'s compiled regex, or `None` (after one warning) if it does not compile.
    fn pattern(&self, r: usize) -> Option<&CompiledPattern> {
        let rule = &self.rules.rules()[r];
        match rule.pattern.get() {
            Ok(p) => Some(p),
            Err(e) => {
                self.broken[r].call_once(|| {
                    eprintln!("leakhound: warning: rule {} is skipped: {e}", rule.id)
                });
                None
            }
        }
    }

    /// Runs rule `r`'s regex over `[start, end)` of `blob`.
    fn search_window(
        &self,
        r: usize,
        blob: &[u8],
        start: usize,
        end: usize,
        scratch: &mut Scratch,
        out: &mut Vec<RawMatch>,
    ) {
        let Some(pattern) = self.pattern(r) else {
            return;
        };
        let slot = scratch.per_rule[r].get_or_insert_with(|| RuleScratch {
            cache: pattern.regex.create_cache(),
            captures: pattern.regex.create_captures(),
        });
        let (cache, caps) = (&mut slot.cache, &mut slot.captures);
        let mut at = start;
        while at <= end {
            let input = Input::new(blob).range(at..end);
            pattern.regex.search_captures_with(cache, &input, caps);
            let Some(m) = caps.get_match() else { break };
            // Matches of one rule never overlap: a window merged late may find one again.
            if m.start() >= scratch.last_end[r] {
                // A match without `secret` is a rule's deliberate exclusion branch.
                if let Some(secret) = caps.get_group(pattern.secret_group) {
                    let groups = pattern
                        .part_groups
                        .iter()
                        .filter_map(|&(_, g)| caps.get_group(g).map(|s| (g, s.range())))
                        .collect();
                    out.push(RawMatch {
                        rule: r,
                        span: m.range(),
                        secret: secret.range(),
                        groups,
                    });
                    scratch.last_end[r] = m.end();
                }
            }
            at = if m.is_empty() { m.end() + 1 } else { m.end() };
        }
    }
}

impl Matcher for KeywordWindowMatcher {
    type Scratch = Scratch;

    fn new_scratch(&self) -> Scratch {
        Scratch {
            per_rule: self.windows.iter().map(|_| None).collect(),
            windows: vec![(CLOSED, 0); self.windows.len()],
            last_end: vec![0; self.windows.len()],
            touched: Vec::new(),
            hits: Vec::new(),
        }
    }

    fn find_all(
        &self,
        blob: &[u8],
        enabled: &[bool],
        scratch: &mut Scratch,
        out: &mut Vec<RawMatch>,
    ) {
        if let Some(keywords) = &self.keywords {
            let mut hits = std::mem::take(&mut scratch.hits);
            hits.clear();
            keywords.find_all(blob, &mut hits);
            for hit in &hits {
                for &r in &self.keyword_rules[hit.keyword as usize] {
                    let r = r as usize;
                    if !enabled[r] {
                        continue;
                    }
                    let w = self.windows[r];
                    let start = hit.start.saturating_sub(w.before);
                    let end = hit.end.saturating_add(w.after).min(blob.len());
                    let (ws, we) = scratch.windows[r];
                    if ws == CLOSED {
                        scratch.windows[r] = (start, end);
                        scratch.touched.push(r as u32);
                    } else if start <= we {
                        scratch.windows[r] = (ws.min(start), we.max(end));
                    } else {
                        scratch.windows[r] = (start, end);
                        self.search_window(r, blob, ws, we, scratch, out);
                    }
                }
            }
            scratch.hits = hits;
        }
        for i in 0..scratch.touched.len() {
            let r = scratch.touched[i] as usize;
            let (ws, we) = scratch.windows[r];
            self.search_window(r, blob, ws, we, scratch, out);
        }
        for &r in &self.unconditional {
            let r = r as usize;
            if !enabled[r] {
                continue;
            }
            self.search_window(r, blob, 0, blob.len(), scratch, out);
            scratch.touched.push(r as u32);
        }
        for &r in &scratch.touched {
            scratch.windows[r as usize] = (CLOSED, 0);
            scratch.last_end[r as usize] = 0;
        }
        scratch.touched.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load_rule_text;

    fn set(toml: &str) -> Arc<RuleSet> {
        let mut s = RuleSet::default();
        s.extend(load_rule_text(toml, "test").unwrap()).unwrap();
        Arc::new(s)
    }

    fn rule(id: &str, kw: &str, re: &str, before: usize, after: usize) -> String {
        format!(
            "[[rules]]\nid = {id:?}\nname = \"n\"\ndescription = \"d\"\nseverity = \"high\"\nkeywords = [{kw:?}]\nregex = '''{re}'''\nwindow_before = {before}\nwindow_after = {after}\nremediation = \"r\"\n"
        )
    }

    fn find(set: &Arc<RuleSet>, blob: &[u8]) -> Vec<RawMatch> {
        let m = KeywordWindowMatcher::new(set).unwrap();
        let mut scratch = m.new_scratch();
        let mut out = Vec::new();
        let enabled = vec![true; set.rules().len()];
        m.find_all(blob, &enabled, &mut scratch, &mut out);
        // Scratch must be clean for the next blob: run twice, same answer.
        let mut again = Vec::new();
        m.find_all(blob, &enabled, &mut scratch, &mut again);
        assert_eq!(out, again);
        out
    }

    #[test]
    fn finds_each_match_once_with_overlapping_windows() {
        let s = set(&rule(
            "t",
            "tok_",
            r"\b(?P<secret>tok_[a-z0-9]{6})\b",
            4,
            16,
        ));
        let blob = b"a tok_abc123 b tok_def456 tok_ghi789";
        let found: Vec<_> = find(&s, blob)
            .iter()
            .map(|m| &blob[m.secret.clone()])
            .collect();
        assert_eq!(
            found,
            vec![&b"tok_abc123"[..], b"tok_def456", b"tok_ghi789"]
        );
    }

    #[test]
    fn word_boundary_sees_outside_the_window() {
        // The keyword is mid-word: a sliced haystack would wrongly see a boundary before it.
        let s = set(&rule(
            "t",
            "tok_",
            r"\b(?P<secret>tok_[a-z0-9]{6})\b",
            0,
            16,
        ));
        assert!(find(&s, b"xtok_abc123").is_empty());
        // ...and after it: the token continues past the window end.
        let s = set(&rule("t", "tok_", r"\b(?P<secret>tok_[a-z0-9]{6})\b", 0, 6));
        assert!(find(&s, b"tok_abc1234567").is_empty());
    }

    #[test]
    fn keywords_are_case_insensitive_and_shared() {
        let toml = rule("a", "key", r"(?i)key=(?P<secret>[a-z]{4})", 0, 10)
            + &rule("b", "KEY", r"(?i)KEY:(?P<secret>[0-9]{4})", 0, 10);
        let s = set(&toml);
        let got = find(&s, b"KEY=abcd key:1234");
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].rule, got[1].rule), (0, 1));
    }

    #[test]
    fn window_limits_how_far_a_match_can_be() {
        let s = set(&rule("t", "pw", r"pw\s*=\s*(?P<secret>[a-z]{4})", 0, 8));
        assert_eq!(find(&s, b"pw = abcd").len(), 1);
        assert!(find(&s, b"pw          = abcd").is_empty());
    }

    #[test]
    fn extra_named_groups_are_reported() {
        let s = set(&rule(
            "t",
            "id=",
            r"id=(?P<key_name>[a-z]+) s=(?P<secret>[0-9]+)",
            0,
            30,
        ));
        let got = find(&s, b"id=abc s=123");
        assert_eq!(got[0].groups.len(), 1);
    }
}
