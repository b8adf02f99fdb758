//! The HTML report: one self-contained file to triage findings with the eyes. No network, no
//! external script, font or image: CSS and a small script are inline, charts are inline SVG.
//!
//! Everything that comes from scanned content (paths, snippets, commit subjects, authors) is
//! untrusted and HTML-escaped. Secrets are always redacted here, even with `--show-secrets`:
//! an HTML report is made to be passed around. A Content-Security-Policy allows only this
//! report's own script (by its SHA-256), so even a mistake in escaping could not run one.

use std::collections::BTreeMap;
use std::io::Write;

use base64::Engine as _;
use sha2::Digest as _;

use super::{json::unique_secrets, shown, ScanOutcome};
use crate::findings::verification::{RiskLevel, Status};
use crate::findings::Finding;
use crate::rules::{RuleSet, Severity};
use crate::sources::git::GitStats;

/// Bars shown in the "by rule" chart.
const TOP_RULES: usize = 15;

const STYLE: &str = r#"
:root { --c: #b00020; --h: #d9480f; --m: #b08900; --l: #1c7ed6; --ink: #1d2330; --mute: #5c6577; --line: #dde1e8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; background: #f6f7f9; }
header { background: #1d2330; color: #fff; padding: 18px 28px; }
header h1 { margin: 0; font-size: 20px; } header p { margin: 4px 0 0; color: #c9cfdb; }
main { padding: 20px 28px; max-width: 1400px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin-bottom: 18px; }
h2 { font-size: 16px; margin: 0 0 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 120px; }
.card b { display: block; font-size: 22px; } .card span { color: var(--mute); font-size: 12px; text-transform: uppercase; }
.critical { color: var(--c); } .high { color: var(--h); } .medium { color: var(--m); } .low { color: var(--l); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 18px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { cursor: pointer; user-select: none; background: #f0f2f5; position: sticky; top: 0; }
th[aria-sort="ascending"]::after { content: " \25B2"; } th[aria-sort="descending"]::after { content: " \25BC"; }
td code { font-size: 12px; word-break: break-all; }
.sev { font-weight: 600; text-transform: uppercase; font-size: 12px; }
.filters { display: flex; gap: 10px; margin-bottom: 10px; flex-wrap: wrap; }
.filters input, .filters select { padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
details summary { cursor: pointer; color: var(--mute); }
.risk { border-left: 4px solid var(--c); padding-left: 10px; margin: 6px 0; }
.muted { color: var(--mute); }
@media print { th { position: static; } .filters { display: none; } body { background: #fff; } section { break-inside: avoid; } }
"#;

const SCRIPT: &str = r#"
(function () {
  var table = document.getElementById('findings');
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById('filter-text');
  var sev = document.getElementById('filter-severity');
  function apply() {
    var q = text.value.toLowerCase();
    var s = sev.value;
    var shown = 0;
    rows.forEach(function (r) {
      var ok = (!q || r.textContent.toLowerCase().indexOf(q) >= 0) && (!s || r.getAttribute('data-severity') === s);
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    document.getElementById('shown-count').textContent = String(shown);
  }
  text.addEventListener('input', apply);
  sev.addEventListener('change', apply);
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.addEventListener('click', function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-key') || a.cells[col].textContent;
        var y = b.cells[col].getAttribute('data-key') || b.cells[col].textContent;
        var nx = Number(x), ny = Number(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  apply();
})();
"#;

/// HTML-escapes untrusted text for element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "var(--c)",
        Severity::High => "var(--h)",
        Severity::Medium => "var(--m)",
        Severity::Low => "var(--l)",
    }
}

/// A horizontal bar chart as inline SVG: one bar per (label, value, colour).
fn bar_chart(title: &str, bars: &[(String, usize, &str)]) -> String {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let row = 22;
    let height = bars.len().max(1) * row + 10;
    let mut svg = format!(
        "<figure><figcaption>{}</figcaption><svg role=\"img\" aria-label=\"{}\" width=\"100%\" viewBox=\"0 0 480 {height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(title),
        escape(title)
    );
    for (i, (label, value, color)) in bars.iter().enumerate() {
        let y = i * row + 4;
        let w = (*value as f64 / max as f64 * 250.0).round().max(1.0);
        svg += &format!(
            "<text x=\"0\" y=\"{}\" font-size=\"12\" fill=\"#1d2330\">{}</text><rect x=\"200\" y=\"{y}\" width=\"{w}\" height=\"16\" rx=\"3\" fill=\"{color}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#5c6577\">{value}</text>",
            y + 12,
            escape(&truncate(label, 30)),
            206.0 + w,
            y + 12
        );
    }
    svg + "</svg></figure>"
}

/// When secrets were introduced (by month of the commit), split by whether they are still in
/// the files at HEAD.
fn timeline(findings: &[Finding]) -> Option<String> {
    let mut months: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for f in findings {
        let Some(c) = &f.commit else { continue };
        let month = c.date.get(..7).unwrap_or("unknown").to_string();
        let e = months.entry(month).or_default();
        if c.in_head {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    if months.is_empty() {
        return None;
    }
    let max = months
        .values()
        .map(|(a, b)| a + b)
        .max()
        .unwrap_or(1)
        .max(1);
    let bar = 28;
    let width = (months.len() * bar + 40).max(200);
    let mut svg = format!(
        "<figure><figcaption>Secrets introduced per month (red: still at HEAD, grey: only in history)</figcaption><svg role=\"img\" aria-label=\"timeline\" width=\"100%\" viewBox=\"0 0 {width} 180\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for (i, (month, (head, history))) in months.iter().enumerate() {
        let x = 20 + i * bar;
        let h_head = (*head as f64 / max as f64 * 130.0).round();
        let h_hist = (*history as f64 / max as f64 * 130.0).round();
        svg += &format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"20\" height=\"{h_hist}\" fill=\"#adb5bd\"><title>{}: {history} only in history</title></rect><rect x=\"{x}\" y=\"{}\" width=\"20\" height=\"{h_head}\" fill=\"#b00020\"><title>{}: {head} still at HEAD</title></rect><text x=\"{x}\" y=\"175\" font-size=\"9\" fill=\"#5c6577\">{}</text>",
            145.0 - h_hist - h_head,
            escape(month),
            145.0 - h_head,
            escape(month),
            escape(month.get(2..).unwrap_or(month)),
        );
    }
    Some(svg + "</svg></figure>")
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn verification_cell(f: &Finding) -> (String, String) {
    match &f.verification {
        None => ("".into(), "not verified".into()),
        Some(v) => {
            let mut text = v.status.as_str().to_string();
            if let Some(r) = v.risk {
                text += &format!(", risk {}", r.as_str());
            }
            if let Some(reason) = v.reason {
                text += &format!(" ({})", reason.as_str());
            }
            (v.status.as_str().to_string(), text)
        }
    }
}

pub fn write(w: &mut dyn Write, outcome: &ScanOutcome, rules: &RuleSet) -> std::io::Result<()> {
    let findings = &outcome.findings;
    let script_hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(SCRIPT));
    let history = matches!(outcome.git_stats, Some(GitStats::History(_)));
    let mut out = String::new();
    out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
    out += &format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'\">"
    );
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>leakhound report</title>";
    out += &format!("<style>{STYLE}</style></head><body>");
    out += &format!(
        "<header><h1>leakhound report</h1><p>{} · leakhound {} · secrets are redacted in this report</p></header><main>",
        escape(&super::summary(outcome)),
        env!("CARGO_PKG_VERSION")
    );

    // Keys that can move money (or do the most harm), from verification, first.
    let mut risky: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.verification.as_ref().is_some_and(|v| {
                v.status == Status::Live && v.risk.is_some_and(|r| r >= RiskLevel::High)
            })
        })
        .collect();
    risky.sort_by_key(|f| std::cmp::Reverse(f.verification.as_ref().and_then(|v| v.risk)));
    if !risky.is_empty() {
        out += "<section id=\"risk\"><h2 class=\"critical\">Live keys that can do harm now</h2>";
        for f in &risky {
            let v = f.verification.as_ref().expect("filtered on verification");
            let perms: Vec<String> = v
                .permissions
                .iter()
                .filter(|(_, val)| **val == serde_json::Value::Bool(true))
                .map(|(k, _)| escape(k))
                .collect();
            out += &format!(
                "<div class=\"risk\"><b class=\"{}\">{}</b> · {} · <code>{}:{}</code>{}<br><span class=\"muted\">{}</span></div>",
                v.risk.map_or("", |r| r.as_str()),
                escape(&v.risk.map_or(String::new(), |r| r.as_str().to_uppercase())),
                escape(&f.rule_name),
                escape(&f.path),
                f.line,
                if perms.is_empty() { String::new() } else { format!(" · can: {}", perms.join(", ")) },
                escape(&v.advice.first().cloned().unwrap_or_default()),
            );
        }
        out += "</section>";
    }

    // Summary cards.
    out += "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">";
    out += &format!(
        "<div class=\"card\"><b id=\"total-findings\">{}</b><span>findings</span></div><div class=\"card\"><b id=\"unique-secrets\">{}</b><span>unique secrets</span></div>",
        findings.len(),
        unique_secrets(findings)
    );
    let mut by_severity = Vec::new();
    for sev in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ] {
        let n = findings.iter().filter(|f| f.severity == sev).count();
        out += &format!(
            "<div class=\"card\"><b class=\"{0}\" id=\"count-{0}\">{n}</b><span>{0}</span></div>",
            sev.as_str()
        );
        by_severity.push((sev.as_str().to_string(), n, severity_color(sev)));
    }
    if findings.iter().any(|f| f.verification.is_some()) {
        for status in [
            Status::Live,
            Status::Dead,
            Status::Indeterminate,
            Status::Skipped,
        ] {
            let n = findings
                .iter()
                .filter(|f| f.verification.as_ref().is_some_and(|v| v.status == status))
                .count();
            out += &format!(
                "<div class=\"card\"><b id=\"verified-{0}\">{n}</b><span>{0}</span></div>",
                status.as_str()
            );
        }
    }
    if history {
        let still = findings
            .iter()
            .filter(|f| f.commit.as_ref().is_some_and(|c| c.in_head))
            .count();
        out += &format!(
            "<div class=\"card\"><b>{still}</b><span>still at HEAD</span></div><div class=\"card\"><b>{}</b><span>only in history</span></div>",
            findings.len() - still
        );
    }
    out += "</div></section>";

    // Charts.
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_family: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        *by_rule.entry(&f.rule_id).or_default() += 1;
        let family = rules.get(&f.rule_id).map_or("other", |r| r.family());
        *by_family.entry(family).or_default() += 1;
    }
    let top = |m: &BTreeMap<&str, usize>, color: &'static str| {
        let mut v: Vec<(String, usize, &str)> =
            m.iter().map(|(k, n)| (k.to_string(), *n, color)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(TOP_RULES);
        v
    };
    out += "<section id=\"charts\"><h2>Where and what</h2><div class=\"charts\">";
    out += &bar_chart("Findings by severity", &by_severity);
    out += &bar_chart("Findings by provider", &top(&by_family, "#495057"));
    out += &bar_chart("Findings by rule", &top(&by_rule, "#868e96"));
    if let Some(t) = timeline(findings) {
        out += &t;
    }
    out += "</div></section>";

    // The table.
    out += "<section><h2>Findings (<span id=\"shown-count\">0</span> shown)</h2><div class=\"filters\"><input id=\"filter-text\" type=\"search\" placeholder=\"Filter: path, rule, author…\" aria-label=\"filter\"><select id=\"filter-severity\" aria-label=\"severity\"><option value=\"\">every severity</option><option>critical</option><option>high</option><option>medium</option><option>low</option></select></div>";
    out += "<table id=\"findings\"><thead><tr><th>severity</th><th>rule</th><th>location</th><th>secret</th>";
    if history {
        out += "<th>commit</th><th>author</th><th>date</th><th>at HEAD</th>";
    }
    out += "<th>verification</th><th>fingerprint</th></tr></thead><tbody>";
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| {
        (std::cmp::Reverse(a.severity), &a.path, a.line).cmp(&(
            std::cmp::Reverse(b.severity),
            &b.path,
            b.line,
        ))
    });
    for f in sorted {
        let s = shown(f, false);
        let rank = match f.severity {
            Severity::Critical => 4,
            Severity::High => 3,
            Severity::Medium => 2,
            Severity::Low => 1,
        };
        out += &format!(
            "<tr data-severity=\"{sev}\"><td data-key=\"{rank}\" class=\"sev {sev}\">{sev}</td><td><code>{}</code><br><span class=\"muted\">{}</span>",
            escape(&f.rule_id),
            escape(&f.rule_name),
            sev = f.severity.as_str()
        );
        if let Some(rule) = rules.get(&f.rule_id) {
            out += &format!(
                "<details><summary>fix</summary>{}</details>",
                escape(rule.remediation.trim())
            );
        }
        let how = match (&f.decoded, &f.file_kind) {
            (Some(d), _) => format!(
                "<br><span class=\"muted\">decoded from {}</span>",
                escape(d)
            ),
            (None, Some(k)) => format!("<br><span class=\"muted\">{} file</span>", escape(k)),
            _ => String::new(),
        };
        let how = match f.location() {
            Some(l) => format!(
                "<br><span class=\"muted\">in a {}</span>{how}",
                l.describe()
            ),
            None => how,
        };
        out += &format!(
            "</td><td><code>{}:{}:{}</code><br><code class=\"muted\">{}</code>{how}</td><td><code>{}</code></td>",
            escape(&f.path),
            f.line,
            f.column,
            escape(&truncate(s.line_text.trim(), 160)),
            escape(&s.secret)
        );
        if history {
            match &f.commit {
                Some(c) => {
                    out += &format!(
                        "<td><code>{}</code><br><span class=\"muted\">{}</span></td><td>{}</td><td>{}</td><td>{}</td>",
                        escape(&c.commit[..c.commit.len().min(12)]),
                        escape(&truncate(&f.shown_subject(false).unwrap_or_default(), 80)),
                        escape(&c.author),
                        escape(&c.date),
                        if c.in_head { "yes" } else { "no" }
                    )
                }
                None => out += "<td></td><td></td><td></td><td></td>",
            }
        }
        let (key, text) = verification_cell(f);
        out += &format!(
            "<td data-key=\"{}\">{}</td><td><code>{}</code></td></tr>",
            escape(&key),
            escape(&text),
            escape(&f.fingerprint)
        );
    }
    out += "</tbody></table></section>";
    if !outcome.skipped.is_empty() {
        out += &format!(
            "<section id=\"skipped\"><h2>Not scanned ({})</h2><details><summary>show</summary><ul>",
            outcome.skipped.len()
        );
        for s in outcome.skipped.iter().take(1000) {
            out += &format!(
                "<li><code>{}</code>: {}</li>",
                escape(&s.path),
                escape(&s.reason.to_string())
            );
        }
        out += "</ul></details></section>";
    }
    out += &format!("</main><script>{SCRIPT}</script></body></html>\n");
    w.write_all(out.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            escape("<script>alert('x')</script>&\"\u{1b}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;\\u{1b}"
        );
    }
}
