//! Archives and packed files: every format is opened and its entries scanned, paths name the
//! entry (`release.zip!config/app.env`), and hostile archives (bombs, deep nesting, too many
//! entries, encrypted or corrupt ones) stop with a skip reason, within a fixed memory cap.
//! Every archive is built here with the crates leakhound reads them with; the keys are fake.

mod common;

use std::io::Write;
use std::path::Path;

use common::{binance_pair, git, leakhound, run_json};
use serde_json::Value;
use zip::write::SimpleFileOptions;

/// A zip holding `entries` (name, content), deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A tar holding `entries` (name, content).
fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

/// `data` gzipped (no file name in the header).
fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn write_bytes(dir: &Path, name: &str, data: &[u8]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

const SCAN: &[&str] = &["scan", ".", "--no-config", "--no-progress"];

/// (path, line) of every finding.
fn places(doc: &Value) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// (path, kind) of every skipped entry whose reason is `archive`.
fn archive_skips(doc: &Value) -> Vec<(String, String)> {
    doc["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] == "archive")
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_zip_family_extension_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let exts = ["zip", "jar", "war", "ear", "whl", "nupkg", "apk", "aar"];
    for (i, ext) in exts.iter().enumerate() {
        let env = format!("# settings\n{}", binance_pair(i as u64));
        let z = zip_of(&[
            ("README.txt", b"nothing here\n"),
            ("config/app.env", env.as_bytes()),
        ]);
        write_bytes(dir.path(), &format!("release.{ext}"), &z);
    }
    let run = run_json(dir.path(), SCAN);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let want: Vec<(String, u64)> = {
        let mut w: Vec<_> = exts
            .iter()
            .map(|e| (format!("release.{e}!config/app.env"), 3))
            .collect();
        w.sort();
        w
    };
    assert_eq!(places(&run.doc), want);
    // The entries are what was scanned: two per archive.
    assert_eq!(run.doc["stats"]["files_scanned"], 16);
}

#[test]
fn tar_tgz_and_gz_are_opened() {
    let dir = tempfile::tempdir().unwrap();
    let env = |seed| binance_pair(seed).into_bytes();
    let tar = tar_of(&[("app/.env", &env(1)), ("app/notes.md", b"hello\n")]);
    write_bytes(dir.path(), "bundle.tar", &tar);
    let tgz = gz(&tar_of(&[("app/.env", &env(2))]));
    write_bytes(dir.path(), "bundle.tgz", &tgz);
    write_bytes(
        dir.path(),
        "bundle.tar.gz",
        &gz(&tar_of(&[("app/.env", &env(3))])),
    );
    write_bytes(dir.path(), "app.env.gz", &gz(&env(4)));
    // A name stored in the gzip header wins over the file's own name.
    let mut named = flate2::GzBuilder::new()
        .filename("secrets.env")
        .write(Vec::new(), flate2::Compression::default());
    named.write_all(&env(5)).unwrap();
    write_bytes(dir.path(), "blob.gz", &named.finish().unwrap());
    // A tar without the ustar magic (v7) is recognised by its name and header checksum.
    let mut v7 = tar_of(&[("old.env", &env(6))]);
    v7[257..265].fill(0);
    let sum: u32 = v7[..512]
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(*b)
            }
        })
        .sum();
    v7[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    write_bytes(dir.path(), "old.tar", &v7);

    let run = run_json(dir.path(), SCAN);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        places(&run.doc),
        vec![
            ("app.env.gz!app.env".to_string(), 2),
            ("blob.gz!secrets.env".to_string(), 2),
            ("bundle.tar!app/.env".to_string(), 2),
            ("bundle.tar.gz!app/.env".to_string(), 2),
            ("bundle.tgz!app/.env".to_string(), 2),
            ("old.tar!old.env".to_string(), 2),
        ]
    );
    assert!(archive_skips(&run.doc).is_empty(), "{}", run.doc["skipped"]);
}

