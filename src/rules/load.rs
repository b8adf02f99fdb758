//! Parsing rule files and compiling their rules, with errors that name the file and rule.

use std::path::Path;

use super::schema::{RuleFile, RuleSpec};
use super::validate::Validator;
use super::{LazyPattern, Rule, Severity, DEFAULT_WINDOW_AFTER, DEFAULT_WINDOW_BEFORE};

/// Everything that can be wrong with a rule file.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("cannot read rules from {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{origin}: not a valid rule file: {message}")]
    Parse { origin: String, message: String },
    #[error("{origin}: rule {id:?}: {message}")]
    Invalid {
        origin: String,
        id: String,
        message: String,
    },
    #[error("rule id {id:?} is defined twice: in {first} and in {second}")]
    DuplicateId {
        id: String,
        first: String,
        second: String,
    },
}

/// Loads the rules of one TOML file, or of every `*.toml` file below a folder (sorted by path,
/// so the order is the same on every machine).
pub fn load_path(path: &Path) -> Result<Vec<Rule>, RuleError> {
    let io_err = |source| RuleError::Io {
        path: path.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if !meta.is_dir() {
        let text = std::fs::read_to_string(path).map_err(io_err)?;
        return load_rule_text(&text, &path.display().to_string());
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
        let entry = entry.map_err(|e| RuleError::Io {
            path: path.display().to_string(),
            source: e.into(),
        })?;
        let is_toml = entry.path().extension().is_some_and(|e| e == "toml");
        if entry.file_type().is_file() && is_toml && entry.file_name() != "filters.toml" {
            files.push(entry.into_path());
        }
    }
    let mut rules = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|source| RuleError::Io {
            path: file.display().to_string(),
            source,
        })?;
        rules.extend(load_rule_text(&text, &file.display().to_string())?);
    }
    Ok(rules)
}

/// Parses and compiles the rules in `text`; `origin` names it in errors.
pub fn load_rule_text(text: &str, origin: &str) -> Result<Vec<Rule>, RuleError> {
    compile_specs(parse(text, origin)?, origin)
}

/// Compiles rules already read from a file (e.g. a config's `[[rules]]` tables), regexes
/// included, so a mistake is reported now, naming `origin` and the rule.
pub fn compile_specs(specs: Vec<RuleSpec>, origin: &str) -> Result<Vec<Rule>, RuleError> {
    let rules = specs
        .into_iter()
        .map(|spec| compile_rule(spec, origin))
        .collect::<Result<Vec<_>, _>>()?;
    for rule in &rules {
        rule.pattern.get().map_err(|message| RuleError::Invalid {
            origin: origin.to_string(),
            id: rule.id.clone(),
            message: message.to_string(),
        })?;
    }
    Ok(rules)
}

/// Like [`load_rule_text`], but leaves each regex to compile on first use. For the builtin
/// rules, whose regexes the test suite compiles.
pub(super) fn load_rule_text_lazy(text: &str, origin: &str) -> Result<Vec<Rule>, RuleError> {
    parse(text, origin)?
        .into_iter()
        .map(|spec| compile_rule(spec, origin))
        .collect()
}

fn parse(text: &str, origin: &str) -> Result<Vec<RuleSpec>, RuleError> {
    let file: RuleFile = toml::from_str(text).map_err(|e| RuleError::Parse {
        origin: origin.to_string(),
        message: e.to_string(),
    })?;
    Ok(file.rules)
}

