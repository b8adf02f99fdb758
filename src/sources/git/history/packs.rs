//! Reading objects straight from the repository's pack files: trees and blobs for a diff
//! worker, commits for the walk ([`CommitSource`]).
//!
//! Why not gix's object lookup: a pack stores most trees and blobs as deltas against another
//! version of the same folder or file, in chains up to 50 deep, and gix's delta cache keeps
//! only the objects that were asked for, not the chain members decoded on the way. A history
//! scan asks for every version sooner or later, so it decoded the same chain members again and
//! again. [`PackReader`] resolves a chain itself and keeps every object it decodes (in a cache
//! per kind, bounded in bytes), so each version costs one delta step once its neighbour is
//! known. With it (and the walk's first-parent order), the tree diff of the 50,000-commit
//! bench history went from 6.6 s to 5.1 s on one thread.
//!
//! Pack data is read with positioned reads into one buffer, not through a memory mapping. A
//! mapping's pages stay in the process's resident set until it goes, and the kernel maps 64
//! KiB around every byte read, so bounding memory meant mapping the files afresh every few
//! MiB of reads; the page faults and unmaps that cost were 7% of the scan's time on the bench
//! history, more than the reads' system calls cost now. So the resident size of a scan is the
//! decoded objects in the caches plus one read buffer, whatever the size of the pack.
//!
//! What the reader cannot serve from a pack (loose objects, a pack that does not open, a base
//! outside the packs) it asks gix for, which handles every case.

use std::cell::RefCell;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context};
use gix::objs::FindExt;
use gix::odb::pack;
use gix::ObjectId;

use super::super::find_blob_within;
use super::delta;
use super::inflate::Inflater;
use super::recent_cache::{Decoded, RecentCache};

/// What reading a blob gave.
pub enum BlobRead {
    Data(Decoded),
    /// Larger than the limit: known from the headers, never decompressed.
    TooLarge(u64),
}

/// The packs of a repository and of its alternates, opened once and shared by the workers:
/// each index (read all over, each lookup is a binary search, so one mapping of it is
/// resident in full, not one per worker) and its data file (read with positioned reads, so
/// one handle serves every worker).
pub struct Packs {
    hash: gix::hash::Kind,
    /// In a fixed order: a cache key names a pack by its position.
    packs: Vec<Pack>,
}

struct Pack {
    index: pack::index::File,
    data: PackFile,
    /// Where each entry starts, in order, then where the last one ends: an entry's
    /// compressed size, for the few entries that a first read does not hold (see
    /// [`PackReader::inflate_entry`]).
    starts: Vec<u64>,
}

impl Packs {
    /// The packs of `repo` and its alternates; one whose index or data file does not open is
    /// left out (its objects are then read through gix).
    pub fn open(repo: &gix::Repository) -> Arc<Self> {
        let mut dirs = vec![repo.objects.store_ref().path().to_owned()];
        let cwd = std::env::current_dir().unwrap_or_default();
        if let Ok(alternates) = gix::odb::alternate::resolve(dirs[0].clone(), &cwd) {
            dirs.extend(alternates);
        }
        let hash = repo.object_hash();
        let mut packs = Vec::new();
        for dir in dirs {
            let Ok(listing) = std::fs::read_dir(dir.join("pack")) else {
                continue;
            };
            let mut idx: Vec<PathBuf> = listing
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "idx"))
                .collect();
            idx.sort();
            for path in idx {
                let Ok(index) = pack::index::File::at(&path, hash) else {
                    continue;
                };
                if let Ok(data) = PackFile::open(&path.with_extension("pack"), hash) {
                    let mut starts = index.sorted_offsets();
                    starts.push(data.end);
                    packs.push(Pack {
                        index,
                        data,
                        starts,
                    });
                }
            }
        }
        Arc::new(Packs { hash, packs })
    }
}

/// A pack data file, read with positioned reads (by any number of threads at once).
struct PackFile {
    file: File,
    path: PathBuf,
    /// Where the entries end (the trailing checksum starts).
    end: u64,
}

impl PackFile {
    /// Fills `buf` from the file at `offset`.
    fn read_into(&self, buf: &mut [u8], offset: u64) -> anyhow::Result<()> {
        read_at(&self.file, buf, offset)
            .with_context(|| format!("cannot read {} at {offset}", self.path.display()))
    }

    fn open(path: &Path, hash: gix::hash::Kind) -> anyhow::Result<PackFile> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let len = file.metadata()?.len();
        let mut header = [0u8; pack::data::header::SIZE];
        read_at(&file, &mut header, 0)
            .with_context(|| format!("{}: no pack header", path.display()))?;
        pack::data::header::decode(&header)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let Some(end) = len.checked_sub(hash.len_in_bytes() as u64) else {
            bail!("{}: shorter than a pack", path.display());
        };
        Ok(PackFile {
            file,
            path: path.to_owned(),
            end,
        })
    }
}