#[test]
fn nested_archives_up_to_three_deep() {
    let dir = tempfile::tempdir().unwrap();
    let env = binance_pair(7);
    let inner_tgz = gz(&tar_of(&[("x.env", env.as_bytes())]));
    let outer = zip_of(&[("inner.tgz", &inner_tgz)]);
    write_bytes(dir.path(), "a.zip", &outer);
    // Four deep: the fourth archive is not opened, and says so.
    let d4 = zip_of(&[("deep.env", binance_pair(8).as_bytes())]);
    let d3 = zip_of(&[("d4.zip", &d4)]);
    let d2 = zip_of(&[("d3.zip", &d3)]);
    let d1 = zip_of(&[("d2.zip", &d2)]);
    write_bytes(dir.path(), "d1.zip", &d1);

    let run = run_json(dir.path(), SCAN);
    assert_eq!(
        places(&run.doc),
        vec![("a.zip!inner.tgz!x.env".to_string(), 2)]
    );
    assert_eq!(
        archive_skips(&run.doc),
        vec![(
            "d1.zip!d2.zip!d3.zip!d4.zip".to_string(),
            "depth".to_string()
        )]
    );
    assert_eq!(run.doc["stats"]["skipped_archive"], 1);
}

#[test]
fn no_archives_flag_skips_them_as_binary() {
    let dir = tempfile::tempdir().unwrap();
    write_bytes(
        dir.path(),
        "release.zip",
        &zip_of(&[("app.env", binance_pair(9).as_bytes())]),
    );
    let mut args = SCAN.to_vec();
    args.push("--no-archives");
    let run = run_json(dir.path(), &args);
    assert_eq!(run.code, 0);
    assert_eq!(run.doc["stats"]["skipped_binary"], 1);
    assert_eq!(run.doc["skipped"][0]["path"], "release.zip");
}

#[test]
fn binary_entries_are_skipped_as_binary() {
    let dir = tempfile::tempdir().unwrap();
    let z = zip_of(&[
        ("lib/App.class", b"\xca\xfe\xba\xbe\0\0\0\x34"),
        ("a.txt", b"hi\n"),
    ]);
    write_bytes(dir.path(), "app.jar", &z);
    let run = run_json(dir.path(), SCAN);
    assert_eq!(run.code, 0);
    assert_eq!(run.doc["skipped"][0]["path"], "app.jar!lib/App.class");
    assert_eq!(run.doc["skipped"][0]["reason"], "binary");
    assert_eq!(run.doc["stats"]["files_scanned"], 1);
}

#[test]
fn encrypted_entries_are_skipped_and_counted() {
    use zip::unstable::write::FileOptionsExt;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let plain = SimpleFileOptions::default();
    w.start_file("open.env", plain).unwrap();
    w.write_all(binance_pair(10).as_bytes()).unwrap();
    let locked = SimpleFileOptions::default()
        .with_deprecated_encryption(b"hunter2")
        .unwrap();
    w.start_file("locked.env", locked).unwrap();
    w.write_all(binance_pair(11).as_bytes()).unwrap();
    let z = w.finish().unwrap().into_inner();
    let dir = tempfile::tempdir().unwrap();
    write_bytes(dir.path(), "mixed.zip", &z);

    let run = run_json(dir.path(), SCAN);
    assert_eq!(run.code, 1);
    assert_eq!(
        places(&run.doc),
        vec![("mixed.zip!open.env".to_string(), 2)]
    );
    assert_eq!(
        archive_skips(&run.doc),
        vec![("mixed.zip!locked.env".to_string(), "encrypted".to_string())]
    );
    assert_eq!(run.doc["stats"]["skipped_archive"], 1);
}

#[test]
fn corrupt_archives_are_skipped_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    // A zip's magic, then garbage.
    write_bytes(dir.path(), "broken.zip", b"PK\x03\x04\0\0garbage\xff\xfe");
    // A .tgz cut in the middle, after an entry that was read whole.
    let mut big = binance_pair(12).into_bytes();
    big.extend(std::iter::repeat_n(b'x', 4096));
    let tgz = gz(&tar_of(&[
        ("first.env", &big),
        ("second.txt", &vec![b'y'; 100_000]),
    ]));
    write_bytes(dir.path(), "cut.tgz", &tgz[..tgz.len() - 200]);
    // A zip whose entry data was damaged (its checksum fails).
    let mut z = zip_of(&[("a.env", binance_pair(13).as_bytes())]);
    z[40] ^= 0xff;
    write_bytes(dir.path(), "damaged.zip", &z);

    let out = leakhound(dir.path())
        .args(SCAN)
        .args(["--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("skipped broken.zip: corrupt zip archive"),
        "{text}"
    );
    let run = run_json(dir.path(), SCAN);
    let skips = archive_skips(&run.doc);
    assert!(
        skips.contains(&("broken.zip".into(), "corrupt".into())),
        "{skips:?}"
    );
    assert!(
        skips.contains(&("cut.tgz".into(), "corrupt".into())),
        "{skips:?}"
    );
    assert!(
        skips.contains(&("damaged.zip!a.env".into(), "corrupt".into())),
        "{skips:?}"
    );
    // What was read before the damage is still reported.
    assert_eq!(places(&run.doc), vec![("cut.tgz!first.env".to_string(), 2)]);
}

