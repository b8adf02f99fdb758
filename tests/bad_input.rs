//! The bad-input matrix (issue 15): files that are odd, hostile or broken. Each case checks
//! both that the scan says clearly what it did with the odd input, and that a secret planted
//! elsewhere in the same scan is still found: an odd file must never cost another finding.
//!
//! Cases not here, and why: a file deleted between the walk listing it and the read is a race
//! that cannot be staged deterministically (the read error path it takes is the one
//! `unreadable_files_are_listed_with_their_reason` covers); unreadable files cannot be staged
//! when the tests run as root (permissions do not apply to root), and those tests say so and
//! return; git inputs (corrupt objects, shallow and bare repositories, ...) are in
//! `tests/git.rs`.

#![cfg(unix)]

mod common;

use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{binance_pair, leakhound, run_json, write, Run};
use serde_json::Value;

/// Every scan here must end well within this: a hang (a FIFO opened while walking) fails the
/// test instead of stalling the suite.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Plants a Binance key pair in `dir/planted/.env`: the finding every test looks for.
fn plant(dir: &Path) {
    write(dir, "planted/.env", &binance_pair(4242));
}

fn findings(doc: &Value) -> &Vec<Value> {
    doc["findings"].as_array().unwrap()
}

fn skipped(doc: &Value) -> &Vec<Value> {
    doc["skipped"].as_array().unwrap()
}

/// Fails unless the planted secret is among the findings.
fn assert_planted_found(run: &Run) {
    assert!(
        findings(&run.doc)
            .iter()
            .any(|f| f["path"] == "planted/.env" && f["rule_id"] == "binance-secret-key"),
        "the planted secret was lost: {:#}\nstderr: {}",
        run.doc,
        run.stderr
    );
    assert_eq!(run.code, 1);
}

/// `scan .` in `dir` with a JSON report, with a timeout.
fn scan(dir: &Path, extra: &[&str]) -> Run {
    let started = Instant::now();
    let mut args = vec!["scan", "."];
    args.extend_from_slice(extra);
    let run = run_json(dir, &args);
    assert!(started.elapsed() < TIMEOUT, "took {:?}", started.elapsed());
    run
}

fn paths_with_rule<'a>(doc: &'a Value, rule: &str) -> Vec<&'a str> {
    findings(doc)
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .map(|f| f["path"].as_str().unwrap())
        .collect()
}

fn is_root() -> bool {
    // The owner of a file we just created is our effective user.
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    std::fs::write(&probe, "").unwrap();
    std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&probe).unwrap()) == 0
}

#[test]
fn invalid_utf8_content_is_scanned_as_bytes() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let mut bytes = b"\xff\xfe\xc3\x28 garbage \xa0\xa1\n".to_vec();
    bytes.extend_from_slice(binance_pair(7).as_bytes());
    bytes.extend_from_slice(b"\xf0\x28\x8c\x28\n");
    std::fs::write(dir.path().join("latin.env"), bytes).unwrap();
    let run = scan(dir.path(), &[]);
    assert_planted_found(&run);
    assert!(paths_with_rule(&run.doc, "binance-secret-key").contains(&"latin.env"));
    assert_eq!(run.doc["stats"]["files_scanned"], 2);
}

#[test]
fn utf16_text_is_decoded_and_scanned() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let text = format!("# settings\r\n{}", binance_pair(8));
    let le_bom: Vec<u8> = std::iter::once(0xFEFFu16)
        .chain(text.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(dir.path().join("le-bom.env"), le_bom).unwrap();
    std::fs::write(dir.path().join("be.env"), be).unwrap();
    std::fs::write(dir.path().join("le.env"), le).unwrap();
    let run = scan(dir.path(), &[]);
    assert_planted_found(&run);
    for (path, enc) in [
        ("le-bom.env", "utf-16le"),
        ("be.env", "utf-16be"),
        ("le.env", "utf-16le"),
    ] {
        let f = findings(&run.doc)
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("nothing found in {path}: {:#}", run.doc));
        assert_eq!(f["decoded"], enc, "{f:#}");
        // Line 1 is the comment: the key is on line 2, the secret on line 3.
        assert_eq!(f["line"], 3, "{f:#}");
        assert_eq!(f["column"], 20, "{f:#}");
    }
    assert_eq!(run.doc["stats"]["skipped_binary"], 0);
}

