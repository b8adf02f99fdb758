//! SARIF 2.1.0, the format GitHub code scanning (and most CI dashboards) import.
//!
//! One run, one result per finding (one occurrence of a secret), built with `serde-sarif`'s
//! types. The document is shaped for GitHub's upload requirements (see
//! `../shared/research/rust-stack.md` §4):
//!
//! - `tool.driver.rules` lists each rule that produced a result, once, with GitHub's
//!   `security-severity` (a numeric *string*), `precision` and `tags`; results point at it with
//!   `ruleId` and `ruleIndex`.
//! - Locations are repository-relative URIs under `%SRCROOT%`, because GitHub matches alerts to
//!   files by relative path; a leading `/` would be rejected.
//! - `partialFingerprints["secretFingerprint/v1"]` carries the finding's content fingerprint, so
//!   an alert survives line moves and closes when the secret changes.
//! - `automationDetails.id` separates history, staged and file scans of the same commit.
//! - GitHub rejects a run with more than 25,000 results or a file over 10 MB gzipped: above
//!   that the least severe results are left out, and a notification says how many and why.
//!
//! **No secret ever goes into SARIF, not even with `--show-secrets`.** A SARIF file is uploaded
//! to a service and kept as a build artifact, so it is the worst place for a credential. Results
//! carry no secret, no part value and no snippet; messages name the kind of secret only, and
//! the free text that comes from a commit (subject, author) is redacted as a last guard.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif, Tool, ToolComponent,
};

use super::ScanOutcome;
use crate::findings::redact::redact_in;
use crate::findings::Finding;
use crate::rules::{Rule, RuleSet, Severity};
use crate::sources::git::GitStats;
use crate::sources::SkipReason;

/// The schema address GitHub and the SARIF validators expect (serde-sarif's own constant
/// points at an older host).
pub const SCHEMA_URL: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Where users learn about the tool; shown by GitHub next to each alert.
pub const INFORMATION_URI: &str = "https://github.com/leakhound/leakhound";
/// The `partialFingerprints` key: ours, versioned, so a change of fingerprint scheme can get a
/// new key instead of silently reopening every alert.
pub const FINGERPRINT_KEY: &str = "secretFingerprint/v1";
/// GitHub code scanning rejects a run with more results than this.
pub const MAX_RESULTS: usize = 25_000;
/// GitHub code scanning rejects a SARIF file larger than this once gzipped ("10 MB"; decimal
/// megabytes, the stricter reading).
pub const MAX_GZIP_BYTES: usize = 10_000_000;
/// At most this many rule tags: GitHub accepts 20 (and shows 10).
const MAX_TAGS: usize = 20;
/// Tags every rule gets: GitHub files alerts tagged `security` under security, and CWE-798
/// ("Use of Hard-coded Credentials") is what a leaked secret is.
const BASE_TAGS: [&str; 3] = ["security", "secret", "external/cwe/cwe-798"];
/// Unreadable files are reported as tool notifications, but a broken disk should not make the
/// report huge: past this many, one notification counts the rest.
const MAX_SKIP_NOTIFICATIONS: usize = 100;

/// GitHub's upload limits, a parameter so tests can exercise them with small numbers.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_results: usize,
    pub max_gzip_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_results: MAX_RESULTS,
            max_gzip_bytes: MAX_GZIP_BYTES,
        }
    }
}

/// Writes `outcome` as a SARIF document. There is no `show_secrets` parameter on purpose: SARIF
/// is always redacted (see the module documentation).
pub fn write(w: &mut dyn Write, outcome: &ScanOutcome, rules: &RuleSet) -> std::io::Result<()> {
    // Paths are reported as scanned; an absolute one under the working directory becomes
    // relative to it (CI runs from the repository root). Without a working directory, absolute
    // paths stay absolute `file://` URIs.
    let cwd = std::env::current_dir().ok();
    let bytes = render(outcome, rules, cwd.as_deref(), Limits::default())?;
    w.write_all(&bytes)
}

