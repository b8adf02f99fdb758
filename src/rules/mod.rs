//! Rules as data: the catalogue of detectors, loaded from TOML.
//!
//! A [`Rule`] is a compiled [`schema::RuleSpec`]: its regex is built once (ASCII mode, see
//! [`compile_regex`]) and shared by every scanning thread through the [`RuleSet`].

mod builtin;
mod load;
pub mod pattern;
pub mod schema;
pub mod validate;

pub use load::{compile_specs, load_path, load_rule_text, RuleError};
pub use pattern::{CompiledPattern, LazyPattern};

use regex_automata::meta::Regex;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

use validate::Validator;

/// How bad a leak of this kind is, before verification says more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity {other:?} (expected critical, high, medium or low)"
            )),
        }
    }
}

/// Window defaults; see "Windows" in `rules/README.md`.
pub const DEFAULT_WINDOW_BEFORE: usize = 64;
pub const DEFAULT_WINDOW_AFTER: usize = 256;

/// A compiled rule, ready for the engine.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub description: String,
    pub severity: Severity,
    /// Lower-cased keyword literals.
    pub keywords: Vec<String>,
    /// The regex, compiled on first use (see [`LazyPattern`]).
    pub pattern: LazyPattern,
    pub entropy: Option<f64>,
    pub validator: Option<Validator>,
    pub window_before: usize,
    pub window_after: usize,
    pub provider: Option<String>,
    pub part: Option<String>,
    pub standalone: bool,
    pub fallback: bool,
    pub allow: Vec<regex::bytes::Regex>,
    /// When set, the rule reports only in files whose path matches (see `paths` in
    /// `rules/README.md`).
    pub paths: Option<regex::bytes::RegexSet>,
    pub file_kind: Option<String>,
    pub remediation: String,
    pub references: Vec<String>,
    pub tags: Vec<String>,
    pub examples: Vec<schema::ExampleSpec>,
    pub counter_examples: Vec<schema::CounterExampleSpec>,
    /// Where the rule came from: `builtin:rules/aws.toml` or a user's path.
    pub origin: String,
}

impl Rule {
    /// True for the primary rule of a multi-part credential.
    pub fn is_primary_part(&self) -> bool {
        self.provider.is_some() && self.part.as_deref() == Some("secret")
    }

    /// True when the rule may report in a file at `path`.
    pub fn applies_to_path(&self, path: &str) -> bool {
        self.paths
            .as_ref()
            .is_none_or(|set| set.is_match(path.as_bytes()))
    }

    /// The provider family: the name of the file that defines the rule
    /// (`builtin:rules/aws.toml` → `aws`).
    pub fn family(&self) -> &str {
        let file = self
            .origin
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&self.origin);
        file.strip_suffix(".toml").unwrap_or(file)
    }

    /// What kind of detector the rule is: `credential-file`, `generic`, `part` or `token`.
    pub fn kind(&self) -> &'static str {
        if self.file_kind.is_some() {
            "credential-file"
        } else if self.fallback {
            "generic"
        } else if self.is_companion_part() {
            "part"
        } else {
            "token"
        }
    }

    /// True for a companion part (key, passphrase, ...) that links to a primary.
    pub fn is_companion_part(&self) -> bool {
        self.provider.is_some() && self.part.is_some() && !self.is_primary_part()
    }
}

/// Largest compiled size (bytes) of a rule's `allow` or `paths` regex, and of its lazy DFA:
/// rules may come from an untrusted repository's config, so what they can make leakhound
/// allocate is bounded. (A rule's own regex is bounded by [`compile_regex`]: 20 MiB of NFA, a
/// 4 MiB lazy DFA cache per thread.)
pub const USER_REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Compiles a rule regex the way every rule is compiled: ASCII classes (`unicode(false)`), and
/// able to match arbitrary bytes (`utf8(false)`), since files are not guaranteed to be UTF-8.
/// Unicode classes made gitleaks-style patterns ~80x slower in the measurements behind
/// `../shared/research/rust-stack.md` §2.
pub fn compile_regex(pattern: &str) -> Result<Regex, String> {
    Regex::builder()
        .syntax(
            regex_automata::util::syntax::Config::new()
                .unicode(false)
                .utf8(false),
        )
        .configure(
            Regex::config()
                .nfa_size_limit(Some(20 * (1 << 20)))
                .hybrid_cache_capacity(4 * (1 << 20)),
        )
        .build(pattern)
        .map_err(|e| match e.size_limit() {
            Some(limit) => format!(
                "the regex is too large once compiled (over the {} MiB limit); simplify it \
                 (fewer or smaller repetitions)",
                limit >> 20
            ),
            None => e.to_string(),
        })
}

/// The catalogue the engine runs: builtin rules, plus any user rules.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// The rules embedded in the binary.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::default();
        for (name, text) in builtin::FILES {
            set.extend(load::load_rule_text_lazy(
                text,
                &format!("builtin:rules/{name}"),
            )?)?;
        }
        Ok(set)
    }

    /// Adds rules, refusing a duplicate id (an id names one detector, forever).
    pub fn extend(&mut self, rules: Vec<Rule>) -> Result<(), RuleError> {
        for rule in rules {
            if let Some(existing) = self.rules.iter().find(|r| r.id == rule.id) {
                return Err(RuleError::DuplicateId {
                    id: rule.id.clone(),
                    first: existing.origin.clone(),
                    second: rule.origin.clone(),
                });
            }
            self.rules.push(rule);
        }
        Ok(())
    }

    /// Drops the rules whose id is in `ids` (used when a file under check replaces them).
    pub fn remove_ids(&mut self, ids: &std::collections::HashSet<String>) {
        self.rules.retain(|r| !ids.contains(&r.id));
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }
}
