//! Engine throughput on one core: every builtin rule over a multi-megabyte mixed-source corpus.
//!
//! The corpus is real source that every build machine has: the crates cargo downloaded to
//! build this project (Rust, C, TOML, Markdown, JSON) and, when present, the Python standard
//! library, read in sorted order up to `LEAKHOUND_BENCH_MB` (default 64) MB. A few fake
//! credentials are appended so the whole pipeline (filters, linking, locations) runs.
//!
//! `cargo bench --bench engine` prints time per pass and bytes/s (divan's counter).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use divan::counter::BytesCount;
use leakhound::detect::keyword_scan::KeywordScanner;
use leakhound::detect::Detector;
use leakhound::rules::RuleSet;

fn main() {
    divan::main();
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

fn corpus() -> &'static (Vec<Vec<u8>>, u64) {
    static CORPUS: std::sync::OnceLock<(Vec<Vec<u8>>, u64)> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        let limit: u64 = std::env::var("LEAKHOUND_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(64) << 20;
        let cargo_home = std::env::var("CARGO_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo"));
        let mut roots = vec![cargo_home.join("registry/src")];
        if let Ok(out) = std::process::Command::new("python3")
            .args(["-c", "import sysconfig;print(sysconfig.get_paths()['stdlib'])"])
            .output()
        {
            roots.insert(0, PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
        }
        let mut files = Vec::new();
        for r in &roots {
            collect(r, &mut files);
        }
        let mut blobs = Vec::new();
        let mut total = 0u64;
        for f in files {
            let Ok(data) = std::fs::read(&f) else { continue };
            if data.is_empty() || data.len() > 4 << 20 || memchr_nul(&data) {
                continue;
            }
            total += data.len() as u64;
            blobs.push(data);
            if total >= limit {
                break;
            }
        }
        // Fake credentials so every stage runs, made up at run time (so this file holds none).
        let fake = leakhound::fake::alnum;
        let planted = format!(
            "AWS_ACCESS_KEY_ID=AKIA{}\nAWS_SECRET_ACCESS_KEY={}\nBINANCE_API_KEY={}\nBINANCE_SECRET_KEY={}\n",
            fake(16, 1).to_uppercase(),
            fake(40, 2),
            fake(64, 3),
            fake(64, 4)
        );
        blobs.push(planted.into_bytes());
        eprintln!("engine bench corpus: {} files, {:.1} MB", blobs.len(), total as f64 / 1e6);
        (blobs, total)
    })
}