/// The SARIF document for `outcome` as bytes, within `limits`.
///
/// The results are ordered most severe first, so keeping a prefix keeps the most severe. The
/// size limit is checked on the bytes that will be written: compressing only happens when the
/// uncompressed document is already over the limit (it never is for ordinary scans).
pub fn render(
    outcome: &ScanOutcome,
    rules: &RuleSet,
    cwd: Option<&Path>,
    limits: Limits,
) -> std::io::Result<Vec<u8>> {
    let mut ordered: Vec<&Finding> = outcome.findings.iter().collect();
    ordered.sort_by(|a, b| severity_order(a, b));
    let total = ordered.len();
    let mut keep = total.min(limits.max_results);
    let mut over_size = false;
    loop {
        let truncation = (keep < total).then_some(Truncation {
            total,
            kept: keep,
            too_many: total > limits.max_results,
            too_large: over_size,
            limits,
        });
        let log = sarif_log(outcome, &ordered[..keep], rules, cwd, truncation);
        let mut bytes = serde_json::to_vec_pretty(&log)?;
        bytes.push(b'\n');
        if bytes.len() <= limits.max_gzip_bytes || keep == 0 {
            return Ok(bytes);
        }
        let compressed = gzip_len(&bytes);
        if compressed <= limits.max_gzip_bytes {
            return Ok(bytes);
        }
        // Shrink in proportion, with a margin so this converges in a step or two, and by at
        // least one result so it always ends.
        over_size = true;
        let ratio = limits.max_gzip_bytes as f64 / compressed as f64;
        let shrunk = (keep as f64 * ratio * 0.9) as usize;
        keep = shrunk.min(keep - 1);
    }
}

/// Most severe first; then by place, so the order (and what a limit keeps) is deterministic.
fn severity_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    fn key(
        f: &Finding,
    ) -> (
        std::cmp::Reverse<Severity>,
        &str,
        usize,
        usize,
        &str,
        Option<&str>,
    ) {
        (
            std::cmp::Reverse(f.severity),
            &f.path,
            f.line,
            f.column,
            &f.rule_id,
            f.commit.as_ref().map(|c| c.commit.as_str()),
        )
    }
    key(a).cmp(&key(b))
}

/// Why some results are not in the run.
#[derive(Debug, Clone, Copy)]
struct Truncation {
    total: usize,
    kept: usize,
    too_many: bool,
    too_large: bool,
    limits: Limits,
}

impl Truncation {
    fn message(&self) -> String {
        let mut why = Vec::new();
        if self.too_many {
            why.push(format!(
                "GitHub code scanning accepts at most {} results per run",
                self.limits.max_results
            ));
        }
        if self.too_large {
            why.push(format!(
                "GitHub code scanning accepts at most {} bytes of gzipped SARIF",
                self.limits.max_gzip_bytes
            ));
        }
        format!(
            "leakhound found {} findings; {} were left out of this report because {}. The {} most \
             severe were kept. Use --format json for the full list.",
            self.total,
            self.total - self.kept,
            why.join(" and "),
            self.kept
        )
    }
}

/// Builds the whole log for the findings to report (already ordered, already limited).
fn sarif_log(
    outcome: &ScanOutcome,
    findings: &[&Finding],
    rules: &RuleSet,
    cwd: Option<&Path>,
    truncation: Option<Truncation>,
) -> Sarif {
    let (descriptors, index_of) = rule_descriptors(findings, rules);
    let kind = ScanKind::of(outcome);
    let results: Vec<SarifResult> = findings
        .iter()
        .map(|f| sarif_result(f, index_of.get(f.rule_id.as_str()).copied(), kind, cwd))
        .collect();

    let driver = ToolComponent::builder()
        .name(env!("CARGO_PKG_NAME"))
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(descriptors)
        .build();

    let mut notifications = Vec::new();
    if let Some(t) = truncation {
        notifications.push(notification("warning", t.message()));
    }
    notifications.extend(skip_notifications(outcome, cwd));
    let invocation = if notifications.is_empty() {
        Invocation::builder().execution_successful(true).build()
    } else {
        Invocation::builder()
            .execution_successful(true)
            .tool_execution_notifications(notifications)
            .build()
    };

    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .automation_details(RunAutomationDetails::builder().id(kind.category()).build())
        .invocations(vec![invocation])
        // Finding columns count characters, not UTF-16 units (the SARIF default).
        .column_kind(json!("unicodeCodePoints"))
        .results(results)
        .build();

    Sarif::builder()
        .schema(SCHEMA_URL)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// What was scanned, which decides the run's category and the wording of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScanKind {
    Files,
    History,
    Staged,
}

impl ScanKind {
    fn of(outcome: &ScanOutcome) -> ScanKind {
        match outcome.git_stats {
            Some(GitStats::History(_)) => ScanKind::History,
            Some(GitStats::Staged(_)) => ScanKind::Staged,
            None => ScanKind::Files,
        }
    }

