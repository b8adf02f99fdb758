//! Global filters for obvious non-secrets, interpreted from the tables in `rules/filters.toml`.
//!
//! The tables are data so that adding a placeholder word or a documented example key is a
//! one-line change with no code; this module implements each *kind* of check once.

use aho_corasick::AhoCorasick;
use regex::bytes::Regex;
use serde::Deserialize;
use std::collections::HashSet;

const BUILTIN: &str = include_str!("../../rules/filters.toml");
const PUBLISHED_SAMPLES: &str = include_str!("../../rules/published-samples.toml");

/// `rules/published-samples.toml`: keys vendors publish in docs and SDK samples.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedSamples {
    pub samples: Vec<PublishedSample>,
}

/// One published sample key, with where its vendor publishes it: the value itself, or its
/// SHA-256 for real keys that are published on purpose (the repository carries no such key).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedSample {
    pub value: Option<String>,
    pub sha256: Option<String>,
    /// With `sha256`: the value's length in bytes (only candidates of that length are hashed).
    pub length: Option<usize>,
    pub provider: String,
    pub source: String,
    pub note: Option<String>,
}

/// The published samples, ready to look up.
#[derive(Debug, Default)]
struct SampleSet {
    values: HashSet<Vec<u8>>,
    digests: HashSet<[u8; 32]>,
    /// Lengths of the hashed values: a candidate of another length is never hashed.
    digest_lengths: Vec<usize>,
}

impl SampleSet {
    fn new(samples: Vec<PublishedSample>) -> Result<SampleSet, String> {
        let mut set = SampleSet::default();
        for s in samples {
            match (s.value, s.sha256) {
                (Some(v), None) => {
                    set.values.insert(v.into_bytes());
                }
                (None, Some(hex)) => {
                    let digest = decode_sha256(&hex).ok_or_else(|| {
                        format!("published sample sha256 {hex:?} is not 64 hex digits")
                    })?;
                    let length = s.length.ok_or_else(|| {
                        format!("published sample from {}: sha256 needs length", s.source)
                    })?;
                    set.digests.insert(digest);
                    if !set.digest_lengths.contains(&length) {
                        set.digest_lengths.push(length);
                    }
                }
                _ => {
                    return Err(format!(
                        "published sample from {}: give value or sha256",
                        s.source
                    ))
                }
            }
        }
        Ok(set)
    }

    fn contains(&self, secret: &[u8]) -> bool {
        if self.values.contains(secret) {
            return true;
        }
        if self.digests.is_empty() || !self.digest_lengths.contains(&secret.len()) {
            return false;
        }
        use sha2::Digest as _;
        let digest: [u8; 32] = sha2::Sha256::digest(secret).into();
        self.digests.contains(&digest)
    }
}

fn decode_sha256(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        out[i] = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(out)
}

impl PublishedSamples {
    /// The list shipped in `rules/published-samples.toml`.
    pub fn builtin() -> PublishedSamples {
        toml::from_str(PUBLISHED_SAMPLES)
            .expect("rules/published-samples.toml is valid (checked by tests)")
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilterFile {
    #[serde(default)]
    placeholder_words: Vec<String>,
    #[serde(default)]
    placeholder_patterns: Vec<PatternSpec>,
    runs: Option<RunSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternSpec {
    name: String,
    regex: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunSpec {
    min_repeated: usize,
    min_sequential: usize,
    max_secret_len: usize,
}

/// Why a candidate was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterReason {
    PlaceholderWord(String),
    PlaceholderPattern(String),
    /// A key its vendor publishes in docs or SDK samples (`rules/published-samples.toml`).
    PublishedSample,
    RepeatedRun,
    SequentialRun,
}

/// The compiled global filters.
#[derive(Debug)]
pub struct Filters {
    words: Vec<String>,
    word_matcher: Option<AhoCorasick>,
    patterns: Vec<(String, Regex)>,
    published_samples: SampleSet,
    runs: Option<RunSpec>,
}

impl Filters {
    /// The filters shipped in `rules/filters.toml`.
    pub fn builtin() -> Filters {
        Filters::from_toml(BUILTIN).expect("rules/filters.toml is valid (checked by tests)")
    }

    pub fn from_toml(text: &str) -> Result<Filters, String> {
        let file: FilterFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let word_matcher = if file.placeholder_words.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&file.placeholder_words)
                    .map_err(|e| e.to_string())?,
            )
        };
        let patterns = file
            .placeholder_patterns
            .into_iter()
            .map(|p| {
                regex::bytes::RegexBuilder::new(&p.regex)
                    .unicode(false)
                    .build()
                    .map(|r| (p.name.clone(), r))
                    .map_err(|e| format!("filter {:?}: {e}", p.name))
            })
            .collect::<Result<_, _>>()?;
        Ok(Filters {
            words: file.placeholder_words,
            word_matcher,
            patterns,
            published_samples: SampleSet::new(PublishedSamples::builtin().samples)?,
            runs: file.runs,
        })
    }

    /// True when `secret` is a key its vendor publishes as a sample.
    pub fn is_published_sample(&self, secret: &[u8]) -> bool {
        self.published_samples.contains(secret)
    }

