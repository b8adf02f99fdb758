//! From gitleaks in five minutes: converts a `.gitleaks.toml` into a `.leakhound.toml` and a
//! leakhound rules file, and says what it could not convert.
//!
//! What maps, and how:
//!
//! | gitleaks | leakhound |
//! |---|---|
//! | `[[rules]]` `id`, `description`, `regex`, `keywords`, `entropy`, `tags` | a rule in the rules file (id kept when it is kebab-case; `regex` as is, its `secretGroup` (default: the first group, else the whole match) renamed `secret`) |
//! | rule `path` (with a `regex`) | the rule's `paths` |
//! | rule allowlist `regexes` / `stopwords` | `[allow.rules.<id>]` |
//! | global allowlist `regexes` / `stopwords` | `[allow]` |
//! | global allowlist `paths` | `exclude` globs, when the regex is a plain folder or file suffix |
//! | `[extend] useDefault = true` | nothing to do: leakhound's builtin rules stay on |
//!
//! Not converted, and said so: path-only rules (no `regex`), allowlist `commits`,
//! `regexTarget = "line"|"match"`, per-rule `paths` allowlists, `condition = "AND"`, path
//! regexes that are not a plain folder or suffix, and `[extend] path`. Converted rules have no
//! examples: `leakhound rules check` asks for them, scans do not.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Context;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GitleaksFile {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    extend: Option<Extend>,
    #[serde(default)]
    rules: Vec<GlRule>,
    #[serde(default)]
    allowlist: Option<Allowlist>,
    #[serde(default)]
    allowlists: Vec<Allowlist>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Extend {
    #[serde(default)]
    use_default: bool,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    disabled_rules: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GlRule {
    id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    allowlist: Option<Allowlist>,
    #[serde(default)]
    allowlists: Vec<Allowlist>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Allowlist {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    regex_target: Option<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
}

/// The result of a conversion: the two files to write, and what was left behind.
#[derive(Debug, Default)]
pub struct Converted {
    /// `.leakhound.toml` text (it names the rules file in `rules_files`).
    pub config: String,
    /// The rules file text.
    pub rules: String,
    /// How many rules were converted.
    pub rules_converted: usize,
    /// One line per thing not converted, with why.
    pub not_converted: Vec<String>,
}

/// TOML literal string (`'...'`), or a basic string when the text holds a `'`.
fn toml_str(s: &str) -> String {
    if !s.contains('\'') && !s.contains('\n') {
        format!("'{s}'")
    } else {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
        out + "\""
    }
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| toml_str(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A kebab-case id from a gitleaks id (`AWS_key` → `aws-key`).
fn kebab(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Rewrites capturing group `n` (1-based, counting unnamed and named groups in order) of
/// `regex` as the named group `secret`; `n = 0` wraps the whole pattern. Named groups other
/// than the secret stay (they become parts). `None` when there is no group `n`.
pub fn name_secret_group(regex: &str, n: usize) -> Option<String> {
    if n == 0 {
        return Some(format!("(?P<secret>{regex})"));
    }
    let bytes = regex.as_bytes();
    let (mut i, mut count, mut in_class) = (0, 0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                i += 2;
                continue;
            }
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => {
                let rest = &regex[i + 1..];
                let named = rest.starts_with("?P<")
                    || (rest.starts_with("?<")
                        && !rest.starts_with("?<=")
                        && !rest.starts_with("?<!"));
                if !rest.starts_with('?') || named {
                    count += 1;
                    if count == n {
                        let body_start = if named {
                            i + 1 + rest.find('>')? + 1
                        } else {
                            i + 1
                        };
                        return Some(format!(
                            "{}(?P<secret>{}",
                            &regex[..i],
                            &regex[body_start..]
                        ));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn has_group(regex: &str) -> bool {
    name_secret_group(regex, 1).is_some()
}

/// Turns a gitleaks path regex into a gitignore-style glob when it plainly names a folder or
/// a file suffix (`(^|/)vendor/`, `node_modules`, `\.lock$`); `None` otherwise.
fn path_regex_to_glob(re: &str) -> Option<String> {
    let mut s = re.trim();
    for prefix in ["(?:^|/)", "(^|/)", "^"] {
        s = s.strip_prefix(prefix).unwrap_or(s);
    }
    let anchored_end = s.ends_with('$');
    let s = s.trim_end_matches('$');
    let plain = |t: &str| {
        t.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_/".contains(c))
    };
    if let Some(ext) = s.strip_prefix("\\.").or_else(|| s.strip_prefix(".*\\.")) {
        if plain(ext) && anchored_end {
            return Some(format!("*.{ext}"));
        }
    }
    let unescaped = s.replace("\\.", ".");
    if unescaped
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_/.".contains(c))
        && !unescaped.is_empty()
    {
        let glob = unescaped.trim_end_matches('/');
        return Some(if s.ends_with('/') {
            format!("{glob}/")
        } else {
            glob.to_string()
        });
    }
    None
}

/// Converts the text of a `.gitleaks.toml`. `rules_file` is the name the config will give
/// the rules file (relative to the config's folder).
pub fn convert(text: &str, rules_file: &str) -> anyhow::Result<Converted> {
    let file: GitleaksFile = toml::from_str(text).context("not a valid gitleaks config")?;
    let mut out = Converted::default();
    let mut rules = String::from(
        "# Converted from a gitleaks config by `leakhound config import-gitleaks`.\n\
         # These rules have no examples yet: add [[rules.examples]] and counter_examples, then\n\
         # run `leakhound rules check` on this file (scans work without them).\n",
    );
    let mut allow_rules: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    let mut seen_ids = std::collections::HashSet::new();
    for r in &file.rules {
        let id = kebab(&r.id);
        let id = if id.is_empty() {
            "gitleaks-rule".to_string()
        } else {
            id
        };
        let id = if seen_ids.insert(id.clone()) {
            id
        } else {
            format!("{id}-{}", seen_ids.len())
        };
        let Some(regex) = &r.regex else {
            out.not_converted.push(format!(
                "rule {:?}: a path-only rule (no regex) flags whole files; leakhound rules match content",
                r.id
            ));
            continue;
        };
        let group = r
            .secret_group
            .unwrap_or(if has_group(regex) { 1 } else { 0 });
        let Some(regex) = name_secret_group(regex, group) else {
            out.not_converted.push(format!(
                "rule {:?}: secretGroup {group} does not exist in its regex",
                r.id
            ));
            continue;
        };
        if let Err(e) = crate::rules::compile_regex(&regex) {
            out.not_converted.push(format!(
                "rule {:?}: its regex does not compile in leakhound's dialect: {e}",
                r.id
            ));
            continue;
        }
        let description = r.description.clone().unwrap_or_else(|| r.id.clone());
        writeln!(rules, "\n[[rules]]\nid = {}", toml_str(&id)).ok();
        writeln!(rules, "name = {}", toml_str(&description)).ok();
        writeln!(
            rules,
            "description = {}",
            toml_str(&format!("{description} (gitleaks rule {})", r.id))
        )
        .ok();
        writeln!(rules, "severity = 'high'").ok();
        let keywords: Vec<String> = r.keywords.iter().map(|k| k.to_lowercase()).collect();
        if keywords.is_empty() {
            writeln!(
                rules,
                "# No keywords in the gitleaks rule: this regex runs on every file."
            )
            .ok();
        }
        writeln!(rules, "keywords = {}", toml_list(&keywords)).ok();
        writeln!(rules, "regex = {}", toml_str(&regex)).ok();
        if let Some(e) = r.entropy {
            writeln!(rules, "entropy = {e}").ok();
        }
        if let Some(p) = &r.path {
            writeln!(rules, "paths = [{}]", toml_str(p)).ok();
        }
        writeln!(rules, "remediation = 'Revoke or rotate this credential at its provider, then remove it from the code and its history.'").ok();
        let mut tags = r.tags.clone();
        tags.push("gitleaks".into());
        writeln!(rules, "tags = {}", toml_list(&tags)).ok();
        out.rules_converted += 1;

        for list in r.allowlist.iter().chain(&r.allowlists) {
            note_unconvertible(
                &mut out.not_converted,
                &format!("rule {:?} allowlist", r.id),
                list,
                false,
            );
            let e = allow_rules.entry(id.clone()).or_default();
            e.0.extend(list.regexes.iter().cloned());
            e.1.extend(list.stopwords.iter().cloned());
            for p in &list.paths {
                out.not_converted.push(format!(
                    "rule {:?} allowlist path {p:?}: leakhound excludes paths for all rules, not one",
                    r.id
                ));
            }
        }
    }

    let mut config =
        String::from("# Converted from a gitleaks config by `leakhound config import-gitleaks`.\n");
    if let Some(t) = &file.title {
        writeln!(config, "# gitleaks title: {t}").ok();
    }
    if let Some(ext) = &file.extend {
        if ext.use_default {
            config.push_str("# gitleaks [extend] useDefault: leakhound's builtin rules stay on.\n");
        }
        if let Some(p) = &ext.path {
            out.not_converted.push(format!(
                "[extend] path {p:?}: convert that file too and merge it"
            ));
        }
        if !ext.disabled_rules.is_empty() {
            out.not_converted.push(format!(
                "[extend] disabledRules {:?}: gitleaks ids; disable the matching leakhound rules with disable_rules",
                ext.disabled_rules
            ));
        }
    }
    writeln!(config, "rules_files = [{}]", toml_str(rules_file)).ok();
    let mut global_regexes = Vec::new();
    let mut global_stopwords = Vec::new();
    let mut excludes = Vec::new();
    for list in file.allowlist.iter().chain(&file.allowlists) {
        note_unconvertible(&mut out.not_converted, "global allowlist", list, true);
        global_regexes.extend(list.regexes.iter().cloned());
        global_stopwords.extend(list.stopwords.iter().cloned());
        for p in &list.paths {
            match path_regex_to_glob(p) {
                Some(glob) => excludes.push(glob),
                None => out.not_converted.push(format!(
                    "global allowlist path {p:?}: not a plain folder or suffix; write it as a gitignore-style glob in exclude"
                )),
            }
        }
    }
    if !excludes.is_empty() {
        writeln!(config, "exclude = {}", toml_list(&excludes)).ok();
    }
    if !global_regexes.is_empty() || !global_stopwords.is_empty() {
        config.push_str("\n[allow]\n");
        if !global_regexes.is_empty() {
            writeln!(config, "regexes = {}", toml_list(&global_regexes)).ok();
        }
        if !global_stopwords.is_empty() {
            writeln!(config, "stopwords = {}", toml_list(&global_stopwords)).ok();
        }
    }
    for (id, (regexes, stopwords)) in &allow_rules {
        if regexes.is_empty() && stopwords.is_empty() {
            continue;
        }
        writeln!(config, "\n[allow.rules.{id}]").ok();
        if !regexes.is_empty() {
            writeln!(config, "regexes = {}", toml_list(regexes)).ok();
        }
        if !stopwords.is_empty() {
            writeln!(config, "stopwords = {}", toml_list(stopwords)).ok();
        }
    }
    out.config = config;
    out.rules = rules;
    Ok(out)
}

fn note_unconvertible(notes: &mut Vec<String>, what: &str, list: &Allowlist, _global: bool) {
    if !list.commits.is_empty() {
        notes.push(format!(
            "{what}: {} commit(s): leakhound has no commit allow list; use a baseline (leakhound baseline create --git) or .leakhoundignore fingerprints",
            list.commits.len()
        ));
    }
    if let Some(t) = &list.regex_target {
        if t != "secret" {
            notes.push(format!(
                "{what}: regexTarget = {t:?}: leakhound allow regexes match the secret only; the regexes were kept and now apply to the secret"
            ));
        }
    }
    if list
        .condition
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("and"))
    {
        notes.push(format!(
            "{what}: condition = \"AND\": leakhound applies each entry on its own (OR)"
        ));
    }
    let _ = &list.description;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_groups_are_named() {
        assert_eq!(
            name_secret_group(r"key=([a-z]{4})(x)", 1).unwrap(),
            r"key=(?P<secret>[a-z]{4})(x)"
        );
        assert_eq!(
            name_secret_group(r"(?i)a(?:b)[(]c(\d+)", 1).unwrap(),
            r"(?i)a(?:b)[(]c(?P<secret>\d+)"
        );
        assert_eq!(
            name_secret_group(r"(?P<k>x)(y)", 2).unwrap(),
            r"(?P<k>x)(?P<secret>y)"
        );
        assert_eq!(name_secret_group(r"(?P<k>x)", 1).unwrap(), r"(?P<secret>x)");
        assert_eq!(name_secret_group("abc", 0).unwrap(), "(?P<secret>abc)");
        assert!(name_secret_group("a(b)", 2).is_none());
    }

    #[test]
    fn path_regexes_become_globs_when_plain() {
        assert_eq!(
            path_regex_to_glob(r"(?:^|/)vendor/").as_deref(),
            Some("vendor/")
        );
        assert_eq!(path_regex_to_glob(r"\.lock$").as_deref(), Some("*.lock"));
        assert_eq!(
            path_regex_to_glob(r"node_modules").as_deref(),
            Some("node_modules")
        );
        assert_eq!(path_regex_to_glob(r"(.*?)(jpg|png)$"), None);
    }

    #[test]
    fn kebab_ids() {
        assert_eq!(kebab("AWS_Access Key"), "aws-access-key");
        assert_eq!(kebab("--x--"), "x");
    }
}
