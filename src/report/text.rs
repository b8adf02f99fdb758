//! The human report: one block per leaked secret (its occurrences grouped by fingerprint),
//! most severe first, then a summary line.

use std::collections::BTreeMap;
use std::io::Write;

use super::ScanOutcome;
use super::{json::unique_secrets, shown, ReportOptions};
use crate::findings::Finding;
use crate::rules::{RuleSet, Severity};
use crate::sources::SkipReason;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn severity(&self, sev: Severity) -> String {
        let label = format!("{:<8}", sev.as_str().to_uppercase());
        let code = match sev {
            Severity::Critical => "1;97;41",
            Severity::High => "1;31",
            Severity::Medium => "1;33",
            Severity::Low => "1;36",
        };
        self.wrap(code, &label)
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
}

pub fn write(
    w: &mut dyn Write,
    outcome: &ScanOutcome,
    rules: &RuleSet,
    opts: ReportOptions,
) -> std::io::Result<()> {
    let paint = Paint { on: opts.color };
    // Group occurrences by fingerprint, keeping first-seen order inside each group.
    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &outcome.findings {
        groups.entry(&f.fingerprint).or_default().push(f);
    }
    let mut groups: Vec<Vec<&Finding>> = groups.into_values().collect();
    groups.sort_by(|a, b| {
        (std::cmp::Reverse(a[0].severity), &a[0].path, a[0].line).cmp(&(
            std::cmp::Reverse(b[0].severity),
            &b[0].path,
            b[0].line,
        ))
    });

    for group in &groups {
        let f = group[0];
        let s = shown(f, opts.show_secrets);
        writeln!(
            w,
            "{} {}  {}",
            paint.severity(f.severity),
            paint.bold(&f.rule_name),
            paint.dim(&f.rule_id)
        )?;
        write!(w, "  secret:      {}", s.secret)?;
        for (name, value) in &s.parts {
            write!(w, "   {name}: {value}")?;
        }
        writeln!(w)?;
        if let Some(v) = &f.verification {
            write_verification(w, &paint, v)?;
        }
        let label = if group.len() == 1 {
            "found at:"
        } else {
            "found at (×"
        };
        if group.len() == 1 {
            writeln!(w, "  {label}")?;
        } else {
            writeln!(w, "  {label}{}):", group.len())?;
        }
        for occ in group {
            let s = shown(occ, opts.show_secrets);
            let how = match (&occ.decoded, &occ.file_kind) {
                (Some(d), _) => format!("  (decoded from {d})"),
                (None, Some(k)) => format!("  ({k} file)"),
                (None, None) => String::new(),
            };
            writeln!(
                w,
                "    {}:{}:{}  {}{how}",
                paint.bold(&occ.path),
                occ.line,
                occ.column,
                s.line_text.trim()
            )?;
            if let Some(c) = &occ.commit {
                let state = if c.in_head {
                    "still present at HEAD"
                } else {
                    "only in history"
                };
                let short = &c.commit[..c.commit.len().min(12)];
                writeln!(
                    w,
                    "      commit {short} by {} <{}> on {}: {} ({state})",
                    c.author, c.email, c.date, c.subject
                )?;
            }
        }
        if let Some(rule) = rules.get(&f.rule_id) {
            writeln!(w, "  fix:         {}", rule.remediation.trim())?;
        }
        writeln!(w, "  fingerprint: {}", f.fingerprint)?;
        writeln!(w)?;
    }

    if let Some(unused) = &outcome.unused_ignores {
        if unused.is_empty() {
            writeln!(w, "no unused ignore entries")?;
        } else {
            writeln!(
                w,
                "{} (no finding of this scan has their fingerprint; remove them if the secret is gone):",
                paint.wrap("1;33", "unused ignore entries")
            )?;
            for u in unused {
                writeln!(w, "  {u}")?;
            }
        }
        writeln!(w)?;
    }

    for s in &outcome.skipped {
        if matches!(s.reason, SkipReason::Unreadable { .. }) {
            writeln!(
                w,
                "{} {}: {}",
                paint.wrap("1;33", "skipped"),
                s.path,
                s.reason
            )?;
        }
    }
    writeln!(w, "{}", summary(outcome))
}

