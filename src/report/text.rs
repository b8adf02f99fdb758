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
            paint.bold(&clean(&f.rule_name)),
            paint.dim(&clean(&f.rule_id))
        )?;
        write!(w, "  secret:      {}", clean(&s.secret))?;
        for (name, value) in &s.parts {
            write!(w, "   {}: {}", clean(name), clean(value))?;
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
                (Some(d), _) => format!("  (decoded from {})", clean(d)),
                (None, Some(k)) => format!("  ({} file)", clean(k)),
                (None, None) => String::new(),
            };
            writeln!(
                w,
                "    {}:{}:{}  {}{how}",
                paint.bold(&clean(&occ.path)),
                occ.line,
                occ.column,
                clean(s.line_text.trim())
            )?;
            if let Some(c) = &occ.commit {
                let state = if c.in_head {
                    "still present at HEAD"
                } else {
                    "only in history"
                };
                let short = clean(&c.commit[..c.commit.len().min(12)]);
                let object = match c.location {
                    Some(crate::findings::Location::TagMessage) => "tag",
                    _ => "commit",
                };
                let subject = occ.shown_subject(opts.show_secrets).unwrap_or_default();
                writeln!(
                    w,
                    "      {object} {short} by {} <{}> on {}: {} ({state})",
                    clean(&c.author),
                    clean(&c.email),
                    clean(&c.date),
                    clean(&subject)
                )?;
            }
        }
        if let Some(rule) = rules.get(&f.rule_id) {
            let indent = "  fix:         ".len();
            for (i, line) in wrap(
                &clean(rule.remediation.trim()),
                opts.width.saturating_sub(indent),
            )
            .iter()
            .enumerate()
            {
                let label = if i == 0 { "  fix:" } else { "" };
                writeln!(w, "{label:<indent$}{line}")?;
            }
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
                writeln!(w, "  {}", clean(&u.to_string()))?;
            }
        }
        writeln!(w)?;
    }

    for s in &outcome.skipped {
        if matches!(
            s.reason,
            SkipReason::Unreadable { .. } | SkipReason::Special { .. } | SkipReason::Archive { .. }
        ) {
            writeln!(
                w,
                "{} {}: {}",
                paint.wrap("1;33", "skipped"),
                clean(&s.path),
                clean(&s.reason.to_string())
            )?;
        }
    }
    if opts.quiet {
        return Ok(());
    }
    writeln!(w, "{}", summary(outcome))
}

/// `s` safe to print on a terminal: control characters (C0 such as ESC, CR and newline,
/// DEL, C1) and the bidirectional overrides that reorder what a reader sees ("Trojan
/// Source") are written as escapes (`\e`, `\r`, `\n`, `\x7f`, `\u{202e}`), so that a file
/// name or a line of a scanned file cannot move the cursor, erase findings or forge a line
/// such as `no secrets found`. A tab stays a tab.
pub fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    };
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            c if unsafe_char(c) && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `text` in lines of at most `width` characters, broken at spaces (a longer word, such as a
/// URL, gets a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(20);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
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
    // Provider answers came over the network: escaped like file content.
    let detail = v
        .detail
        .as_deref()
        .map(|d| format!(": {}", clean(d)))
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
                writeln!(w, "               {}", clean(d))?;
            }
        }
        Status::Dead => writeln!(w, "  verified:    dead ({reason}){detail}")?,
        Status::Indeterminate => writeln!(w, "  verified:    could not tell ({reason}){detail}")?,
        Status::Skipped => writeln!(w, "  verified:    not checked ({reason}){detail}")?,
    }
    if !v.identity.is_empty() {
        let items: Vec<String> = v.identity.iter().map(|(k, x)| format!("{k}={x}")).collect();
        writeln!(w, "  identity:    {}", clean(&items.join(", ")))?;
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
        writeln!(w, "  permissions: {}", clean(&items.join(", ")))?;
    }
    for (i, advice) in v.advice.iter().enumerate() {
        let label = if i == 0 {
            "advice:     "
        } else {
            "           "
        };
        writeln!(w, "  {label} - {}", clean(advice))?;
    }
    Ok(())
}

/// `scanned 12 files (3.4 KiB) in 0.01 s; skipped 1 (1 binary); 2 findings (1 unique secret): 1 critical, 1 high`
pub fn summary(outcome: &ScanOutcome) -> String {
    let st = &outcome.stats;
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    // A history scan reads blobs of commits, not files.
    let what = match &outcome.git_stats {
        Some(crate::sources::git::GitStats::History(h)) => format!(
            "{} blob{} of {} commit{}",
            st.files_scanned,
            plural(st.files_scanned),
            h.commits,
            plural(h.commits)
        ),
        _ => format!("{} file{}", st.files_scanned, plural(st.files_scanned)),
    };
    let mut out = format!(
        "scanned {what} ({}) in {:.2} s",
        human_bytes(st.bytes_scanned),
        st.elapsed.as_secs_f64()
    );
    if st.skipped_total() > 0 {
        let mut kinds = Vec::new();
        for (n, what) in [
            (st.skipped_binary, "binary"),
            (st.skipped_too_large, "too large"),
            (st.skipped_unreadable, "unreadable"),
            (st.skipped_special, "not regular files"),
            (st.skipped_archive, "in archives"),
        ] {
            if n > 0 {
                kinds.push(format!("{n} {what}"));
            }
        }
        out += &format!("; skipped {} ({})", st.skipped_total(), kinds.join(", "));
    }
    if let Some(ignored) = &st.ignored {
        out += &ignored_summary(ignored);
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

/// `; ignored 3 paths (2 by .gitignore, 1 by .ignore; --no-ignore scans them)` and
/// `; excluded 1 path (--exclude or config)`, or nothing. An ignored folder is one path.
fn ignored_summary(ig: &crate::sources::ignored::IgnoredCounts) -> String {
    let paths = |n: u64| format!("{n} path{}", if n == 1 { "" } else { "s" });
    let mut out = String::new();
    let n = ig.by_ignore_rules();
    if n > 0 {
        let kinds: Vec<String> = [
            (ig.gitignore, ".gitignore"),
            (ig.ignore, ".ignore"),
            (ig.git_exclude, ".git/info/exclude"),
            (ig.git_global, "core.excludesFile"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} by {what}"))
        .collect();
        out += &format!(
            "; ignored {} ({}; --no-ignore scans {})",
            paths(n),
            kinds.join(", "),
            if n == 1 { "it" } else { "them" }
        );
    }
    if ig.exclude > 0 {
        out += &format!("; excluded {} (--exclude or config)", paths(ig.exclude));
    }
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
    use super::{clean, human_bytes, wrap};

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(clean("plain/path.txt"), "plain/path.txt");
        assert_eq!(clean("a\tb"), "a\tb");
        assert_eq!(
            clean("x\n\rscanned 0 files; no secrets found\x1b[2K\x7f\u{9b}\u{202e}"),
            "x\\n\\rscanned 0 files; no secrets found\\e[2K\\x7f\\x9b\\u{202e}"
        );
    }

    #[test]
    fn wraps_at_spaces() {
        let text =
            "Revoke the key in the console, then issue a new one and store it in a secret manager.";
        let lines = wrap(text, 30);
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        let long = format!("see {}", "x".repeat(50));
        assert_eq!(wrap(&long, 30), vec!["see".to_string(), "x".repeat(50)]);
    }

    #[test]
    fn bytes() {
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(10 * 1024 * 1024), "10.0 MiB");
    }
}