    /// `Some(reason)` when `secret` is an obvious non-secret.
    pub fn reject(&self, secret: &[u8]) -> Option<FilterReason> {
        if self.published_samples.contains(secret) {
            return Some(FilterReason::PublishedSample);
        }
        if let Some(m) = self.word_matcher.as_ref().and_then(|ac| ac.find(secret)) {
            return Some(FilterReason::PlaceholderWord(
                self.words[m.pattern().as_usize()].clone(),
            ));
        }
        if let Some((name, _)) = self.patterns.iter().find(|(_, re)| re.is_match(secret)) {
            return Some(FilterReason::PlaceholderPattern(name.clone()));
        }
        if let Some(runs) = &self.runs {
            if secret.len() <= runs.max_secret_len {
                if longest_repeated_run(secret) >= runs.min_repeated {
                    return Some(FilterReason::RepeatedRun);
                }
                if longest_sequential_run(secret) >= runs.min_sequential {
                    return Some(FilterReason::SequentialRun);
                }
            }
        }
        None
    }
}

fn longest_repeated_run(s: &[u8]) -> usize {
    longest_run(s, |a, b| a == b)
}

/// Consecutive characters within one class: `0-9`, `a-z` or `A-Z`, ascending or descending.
fn longest_sequential_run(s: &[u8]) -> usize {
    let same_class = |a: u8, b: u8| {
        (a.is_ascii_digit() && b.is_ascii_digit())
            || (a.is_ascii_lowercase() && b.is_ascii_lowercase())
            || (a.is_ascii_uppercase() && b.is_ascii_uppercase())
    };
    let up = longest_run(s, |a, b| same_class(a, b) && b == a.wrapping_add(1));
    let down = longest_run(s, |a, b| same_class(a, b) && a == b.wrapping_add(1));
    up.max(down)
}

fn longest_run(s: &[u8], continues: impl Fn(u8, u8) -> bool) -> usize {
    let mut best = usize::from(!s.is_empty());
    let mut current = best;
    for pair in s.windows(2) {
        if continues(pair[0], pair[1]) {
            current += 1;
            best = best.max(current);
        } else {
            current = 1;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_samples_match_only_their_exact_value() {
        use sha2::Digest as _;
        let key = format!("AIza{}", crate::fake::alnum(35, 7));
        let hex = crate::encoding::hex(&sha2::Sha256::digest(key.as_bytes()));
        let set = SampleSet::new(vec![PublishedSample {
            value: None,
            sha256: Some(hex),
            length: Some(key.len()),
            provider: "google".into(),
            source: "test".into(),
            note: None,
        }])
        .unwrap();
        assert!(set.contains(key.as_bytes()));
        let other = format!("AIza{}", crate::fake::alnum(35, 8));
        assert!(!set.contains(other.as_bytes()));
        assert!(!set.contains(&key.as_bytes()[1..]));
    }

    #[test]
    fn builtin_table_parses() {
        let f = Filters::builtin();
        assert!(!f.words.is_empty() && !f.patterns.is_empty());
    }

    #[test]
    fn rejects_the_obvious() {
        let f = Filters::builtin();
        let rejected = [
            &b"YOUR_API_KEY"[..],
            b"xxxxxxxxxxxxxxxxxxxx",
            b"<token>",
            b"${BINANCE_SECRET}",
            b"{{ api_key }}",
            b"changeme",
            b"aaaaaaaaaaaaaaaaaaaaaaaa",
            b"abcdefghijklmnop1234",
            b"0123456789",
            b"AKIAIOSFODNN7EXAMPLE",
            b"%(password)s",
            b"$DB_PASSWORD",
        ];
        for s in rejected {
            assert!(f.reject(s).is_some(), "{:?}", String::from_utf8_lossy(s));
        }
    }

    #[test]
    fn keeps_random_values() {
        let f = Filters::builtin();
        for s in [
            &b"k3J9vQ2xLm8ZpR4tWn7YcB1dF6gHs0Ae5Uo2Ix9Kq4Vz8Tr3Nl6Mj1Pb7Sw0Gy5C"[..],
            b"wq8Z-rT1mN_c4VbX2kLp9SdF3g",
            b"9f86d081884c7d659a2feaa0c55ad015",
        ] {
            assert_eq!(f.reject(s), None, "{:?}", String::from_utf8_lossy(s));
        }
    }

    #[test]
    fn runs_are_not_checked_in_long_secrets() {
        let f = Filters::builtin();
        let long = format!(
            "-----BEGIN KEY-----{}AAAAAAAA{}",
            "Zq8x".repeat(40),
            "p3Rk".repeat(30)
        );
        assert_eq!(f.reject(long.as_bytes()), None);
    }

    #[test]
    fn run_lengths() {
        assert_eq!(longest_repeated_run(b"abbbc"), 3);
        assert_eq!(longest_sequential_run(b"x3456y"), 4);
        assert_eq!(longest_sequential_run(b"zyxw1"), 4);
        assert_eq!(longest_sequential_run(b"9a"), 1);
        assert_eq!(longest_run(b"", |_, _| true), 0);
    }
}