    /// `automationDetails.id`: GitHub keeps one set of alerts per category, so a history scan
    /// and a file scan of the same commit do not close each other's alerts. The trailing `/`
    /// makes it a category without a run id.
    fn category(self) -> &'static str {
        match self {
            ScanKind::Files => "leakhound/files/",
            ScanKind::History => "leakhound/history/",
            ScanKind::Staged => "leakhound/staged/",
        }
    }
}

/// One descriptor per rule id that has a result, in id order, and where each one sits.
fn rule_descriptors<'a>(
    findings: &[&'a Finding],
    rules: &RuleSet,
) -> (Vec<ReportingDescriptor>, BTreeMap<&'a str, i64>) {
    // A finding's own name and severity stand in for a rule the set does not hold (which the
    // engine does not produce, but a report must not fail over it).
    let mut used: BTreeMap<&'a str, &'a Finding> = BTreeMap::new();
    for f in findings {
        used.entry(f.rule_id.as_str()).or_insert(f);
    }
    let mut descriptors = Vec::with_capacity(used.len());
    let mut index_of = BTreeMap::new();
    for (i, (id, sample)) in used.into_iter().enumerate() {
        descriptors.push(descriptor(id, rules.get(id), sample));
        index_of.insert(id, i as i64);
    }
    (descriptors, index_of)
}

fn descriptor(id: &str, rule: Option<&Rule>, sample: &Finding) -> ReportingDescriptor {
    let name = rule.map_or(sample.rule_name.as_str(), |r| r.name.as_str());
    let severity = rule.map_or(sample.severity, |r| r.severity);
    let description = rule
        .map(|r| r.description.trim())
        .filter(|d| !d.is_empty())
        .unwrap_or(name);
    let remediation = rule.map_or("", |r| r.remediation.trim());
    let references: &[String] = rule.map_or(&[], |r| &r.references);

    let mut tags: Vec<String> = BASE_TAGS.iter().map(|t| t.to_string()).collect();
    for tag in rule.map_or(&[][..], |r| &r.tags[..]) {
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    tags.truncate(MAX_TAGS);

    let mut properties = BTreeMap::new();
    properties.insert(
        "security-severity".to_string(),
        json!(security_severity(severity)),
    );
    properties.insert("precision".to_string(), json!(precision(rule)));

    let mut descriptor = ReportingDescriptor::builder()
        .id(id)
        .name(sarif_name(id))
        .short_description(MultiformatMessageString::builder().text(name).build())
        .full_description(
            MultiformatMessageString::builder()
                .text(sentence(description))
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(help_text(description, remediation, references))
                .markdown(help_markdown(description, remediation, references))
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level_name(severity)))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(properties)
                .build(),
        )
        .build();
    descriptor.help_uri = rule.and_then(help_uri);
    descriptor
}

/// A rule severity's score on GitHub's `security-severity` scale: above 9.0 is shown as
/// critical, 7.0–8.9 high, 4.0–6.9 medium, below that low.
fn score(severity: Severity) -> f64 {
    match severity {
        Severity::Critical => 9.5,
        Severity::High => 8.0,
        Severity::Medium => 5.5,
        Severity::Low => 3.0,
    }
}

/// GitHub wants `security-severity` as a string holding the number.
fn score_text(score: f64) -> String {
    format!("{score:.1}")
}

fn security_severity(severity: Severity) -> String {
    score_text(score(severity))
}

/// How often a rule's results are true: a checksum makes a random match near impossible,
/// while fallback (generic) rules guess from a variable name.
fn precision(rule: Option<&Rule>) -> &'static str {
    match rule {
        Some(r) if r.validator.is_some() => "very-high",
        Some(r) if r.fallback || r.tags.iter().any(|t| t == "generic") => "medium",
        Some(_) => "high",
        None => "medium",
    }
}

/// SARIF levels: GitHub fails a pull request check on `error` by default.
fn level_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

fn result_level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low => ResultLevel::Note,
    }
}

/// The rule's "friendly name" (`binance-secret-key` → `BinanceSecretKey`): SARIF wants a name
/// distinct from the id, conventionally one Pascal-case identifier.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// A rule's SARIF `name`: its id in PascalCase. The SARIF Multitool wants the name to differ
/// from the id even ignoring case (SARIF1001), so a one-word id gets `Secret` after it
/// (`jwt` → `JwtSecret`).
fn sarif_name(id: &str) -> String {
    let name = pascal_case(id);
    if name.eq_ignore_ascii_case(id) {
        name + "Secret"
    } else {
        name
    }
}