/// Fills `buf` from `file` at `offset`.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

/// Fills `buf` from `file` at `offset`.
#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

/// One worker's reader of the packs, with its caches of decoded objects.
pub struct PackReader {
    /// For what is not in a pack; a handle without gix's object cache.
    repo: gix::Repository,
    packs: Arc<Packs>,
    inflater: Inflater,
    trees: ObjectCache,
    blobs: ObjectCache,
    /// The pack that answered the last lookup.
    last_pack: usize,
    /// The last stretch of a pack read for a small entry (see [`WINDOW`]).
    window: Window,
    /// The bytes of the pack entry being decoded, from its offset: its header and some or all
    /// of its compressed data (see [`PackReader::entry`]).
    input: Vec<u8>,
}

/// What the first read of an entry takes: its header and, for most entries, all its
/// compressed data, so that most entries cost one system call. On the bench history, 99% of
/// trees (mostly deltas) take at most 256 bytes in the pack, and 90% of blobs at most 2 KiB.
/// Reading more than an entry needs costs a copy; reading less, a second read.
fn first_read(want: Want) -> u64 {
    match want {
        Want::Tree | Want::Commit => 256,
        Want::Blob => 4 << 10,
    }
}

/// How much of a pack a small entry's first read takes: mostly bytes *before* the entry,
/// where the base of a delta chain tends to lie, so that the next entry down the chain is
/// often read from memory. On the bench history 42% of tree reads then need no system
/// call; 1 KiB hits almost as often as 4 KiB and copies far less.
const WINDOW: u64 = 1 << 10;

/// A stretch of one pack, as last read.
#[derive(Default)]
struct Window {
    pack: usize,
    start: u64,
    bytes: Vec<u8>,
}

impl Window {
    fn end(&self) -> u64 {
        self.start + self.bytes.len() as u64
    }
}

/// What a read expects, and which cache it goes through (git deltas a tree only against a
/// tree, a blob only against a blob, so a chain stays in one). Commits are read once each
/// and not kept.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Tree,
    Blob,
    Commit,
}

impl Want {
    fn kind(self) -> gix::object::Kind {
        match self {
            Want::Tree => gix::object::Kind::Tree,
            Want::Blob => gix::object::Kind::Blob,
            Want::Commit => gix::object::Kind::Commit,
        }
    }
}

enum Resolved {
    Object(Decoded),
    TooLarge(u64),
    /// A delta base outside the packs (a thin pack's REF_DELTA).
    Outside,
}

/// Where a delta's base is: at an offset of the same pack, or an object anywhere.
enum Base {
    At(u64),
    Id(ObjectId),
}

/// A longer chain means a cycle (REF_DELTA can form one in a broken pack).
const MAX_CHAIN: usize = 10_000;
/// The most one pack entry may inflate to; a corrupt header must not allocate without end.
const MAX_ENTRY: u64 = 4 << 30;

impl PackReader {
    /// A reader of `packs`, asking `repo` for anything else. `cache_budget` bounds the decoded
    /// objects kept (half for trees, half for blobs).
    pub fn new(repo: gix::Repository, packs: Arc<Packs>, cache_budget: usize) -> Self {
        PackReader {
            repo,
            packs,
            inflater: Inflater::new(),
            trees: ObjectCache::new(cache_budget / 2),
            blobs: ObjectCache::new(cache_budget / 2),
            last_pack: 0,
            window: Window::default(),
            input: Vec::new(),
        }
    }

    /// The repository's object hash kind.
    pub fn hash(&self) -> gix::hash::Kind {
        self.packs.hash
    }

    /// Tree `id`.
    pub fn tree(&mut self, id: &ObjectId) -> anyhow::Result<Decoded> {
        match self.read(id, Want::Tree, u64::MAX)? {
            Resolved::Object(data) => Ok(data),
            Resolved::TooLarge(_) | Resolved::Outside => {
                let mut buf = Vec::new();
                self.repo.objects.find_tree_iter(id, &mut buf)?;
                Ok(Arc::new(buf))
            }
        }
    }