#[test]
fn nul_bytes_after_the_first_8_kib_do_not_make_a_file_binary() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let mut bytes = "x = 1\n".repeat(1500).into_bytes(); // 9,000 bytes
    bytes.extend_from_slice(b"\0\0\0\n");
    bytes.extend_from_slice(binance_pair(9).as_bytes());
    std::fs::write(dir.path().join("late-nul.env"), &bytes).unwrap();
    // A NUL early on: binary, skipped and counted.
    std::fs::write(dir.path().join("early-nul.bin"), b"\0\x01\x02").unwrap();
    let run = scan(dir.path(), &[]);
    assert_planted_found(&run);
    assert!(paths_with_rule(&run.doc, "binance-secret-key").contains(&"late-nul.env"));
    assert_eq!(run.doc["stats"]["skipped_binary"], 1);
    assert!(skipped(&run.doc)
        .iter()
        .any(|s| s["path"] == "early-nul.bin" && s["reason"] == "binary"));
}

/// Peak resident memory (KiB) of a finished child, from `wait4` (which reaps it: no zombie).
#[allow(clippy::zombie_processes)]
fn run_measuring_memory(cmd: &mut std::process::Command) -> (i32, i64) {
    let child = cmd.spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a plain system call on our own child; `rusage` is plain data.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(got, pid);
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}

#[test]
fn a_large_one_line_file_is_scanned_in_bounded_memory() {
    // Issue 15 asks for 1 GB; 50 MB shows the same (memory is the file plus a bounded amount,
    // not a multiple of it) in a fraction of the time.
    const SIZE: usize = 50 << 20;
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let mut line = Vec::with_capacity(SIZE + 200);
    while line.len() < SIZE {
        line.extend_from_slice(b"lorem ipsum dolor sit amet; ");
    }
    line.extend_from_slice(format!(" BINANCE_SECRET_KEY={}", common::fake(64, 77)).as_bytes());
    std::fs::write(dir.path().join("one-line.txt"), &line).unwrap();
    drop(line);
    let report = dir.path().join("report.json");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("leakhound"));
    cmd.current_dir(dir.path())
        .args([
            "scan",
            ".",
            "--max-file-size",
            "100M",
            "--format",
            "json",
            "-o",
        ])
        .arg(&report)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let started = Instant::now();
    let (code, max_rss_kib) = run_measuring_memory(&mut cmd);
    let elapsed = started.elapsed();
    let doc: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(code, 1, "{doc:#}");
    let paths = paths_with_rule(&doc, "binance-secret-key");
    assert!(paths.contains(&"planted/.env"), "{doc:#}");
    assert!(paths.contains(&"one-line.txt"), "{doc:#}");
    let finding = findings(&doc)
        .iter()
        .find(|f| f["path"] == "one-line.txt")
        .unwrap();
    assert_eq!(finding["line"], 1);
    assert!(finding["snippet"].as_str().unwrap().len() < 1000);
    // The file (50 MiB) is read whole; twice its size plus the rules leaves ample room, and
    // fails if the line were ever copied per finding or converted whole.
    assert!(
        max_rss_kib < 3 * (SIZE as i64 >> 10),
        "peak RSS {max_rss_kib} KiB for a {} MiB file",
        SIZE >> 20
    );
    eprintln!(
        "50 MiB one-line file: {elapsed:?}, peak RSS {} MiB",
        max_rss_kib >> 10
    );
}

