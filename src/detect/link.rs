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

fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Drops matches that another rule explains better:
/// - a `fallback` (generic) match whose secret overlaps a specific rule's secret;
/// - of two specific matches with the very same secret bytes, the less severe one (then the
///   later rule), so one secret is one finding.
pub fn resolve_overlaps(rules: &[Rule], raw: &mut Vec<RawMatch>) {
    if raw.len() < 2 {
        return;
    }
    let mut keep = vec![true; raw.len()];
    for i in 0..raw.len() {
        for j in 0..raw.len() {
            if i == j || !keep[i] || !keep[j] || raw[i].rule == raw[j].rule {
                continue;
            }
            let (a, b) = (&raw[i], &raw[j]);
            if !overlaps(&a.secret, &b.secret) {
                continue;
            }
            let (ra, rb) = (&rules[a.rule], &rules[b.rule]);
            let a_loses = if ra.fallback != rb.fallback {
                ra.fallback
            } else if a.secret == b.secret && !ra.fallback {
                (ra.severity, std::cmp::Reverse(a.rule)) < (rb.severity, std::cmp::Reverse(b.rule))
            } else {
                false
            };
            if a_loses {
                keep[i] = false;
            }
        }
    }
    let mut k = keep.into_iter();
    raw.retain(|_| k.next().unwrap_or(true));
}

/// Attaches companion parts (key, passphrase, ...) to the nearest primary secret of the same
/// provider within [`LINK_MAX_LINES`]. Attached companions are not reported on their own;
/// unattached ones are, unless their rule says `standalone = false`. `located` is sorted by
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
        for (c, cand) in located.iter().enumerate() {
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