/// Address space leakhound may use in the bomb test (`RLIMIT_AS`, set in the child before it
/// starts): a 10 GB bomb inflated into memory would abort the run. A normal run maps ~270 MB.
const ADDRESS_SPACE_CAP: u64 = 1 << 30;

/// Runs leakhound with `args` in `dir` under [`ADDRESS_SPACE_CAP`] and returns its exit code
/// and its peak resident set (`VmHWM` of `/proc/PID/status`, read every few milliseconds
/// while it runs; the peak is monotonic, so the last reading is the peak up to then).
/// `wait4`'s `ru_maxrss` would not do: Linux carries the forking test process's own resident
/// set over into the child's.
fn run_measured(dir: &Path, args: &[&str]) -> (i32, u64) {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_leakhound"));
    cmd.current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: ADDRESS_SPACE_CAP as libc::rlim_t,
                rlim_max: ADDRESS_SPACE_CAP as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let code = status
        .code()
        .unwrap_or_else(|| panic!("killed: {status:?}"));
    (code, peak_kb * 1024)
}

/// A gzip stream of `total` zero bytes: one member of 8 MiB of zeros repeated (concatenated
/// members are one valid stream), so a 10 GB bomb is built in milliseconds.
fn zeros_gz(total: u64) -> Vec<u8> {
    let chunk = 8u64 << 20;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&vec![0u8; chunk as usize]).unwrap();
    let member = e.finish().unwrap();
    let mut out = Vec::with_capacity(member.len() * (total / chunk) as usize);
    for _ in 0..total / chunk {
        out.extend_from_slice(&member);
    }
    out
}

/// Peak resident set allowed for the scan of the bombs below: ~105 MB measured, most of it
/// the 51 MB tar read whole (files are read into memory up to `--max-file-size`).
const MEMORY_CAP: u64 = 200 << 20;