    /// Blob `id`, unless it is larger than `max` bytes.
    pub fn blob(&mut self, id: &ObjectId, max: u64) -> anyhow::Result<BlobRead> {
        match self.read(id, Want::Blob, max)? {
            Resolved::Object(data) => Ok(BlobRead::Data(data)),
            Resolved::TooLarge(size) => Ok(BlobRead::TooLarge(size)),
            Resolved::Outside => {
                let mut buf = Vec::new();
                match find_blob_within(&self.repo, *id, max, &mut buf)? {
                    Some(size) => Ok(BlobRead::TooLarge(size)),
                    None => Ok(BlobRead::Data(Arc::new(buf))),
                }
            }
        }
    }

    fn read(&mut self, id: &ObjectId, want: Want, max: u64) -> anyhow::Result<Resolved> {
        let Some((pack, offset)) = self.locate(id) else {
            return Ok(Resolved::Outside);
        };
        self.resolve(pack, offset, want, max)
            .with_context(|| format!("{} {id}", want.kind()))
    }

    /// Where object `id` is: a pack and an offset. The pack of the last hit is asked first.
    fn locate(&mut self, id: &ObjectId) -> Option<(usize, u64)> {
        let packs = &self.packs.packs;
        let order = std::iter::once(self.last_pack).chain(0..packs.len());
        for i in order {
            let Some(pack) = packs.get(i) else {
                continue;
            };
            if let Some(at) = pack.index.lookup(id) {
                self.last_pack = i;
                return Some((i, pack.index.pack_offset_at_index(at)));
            }
        }
        None
    }

    /// Decodes the object at `offset` of pack `pack`, or gives its size if that is over `max`.
    /// Walks the delta chain down to the first object the cache holds (or a full object),
    /// inflating each delta on the way, then applies the deltas upward, keeping each result.
    fn resolve(
        &mut self,
        pack: usize,
        offset: u64,
        want: Want,
        max: u64,
    ) -> anyhow::Result<Resolved> {
        let key = |pack: usize, offset: u64| ((pack as u64) << 48) | offset;
        // The deltas on the way down, as (cache key, instructions), the target's first: its
        // instructions tell the object's size before any base is decoded.
        let mut chain: Vec<(u64, Vec<u8>)> = Vec::new();
        let (mut p, mut at) = (pack, offset);
        let base: Decoded = loop {
            if let Some(hit) = self.cache(want).and_then(|c| c.get(&key(p, at))) {
                // Kept as the base of another object, it is still over the limit itself.
                if chain.is_empty() && hit.len() as u64 > max {
                    return Ok(Resolved::TooLarge(hit.len() as u64));
                }
                break hit;
            }
            let entry = self.entry(p, at, first_read(want))?;
            let base = match &entry.header {
                pack::data::entry::Header::OfsDelta { base_distance } => {
                    let Some(base) = entry.checked_base_pack_offset(*base_distance) else {
                        bail!("pack entry at {at}: delta base out of range");
                    };
                    Base::At(base)
                }
                pack::data::entry::Header::RefDelta { base_id } => Base::Id(*base_id),
                header => {
                    let kind = header.as_kind().context("pack entry without a kind")?;
                    if kind != want.kind() {
                        bail!("pack entry at {at} is a {kind}, not a {}", want.kind());
                    }
                    if chain.is_empty() && entry.decompressed_size > max {
                        return Ok(Resolved::TooLarge(entry.decompressed_size));
                    }
                    let data = Arc::new(self.inflate_entry(p, &entry)?);
                    if let Some(cache) = self.cache(want) {
                        cache.put(key(p, at), &data);
                    }
                    break data;
                }
            };
            let delta = self.inflate_entry(p, &entry)?;
            if chain.is_empty() {
                let size = delta::result_size(&delta)?;
                if size > max {
                    return Ok(Resolved::TooLarge(size));
                }
            }
            chain.push((key(p, at), delta));
            if chain.len() > MAX_CHAIN {
                bail!("pack entry at {offset}: delta chain longer than {MAX_CHAIN}");
            }
            match base {
                Base::At(offset) => at = offset,
                Base::Id(id) => {
                    let Some(found) = self.locate(&id) else {
                        return Ok(Resolved::Outside);
                    };
                    (p, at) = found;
                }
            }
        };
        let mut current = base;
        for (key, delta) in chain.iter().rev() {
            let next = Arc::new(delta::apply(&current, delta)?);
            if let Some(cache) = self.cache(want) {
                cache.put(*key, &next);
            }
            current = next;
        }
        Ok(Resolved::Object(current))
    }