fn many_small_files(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    for i in 0..n {
        let sub = dir.path().join(format!("d{:03}", i % 100));
        if i < 100 {
            std::fs::create_dir(&sub).unwrap();
        }
        std::fs::write(sub.join(format!("f{i}.txt")), format!("value = {i}\n")).unwrap();
    }
    let started = Instant::now();
    let run = scan(dir.path(), &[]);
    eprintln!("{n} small files: {:?}", started.elapsed());
    assert_planted_found(&run);
    assert_eq!(run.doc["stats"]["files_scanned"], n as u64 + 1);
    assert_eq!(skipped(&run.doc).len(), 0);
}

#[test]
fn twenty_thousand_small_files() {
    many_small_files(20_000);
}

/// Issue 15's figure; about 10 s of file creation alone on a 2-core machine, so not in the
/// default run (`cargo test --test bad_input -- --ignored`).
#[test]
#[ignore = "slow: 200,000 files (run with --ignored)"]
fn two_hundred_thousand_small_files() {
    many_small_files(200_000);
}

#[test]
fn a_thousand_folders_deep() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let mut deep = dir.path().to_path_buf();
    for _ in 0..1000 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("deep.env"), binance_pair(10)).unwrap();
    let run = scan(dir.path(), &[]);
    assert_planted_found(&run);
    let deep_path = format!("{}deep.env", "d/".repeat(1000));
    assert!(
        paths_with_rule(&run.doc, "binance-secret-key").contains(&deep_path.as_str()),
        "{:#}",
        run.doc["stats"]
    );
}

#[test]
fn symlink_loops_and_links_out_of_the_root_are_counted_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.env", &binance_pair(11));
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let d = dir.path();
    std::os::unix::fs::symlink("loop-b", d.join("loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", d.join("loop-b")).unwrap();
    std::os::unix::fs::symlink(".", d.join("self")).unwrap();
    std::os::unix::fs::symlink(outside.path(), d.join("out-dir")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.env"), d.join("out-file")).unwrap();
    std::os::unix::fs::symlink("no-such-file", d.join("dangling")).unwrap();
    // A link to a file inside the root: its target is scanned itself, nothing to count.
    std::os::unix::fs::symlink("planted/.env", d.join("inside")).unwrap();
    let run = scan(d, &[]);
    assert_planted_found(&run);
    // Not followed: the secret outside is not reported, through either link.
    assert_eq!(findings(&run.doc).len(), 1, "{:#}", run.doc);
    let reason = |path: &str| {
        skipped(&run.doc)
            .iter()
            .find(|s| s["path"] == path)
            .map(|s| s["detail"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("{path} not in skipped: {:#}", run.doc["skipped"]))
    };
    assert!(reason("loop-a").contains("symlink loop"));
    assert!(reason("loop-b").contains("symlink loop"));
    assert!(reason("out-dir").contains("outside the scanned folders"));
    assert!(reason("out-file").contains("outside the scanned folders"));
    assert!(reason("dangling").contains("broken symlink"));
    assert!(skipped(&run.doc)
        .iter()
        .all(|s| s["path"] != "inside" && s["path"] != "self"));
    assert_eq!(run.doc["stats"]["skipped_special"], 5);
    // The text report lists them and counts them.
    let out = leakhound(d)
        .args(["scan", "."])
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("skipped out-dir: symlink to"), "{text}");
    assert!(text.contains("skipped 5 (5 not regular files)"), "{text}");
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a plain system call with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn fifos_and_sockets_met_while_walking_are_skipped_and_counted_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    // Nobody ever writes to this pipe: opening it would block forever.
    mkfifo(&dir.path().join("pipe.env"));
    let _listener = std::os::unix::net::UnixListener::bind(dir.path().join("app.sock")).unwrap();
    let run = scan(dir.path(), &[]);
    assert_planted_found(&run);
    let kinds: Vec<(&str, &str)> = skipped(&run.doc)
        .iter()
        .map(|s| (s["path"].as_str().unwrap(), s["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [("app.sock", "socket"), ("pipe.env", "fifo")]);
    let detail = skipped(&run.doc)[1]["detail"].as_str().unwrap();
    assert!(
        detail.contains("named pipe") && detail.contains("name it as a PATH"),
        "{detail}"
    );
    assert_eq!(run.doc["stats"]["skipped_special"], 2);
}

#[test]
fn a_fifo_named_as_a_path_is_read() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let fifo = dir.path().join("pipe.env");
    mkfifo(&fifo);
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        f.write_all(binance_pair(12).as_bytes()).unwrap();
    });
    let run = run_json(dir.path(), &["scan", "pipe.env", "planted"]);
    writer.join().unwrap();
    assert_planted_found(&run);
    assert!(paths_with_rule(&run.doc, "binance-secret-key").contains(&"pipe.env"));
    assert_eq!(run.doc["stats"]["files_scanned"], 2);
}

#[test]
fn standard_input_is_read_as_dash_and_as_dev_stdin() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    for path in ["-", "/dev/stdin"] {
        let out = leakhound(dir.path())
            .args(["scan", path, "planted", "--format", "json"])
            .write_stdin(binance_pair(13))
            .timeout(TIMEOUT)
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        common::assert_report_schema(&doc);
        let paths = paths_with_rule(&doc, "binance-secret-key");
        assert!(paths.contains(&"<stdin>"), "{path}: {doc:#}");
        assert!(paths.contains(&"planted/.env"), "{path}: {doc:#}");
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn a_process_substitution_is_read() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    write(dir.path(), "src.txt", &binance_pair(14));
    let bin = assert_cmd::cargo::cargo_bin("leakhound");
    let out = std::process::Command::new("bash")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "{:?} scan <(cat src.txt) planted --format json",
            bin.display()
        ))
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let paths = paths_with_rule(&doc, "binance-secret-key");
    assert!(paths.iter().any(|p| p.starts_with("/dev/fd/")), "{doc:#}");
    assert!(paths.contains(&"planted/.env"));
}

