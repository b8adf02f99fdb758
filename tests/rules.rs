//! The builtin catalogue: every rule's examples and counter-examples pass through the real
//! engine, and the catalogue covers what leakhound promises to detect.

use std::collections::HashSet;
use std::sync::Arc;

use leakhound::detect::check::check_rules;
use leakhound::detect::Detector;
use leakhound::rules::RuleSet;

fn builtin() -> Arc<RuleSet> {
    Arc::new(RuleSet::builtin().expect("builtin rules load"))
}

#[test]
fn every_builtin_rule_passes_its_examples() {
    let rules = builtin();
    let report = check_rules(rules.clone(), |_| true).unwrap();
    let msgs: Vec<String> = report
        .failures
        .iter()
        .map(|f| format!("{} ({}): {}", f.rule_id, f.origin, f.message))
        .collect();
    assert!(
        msgs.is_empty(),
        "{} failures:\n{}",
        msgs.len(),
        msgs.join("\n")
    );
    assert_eq!(report.rules_checked, rules.len());
    assert!(report.examples_checked >= 4 * rules.len());
}

#[test]
fn catalogue_has_at_least_80_rules_with_complete_metadata() {
    let rules = builtin();
    assert!(rules.len() >= 80, "only {} rules", rules.len());
    for r in rules.rules() {
        assert!(!r.name.is_empty() && !r.description.is_empty(), "{}", r.id);
        assert!(!r.remediation.is_empty(), "{} has no remediation", r.id);
        assert!(!r.tags.is_empty(), "{} has no tags", r.id);
        assert!(r.examples.len() >= 2, "{} needs 2+ examples", r.id);
        assert!(
            r.counter_examples.len() >= 2,
            "{} needs 2+ counter examples",
            r.id
        );
        assert!(r.examples.iter().all(|e| !e.secret.is_empty()), "{}", r.id);
    }
}

#[test]
fn required_providers_are_covered() {
    let rules = builtin();
    let providers: HashSet<String> = rules
        .rules()
        .iter()
        .flat_map(|r| r.id.split('-').next().map(str::to_string))
        .collect();
    let required = [
        "aws",
        "github",
        "gitlab",
        "slack",
        "stripe",
        "google",
        "gcp",
        "azure",
        "twilio",
        "sendgrid",
        "mailgun",
        "npm",
        "pypi",
        "dockerhub",
        "openai",
        "anthropic",
        "huggingface",
        "telegram",
        "discord",
        "shopify",
        "square",
        "jwt",
        "binance",
        "bybit",
        "okx",
        "kucoin",
        "coinbase",
        "kraken",
        "bitget",
        "gate",
        "bitfinex",
        "htx",
        "mexc",
    ];
    let missing: Vec<_> = required
        .iter()
        .filter(|p| !providers.contains(**p))
        .collect();
    assert!(missing.is_empty(), "no rule id starts with: {missing:?}");
}

#[test]
fn multi_part_providers_have_a_primary_secret() {
    let rules = builtin();
    for r in rules.rules().iter().filter(|r| r.is_companion_part()) {
        let has_primary = rules
            .rules()
            .iter()
            .any(|p| p.is_primary_part() && p.provider == r.provider);
        assert!(
            has_primary,
            "{} is a part of {:?}, which has no `part = \"secret\"` rule",
            r.id, r.provider
        );
    }
}

#[test]
fn fallback_rules_lose_to_specific_ones() {
    // A Binance secret assigned to a secret-looking name is reported once, as Binance.
    let rules = builtin();
    let detector = leakhound::detect::Detector::new(rules).unwrap();
    let mut scratch = detector.new_scratch();
    let value: String = "Zq8xW3mR7tK2pL9vN4bC6yH1jF5dG0sA".repeat(2);
    let text = format!("BINANCE_SECRET_KEY={value}\n");
    let found = detector.detect(text.as_bytes(), "x.env", &mut scratch);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].rule_id.starts_with("binance-"),
        "{}",
        found[0].rule_id
    );
}

#[test]
fn every_builtin_regex_compiles() {
    // Builtin regexes compile lazily at scan time; this is where a broken one is caught.
    for r in builtin().rules() {
        if let Err(e) = r.pattern.get() {
            panic!("{}: {e}", r.id);
        }
    }
}

/// Every entry of `rules/published-samples.toml` is dropped when a rule finds it, and counted.
#[test]
fn published_samples_are_dropped_and_counted() {
    use leakhound::detect::filters::PublishedSamples;
    let samples = PublishedSamples::builtin().samples;
    assert!(samples.len() >= 9, "{} samples", samples.len());
    let detector = Detector::new(Arc::new(RuleSet::builtin().unwrap())).unwrap();
    let mut scratch = detector.new_scratch();
    for sample in &samples {
        let before = detector.published_samples_dropped();
        assert!(!sample.source.is_empty() && !sample.provider.is_empty());
        let Some(value) = &sample.value else {
            // A hashed entry: a real key published on purpose, not carried here. Its shape is
            // what can be checked.
            let hex = sample.sha256.as_deref().expect("value or sha256");
            assert!(
                hex.len() == 64
                    && hex
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
                "{hex:?} from {}",
                sample.source
            );
            continue;
        };
        // Each sample in the shape a leak would have: assigned to its provider's usual name.
        let p = sample.provider.to_uppercase();
        let v = value;
        let text = format!(
            "{p}_ACCESS_KEY_ID={v}\n{p}_SECRET_ACCESS_KEY={v}\n{p}_API_KEY={v}\n{p}_SECRET_KEY={v}\nAuthorization: Bearer {v}\n"
        );
        let found = detector.detect(text.as_bytes(), "config/settings.env", &mut scratch);
        assert!(
            found.iter().all(|f| &f.secret != value),
            "published sample of {} reported: {:?}",
            sample.provider,
            found.iter().map(|f| &f.rule_id).collect::<Vec<_>>()
        );
        assert!(
            detector.published_samples_dropped() > before,
            "the {} sample was not dropped as a published sample (no rule matched it?)",
            sample.provider
        );
    }
}