#[test]
fn bombs_stop_with_a_reason_within_a_memory_cap() {
    let dir = tempfile::tempdir().unwrap();
    // 10 GB of zeros as one tar entry in a .tgz (the tar header, then the zeros).
    let header = {
        let mut h = tar::Header::new_gnu();
        h.set_path("zeros.bin").unwrap();
        h.set_size(10_000_000_000);
        h.set_mode(0o644);
        h.set_cksum();
        h.as_bytes().to_vec()
    };
    let mut tgz = gz(&header);
    tgz.extend(zeros_gz(10_000_000_000));
    write_bytes(dir.path(), "bomb.tgz", &tgz);
    // 10 GB of zeros as a single .gz.
    write_bytes(dir.path(), "zeros.gz", &zeros_gz(10_000_000_000));
    // A zip entry that inflates about 1,000 times (under the entry size limit).
    let zeros = vec![0u8; 9 << 20];
    let mut z = vec![("ratio.txt", &zeros[..])];
    let key = binance_pair(14);
    z.push(("after.env", key.as_bytes()));
    write_bytes(dir.path(), "ratio.zip", &zip_of(&z));
    // Too many entries: 100,001 empty files in a plain tar (51 MB).
    let names: Vec<String> = (0..100_001).map(|i| format!("f{i}")).collect();
    let many: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    write_bytes(dir.path(), "many.tar", &tar_of(&many));

    let mut args = SCAN.to_vec();
    // Two threads, so that the cap does not depend on the machine's cores.
    args.extend(["--max-file-size", "64M", "-j", "2"]);
    let report = dir.path().join("report.json");
    let report_arg = report.to_str().unwrap();
    args.extend([
        "--format",
        "json",
        "-o",
        report_arg,
        "--exclude",
        "report.json",
    ]);
    let started = std::time::Instant::now();
    let (code, rss) = run_measured(dir.path(), &args);
    let elapsed = started.elapsed();
    assert_eq!(code, 1);
    let run = common::Run {
        code,
        doc: serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap(),
        stderr: String::new(),
    };
    common::assert_report_schema(&run.doc);
    let skips = archive_skips(&run.doc);
    let others: Vec<&Value> = run.doc["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] != "archive")
        .collect();
    assert_eq!(others.len(), 1, "{others:?}"); // bomb.tgz!zeros.bin, too large
    assert!(
        skips.contains(&("bomb.tgz".into(), "ratio".into())),
        "{skips:?}"
    );
    assert!(
        skips.contains(&("zeros.gz".into(), "ratio".into())),
        "{skips:?}"
    );
    assert!(
        skips.contains(&("ratio.zip!ratio.txt".into(), "ratio".into())),
        "{skips:?}"
    );
    assert!(
        skips.contains(&("many.tar".into(), "entries".into())),
        "{skips:?}"
    );
    // The entry after the bomb in the same zip is still scanned.
    assert_eq!(
        places(&run.doc),
        vec![("ratio.zip!after.env".to_string(), 2)]
    );
    eprintln!(
        "bombs: peak RSS {} MB, {:.1} s",
        rss >> 20,
        elapsed.as_secs_f64()
    );
    assert!(rss < MEMORY_CAP, "peak RSS {} MB", rss >> 20);
}

#[test]
fn sarif_and_text_carry_the_inner_path() {
    let dir = tempfile::tempdir().unwrap();
    let z = zip_of(&[("config/app settings.env", binance_pair(15).as_bytes())]);
    write_bytes(dir.path(), "my release.zip", &z);
    let out = leakhound(dir.path())
        .args(SCAN)
        .args(["--format", "sarif"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let loc = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    // `!` is a URI sub-delimiter: kept; the spaces are percent-encoded.
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "my%20release.zip!config/app%20settings.env"
    );
    assert_eq!(loc["region"]["startLine"], 2);

    let out = leakhound(dir.path())
        .args(SCAN)
        .args(["--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let text = regex::Regex::new(r"in \d+\.\d\d s")
        .unwrap()
        .replace_all(&text, "in T s");
    insta::assert_snapshot!("archive_finding_text", text);
}

#[test]
fn archives_in_git_history() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    let z = zip_of(&[("conf/app.env", binance_pair(16).as_bytes())]);
    write_bytes(d, "dist/release.zip", &z);
    write_bytes(d, "dist/plain.env", binance_pair(18).as_bytes());
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "release"]);
    // The same blobs moved: the archive's finding is moved to each path it appears at, as a
    // text file's is (the blob is scanned once).
    git(d, &["mv", "dist/release.zip", "release.zip"]);
    git(d, &["mv", "dist/plain.env", "plain.env"]);
    let tgz = gz(&tar_of(&[("x/.env", binance_pair(17).as_bytes())]));
    write_bytes(d, "bundle.tgz", &tgz);
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "move and bundle"]);

    let run = run_json(d, &["git", ".", "--no-config", "--no-progress"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found: Vec<(String, String)> = run.doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut found = found;
    found.sort();
    let at = |p: &str, s: &str| (p.to_string(), s.to_string());
    assert_eq!(
        found,
        vec![
            at("bundle.tgz!x/.env", "move and bundle"),
            at("dist/plain.env", "release"),
            at("dist/release.zip!conf/app.env", "release"),
            at("plain.env", "move and bundle"),
            at("release.zip!conf/app.env", "move and bundle"),
        ]
    );
    for f in run.doc["findings"].as_array().unwrap() {
        assert_eq!(f["line"], 2);
        assert_eq!(f["in_head"], true);
        assert!(!f["path"].as_str().unwrap().contains('\0'));
    }

    let run = run_json(
        d,
        &["git", ".", "--no-config", "--no-progress", "--no-archives"],
    );
    let paths: Vec<&str> = run.doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["dist/plain.env", "plain.env"]);
}
