//! What happens between raw matches and findings when matches relate to each other:
//! overlapping matches of different rules, and the parts of multi-part credentials.

use super::matcher::RawMatch;
use crate::findings::lines::Position;
use crate::rules::Rule;

/// How far (in lines) a companion part may be from its primary secret to be linked.
pub const LINK_MAX_LINES: usize = 8;

/// A raw match with the position of its secret.
#[derive(Debug, Clone)]
pub struct Located {
    pub m: RawMatch,
    pub pos: Position,
}

/// A reportable finding: a primary match and the companions linked to it.
#[derive(Debug)]
pub struct Linked {
    pub primary: Located,
    pub companions: Vec<Located>,
}

/// How many matches on each side of a primary are candidates for its parts.
const MAX_LINK_CANDIDATES: usize = 256;

fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Of specific (non-fallback) matches of different rules with the very same secret bytes,
/// keeps one, so one secret is one finding: the rule that recognised the file's format
/// (`file_kind`) first, then the more severe, then the earlier rule. Sorting makes this
/// O(n log n) in the number of matches, so a blob with many findings stays fast.
pub fn dedupe_same_secret(rules: &[Rule], raw: &mut Vec<RawMatch>) {
    if raw.len() < 2 {
        return;
    }
    let rank = |m: &RawMatch| {
        let r = &rules[m.rule];
        (r.file_kind.is_some(), r.severity, std::cmp::Reverse(m.rule))
    };
    let mut order: Vec<usize> = (0..raw.len())
        .filter(|&i| !rules[raw[i].rule].fallback)
        .collect();
    order.sort_by_key(|&i| (raw[i].secret.start, raw[i].secret.end));
    let mut keep = vec![true; raw.len()];
    for group in order.chunk_by(|&a, &b| raw[a].secret == raw[b].secret) {
        if group.len() < 2 {
            continue;
        }
        let best = group
            .iter()
            .copied()
            .max_by_key(|&i| rank(&raw[i]))
            .expect("a group is not empty");
        for &i in group {
            if raw[i].rule != raw[best].rule {
                keep[i] = false;
            }
        }
    }
    let mut k = keep.into_iter();
    raw.retain(|_| k.next().unwrap_or(true));
}