/// `text` ending with a period, as SARIF's style rules want for descriptions and messages.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// Said in every rule's help, because a reader of an alert will look for the secret.
const NOT_IN_REPORT: &str = "This report never contains the secret itself. Run leakhound on your \
     machine to see where it is (add --show-secrets to see it in full); the result's \
     secretFingerprint/v1 matches the fingerprint leakhound prints.";

fn help_text(description: &str, remediation: &str, references: &[String]) -> String {
    let mut out = sentence(description);
    if !remediation.is_empty() {
        out.push_str("\n\nHow to fix: ");
        out.push_str(remediation);
    }
    if !references.is_empty() {
        out.push_str("\n\nReferences:");
        for r in references {
            out.push_str("\n- ");
            out.push_str(r);
        }
    }
    out.push_str("\n\n");
    out.push_str(NOT_IN_REPORT);
    out
}

fn help_markdown(description: &str, remediation: &str, references: &[String]) -> String {
    let mut out = sentence(description);
    if !remediation.is_empty() {
        out.push_str("\n\n**How to fix:** ");
        out.push_str(remediation);
    }
    if !references.is_empty() {
        out.push_str("\n\n**References**\n");
        for r in references {
            out.push_str(&format!("\n- <{r}>"));
        }
    }
    out.push_str("\n\n_");
    out.push_str(NOT_IN_REPORT);
    out.push('_');
    out
}

/// A builtin rule's documentation is its rule file in the repository.
fn help_uri(rule: &Rule) -> Option<String> {
    let file = rule.origin.strip_prefix("builtin:")?;
    Some(format!("{INFORMATION_URI}/blob/main/{file}"))
}

fn sarif_result(
    f: &Finding,
    rule_index: Option<i64>,
    kind: ScanKind,
    cwd: Option<&Path>,
) -> SarifResult {
    let secrets: Vec<&str> = f.secret_values().collect();
    let place = ReportPath::new(&f.path, cwd);
    let text = redact_in(&message(f, kind, &place.display), &secrets);

    let start_line = f.line.max(1);
    let start_column = f.column.max(1);
    let end_line = f.end_line.max(start_line);
    let end_column = if end_line == start_line {
        f.end_column.max(start_column)
    } else {
        f.end_column.max(1)
    };
    let region = Region::builder()
        .start_line(start_line as i64)
        .start_column(start_column as i64)
        .end_line(end_line as i64)
        .end_column(end_column as i64)
        .build();
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(place.artifact_location())
                .region(region)
                .build(),
        )
        .build();

    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.clone());

    let mut result = SarifResult::builder()
        .rule_id(f.rule_id.as_str())
        .level(result_level(f.severity))
        .message(Message::builder().text(text).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .build();
    result.rule_index = rule_index;
    let mut props = BTreeMap::new();
    if let Some(v) = &f.verification {
        add_verification(&mut result, &mut props, v, f.severity);
    }
    if let Some(c) = &f.commit {
        props.insert("commit".to_string(), json!(c.commit));
        props.insert("author".to_string(), json!(redact_in(&c.author, &secrets)));
        props.insert("email".to_string(), json!(redact_in(&c.email, &secrets)));
        props.insert("date".to_string(), json!(c.date));
        props.insert(
            "subject".to_string(),
            json!(f.shown_subject(false).unwrap_or_default()),
        );
        props.insert("in_head".to_string(), Value::Bool(c.in_head));
        if let Some(l) = c.location {
            props.insert("location".to_string(), json!(l.as_str()));
        }
    }
    if let Some(d) = &f.decoded {
        props.insert("decoded".to_string(), json!(d));
    }
    if let Some(k) = &f.file_kind {
        props.insert("file_kind".to_string(), json!(k));
    }
    if !props.is_empty() {
        result.properties = Some(PropertyBag::builder().additional_properties(props).build());
    }
    result
}

/// A verified finding: its status, risk and permissions go in the result's properties. A live
/// key is an `error` whatever the rule says, ranked by what it can do: a live key scores half a
/// point above its risk level (a live key that can withdraw funds scores 10.0), never below the
/// rule's own score.
fn add_verification(
    result: &mut SarifResult,
    props: &mut BTreeMap<String, Value>,
    v: &crate::verify::Verification,
    severity: Severity,
) {
    props.insert("verification".to_string(), json!(v.status));
    if let Some(reason) = &v.reason {
        props.insert("verificationReason".to_string(), json!(reason));
    }
    if !v.permissions.is_empty() {
        props.insert("permissions".to_string(), json!(v.permissions));
    }
    if !v.identity.is_empty() {
        props.insert("identity".to_string(), json!(v.identity));
    }
    if v.status == crate::verify::Status::Live {
        result.level = Some(result_level(Severity::Critical));
        if let Some(risk) = v.risk {
            let live = (risk.security_severity() + 0.5)
                .min(10.0)
                .max(score(severity));
            props.insert("risk".to_string(), json!(risk.as_str()));
            props.insert("security-severity".to_string(), json!(score_text(live)));
        }
    }
}