fn compile_rule(spec: RuleSpec, origin: &str) -> Result<Rule, RuleError> {
    let invalid = |message: String| RuleError::Invalid {
        origin: origin.to_string(),
        id: spec.id.clone(),
        message,
    };
    if spec.id.is_empty()
        || !spec
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(invalid(
            "id must be non-empty kebab-case: lowercase letters, digits and '-'".into(),
        ));
    }
    let severity: Severity = spec.severity.parse().map_err(invalid)?;
    let keywords: Vec<String> = spec
        .keywords
        .iter()
        .map(|k| k.to_ascii_lowercase())
        .collect();
    if keywords.iter().any(|k| k.is_empty()) {
        return Err(invalid("a keyword is empty".into()));
    }
    let validator = spec
        .validate
        .as_deref()
        .map(|name| {
            Validator::from_name(name).ok_or_else(|| {
                invalid(format!(
                    "unknown validator {name:?} (known: {})",
                    Validator::NAMES.join(", ")
                ))
            })
        })
        .transpose()?;
    if let Some(e) = spec.entropy {
        if !(0.0..=8.0).contains(&e) {
            return Err(invalid(format!(
                "entropy {e} is out of range (bits per byte, 0 to 8)"
            )));
        }
    }
    if spec.part.is_some() && spec.provider.is_none() {
        return Err(invalid("`part` needs a `provider` to link parts".into()));
    }
    let allow = spec
        .allow
        .iter()
        .map(|a| {
            regex::bytes::RegexBuilder::new(a)
                .unicode(false)
                .size_limit(super::USER_REGEX_SIZE_LIMIT)
                .dfa_size_limit(super::USER_REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| invalid(format!("bad allow regex {a:?}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let paths = if spec.paths.is_empty() {
        None
    } else {
        Some(
            regex::bytes::RegexSetBuilder::new(&spec.paths)
                .unicode(false)
                .size_limit(super::USER_REGEX_SIZE_LIMIT)
                .dfa_size_limit(super::USER_REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| invalid(format!("bad paths regex: {e}")))?,
        )
    };
    Ok(Rule {
        name: spec.name,
        description: spec.description,
        severity,
        keywords,
        pattern: LazyPattern::new(spec.regex),
        entropy: spec.entropy,
        validator,
        window_before: spec.window_before.unwrap_or(DEFAULT_WINDOW_BEFORE),
        window_after: spec.window_after.unwrap_or(DEFAULT_WINDOW_AFTER),
        provider: spec.provider,
        part: spec.part,
        standalone: spec.standalone.unwrap_or(true),
        fallback: spec.fallback.unwrap_or(false),
        allow,
        paths,
        file_kind: spec.file_kind,
        remediation: spec.remediation,
        references: spec.references,
        tags: spec.tags,
        examples: spec.examples,
        counter_examples: spec.counter_examples,
        origin: origin.to_string(),
        id: spec.id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[[rules]]
id = "demo-token"
name = "Demo token"
description = "d"
severity = "high"
keywords = ["DEMO_"]
regex = '''\b(?P<secret>demo_[a-z0-9]{8})\b'''
remediation = "r"
"#;

    #[test]
    fn loads_minimal_rule_with_defaults() {
        let rules = load_rule_text(MINIMAL, "t.toml").unwrap();
        assert_eq!(rules.len(), 1);
        let r = &rules[0];
        assert_eq!(r.keywords, vec!["demo_"]);
        assert_eq!(r.window_before, DEFAULT_WINDOW_BEFORE);
        assert!(r.standalone && !r.fallback);
        assert_eq!(r.pattern.get().unwrap().secret_group, 1);
    }

    #[test]
    fn names_file_and_rule_in_errors() {
        let bad = MINIMAL.replace("(?P<secret>", "(?P<value>");
        let err = load_rule_text(&bad, "mine.toml").unwrap_err().to_string();
        assert!(err.contains("mine.toml") && err.contains("demo-token") && err.contains("secret"));
        let bad = MINIMAL.replace("\"high\"", "\"severe\"");
        assert!(load_rule_text(&bad, "x")
            .unwrap_err()
            .to_string()
            .contains("severe"));
        let bad = MINIMAL.replace("remediation", "remedy");
        assert!(load_rule_text(&bad, "x")
            .unwrap_err()
            .to_string()
            .contains("remedy"));
        let bad = MINIMAL.replace("demo_[a-z0-9]{8}", "demo_[a-z");
        assert!(load_rule_text(&bad, "x")
            .unwrap_err()
            .to_string()
            .contains("bad regex"));
    }

    #[test]
    fn oversized_allow_and_paths_regexes_are_refused() {
        let big = "[a-z]{1,20000}[0-9]{1,20000}";
        let bad = MINIMAL.replace(
            "remediation = \"r\"",
            &format!("remediation = \"r\"\nallow = ['{big}']"),
        );
        let err = load_rule_text(&bad, "x").unwrap_err().to_string();
        assert!(
            err.contains("bad allow regex") && err.contains("size limit"),
            "{err}"
        );
        let bad = MINIMAL.replace(
            "remediation = \"r\"",
            &format!("remediation = \"r\"\npaths = ['{big}']"),
        );
        let err = load_rule_text(&bad, "x").unwrap_err().to_string();
        assert!(
            err.contains("bad paths regex") && err.contains("size limit"),
            "{err}"
        );
        let bad = MINIMAL.replace(
            "demo_[a-z0-9]{8}",
            "demo_[a-z0-9]{8}(?:[a-z]{1,1000}){1,1000}",
        );
        let err = load_rule_text(&bad, "x").unwrap_err().to_string();
        assert!(
            err.contains("bad regex") && err.contains("too large"),
            "{err}"
        );
    }

    #[test]
    fn refuses_duplicate_ids() {
        let mut set = super::super::RuleSet::default();
        set.extend(load_rule_text(MINIMAL, "a.toml").unwrap())
            .unwrap();
        let err = set
            .extend(load_rule_text(MINIMAL, "b.toml").unwrap())
            .unwrap_err();
        assert!(err.to_string().contains("a.toml") && err.to_string().contains("b.toml"));
    }
}
