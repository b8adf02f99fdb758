//! Allow lists: values that a configuration says are not secrets (regexes and stopwords,
//! global or per rule). Compiled by `crate::config` from `[allow]`, applied here.

use std::collections::HashMap;

use anyhow::{bail, Context};
use regex::bytes::Regex;

use crate::findings::Finding;

/// Compiled allow lists: values a config says are not secrets.
#[derive(Debug, Default)]
pub struct FindingFilter {
    global: Allow,
    per_rule: HashMap<String, Allow>,
}

/// One allow list, compiled.
#[derive(Debug, Default)]
struct Allow {
    regexes: Vec<Regex>,
    /// Lower-cased.
    stopwords: Vec<String>,
}

impl Allow {
    fn compile(regexes: &[String], stopwords: &[String]) -> anyhow::Result<Allow> {
        let regexes = regexes
            .iter()
            .map(|r| {
                regex::bytes::RegexBuilder::new(r)
                    .unicode(false)
                    .build()
                    .with_context(|| format!("bad regex {r:?}"))
            })
            .collect::<anyhow::Result<_>>()?;
        if stopwords.iter().any(|s| s.is_empty()) {
            bail!("a stopword is empty (it would allow every finding)");
        }
        Ok(Allow {
            regexes,
            stopwords: stopwords.iter().map(|s| s.to_ascii_lowercase()).collect(),
        })
    }

    fn matches(&self, secret: &str) -> bool {
        if self.regexes.iter().any(|r| r.is_match(secret.as_bytes())) {
            return true;
        }
        if self.stopwords.is_empty() {
            return false;
        }
        let lower = secret.to_ascii_lowercase();
        self.stopwords.iter().any(|w| lower.contains(w.as_str()))
    }

    fn is_empty(&self) -> bool {
        self.regexes.is_empty() && self.stopwords.is_empty()
    }
}

impl FindingFilter {
    /// Compiles a global allow list and per-rule lists (`(rule id, regexes, stopwords)`).
    pub fn compile<'a>(
        regexes: &[String],
        stopwords: &[String],
        per_rule: impl IntoIterator<Item = (&'a str, &'a [String], &'a [String])>,
    ) -> anyhow::Result<FindingFilter> {
        let global = Allow::compile(regexes, stopwords)?;
        let per_rule = per_rule
            .into_iter()
            .map(|(id, regexes, stopwords)| {
                Allow::compile(regexes, stopwords)
                    .with_context(|| format!("rules.{id}"))
                    .map(|a| (id.to_string(), a))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(FindingFilter { global, per_rule })
    }

    /// The rules that have a list of their own.
    pub fn rule_ids(&self) -> impl Iterator<Item = &String> {
        self.per_rule.keys()
    }

    /// True when the config says this finding's secret is not a secret: it matches a global
    /// allow regex or stopword, or one of its rule's.
    pub fn allows(&self, f: &Finding) -> bool {
        self.global.matches(&f.secret)
            || self
                .per_rule
                .get(&f.rule_id)
                .is_some_and(|a| a.matches(&f.secret))
    }

    pub fn is_empty(&self) -> bool {
        self.global.is_empty() && self.per_rule.values().all(Allow::is_empty)
    }

    /// Counts for `config check`: (regexes, stopwords, rules with their own list).
    pub fn sizes(&self) -> (usize, usize, usize) {
        let regexes = self.global.regexes.len()
            + self
                .per_rule
                .values()
                .map(|a| a.regexes.len())
                .sum::<usize>();
        let stopwords = self.global.stopwords.len()
            + self
                .per_rule
                .values()
                .map(|a| a.stopwords.len())
                .sum::<usize>();
        (regexes, stopwords, self.per_rule.len())
    }
}