#[test]
fn a_device_named_as_a_path_is_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let run = run_json(dir.path(), &["scan", "/dev/null", "planted"]);
    assert_planted_found(&run);
    let s = &skipped(&run.doc)[0];
    assert_eq!(s["path"], "/dev/null");
    assert_eq!(s["kind"], "char_device");
    assert!(s["detail"].as_str().unwrap().contains("character device"));
}

#[test]
fn unreadable_files_are_listed_with_their_reason() {
    if is_root() {
        eprintln!("skipped: running as root, for whom file permissions do not apply");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    write(dir.path(), "locked.env", &binance_pair(15));
    std::fs::set_permissions(
        dir.path().join("locked.env"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("closed")).unwrap();
    write(dir.path(), "closed/x.env", &binance_pair(16));
    std::fs::set_permissions(
        dir.path().join("closed"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let run = scan(dir.path(), &[]);
    std::fs::set_permissions(
        dir.path().join("closed"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    assert_planted_found(&run);
    let unreadable: Vec<&str> = skipped(&run.doc)
        .iter()
        .filter(|s| s["reason"] == "unreadable")
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    // A folder that cannot be listed is named too (it once had an empty path).
    assert_eq!(
        unreadable,
        ["closed", "locked.env"],
        "{:#}",
        run.doc["skipped"]
    );
}

#[test]
fn odd_file_names_are_escaped_in_text_and_kept_exact_in_json_and_sarif() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let d = dir.path();
    let forged = "x\n\x1b[2K\rscanned 0 files (0 B) in 0.00 s; no secrets found\n.env";
    std::fs::write(d.join(forged), binance_pair(17)).unwrap();
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.env");
    std::fs::write(d.join(latin1), binance_pair(18)).unwrap();
    std::fs::write(d.join("-rf.env"), binance_pair(19)).unwrap();

    let run = scan(d, &[]);
    assert_planted_found(&run);
    let paths = paths_with_rule(&run.doc, "binance-secret-key");
    assert!(paths.contains(&forged), "{paths:?}");
    assert!(paths.contains(&"-rf.env"));
    let cafe = findings(&run.doc)
        .iter()
        .find(|f| f["path"] == "caf\\xe9.env")
        .unwrap_or_else(|| panic!("{paths:?}"));
    assert_eq!(cafe["path_bytes"], "636166e92e656e76");
    assert!(findings(&run.doc)
        .iter()
        .filter(|f| f["path"] != "caf\\xe9.env")
        .all(|f| f.get("path_bytes").is_none()));

    // A leading dash is a path after `--`, not an option.
    let out = leakhound(d)
        .args(["scan", "--format", "json", "--", "-rf.env", "planted"])
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let named = paths_with_rule(&doc, "binance-secret-key");
    assert!(
        named.contains(&"-rf.env") && named.contains(&"planted/.env"),
        "{doc:#}"
    );

    // Text: no raw control character reaches the terminal, so no line can be forged.
    let out = leakhound(d)
        .args(["scan", "."])
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains('\x1b') && !text.contains('\r'),
        "raw control characters: {text:?}"
    );
    assert!(
        !text.lines().any(|l| l.starts_with("scanned 0 files")),
        "a forged line: {text}"
    );
    assert!(text.contains("x\\n\\e[2K\\rscanned 0 files"), "{text}");
    assert!(text.contains("caf\\xe9.env"), "{text}");

    // SARIF: the URI holds the name's bytes, percent-encoded.
    let out = leakhound(d)
        .args(["scan", ".", "--format", "sarif"])
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let sarif = String::from_utf8_lossy(&out.stdout);
    assert!(sarif.contains("caf%E9.env"), "{sarif}");
    assert!(sarif.contains("x%0A%1B%5B2K%0Dscanned"), "{sarif}");
}

#[test]
fn crlf_and_cr_only_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let pair = |seed: u64, sep: &str| binance_pair(seed).replace('\n', sep);
    write(
        dir.path(),
        "crlf.env",
        &format!("# one\r\n# two\r\n{}", pair(20, "\r\n")),
    );
    // Old Mac line endings: a lone CR ends a line.
    write(
        dir.path(),
        "cr.env",
        &format!("# one\r# two\r{}", pair(21, "\r")),
    );
    let run = scan(dir.path(), &[]);
    assert_planted_found(&run);
    for path in ["crlf.env", "cr.env"] {
        let f = findings(&run.doc)
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("{path}: {:#}", run.doc));
        assert_eq!(
            (f["line"].as_u64(), f["column"].as_u64()),
            (Some(4), Some(20)),
            "{path}"
        );
        let snippet = f["snippet"].as_str().unwrap();
        assert!(
            snippet.starts_with("BINANCE_SECRET_KEY=") && !snippet.contains('\r'),
            "{snippet:?}"
        );
    }
}

#[test]
fn one_allow_marker_in_a_cr_only_file_covers_one_line() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let allowed = binance_pair(22).replace('\n', "  # leakhound:allow\r");
    let text = format!("{allowed}{}", binance_pair(23).replace('\n', "\r"));
    write(dir.path(), "cr.env", &text);
    let run = scan(dir.path(), &[]);
    assert_planted_found(&run);
    let in_cr: Vec<&Value> = findings(&run.doc)
        .iter()
        .filter(|f| f["path"] == "cr.env")
        .collect();
    assert_eq!(in_cr.len(), 1, "{:#}", run.doc);
    assert_eq!(in_cr[0]["line"], 4);
    assert_eq!(run.doc["stats"]["suppressed"]["inline"], 1);
}

#[test]
fn git_lfs_pointers_are_plain_text_without_findings() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let oid = leakhound::encoding::hex(&[0xab; 32]);
    write(
        dir.path(),
        "model.bin",
        &format!("version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 123456\n"),
    );
    let run = scan(dir.path(), &[]);
    assert_planted_found(&run);
    assert_eq!(findings(&run.doc).len(), 1, "{:#}", run.doc);
    assert_eq!(run.doc["stats"]["files_scanned"], 2);
}

#[test]
fn thread_counts_are_capped_and_the_cap_is_said() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let run = scan(dir.path(), &["-j", "100000"]);
    assert_planted_found(&run);
    assert!(run.stderr.contains("-j 100000 capped at"), "{}", run.stderr);
}
