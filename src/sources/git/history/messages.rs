//! Commit messages, scanned from the raw commits that the walk reads anyway.
//!
//! The walk is serial: while it runs, the other cores have nothing to do. So the walk hands
//! each commit it keeps to a second thread, which scans its message while the walk goes on.
//! Each message is read once, by the walk, instead of a second time by a diff worker. On the
//! 50,000-commit bench history, the scan keeps pace with the walk, so joining it costs
//! nothing. With one thread (`-j 1`) the messages are scanned inline, in the walk.

use std::collections::HashMap;
use std::sync::mpsc;
use std::time::Instant;

use gix::ObjectId;

use crate::detect::{Detector, DetectorScratch};
use crate::findings::Finding;
use crate::sources::{SkipReason, Skipped};

/// What scanning the messages found.
#[derive(Default)]
pub struct Messages {
    /// Findings by commit.
    pub found: HashMap<ObjectId, Vec<Finding>>,
    /// Commits whose raw object does not parse.
    pub problems: Vec<Skipped>,
    pub scanned: u64,
    /// Time spent parsing and scanning, nanoseconds.
    pub ns: u64,
}

/// Commits sent to the scanning thread at once: one channel message per commit would cost
/// more than scanning a short message.
const BATCH: usize = 256;

/// Raw commits on their way to the scanning thread.
#[derive(Default)]
struct Batch {
    commits: Vec<(ObjectId, std::ops::Range<usize>)>,
    bytes: Vec<u8>,
}

/// Runs `walk`, giving it a sink for each (commit id, raw commit) whose message is to be
/// scanned, and returns what `walk` returned with what the messages held. `parallel`: scan on
/// a thread of its own, alongside the walk.
pub fn scan_during<T>(
    detector: &Detector,
    hash: gix::hash::Kind,
    parallel: bool,
    walk: impl FnOnce(&mut dyn FnMut(ObjectId, &[u8])) -> T,
) -> (T, Messages) {
    let mut scanner = Scanner {
        detector,
        scratch: detector.new_scratch(),
        hash,
        out: Messages::default(),
    };
    if !parallel {
        let walked = walk(&mut |id, raw| scanner.scan(id, raw));
        return (walked, scanner.out);
    }
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::sync_channel::<Batch>(8);
        let thread = s.spawn(move || {
            for batch in rx {
                for (id, range) in &batch.commits {
                    scanner.scan(*id, &batch.bytes[range.clone()]);
                }
            }
            scanner.out
        });
        let mut batch = Batch::default();
        let walked = walk(&mut |id, raw| {
            let start = batch.bytes.len();
            batch.bytes.extend_from_slice(raw);
            batch.commits.push((id, start..batch.bytes.len()));
            if batch.commits.len() == BATCH {
                // A send fails only if the thread is gone, and then its join reports why.
                let _ = tx.send(std::mem::take(&mut batch));
            }
        });
        if !batch.commits.is_empty() {
            let _ = tx.send(batch);
        }
        drop(tx);
        let messages = match thread.join() {
            Ok(messages) => messages,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (walked, messages)
    })
}

struct Scanner<'a> {
    detector: &'a Detector,
    scratch: DetectorScratch,
    hash: gix::hash::Kind,
    out: Messages,
}

impl Scanner<'_> {
    /// Scans the message (subject and body) of commit `id`.
    fn scan(&mut self, id: ObjectId, raw: &[u8]) {
        let t = Instant::now();
        match gix::objs::CommitRef::from_bytes(raw, self.hash) {
            Ok(commit) => {
                self.out.scanned += 1;
                let found =
                    self.detector
                        .detect(commit.message, &message_path(&id), &mut self.scratch);
                if !found.is_empty() {
                    self.out.found.insert(id, found);
                }
            }
            Err(e) => self.out.problems.push(Skipped {
                path: format!("commit {id} (message)"),
                reason: SkipReason::Unreadable {
                    error: format!("cannot parse the commit: {e}"),
                },
            }),
        }
        self.out.ns += t.elapsed().as_nanos() as u64;
    }
}

/// The path a finding in the message of commit `id` gets: its short id, then what it is.
fn message_path(id: &ObjectId) -> String {
    format!("{} (commit message)", id.to_hex_with_len(12))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::alnum as fake;
    use crate::rules::RuleSet;
    use std::sync::Arc;

    fn raw_commit(message: &str) -> Vec<u8> {
        format!(
            "tree {}\nauthor A <a@example.com> 1700000000 +0000\ncommitter A <a@example.com> \
             1700000000 +0000\n\n{message}",
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        )
        .into_bytes()
    }

    /// Feeds `commits` through `scan_during` as a walk would.
    fn scan(parallel: bool, commits: &[(ObjectId, Vec<u8>)]) -> (usize, Messages) {
        let detector = Detector::new(Arc::new(RuleSet::builtin().unwrap())).unwrap();
        scan_during(&detector, gix::hash::Kind::Sha1, parallel, |each| {
            for (id, raw) in commits {
                each(*id, raw);
            }
            commits.len()
        })
    }

    #[test]
    fn scans_each_message_inline_or_alongside_the_walk_alike() {
        let secret = format!("BINANCE_SECRET_KEY={}", fake(64, 7));
        // More commits than one batch, so that batches are cut and the last one is partial.
        let mut commits: Vec<(ObjectId, Vec<u8>)> = (0..600u32)
            .map(|i| {
                let mut id = [0u8; 20];
                id[..4].copy_from_slice(&i.to_be_bytes());
                let message = match i {
                    3 | 517 => format!("Deploy with {secret}\n"),
                    _ => format!("Commit {i}\n\nNothing to see.\n"),
                };
                (ObjectId::from_bytes_or_panic(&id), raw_commit(&message))
            })
            .collect();
        commits[9].1 = b"not a commit object".to_vec();
        for parallel in [false, true] {
            let (walked, messages) = scan(parallel, &commits);
            assert_eq!(walked, 600, "the walk's own result comes back");
            assert_eq!(messages.scanned, 599, "parallel: {parallel}");
            let mut with_secret: Vec<ObjectId> = messages.found.keys().copied().collect();
            with_secret.sort();
            assert_eq!(with_secret, [commits[3].0, commits[517].0]);
            assert!(messages
                .found
                .values()
                .flatten()
                .all(|f| f.path.ends_with("(commit message)")));
            assert_eq!(messages.problems.len(), 1);
            assert!(messages.problems[0]
                .path
                .contains(&commits[9].0.to_string()));
        }
    }
}
