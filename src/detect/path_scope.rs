//! Which rules may run in a file, decided once per file from its path.
//!
//! Credential-file rules (`paths = [...]`) apply to a handful of file names (`.netrc`,
//! `sftp-config.json`, ...) but share keywords such as `password` with every config file. If
//! their path were checked only after a match, each `password` in a 300 MB tree would open a
//! regex window for every one of them: measured on the bench tree, that was a fifth of the
//! engine's time. So the path is matched first, against one `RegexSet` that holds the path
//! patterns of every restricted rule, and the matcher skips the rules that cannot report here.

use regex::bytes::{RegexSet, RegexSetBuilder};

use crate::rules::{Rule, USER_REGEX_SIZE_LIMIT};

/// The path patterns of all path-restricted rules, compiled together.
#[derive(Debug)]
pub struct PathScope {
    /// Rules that declare `paths`, in rule order.
    restricted: Vec<usize>,
    /// All their path patterns, with the rule each belongs to; `None` when the union did not
    /// compile within its budget, and each rule's own set is asked instead.
    union: Option<(RegexSet, Vec<usize>)>,
    rule_count: usize,
}

impl PathScope {
    pub fn new(rules: &[Rule]) -> Self {
        let mut restricted = Vec::new();
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            if let Some(set) = &rule.paths {
                restricted.push(i);
                for p in set.patterns() {
                    patterns.push(p.clone());
                    owner.push(i);
                }
            }
        }
        let union = if patterns.is_empty() {
            None
        } else {
            // The same flags as each rule's own set (`rules::load`): ASCII classes, so a
            // path that is not UTF-8 matches the same way, and the union stays small.
            RegexSetBuilder::new(&patterns)
                .unicode(false)
                .size_limit(USER_REGEX_SIZE_LIMIT * 8)
                .dfa_size_limit(USER_REGEX_SIZE_LIMIT * 8)
                .build()
                .ok()
                .map(|set| (set, owner))
        };
        PathScope {
            restricted,
            union,
            rule_count: rules.len(),
        }
    }

    /// Fills `enabled` (one flag per rule) for a file at `path`.
    pub fn enabled_for(&self, rules: &[Rule], path: &str, enabled: &mut Vec<bool>) {
        enabled.clear();
        enabled.resize(self.rule_count, true);
        if self.restricted.is_empty() {
            return;
        }
        for &r in &self.restricted {
            enabled[r] = false;
        }
        match &self.union {
            // Most paths match no pattern, and `is_match` can say so without collecting
            // which patterns matched.
            Some((set, owner)) => {
                if set.is_match(path.as_bytes()) {
                    for p in set.matches(path.as_bytes()).iter() {
                        enabled[owner[p]] = true;
                    }
                }
            }
            None => {
                for &r in &self.restricted {
                    enabled[r] = rules[r].applies_to_path(path);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{load_rule_text, RuleSet};

    fn rules(paths: &[(&str, &str)]) -> RuleSet {
        let mut text = String::new();
        for (id, p) in paths {
            text.push_str(&format!(
                "[[rules]]\nid = {id:?}\nname = \"n\"\ndescription = \"d\"\nseverity = \"high\"\n\
                 keywords = [\"k\"]\nregex = '''k(?P<secret>[a-z]+)'''\nremediation = \"r\"\n"
            ));
            if !p.is_empty() {
                text.push_str(&format!("paths = ['{p}']\n"));
            }
        }
        let mut set = RuleSet::default();
        set.extend(load_rule_text(&text, "test").unwrap()).unwrap();
        set
    }

    /// The scope enables, for each path, exactly the rules whose own path check passes.
    fn assert_agrees(set: &RuleSet, scope: &PathScope, paths: &[&str]) {
        let mut enabled = Vec::new();
        for path in paths {
            scope.enabled_for(set.rules(), path, &mut enabled);
            let each: Vec<bool> = set
                .rules()
                .iter()
                .map(|r| r.applies_to_path(path))
                .collect();
            assert_eq!(enabled, each, "{path}");
        }
    }

    #[test]
    fn restricted_rules_run_only_where_their_path_matches() {
        let set = rules(&[
            ("everywhere", ""),
            ("netrc", r"(?:^|/)\.netrc$"),
            ("pgpass", r"(?:^|/)\.pgpass$"),
        ]);
        let scope = PathScope::new(set.rules());
        let mut enabled = Vec::new();
        scope.enabled_for(set.rules(), "home/.netrc", &mut enabled);
        assert_eq!(enabled, [true, true, false]);
        scope.enabled_for(set.rules(), "src/main.rs", &mut enabled);
        assert_eq!(enabled, [true, false, false]);
    }

    #[test]
    fn the_builtin_rules_compile_into_one_set() {
        // Else every file pays one regex set per restricted rule (5% of a scan, measured).
        let set = RuleSet::builtin().unwrap();
        let scope = PathScope::new(set.rules());
        assert!(scope.restricted.len() > 40, "{}", scope.restricted.len());
        assert!(scope.union.is_some());
        assert_agrees(
            &set,
            &scope,
            &["a/.pgpass", "x/sftp-config.json", "src/main.rs", "dé/.env"],
        );
    }

    #[test]
    fn agrees_with_each_rules_own_path_check() {
        let set = rules(&[
            ("a", r"(?i)\.(?:ya?ml|env)$"),
            ("b", r"(?:^|/)config/[^/]+\.php$"),
            ("c", ""),
        ]);
        let scope = PathScope::new(set.rules());
        assert_agrees(
            &set,
            &scope,
            &[
                "x.YML",
                "app/config/db.php",
                ".env",
                "config.php",
                "",
                "a/b/c",
            ],
        );
    }
}