/// Drops a `fallback` (generic) finding whose secret overlaps a secret that a specific rule
/// reports: a primary, a standalone part, or a part attached to a primary. Runs after linking,
/// so a part that is reported nowhere (an unattached passphrase) hides nothing. The specific
/// ranges are merged into sorted disjoint intervals and searched, so this is O(n log n).
pub fn drop_shadowed_fallbacks(rules: &[Rule], linked: &mut Vec<Linked>) {
    let mut specific: Vec<std::ops::Range<usize>> = linked
        .iter()
        .filter(|l| !rules[l.primary.m.rule].fallback)
        .flat_map(|l| std::iter::once(&l.primary).chain(&l.companions))
        .map(|x| x.m.secret.clone())
        .filter(|r| !r.is_empty())
        .collect();
    specific.sort_by_key(|r| r.start);
    let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(specific.len());
    for r in specific {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let shadowed = |s: &std::ops::Range<usize>| {
        // The last merged interval starting before `s` ends is the only one that can overlap.
        let i = merged.partition_point(|m| m.start < s.end);
        i > 0 && overlaps(&merged[i - 1], s)
    };
    linked.retain(|l| !rules[l.primary.m.rule].fallback || !shadowed(&l.primary.m.secret));
}

/// position.
pub fn link_parts(rules: &[Rule], located: Vec<Located>) -> Vec<Linked> {
    let mut attached = vec![false; located.len()];
    let mut companions_of: Vec<Vec<usize>> = vec![Vec::new(); located.len()];
    for (p, primary) in located.iter().enumerate() {
        let prule = &rules[primary.m.rule];
        if !prule.is_primary_part() {
            continue;
        }
        // For each part name, the nearest companion of this provider (ties: the earlier one).
        let mut best: Vec<(&str, usize, usize)> = Vec::new(); // (part, distance, index)
                                                              // `located` is in text order, so the candidates within LINK_MAX_LINES lines are one
                                                              // slice; at most MAX_LINK_CANDIDATES on each side are looked at, which bounds the work
                                                              // on a line holding thousands of matches.
        let line = primary.pos.line;
        let lo = located.partition_point(|l| l.pos.line + LINK_MAX_LINES < line);
        let hi = located.partition_point(|l| l.pos.line <= line + LINK_MAX_LINES);
        let lo = lo.max(p.saturating_sub(MAX_LINK_CANDIDATES));
        let hi = hi.min(p + MAX_LINK_CANDIDATES + 1);
        for (c, cand) in located.iter().enumerate().take(hi).skip(lo) {
            let crule = &rules[cand.m.rule];
            if !crule.is_companion_part() || crule.provider != prule.provider {
                continue;
            }
            let distance = cand.pos.line.abs_diff(primary.pos.line);
            if distance > LINK_MAX_LINES {
                continue;
            }
            let part = crule.part.as_deref().unwrap_or_default();
            match best.iter_mut().find(|(name, _, _)| *name == part) {
                Some(entry) if distance < entry.1 => *entry = (part, distance, c),
                Some(_) => {}
                None => best.push((part, distance, c)),
            }
        }
        for (_, _, c) in best {
            attached[c] = true;
            companions_of[p].push(c);
        }
    }
    let mut out = Vec::new();
    for (i, item) in located.iter().enumerate() {
        let rule = &rules[item.m.rule];
        let is_reported = if rule.is_companion_part() {
            !attached[i] && rule.standalone
        } else {
            true
        };
        if !is_reported {
            continue;
        }
        let mut companions: Vec<Located> = companions_of[i]
            .iter()
            .map(|&c| located[c].clone())
            .collect();
        companions.sort_by_key(|c| (c.pos.line, c.pos.column));
        out.push(Linked {
            primary: item.clone(),
            companions,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::detect::Detector;
    use crate::rules::{load_rule_text, RuleSet};
    use std::sync::Arc;

    fn rule(id: &str, kw: &str, re: &str, extra: &str) -> String {
        format!("[[rules]]\nid = {id:?}\nname = \"n\"\ndescription = \"d\"\nseverity = \"high\"\nkeywords = [{kw:?}]\nregex = '''{re}'''\nremediation = \"r\"\n{extra}\n")
    }

    fn detector() -> Detector {
        let toml = rule(
            "acme-secret",
            "acme_secret",
            r"ACME_SECRET=(?P<secret>[a-z0-9]{16})",
            "provider = \"acme\"\npart = \"secret\"",
        ) + &rule(
            "acme-key",
            "acme_key",
            r"ACME_KEY=(?P<secret>[a-z0-9]{8})",
            "provider = \"acme\"\npart = \"key\"",
        ) + &rule(
            "acme-pass",
            "acme_pass",
            r"ACME_PASS=(?P<secret>[a-z0-9]{6,})",
            "provider = \"acme\"\npart = \"passphrase\"\nstandalone = false",
        ) + &rule(
            "generic",
            "=",
            r"=(?P<secret>[a-z0-9]{6,})",
            "fallback = true\nwindow_before = 0",
        );
        let mut set = RuleSet::default();
        set.extend(load_rule_text(&toml, "t").unwrap()).unwrap();
        Detector::new(Arc::new(set)).unwrap()
    }

    fn ids(text: &str) -> Vec<(String, Vec<String>)> {
        let d = detector();
        let mut s = d.new_scratch();
        d.detect(text.as_bytes(), "t", &mut s)
            .into_iter()
            .map(|f| (f.rule_id, f.parts.into_iter().map(|p| p.name).collect()))
            .collect()
    }

    #[test]
    fn parts_attach_to_the_nearest_secret_and_are_not_repeated() {
        let got = ids("ACME_KEY=k1k2k3k4\nACME_SECRET=s1s2s3s4s5s6s7s8\nACME_PASS=p1p2p3\n");
        assert_eq!(
            got,
            vec![(
                "acme-secret".to_string(),
                vec!["key".to_string(), "passphrase".to_string()]
            )]
        );
    }

    #[test]
    fn far_parts_stay_apart_and_lone_keys_are_reported() {
        let text = format!(
            "ACME_KEY=k1k2k3k4\n{}ACME_SECRET=s1s2s3s4s5s6s7s8\n",
            "\n".repeat(20)
        );
        let got = ids(&text);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got
            .iter()
            .any(|(id, parts)| id == "acme-key" && parts.is_empty()));
    }

    #[test]
    fn an_unattached_non_standalone_part_does_not_hide_the_generic_finding() {
        assert_eq!(
            ids("ACME_PASS=p1p2p3q9\n"),
            vec![("generic".to_string(), vec![])]
        );
    }
}
