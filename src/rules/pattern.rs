//! A rule's regex, compiled on first use.
//!
//! Compiling all ~155 builtin regexes takes ~110 ms, which dominated a pre-commit scan of a
//! one-line change (measured: `git --staged` 155 ms, of which `rules list`, i.e. compiling
//! alone, 110 ms). Most rules never fire in a small change, so a builtin rule's regex is built
//! the first time one of its keywords hits. User rule files are compiled eagerly instead, so
//! their mistakes are reported at load time (`RuleError`), and the test suite compiles every
//! builtin rule.

use std::sync::OnceLock;

use regex_automata::meta::Regex;

use super::compile_regex;

/// The compiled form of a rule regex, with the capture groups the engine reads.
#[derive(Debug)]
pub struct CompiledPattern {
    pub regex: Regex,
    /// Capture group index of `secret`.
    pub secret_group: usize,
    /// Other named groups: (name, group index).
    pub part_groups: Vec<(String, usize)>,
}

/// A rule regex that compiles itself once, on first use, thread-safely.
#[derive(Debug)]
pub struct LazyPattern {
    source: String,
    compiled: OnceLock<Result<CompiledPattern, String>>,
}

impl LazyPattern {
    pub fn new(source: String) -> LazyPattern {
        LazyPattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The compiled pattern, or why it does not compile.
    pub fn get(&self) -> Result<&CompiledPattern, &str> {
        self.compiled
            .get_or_init(|| compile(&self.source))
            .as_ref()
            .map_err(String::as_str)
    }
}

fn compile(source: &str) -> Result<CompiledPattern, String> {
    let regex = compile_regex(source).map_err(|e| format!("bad regex: {e}"))?;
    let info = regex.group_info();
    let pid = regex_automata::PatternID::ZERO;
    let secret_group = info
        .to_index(pid, "secret")
        .ok_or_else(|| "regex has no named group `secret`".to_string())?;
    let part_groups = info
        .pattern_names(pid)
        .enumerate()
        .filter_map(|(i, name)| Some((name?.to_string(), i)))
        .filter(|(name, _)| name != "secret")
        .collect();
    Ok(CompiledPattern {
        regex,
        secret_group,
        part_groups,
    })
}
