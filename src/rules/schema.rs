//! The on-disk shape of a rule file, exactly as `rules/README.md` documents it.
//!
//! These structs only describe the TOML. Turning them into something the engine can run
//! (compiling regexes, checking groups, resolving defaults) is `Rule::compile`'s job, so that
//! every error can name the file and the rule it came from.

use serde::Deserialize;
use std::collections::BTreeMap;

/// A whole rule file: `[[rules]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

/// One `[[rules]]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub name: String,
    pub description: String,
    pub severity: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub regex: String,
    pub entropy: Option<f64>,
    pub validate: Option<String>,
    pub window_before: Option<usize>,
    pub window_after: Option<usize>,
    pub provider: Option<String>,
    pub part: Option<String>,
    pub standalone: Option<bool>,
    pub fallback: Option<bool>,
    #[serde(default)]
    pub allow: Vec<String>,
    /// Regexes over the file's path: when set, the rule reports only in files whose path
    /// matches one of them (credential files such as `.netrc`, config formats).
    #[serde(default)]
    pub paths: Vec<String>,
    /// The kind of file this rule parses (`netrc`, `docker-config`, ...), shown in reports.
    pub file_kind: Option<String>,
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub examples: Vec<ExampleSpec>,
    #[serde(default)]
    pub counter_examples: Vec<CounterExampleSpec>,
}

/// A text the rule must find, and what it must find there.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    pub text: String,
    pub secret: String,
    /// The path the text is checked under (default `example`); needed by rules with `paths`.
    pub path: Option<String>,
    #[serde(default)]
    pub parts: BTreeMap<String, String>,
}

/// A text in which the rule must find nothing. Either a bare string or `{ text = "..." }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum CounterExampleSpec {
    Text(String),
    Table {
        text: String,
        /// The path the text is checked under (default `counter-example`).
        #[serde(default)]
        path: Option<String>,
        #[serde(default)]
        #[allow(dead_code)]
        note: Option<String>,
    },
}

impl CounterExampleSpec {
    pub fn text(&self) -> &str {
        match self {
            CounterExampleSpec::Text(t) => t,
            CounterExampleSpec::Table { text, .. } => text,
        }
    }

    pub fn path(&self) -> Option<&str> {
        match self {
            CounterExampleSpec::Text(_) => None,
            CounterExampleSpec::Table { path, .. } => path.as_deref(),
        }
    }
}