/// The `verified:` lines of a block: the status, then for a live key who it belongs to, what it
/// may do, its risk and the advice.
fn write_verification(
    w: &mut dyn Write,
    paint: &Paint,
    v: &crate::verify::Verification,
) -> std::io::Result<()> {
    use crate::verify::Status;
    let provider = v.provider.map(|p| p.name()).unwrap_or("");
    let reason = v.reason.map(|r| r.as_str()).unwrap_or("");
    let detail = v
        .detail
        .as_deref()
        .map(|d| format!(": {d}"))
        .unwrap_or_default();
    match v.status {
        Status::Live => {
            let risk = v
                .risk
                .map(|r| format!(", risk {}", r.as_str().to_uppercase()))
                .unwrap_or_default();
            writeln!(
                w,
                "  verified:    {}",
                paint.wrap("1;31", &format!("LIVE at {provider}{risk}"))
            )?;
            if let Some(d) = &v.detail {
                writeln!(w, "               {d}")?;
            }
        }
        Status::Dead => writeln!(w, "  verified:    dead ({reason}){detail}")?,
        Status::Indeterminate => writeln!(w, "  verified:    could not tell ({reason}){detail}")?,
        Status::Skipped => writeln!(w, "  verified:    not checked ({reason}){detail}")?,
    }
    if !v.identity.is_empty() {
        let items: Vec<String> = v.identity.iter().map(|(k, x)| format!("{k}={x}")).collect();
        writeln!(w, "  identity:    {}", items.join(", "))?;
    }
    if !v.permissions.is_empty() {
        let items: Vec<String> = v
            .permissions
            .iter()
            .map(|(k, x)| match x {
                serde_json::Value::String(s) => format!("{k}={s}"),
                serde_json::Value::Array(a) => format!(
                    "{k}=[{}]",
                    a.iter()
                        .map(|e| e
                            .as_str()
                            .map(String::from)
                            .unwrap_or_else(|| e.to_string()))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                other => format!("{k}={other}"),
            })
            .collect();
        writeln!(w, "  permissions: {}", items.join(", "))?;
    }
    for (i, advice) in v.advice.iter().enumerate() {
        let label = if i == 0 {
            "advice:     "
        } else {
            "           "
        };
        writeln!(w, "  {label} - {advice}")?;
    }
    Ok(())
}

/// `scanned 12 files (3.4 KiB) in 0.01 s; skipped 1 (1 binary); 2 findings (1 unique secret): 1 critical, 1 high`
pub fn summary(outcome: &ScanOutcome) -> String {
    let st = &outcome.stats;
    let mut out = format!(
        "scanned {} file{} ({}) in {:.2} s",
        st.files_scanned,
        if st.files_scanned == 1 { "" } else { "s" },
        human_bytes(st.bytes_scanned),
        st.elapsed.as_secs_f64()
    );
    if st.skipped_total() > 0 {
        let mut kinds = Vec::new();
        for (n, what) in [
            (st.skipped_binary, "binary"),
            (st.skipped_too_large, "too large"),
            (st.skipped_unreadable, "unreadable"),
        ] {
            if n > 0 {
                kinds.push(format!("{n} {what}"));
            }
        }
        out += &format!("; skipped {} ({})", st.skipped_total(), kinds.join(", "));
    }
    let n = outcome.findings.len();
    if n == 0 {
        out += "; no secrets found";
        out += &suppressed_summary(&outcome.suppressed);
        out += &published_summary(st.published_samples);
        return out;
    }
    let unique = unique_secrets(&outcome.findings);
    out += &format!(
        "; {n} finding{} ({unique} unique secret{})",
        if n == 1 { "" } else { "s" },
        if unique == 1 { "" } else { "s" }
    );
    let mut by_sev = Vec::new();
    for sev in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ] {
        let c = outcome
            .findings
            .iter()
            .filter(|f| f.severity == sev)
            .count();
        if c > 0 {
            by_sev.push(format!("{c} {sev}"));
        }
    }
    out += ": ";
    out += &by_sev.join(", ");
    out += &suppressed_summary(&outcome.suppressed);
    out += &published_summary(st.published_samples);
    out
}

/// `; 2 published sample keys ignored`, or nothing.
fn published_summary(n: u64) -> String {
    match n {
        0 => String::new(),
        1 => "; 1 published sample key ignored".to_string(),
        n => format!("; {n} published sample keys ignored"),
    }
}

/// `; 3 suppressed (1 inline, 2 ignore file)`, or nothing when nothing was suppressed.
fn suppressed_summary(s: &crate::suppress::SuppressedCounts) -> String {
    if s.total() == 0 {
        return String::new();
    }
    let kinds: Vec<String> = [
        (s.inline, "inline"),
        (s.ignore_file, "ignore file"),
        (s.baseline, "baseline"),
        (s.config, "config"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    format!("; {} suppressed ({})", s.total(), kinds.join(", "))
}

fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn bytes() {
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(10 * 1024 * 1024), "10.0 MiB");
    }
}
