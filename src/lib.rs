/*!
leakhound finds leaked secrets (API keys, tokens, private keys, passwords) in files and git
history, and (optionally) tells how dangerous a leaked exchange key is.

The crate follows the data flow, one module per stage:

```text
sources (files, git history, staged index)   src/sources/
  → engine: keyword prefilter + regex + entropy + filters   src/detect/  (rules: src/rules/)
  → findings (locations, fingerprints, redaction)           src/findings/
  → suppression (allow lists, inline comments, ignore file, baseline)   src/suppress/
  → reports (text, JSON, JSONL)                             src/report/
```

`scan` orchestrates a working-tree scan; `config` is the `.leakhound.toml` file; `cli` is the
command line.
*/

pub mod cli;
pub mod config;
pub mod detect;
#[doc(hidden)]
pub mod fake;
pub mod findings;
pub mod report;
pub mod rules;
pub mod scan;
pub mod sources;
pub mod suppress;
pub mod verify;