/// What a result says: the kind of secret, where, and what to do. Never the secret.
fn message(f: &Finding, kind: ScanKind, path: &str) -> String {
    let with = if f.parts.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = f.parts.iter().map(|p| p.name.as_str()).collect();
        format!(" (with {})", join_and(&names))
    };
    let name = &f.rule_name;
    match (kind, &f.commit) {
        (_, Some(c)) if c.location.is_some() => {
            let short = c.commit.get(..12).unwrap_or(&c.commit);
            let (what, object) = match c.location {
                Some(crate::findings::Location::TagMessage) => ("tag message", "tag"),
                _ => ("commit message", "commit"),
            };
            format!(
                "{name} found in the {what} of {object} {short}{with}; rotate it, since every \
                 clone still holds it."
            )
        }
        (_, Some(c)) => {
            let short = c.commit.get(..12).unwrap_or(&c.commit);
            if c.in_head {
                format!(
                    "{name} added to {path} in commit {short}{with}, still present at HEAD; \
                     rotate it."
                )
            } else {
                format!(
                    "{name} added to {path} in commit {short}{with}, only in history; rotate \
                     it, since every clone still holds it."
                )
            }
        }
        (ScanKind::Staged, None) => {
            format!("{name} staged in {path}{with}; unstage it and keep it out of the repository.")
        }
        _ => format!("{name} found in {path}{with}; rotate it."),
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A finding's path as SARIF needs it.
struct ReportPath {
    /// For messages: the relative path, or the absolute one.
    display: String,
    /// Relative to the repository root (`%SRCROOT%`), or `None` for an absolute path outside
    /// the working directory.
    relative: Option<String>,
}

impl ReportPath {
    /// `path` as scanned: `./a/b` and `a/b` are the same file, and an absolute path under
    /// `cwd` is made relative to it. GitHub resolves `%SRCROOT%` to the checkout, which is
    /// where CI runs leakhound.
    fn new(path: &str, cwd: Option<&Path>) -> ReportPath {
        let mut rel = path;
        while let Some(rest) = rel.strip_prefix("./") {
            rel = rest.trim_start_matches('/');
        }
        let absolute = rel.starts_with('/') || Path::new(rel).is_absolute();
        if !absolute {
            let rel = if rel.is_empty() { "." } else { rel };
            return ReportPath {
                display: rel.to_string(),
                relative: Some(rel.to_string()),
            };
        }
        let under_cwd = cwd.and_then(|cwd| Path::new(rel).strip_prefix(cwd).ok());
        match under_cwd.and_then(|p| p.to_str()) {
            Some(inner) if !inner.is_empty() => {
                let inner = inner.replace('\\', "/");
                ReportPath {
                    display: inner.clone(),
                    relative: Some(inner),
                }
            }
            _ => ReportPath {
                display: rel.to_string(),
                relative: None,
            },
        }
    }

    /// A relative URI under `%SRCROOT%`; an absolute path outside the working directory can
    /// only be a `file://` URI, with no base (a leading `/` under a base is invalid SARIF).
    fn artifact_location(&self) -> ArtifactLocation {
        match &self.relative {
            Some(rel) => ArtifactLocation::builder()
                .uri(percent_encode(rel))
                .uri_base_id("%SRCROOT%")
                .build(),
            None => {
                let path = self.display.replace('\\', "/");
                let path = if path.starts_with('/') {
                    path
                } else {
                    format!("/{path}")
                };
                ArtifactLocation::builder()
                    .uri(format!("file://{}", percent_encode(&path)))
                    .build()
            }
        }
    }
}

/// What may not appear in a URI path: everything but RFC 3986 `pchar` and `/`, and `:` too,
/// so a relative path's first segment is never read as a scheme.
const URI_PATH_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b'@')
    .remove(b'/');

fn percent_encode(path: &str) -> String {
    // A file name that is not UTF-8 is encoded byte for byte, as RFC 3986 allows.
    match crate::sources::fs::path_bytes(path) {
        Some(bytes) => percent_encoding::percent_encode(&bytes, URI_PATH_ESCAPES).to_string(),
        None => percent_encoding::utf8_percent_encode(path, URI_PATH_ESCAPES).to_string(),
    }
}

