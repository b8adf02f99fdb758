//! The blobs of a history scan, shared by the diff workers: which blob ids were already met
//! (a compact set of 20-byte ids), and where the few blobs that hold a secret appear.
//!
//! A worker that meets a blob for the first time *claims* it and scans it; a worker that meets
//! it later only records the appearance, and only while the blob is being scanned or after
//! it was found to hold a secret. So the only per-appearance memory is for blobs with
//! findings; every other blob costs its id in the set.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Mutex;

use gix::ObjectId;

use crate::findings::Finding;

/// A blob added or changed at a path by a commit.
#[derive(Debug, Clone)]
pub struct Appearance {
    /// Index of the commit in the walk.
    pub commit: u32,
    pub path: String,
    /// The blob it replaced at that path (a modification), if any.
    pub replaced: Option<ObjectId>,
    /// Part of a shallow clone's boundary snapshot (see `history`).
    pub snapshot: bool,
}

/// The blobs that hold secrets: their findings, and every place they appear.
pub type Found = HashMap<ObjectId, (Vec<Finding>, Vec<Appearance>)>;

/// A 20-byte object id, hashed by its first 8 bytes (ids are uniformly random already).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Id([u8; 20]);

impl Hash for Id {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut head = [0u8; 8];
        head.copy_from_slice(&self.0[..8]);
        state.write_u64(u64::from_le_bytes(head));
    }
}

/// Passes the first 8 bytes of an [`Id`] through as the hash.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type IdSet = HashSet<Id, BuildHasherDefault<IdHasher>>;
type IdMap<V> = HashMap<Id, V, BuildHasherDefault<IdHasher>>;

fn id_of(oid: &ObjectId) -> Id {
    let mut id = [0u8; 20];
    let bytes = oid.as_bytes();
    let n = bytes.len().min(20);
    id[..n].copy_from_slice(&bytes[..n]);
    Id(id)
}

/// A blob being scanned, or found to hold secrets, with the places it appears.
struct Live {
    findings: Option<Vec<Finding>>,
    appearances: Vec<Appearance>,
}

#[derive(Default)]
struct Shard {
    seen: IdSet,
    live: IdMap<(ObjectId, Live)>,
}

/// What the caller of [`BlobTable::visit`] must do.
pub enum Visit {
    /// First time: scan the blob, then call [`BlobTable::finish`].
    Claimed,
    /// Already claimed by someone; nothing to do.
    Known,
}

/// See the module documentation.
pub struct BlobTable {
    shards: Vec<Mutex<Shard>>,
}

const SHARDS: usize = 64;

impl Default for BlobTable {
    fn default() -> Self {
        BlobTable {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }
}

impl BlobTable {
    fn shard(&self, id: &Id) -> std::sync::MutexGuard<'_, Shard> {
        // The 9th byte: the first 8 are the in-shard hash.
        self.shards[id.0[8] as usize % SHARDS]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Marks `oid` as already scanned (from a cache) without an appearance.
    pub fn preload(&self, oid: &ObjectId) {
        let id = id_of(oid);
        self.shard(&id).seen.insert(id);
    }

    /// Records that `oid` appears as `appearance()` says.
    pub fn visit(&self, oid: ObjectId, appearance: impl FnOnce() -> Appearance) -> Visit {
        let id = id_of(&oid);
        let mut shard = self.shard(&id);
        if shard.seen.insert(id) {
            shard.live.insert(
                id,
                (
                    oid,
                    Live {
                        findings: None,
                        appearances: vec![appearance()],
                    },
                ),
            );
            Visit::Claimed
        } else {
            if let Some((_, live)) = shard.live.get_mut(&id) {
                live.appearances.push(appearance());
            }
            Visit::Known
        }
    }

    /// The scan of a claimed blob is done: keep it (and its appearances) only if it holds
    /// secrets.
    pub fn finish(&self, oid: &ObjectId, findings: Vec<Finding>) {
        let id = id_of(oid);
        let mut shard = self.shard(&id);
        if findings.is_empty() {
            shard.live.remove(&id);
        } else if let Some((_, live)) = shard.live.get_mut(&id) {
            live.findings = Some(findings);
        }
    }

    /// Number of distinct blobs met.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).seen.len())
            .sum()
    }

    /// Splits the table into the blobs that hold secrets (their findings and appearances) and
    /// the set of every id met.
    pub fn into_parts(self) -> (Found, SeenIds) {
        let mut found = HashMap::new();
        let mut seen = Vec::with_capacity(SHARDS);
        for s in self.shards {
            let s = s.into_inner().unwrap_or_else(|e| e.into_inner());
            for (_, (oid, live)) in s.live {
                if let Some(f) = live.findings {
                    found.insert(oid, (f, live.appearances));
                }
            }
            seen.push(s.seen);
        }
        (found, SeenIds(seen))
    }
}

/// The ids a table met, kept for lookups after its findings were taken out.
pub struct SeenIds(Vec<IdSet>);

impl SeenIds {
    /// Every id, in no particular order.
    pub fn ids(&self) -> impl Iterator<Item = ObjectId> + '_ {
        self.0
            .iter()
            .flatten()
            .map(|id| ObjectId::from_bytes_or_panic(&id.0))
    }

    pub fn contains(&self, oid: &ObjectId) -> bool {
        let id = id_of(oid);
        self.0[id.0[8] as usize % SHARDS].contains(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(n: u8) -> ObjectId {
        let mut b = [0u8; 20];
        b[0] = n;
        b[8] = n.wrapping_mul(7);
        b[19] = 1;
        ObjectId::from_bytes_or_panic(&b)
    }

    fn app(commit: u32) -> Appearance {
        Appearance {
            commit,
            path: format!("p{commit}"),
            replaced: None,
            snapshot: false,
        }
    }

    #[test]
    fn a_blob_is_claimed_once_and_keeps_appearances_only_with_findings() {
        let t = BlobTable::default();
        assert!(matches!(t.visit(oid(1), || app(0)), Visit::Claimed));
        assert!(matches!(t.visit(oid(1), || app(1)), Visit::Known));
        assert!(matches!(t.visit(oid(2), || app(2)), Visit::Claimed));
        t.finish(&oid(2), Vec::new());
        // After a clean scan, later appearances are not even built.
        assert!(matches!(
            t.visit(oid(2), || panic!("not needed")),
            Visit::Known
        ));
        assert_eq!(t.len(), 2);
        t.preload(&oid(3));
        assert_eq!(t.len(), 3);
        let (found, seen) = t.into_parts();
        assert!(found.is_empty(), "no findings were recorded");
        assert!(seen.contains(&oid(1)) && seen.contains(&oid(3)) && !seen.contains(&oid(4)));
        assert_eq!(seen.ids().count(), 3);
    }
}