fn memchr_nul(data: &[u8]) -> bool {
    data[..data.len().min(8192)].contains(&0)
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn engine_single_core(bencher: divan::Bencher) {
    let (blobs, total) = corpus();
    let rules = Arc::new(RuleSet::builtin().expect("builtin rules"));
    let detector = Detector::new(rules).expect("detector");
    let mut scratch = detector.new_scratch();
    bencher.counter(BytesCount::new(*total)).bench_local(|| {
        let mut n = 0;
        for b in blobs {
            n += detector.detect(b, "bench", &mut scratch).len();
        }
        n
    });
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn keyword_pass_only(bencher: divan::Bencher) {
    // The floor the engine is measured against: the engine's own keyword pass over all
    // keywords (three interleaved DFA streams, `detect::keyword_scan`).
    let (blobs, total) = corpus();
    let rules = RuleSet::builtin().expect("builtin rules");
    let mut kws: Vec<String> = rules
        .rules()
        .iter()
        .flat_map(|r| r.keywords.clone())
        .collect();
    kws.sort();
    kws.dedup();
    let scanner = KeywordScanner::new(&kws).expect("automaton");
    let mut hits = Vec::new();
    bencher.counter(BytesCount::new(*total)).bench_local(|| {
        blobs
            .iter()
            .map(|b| {
                hits.clear();
                scanner.find_all(b, &mut hits);
                hits.len()
            })
            .sum::<usize>()
    });
}

/// Worst-case inputs (issue 15): long runs of keywords and of the characters secrets are made
/// of, and many findings on one line. Each is measured against plain text of the same size
/// (`worst_case::plain_text`); the aim is within 10× its throughput. Sizes are 1 MB-ish so a
/// pass stays short; `LEAKHOUND_BENCH_WORST_MB` scales them (e.g. 10 for the 10 MB).
mod worst_case {
    use super::*;

    fn size() -> usize {
        std::env::var("LEAKHOUND_BENCH_WORST_MB")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(1)
            << 20
    }

    fn repeat(unit: &str) -> Vec<u8> {
        unit.as_bytes()
            .iter()
            .copied()
            .cycle()
            .take(size())
            .collect()
    }

    const INPUTS: &[&str] = &[
        "plain_text",
        "akia_x_1m",
        "password_eq_x_1m",
        "a_x_10mb",
        "secret_eq_chain",
        "jwt_header_run",
        "binance_keys_one_line",
        "binance_keys_one_per_line",
        "minified_line_1000_tokens",
        "all_keywords_joined",
    ];

    /// Distinct `binance_api_key=<64>` assignments, each followed by `separator`.
    fn binance_keys(separator: char) -> Vec<u8> {
        let mut s = Vec::new();
        let mut i = 0;
        while s.len() < size() {
            let line = format!(
                "binance_api_key={}{separator}",
                leakhound::fake::alnum(64, i)
            );
            s.extend_from_slice(line.as_bytes());
            i += 1;
        }
        s
    }

    fn input(name: &str) -> Vec<u8> {
        let fake = leakhound::fake::alnum;
        match name {
            // Source-like prose without secrets: the reference.
            "plain_text" => repeat(
                "fn main() { let total = items.iter().map(|x| x.len()).sum::<usize>(); }\n\
                 The quick brown fox jumps over the lazy dog, again and again.\n",
            ),
            "akia_x_1m" => repeat("AKIA"),
            "password_eq_x_1m" => repeat("password="),
            "a_x_10mb" => repeat("A"),
            "secret_eq_chain" => repeat("secret="),
            "jwt_header_run" => repeat("eyJhbGciOiJIUzI1NiJ9."),
            "binance_keys_one_line" => binance_keys(' '),
            "binance_keys_one_per_line" => binance_keys('\n'),
            "minified_line_1000_tokens" => {
                // 1,000 candidates spread over one line of the size.
                let filler = "var a=function(b){return b+1};".repeat(size() / 1000 / 30 + 1);
                let mut s = Vec::new();
                for i in 0..1000 {
                    s.extend_from_slice(filler.as_bytes());
                    s.extend_from_slice(format!("\"api_key\":\"{}\",", fake(40, i)).as_bytes());
                }
                s
            }
            "all_keywords_joined" => {
                let rules = RuleSet::builtin().expect("builtin rules");
                let mut kws: Vec<String> = rules
                    .rules()
                    .iter()
                    .flat_map(|r| r.keywords.clone())
                    .collect();
                kws.sort();
                kws.dedup();
                repeat(&(kws.join("=") + "="))
            }
            other => unreachable!("{other}"),
        }
    }

    fn detector() -> &'static Detector {
        static D: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
        D.get_or_init(|| {
            Detector::new(Arc::new(RuleSet::builtin().expect("builtin rules"))).expect("detector")
        })
    }

    #[divan::bench(args = INPUTS, sample_count = 5, sample_size = 1)]
    fn engine(bencher: divan::Bencher, name: &str) {
        let blob = input(name);
        let detector = detector();
        let mut scratch = detector.new_scratch();
        // Compile the rules the input reaches before timing.
        detector.detect(&blob, "bench", &mut scratch);
        bencher
            .counter(BytesCount::new(blob.len()))
            .bench_local(|| detector.detect(&blob, "bench", &mut scratch).len());
    }
}