fn notification(level: &str, text: String) -> Notification {
    Notification::builder()
        .level(json!(level))
        .message(Message::builder().text(text).build())
        .build()
}

/// Files that could not be read: a scan that silently missed them would look clean.
fn skip_notifications(outcome: &ScanOutcome, cwd: Option<&Path>) -> Vec<Notification> {
    let unreadable: Vec<_> = outcome
        .skipped
        .iter()
        .filter_map(|s| match &s.reason {
            SkipReason::Unreadable { error } => Some((&s.path, error)),
            _ => None,
        })
        .collect();
    let mut out: Vec<Notification> = unreadable
        .iter()
        .take(MAX_SKIP_NOTIFICATIONS)
        .map(|(path, error)| {
            let path = ReportPath::new(path, cwd).display;
            notification(
                "warning",
                sentence(&format!("Could not read {path}: {error}")),
            )
        })
        .collect();
    if unreadable.len() > MAX_SKIP_NOTIFICATIONS {
        out.push(notification(
            "warning",
            format!(
                "{} more files could not be read; the JSON report lists them all.",
                unreadable.len() - MAX_SKIP_NOTIFICATIONS
            ),
        ));
    }
    out
}

/// Size of `bytes` once gzipped. Compressed at the fastest level, which compresses less than
/// an uploader would, so the estimate errs on the safe side. If compression fails, the
/// uncompressed size is the (safe) answer.
fn gzip_len(bytes: &[u8]) -> usize {
    let config = zlib_rs::DeflateConfig {
        level: 1,
        // 16 + 15: a gzip header and trailer around a 32 KiB window, as `gzip` writes.
        window_bits: 31,
        ..zlib_rs::DeflateConfig::default()
    };
    let mut buf = vec![0u8; zlib_rs::compress_bound(bytes.len()) + 64];
    let (compressed, rc) = zlib_rs::compress_slice(&mut buf, bytes, config);
    match rc {
        zlib_rs::ReturnCode::Ok | zlib_rs::ReturnCode::StreamEnd => compressed.len(),
        _ => bytes.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detector;
    use std::sync::{Arc, OnceLock};

    fn rules() -> Arc<RuleSet> {
        static RULES: OnceLock<Arc<RuleSet>> = OnceLock::new();
        RULES
            .get_or_init(|| Arc::new(RuleSet::builtin().expect("builtin rules load")))
            .clone()
    }

    use crate::fake::alnum as fake;

    /// A real finding from the real engine (a Binance key/secret pair), to clone and vary.
    fn template() -> Finding {
        let text = format!(
            "BINANCE_API_KEY={}\nBINANCE_SECRET_KEY={}\n",
            fake(64, 1),
            fake(64, 2)
        );
        let detector = Detector::new(rules()).expect("detector builds");
        let mut scratch = detector.new_scratch();
        let found = detector.detect(text.as_bytes(), "config/.env", &mut scratch);
        found
            .into_iter()
            .find(|f| f.rule_id == "binance-secret-key")
            .expect("the Binance pair is found")
    }

    const SEVERITIES: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// `n` findings of every severity in turn, at distinct places.
    fn outcome(n: usize) -> ScanOutcome {
        let t = template();
        let findings = (0..n)
            .map(|i| {
                let mut f = t.clone();
                f.severity = SEVERITIES[i % 4];
                f.path = format!("src/file{:05}.env", i / 10);
                f.line = i % 10 + 1;
                f.end_line = f.line;
                f
            })
            .collect();
        ScanOutcome {
            findings,
            ..ScanOutcome::default()
        }
    }

    fn render_value(outcome: &ScanOutcome, limits: Limits) -> Value {
        let bytes = render(outcome, &rules(), None, limits).expect("renders");
        serde_json::from_slice(&bytes).expect("valid JSON")
    }

    fn rank(level: &Value) -> usize {
        ["error", "warning", "note"]
            .iter()
            .position(|l| level == l)
            .expect("a known level")
    }

    #[test]
    fn live_keys_are_raised_and_carry_their_permissions() {
        use crate::verify::risk::{Assessment, RiskLevel};
        use crate::verify::{Provider, Verification};
        let mut live = template();
        live.severity = Severity::Medium;
        let mut v = Verification::live(
            Provider::Binance,
            Assessment {
                level: RiskLevel::Critical,
                advice: vec!["Delete this key now.".into()],
            },
        );
        v.permissions
            .insert("enableWithdrawals".into(), json!(true));
        live.verification = Some(v);
        let mut dead = template();
        dead.line = 9;
        dead.verification = Some(Verification::dead(
            Provider::Binance,
            crate::verify::Reason::Rejected,
            "rejected",
        ));
        let outcome = ScanOutcome {
            findings: vec![live.clone(), dead],
            ..ScanOutcome::default()
        };
        let doc = render_value(&outcome, Limits::default());
        let text = doc.to_string();
        assert!(!text.contains(&live.secret) && !text.contains(&live.parts[0].value));
        let results = doc["runs"][0]["results"].as_array().expect("results");
        let live_r = results
            .iter()
            .find(|r| r["properties"]["verification"] == "live")
            .expect("live");
        assert_eq!(live_r["level"], "error");
        assert_eq!(live_r["properties"]["security-severity"], "10.0");
        assert_eq!(live_r["properties"]["risk"], "critical");
        assert_eq!(
            live_r["properties"]["permissions"]["enableWithdrawals"],
            true
        );
        let dead_r = results
            .iter()
            .find(|r| r["properties"]["verification"] == "dead")
            .expect("dead");
        assert_eq!(
            dead_r["level"], "error",
            "a critical rule stays an error when dead"
        );
        assert!(dead_r["properties"].get("security-severity").is_none());
    }

    #[test]
    fn caps_results_at_githubs_limit_keeping_the_most_severe() {
        let outcome = outcome(MAX_RESULTS + 10);
        let doc = render_value(&outcome, Limits::default());
        let run = &doc["runs"][0];
        let results = run["results"].as_array().expect("results");
        assert_eq!(results.len(), MAX_RESULTS);
        // Every dropped result is a low one: all the others are kept.
        let lows = outcome
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Low)
            .count();
        let notes = results.iter().filter(|r| r["level"] == "note").count();
        assert_eq!(notes, lows - 10);
        let ranks: Vec<usize> = results.iter().map(|r| rank(&r["level"])).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "most severe first");
        let notes = &run["invocations"][0]["toolExecutionNotifications"];
        let text = notes[0]["message"]["text"]
            .as_str()
            .expect("a notification");
        assert_eq!(notes[0]["level"], "warning");
        assert!(text.contains("10 were left out"), "{text}");
        assert!(text.contains("25000 results per run"), "{text}");
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    }

    #[test]
    fn caps_results_to_the_gzipped_size_limit() {
        let outcome = outcome(400);
        let limits = Limits {
            max_results: MAX_RESULTS,
            max_gzip_bytes: 8_000,
        };
        let bytes = render(&outcome, &rules(), None, limits).expect("renders");
        assert!(gzip_len(&bytes) <= limits.max_gzip_bytes);
        let doc: Value = serde_json::from_slice(&bytes).expect("valid JSON");
        let results = doc["runs"][0]["results"].as_array().expect("results");
        assert!(
            !results.is_empty() && results.len() < 400,
            "{}",
            results.len()
        );
        // A prefix of the severity order: the 200 critical and high ones go first.
        let errors = results.iter().filter(|r| r["level"] == "error").count();
        assert_eq!(errors, results.len().min(200));
        let ranks: Vec<usize> = results.iter().map(|r| rank(&r["level"])).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "most severe first");
        let text = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]
            ["text"]
            .as_str()
            .expect("a notification");
        assert!(text.contains("gzipped"), "{text}");
    }

    #[test]
    fn no_notification_under_the_limits() {
        let doc = render_value(&outcome(8), Limits::default());
        let invocation = &doc["runs"][0]["invocations"][0];
        assert!(invocation.get("toolExecutionNotifications").is_none());
        assert_eq!(doc["runs"][0]["results"].as_array().map(Vec::len), Some(8));
    }

    #[test]
    fn rules_are_listed_once_and_indexed() {
        let doc = render_value(&outcome(20), Limits::default());
        let rules = doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules");
        assert_eq!(rules.len(), 1);
        let rule = &rules[0];
        assert_eq!(rule["id"], "binance-secret-key");
        assert_eq!(rule["name"], "BinanceSecretKey");
        assert_eq!(rule["properties"]["security-severity"], "9.5");
        assert_eq!(rule["defaultConfiguration"]["level"], "error");
        for r in doc["runs"][0]["results"].as_array().expect("results") {
            assert_eq!(r["ruleIndex"], 0);
        }
    }

    #[test]
    fn the_secret_is_not_in_the_sarif() {
        let t = template();
        let mut outcome = outcome(3);
        // Even a commit subject quoting the secret does not carry it through.
        outcome.findings[0].commit = Some(crate::findings::CommitInfo {
            commit: "0123456789abcdef0123456789abcdef01234567".into(),
            author: "Ada".into(),
            email: "ada@example.invalid".into(),
            date: "2026-01-02T03:04:05Z".into(),
            subject: format!("oops {}", t.secret),
            in_head: false,
            location: None,
            message_secrets: Vec::new(),
        });
        let bytes = render(&outcome, &rules(), None, Limits::default()).expect("renders");
        let text = String::from_utf8(bytes).expect("UTF-8");
        for secret in t.secret_values() {
            assert!(!text.contains(secret));
            assert!(!text.contains(&secret[..16]));
        }
        assert!(text.contains("with key"), "the message names the parts");
    }

    #[test]
    fn severities_map_to_levels_and_scores() {
        assert_eq!(level_name(Severity::Critical), "error");
        assert_eq!(level_name(Severity::High), "error");
        assert_eq!(level_name(Severity::Medium), "warning");
        assert_eq!(level_name(Severity::Low), "note");
        assert_eq!(security_severity(Severity::Critical), "9.5");
        assert_eq!(security_severity(Severity::High), "8.0");
        assert_eq!(security_severity(Severity::Medium), "5.5");
        assert_eq!(security_severity(Severity::Low), "3.0");
    }

    #[test]
    fn precision_follows_how_sure_a_rule_is() {
        let rules = rules();
        let with_checksum = rules.rules().iter().find(|r| r.validator.is_some());
        let fallback = rules.rules().iter().find(|r| r.fallback);
        let plain = rules.get("binance-secret-key");
        assert_eq!(precision(with_checksum), "very-high");
        assert_eq!(precision(fallback), "medium");
        assert_eq!(precision(plain), "high");
    }

    #[test]
    fn tags_start_with_githubs_and_stay_under_twenty() {
        let t = template();
        let d = descriptor("binance-secret-key", rules().get("binance-secret-key"), &t);
        let tags = d.properties.and_then(|p| p.tags).expect("tags");
        assert_eq!(&tags[..3], &BASE_TAGS.map(String::from)[..]);
        assert!(tags.len() <= MAX_TAGS);
        let unique: std::collections::HashSet<_> = tags.iter().collect();
        assert_eq!(unique.len(), tags.len());
    }

    #[test]
    fn paths_become_repo_relative_uris() {
        let cwd = Path::new("/work/repo");
        let uri = |p: &str| {
            let loc = ReportPath::new(p, Some(cwd)).artifact_location();
            (loc.uri.expect("uri"), loc.uri_base_id)
        };
        let srcroot = Some("%SRCROOT%".to_string());
        assert_eq!(uri("config/.env"), ("config/.env".into(), srcroot.clone()));
        assert_eq!(
            uri("./config/.env"),
            ("config/.env".into(), srcroot.clone())
        );
        assert_eq!(uri("././a"), ("a".into(), srcroot.clone()));
        assert_eq!(
            uri("/work/repo/config/.env"),
            ("config/.env".into(), srcroot.clone())
        );
        assert_eq!(
            uri("dir with space/ü#1.env"),
            ("dir%20with%20space/%C3%BC%231.env".into(), srcroot.clone())
        );
        assert_eq!(uri("c:x"), ("c%3Ax".into(), srcroot));
        // Outside the working directory: an absolute file URI, never `/…` under a base.
        assert_eq!(uri("/etc/app.env"), ("file:///etc/app.env".into(), None));
        assert_eq!(
            uri("/work/repository/x"),
            ("file:///work/repository/x".into(), None)
        );
    }

    #[test]
    fn names_and_sentences() {
        assert_eq!(pascal_case("binance-secret-key"), "BinanceSecretKey");
        assert_eq!(pascal_case("aws_s3-key2"), "AwsS3Key2");
        assert_eq!(sarif_name("binance-secret-key"), "BinanceSecretKey");
        assert_eq!(sarif_name("jwt"), "JwtSecret");
        assert_eq!(sentence("Rotate it"), "Rotate it.");
        assert_eq!(sentence("Rotate it. "), "Rotate it.");
        assert_eq!(join_and(&["key"]), "key");
        assert_eq!(join_and(&["key", "passphrase"]), "key and passphrase");
        assert_eq!(join_and(&["a", "b", "c"]), "a, b and c");
    }
}
