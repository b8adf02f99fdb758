/*!
leakhound finds leaked secrets (API keys, tokens, private keys, passwords) in files and git
history, and (optionally) tells how dangerous a leaked exchange key is.

The crate follows the data flow, one module per stage:

```text
sources (files, git history, staged index)                    src/sources/
  → engine: keyword prefilter + regex + entropy + filters       src/detect/  (rules: src/rules/)
  → findings (locations, fingerprints, redaction, verdicts)     src/findings/
  → suppression (allow lists, inline comments, ignore file, baseline)   src/suppress/
  → verification (opt-in, read-only)                            src/verify/
  → reports (text, JSON, JSONL, SARIF)                          src/report/
```

# Layers

Imports go one way: a module uses only modules of lower layers (`tests/architecture.rs`
checks every `crate::` path against this table, and that only `cli` uses clap).

| layer | module | what it holds | may not |
|---|---|---|---|
| 0 | `encoding`, `time`, `fake` | leaf helpers: hex/base62, ISO 8601 dates (jiff), test values | use any other module |
| 1 | `rules` | the rule catalogue as data: schema, loading, validators | |
| 2 | `findings` | plain data: a finding, its parts, fingerprint, redaction, allow markers, verification verdicts | touch files, git or the network |
| 3 | `detect` | the engine: bytes → findings; reads allow markers; checks rule examples | touch files, git or the network |
| 4 | `sources` | files, git history, staged index, pre-push ranges → blobs → engine; progress and counts | send requests |
| 5 | `suppress` | allow lists, ignore file, baseline: drops and counts findings | send requests |
| 6 | `verify` | opt-in read-only provider calls that fill in verdicts | read git |
| 7 | `report` | text, JSON (written and read back), JSONL, SARIF; output files | send requests |
| 8 | `config` | `.leakhound.toml` and the resolution of each stage's settings | |
| 9 | `pipeline`, `scanner` | suppress → verify → report, for any source's outcome (no clap); the library API (`Scanner`: bytes, folders, history) | parse flags |
| 10 | `cli` | flags → settings → a source → the pipeline → an exit code | |

Where new code goes: a rule is a TOML file in `rules/`; a new source is a module under
`sources/` that returns a [`sources::SourceOutcome`]; a new verifier is a module under
`verify/` plus its entry in the plan there; a new report format is a module under `report/`
and a variant of [`report::Format`].
*/

#[doc(hidden)]
pub mod cli;
pub mod config;
pub mod detect;
pub mod encoding;
#[doc(hidden)]
pub mod fake;
pub mod findings;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod scanner;
pub mod sources;
pub mod suppress;
pub mod time;
pub mod verify;

pub use scanner::Scanner;