    /// The header of the entry at `offset` of pack `pack`, read into `input` with the first
    /// of its data, `first` bytes in all.
    fn entry(&mut self, pack: usize, offset: u64, first: u64) -> anyhow::Result<pack::data::Entry> {
        let file = &self.packs.packs[pack].data;
        let Some(len) = file.end.checked_sub(offset).filter(|&n| n > 0) else {
            bail!(
                "pack entry at {offset}: past the end of {}",
                file.path.display()
            );
        };
        let n = len.min(first);
        if first <= WINDOW / 4 {
            let w = &mut self.window;
            let inside = w.pack == pack && w.start <= offset && offset + n <= w.end();
            if !inside {
                // Most of the window lies before the entry: that is where its delta base
                // usually is.
                w.pack = pack;
                w.start = (offset + n).saturating_sub(WINDOW * 3 / 4);
                let end = (w.start + WINDOW).min(file.end);
                w.bytes.resize((end - w.start) as usize, 0);
                file.read_into(&mut w.bytes, w.start)?;
            }
            let at = (offset - w.start) as usize;
            self.input.clear();
            self.input.extend_from_slice(&w.bytes[at..at + n as usize]);
        } else {
            self.input.resize(n as usize, 0);
            file.read_into(&mut self.input, offset)?;
        }
        pack::data::Entry::from_bytes(&self.input, offset, self.packs.hash)
            .map_err(|e| anyhow::anyhow!("pack entry at {offset}: {e}"))
    }

    /// The inflated data of `entry`, the last one [`PackReader::entry`] read: a whole object,
    /// or a delta's instructions. Reads the rest of its compressed data first if the first
    /// read did not take it all.
    fn inflate_entry(&mut self, pack: usize, entry: &pack::data::Entry) -> anyhow::Result<Vec<u8>> {
        let size = entry.decompressed_size;
        if size > MAX_ENTRY {
            bail!(
                "pack entry at {}: {size} bytes, more than this reader inflates",
                entry.pack_offset()
            );
        }
        let Pack {
            data: file, starts, ..
        } = &self.packs.packs[pack];
        let header = u64::from(entry.encoded_header_size);
        let have = self.input.len() as u64;
        // More than any zlib stream of `size` bytes takes (deflate's stored blocks add 5 bytes
        // per 64 KiB, a block of fixed codes at most one bit per byte, zlib 6 bytes of
        // framing): a bound on what a corrupt index can make this read.
        let enough = header + size + size / 8 + 64;
        if have < enough && entry.pack_offset() + have < file.end {
            // The entry ends where the next one starts.
            let next = starts.partition_point(|&s| s <= entry.pack_offset());
            let end = starts.get(next).copied().unwrap_or(file.end).min(file.end);
            let want = (end - entry.pack_offset()).min(enough);
            if want > have {
                self.input.resize(want as usize, 0);
                file.read_into(&mut self.input[have as usize..], entry.pack_offset() + have)?;
            }
        }
        let Some(input) = self.input.get(header as usize..) else {
            bail!("pack entry at {}: truncated header", entry.pack_offset());
        };
        let (out, _) = self
            .inflater
            .inflate(input, size as usize)
            .with_context(|| format!("pack entry at {}", entry.pack_offset()))?;
        Ok(out)
    }

    fn cache(&mut self, want: Want) -> Option<&mut ObjectCache> {
        match want {
            Want::Tree => Some(&mut self.trees),
            Want::Blob => Some(&mut self.blobs),
            Want::Commit => None,
        }
    }
}

/// A pack reader as gix's object source, for gix's commit walk: commits inflated with
/// libdeflate and without gix's pack cache (which a walk that reads each commit once does not
/// use). What the reader cannot read from a pack, it asks gix for. `Find` reads through
/// `&self`, hence the `RefCell`: the walk runs on one thread.
pub struct CommitSource(RefCell<PackReader>);

impl CommitSource {
    pub fn new(repo: gix::Repository, packs: Arc<Packs>) -> Self {
        CommitSource(RefCell::new(PackReader::new(repo, packs, 0)))
    }
}

impl gix::objs::Find for CommitSource {
    fn try_find<'a>(
        &self,
        id: &gix::oid,
        buffer: &'a mut Vec<u8>,
    ) -> Result<Option<gix::objs::Data<'a>>, gix::Error> {
        let mut reader = self.0.borrow_mut();
        match reader.read(&id.to_owned(), Want::Commit, u64::MAX) {
            Ok(Resolved::Object(data)) => {
                buffer.clear();
                buffer.extend_from_slice(&data);
                Ok(Some(gix::objs::Data {
                    kind: gix::object::Kind::Commit,
                    object_hash: reader.packs.hash,
                    data: buffer,
                }))
            }
            // Not in a pack, or not a commit there: gix says what it is, or why not.
            _ => reader.repo.objects.try_find(id, buffer),
        }
    }
}

/// Decoded objects by pack (the top 16 bits) and offset.
type ObjectCache = RecentCache<u64, BuildHasherDefault<OffsetHasher>>;

/// Pack offsets are not random: mix them (a multiply and a fold, as in FxHash and foldhash).
#[derive(Default)]
struct OffsetHasher(u64);

impl Hasher for OffsetHasher {
    fn finish(&self) -> u64 {
        let product = u128::from(self.0) * 0x9E37_79B9_7F4A_7C15;
        (product as u64) ^ ((product >> 64) as u64)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::git::history::test_git::{git, pack_everything, pack_file};

    /// Text of `lines` lines of pseudo-random words, which compresses to about a third.
    fn words(seed: u64, lines: usize) -> String {
        let mut state = seed;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as usize
        };
        let vocabulary = ["alpha", "beta", "gamma", "delta", "token", "reader", "pack"];
        (0..lines)
            .map(|i| {
                let w: Vec<&str> = (0..6).map(|_| vocabulary[next() % 7]).collect();
                format!("{i} {} {}\n", w.join("_"), next() % 100_000)
            })
            .collect()
    }

    /// A repository whose one pack holds blobs of every size: tiny, larger than a first read
    /// once compressed (whole and as a delta), and barely compressible; (id, content) each,
    /// and `git verify-pack -v` of the pack.
    fn packed_blobs() -> (tempfile::TempDir, Vec<(ObjectId, Vec<u8>)>, String) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q"], None);
        let blobs = blobs(dir);
        let packed = pack_everything(dir);
        (tmp, blobs, packed)
    }

    fn blobs(dir: &Path) -> Vec<(ObjectId, Vec<u8>)> {
        let long = words(1, 3000);
        let mut edited = long.clone();
        edited.insert_str(long.len() / 2, "an edit in the middle\n");
        let noise: String = (0..40_000u64)
            .map(|i| format!("{:x}", (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60)))
            .collect();
        ["tiny".to_string(), long, edited, noise]
            .into_iter()
            .map(|content| {
                let id = git(
                    dir,
                    &["hash-object", "-w", "--stdin"],
                    Some(content.as_bytes()),
                );
                (
                    ObjectId::from_hex(id.as_bytes()).unwrap(),
                    content.into_bytes(),
                )
            })
            .collect()
    }

    fn reader(dir: &Path) -> PackReader {
        let repo = gix::open(dir).unwrap();
        let packs = Packs::open(&repo);
        assert_eq!(packs.packs.len(), 1);
        PackReader::new(repo, packs, 1 << 20)
    }

    #[test]
    fn reads_packed_blobs_whole_and_as_deltas_and_sizes_them_without_inflating() {
        let (tmp, blobs, packed) = packed_blobs();
        assert!(packed.contains("chain length = 1"), "no deltas: {packed}");
        let mut objects = reader(tmp.path());
        for (id, content) in &blobs {
            match objects.blob(id, u64::MAX).unwrap() {
                BlobRead::Data(data) => assert_eq!(&data[..], &content[..], "blob {id}"),
                BlobRead::TooLarge(_) => panic!("blob {id} is not too large"),
            }
            match objects.blob(id, 3).unwrap() {
                BlobRead::TooLarge(size) => assert_eq!(size, content.len() as u64),
                BlobRead::Data(_) => assert!(content.len() <= 3),
            }
        }
        // Asking for a blob as a tree is an error, not a wrong answer.
        assert!(objects.tree(&blobs[1].0).is_err());
    }

    #[test]
    fn a_corrupt_pack_gives_errors_never_wrong_bytes() {
        let (tmp, blobs, _) = packed_blobs();
        let dir = tmp.path();
        let pack = pack_file(dir, "pack");
        let mut bytes = std::fs::read(&pack).unwrap();
        let middle = bytes.len() / 2;
        for b in &mut bytes[middle..middle + 64] {
            *b = 0x55;
        }
        // Pack files are read-only as git writes them.
        let mut permissions = std::fs::metadata(&pack).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        std::fs::set_permissions(&pack, permissions).unwrap();
        std::fs::write(&pack, bytes).unwrap();
        let mut objects = reader(dir);
        let mut errors = 0;
        for (id, content) in &blobs {
            match objects.blob(id, u64::MAX) {
                Ok(BlobRead::Data(data)) => assert_eq!(&data[..], &content[..], "blob {id}"),
                Ok(BlobRead::TooLarge(_)) => panic!("blob {id} is not too large"),
                Err(e) => {
                    assert!(format!("{e:#}").contains("pack entry"), "{e:#}");
                    errors += 1;
                }
            }
        }
        assert!(errors > 0, "the corruption went unnoticed");
    }
}
