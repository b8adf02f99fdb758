//! The keyword pass: every occurrence of every rule keyword in a blob, ignoring ASCII case.
//!
//! It is one Aho-Corasick DFA walk, and the walk is bound by latency, not by work: each
//! byte's next state is a table load that depends on the previous one. With ~700 keywords no
//! prefilter applies (there is no rare byte to skip to), and the crate's overlapping search ran
//! at ~490 MB/s per core on the bench tree. So a blob is cut into [`STREAMS`] slices that
//! are walked in lock step: three independent load chains keep the core busy while each waits
//! on its load. Measured on the same tree and keywords (`/work/staging/acbench` experiment,
//! numbers in README "Performance"): one stream 486 MB/s, two 711, three 809, four 733 (four
//! states no longer stay in registers).
//!
//! Correctness at the cuts: slice `j` starts at `j·chunk` and runs `longest - 1` bytes past
//! the next cut, and it reports only the occurrences that *start* before that cut. Every
//! occurrence starts in exactly one slice and ends within that slice's reach, so each is found
//! once, as the single-stream search would find it.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, BuildError};

/// How many slices of a blob are walked in lock step (see the module docs for why three).
const STREAMS: usize = 3;

/// Below this many bytes per stream, a blob is walked in one stream: the set-up and the
/// merge would cost more than the overlap gains.
const MIN_STREAM_LEN: usize = 256;

/// Recent hits searched for an earlier occurrence of the same keyword to extend.
const RECENT: usize = 4;

/// Where a keyword occurs: its index in the list given to [`KeywordScanner::new`] and the
/// byte range of one occurrence, or of a run of overlapping occurrences of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeywordHit {
    pub keyword: u32,
    pub start: usize,
    pub end: usize,
}

/// All keywords, compiled into one DFA.
#[derive(Debug)]
pub struct KeywordScanner {
    dfa: DFA,
    /// Length of the longest keyword: how far a slice reads past its cut.
    longest: usize,
}

impl KeywordScanner {
    pub fn new(keywords: &[String]) -> Result<Self, BuildError> {
        let dfa = DFA::builder()
            .ascii_case_insensitive(true)
            .prefilter(false)
            .build(keywords)?;
        let longest = keywords.iter().map(String::len).max().unwrap_or(1).max(1);
        Ok(KeywordScanner { dfa, longest })
    }

    /// Appends every occurrence of every keyword in `blob` to `hits` (overlapping occurrences
    /// of different keywords each; those of one keyword merged into one hit), slice by slice
    /// and within a slice in order of their end.
    pub fn find_all(&self, blob: &[u8], hits: &mut Vec<KeywordHit>) {
        let Ok(start) = self.dfa.start_state(Anchored::No) else {
            return;
        };
        let chunk = blob.len() / STREAMS;
        if chunk < MIN_STREAM_LEN.max(self.longest) {
            self.walk(start, blob, 0, blob.len(), usize::MAX, hits);
            return;
        }
        let begin: [usize; STREAMS] = std::array::from_fn(|j| j * chunk);
        let cut: [usize; STREAMS] = std::array::from_fn(|j| {
            if j + 1 == STREAMS {
                blob.len()
            } else {
                (j + 1) * chunk
            }
        });
        let end: [usize; STREAMS] = std::array::from_fn(|j| {
            if j + 1 == STREAMS {
                blob.len()
            } else {
                (cut[j] + self.longest - 1).min(blob.len())
            }
        });
        // Lock step over the length every slice has; each slice then finishes alone.
        let common = (0..STREAMS).map(|j| end[j] - begin[j]).min().unwrap_or(0);
        let mut state = [start; STREAMS];
        let mut later: [Vec<KeywordHit>; STREAMS - 1] = Default::default();
        for k in 0..common {
            for j in 0..STREAMS {
                state[j] = self
                    .dfa
                    .next_state(Anchored::No, state[j], blob[begin[j] + k]);
            }
            // One branch for all streams in the common case: the DFA numbers its special
            // states (match, dead, start) below all others, so the smallest state is special
            // whenever any is (the reference test below would catch a change).
            let lowest = state.iter().copied().min().unwrap_or(start);
            if !self.dfa.is_special(lowest) {
                continue;
            }
            for j in 0..STREAMS {
                if self.dfa.is_special(state[j]) && self.dfa.is_match(state[j]) {
                    let out = if j == 0 {
                        &mut *hits
                    } else {
                        &mut later[j - 1]
                    };
                    self.emit(state[j], begin[j] + k + 1, cut[j], out);
                }
            }
        }
        for j in 0..STREAMS {
            if j > 0 {
                hits.append(&mut later[j - 1]);
            }
            self.walk(state[j], blob, begin[j] + common, end[j], cut[j], hits);
        }
    }

    /// One stream from state `state` over `blob[from..to]`, reporting occurrences that start
    /// before `cut`.
    fn walk(
        &self,
        mut state: StateID,
        blob: &[u8],
        from: usize,
        to: usize,
        cut: usize,
        hits: &mut Vec<KeywordHit>,
    ) {
        for (i, &b) in blob[from..to].iter().enumerate() {
            state = self.dfa.next_state(Anchored::No, state, b);
            if self.dfa.is_special(state) && self.dfa.is_match(state) {
                self.emit(state, from + i + 1, cut, hits);
            }
        }
    }

    /// The keywords that end at `end` in match state `state`. An occurrence that overlaps the
    /// previous occurrence of the same keyword extends that hit instead of adding one: a run
    /// of `A` holds a 21-`A` keyword at every offset, and a million hits there cost more than
    /// the rest of the scan. A window around the extended hit is the union of the windows
    /// around its occurrences, so the rules see the same text.
    #[inline(always)]
    fn emit(&self, state: StateID, end: usize, cut: usize, hits: &mut Vec<KeywordHit>) {
        for i in 0..self.dfa.match_len(state) {
            let keyword = self.dfa.match_pattern(state, i);
            let start = end - self.dfa.pattern_len(keyword);
            if start >= cut {
                continue;
            }
            let keyword = keyword.as_u32();
            // Several keywords can end at one offset: look back past a few of them.
            let previous = hits
                .iter_mut()
                .rev()
                .take(RECENT)
                .find(|h| h.keyword == keyword);
            match previous {
                Some(h) if h.end >= start => h.end = end,
                _ => hits.push(KeywordHit {
                    keyword,
                    start,
                    end,
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, MatchKind};

    /// The reference: the crate's own overlapping search.
    fn reference(keywords: &[String], blob: &[u8]) -> Vec<KeywordHit> {
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(keywords)
            .unwrap();
        let mut hits: Vec<KeywordHit> = ac
            .find_overlapping_iter(blob)
            .map(|m| KeywordHit {
                keyword: m.pattern().as_u32(),
                start: m.start(),
                end: m.end(),
            })
            .collect();
        hits.sort();
        hits
    }

    fn scan(keywords: &[String], blob: &[u8]) -> Vec<KeywordHit> {
        let scanner = KeywordScanner::new(keywords).unwrap();
        let mut hits = Vec::new();
        scanner.find_all(blob, &mut hits);
        hits.sort();
        hits
    }

    /// Per keyword, the byte ranges its occurrences cover, overlapping ones merged: what the
    /// windows are built from, whichever way hits were merged.
    fn coverage(mut hits: Vec<KeywordHit>) -> Vec<KeywordHit> {
        hits.sort();
        let mut out: Vec<KeywordHit> = Vec::new();
        for h in hits {
            match out.last_mut() {
                Some(last) if last.keyword == h.keyword && h.start <= last.end => {
                    last.end = last.end.max(h.end)
                }
                _ => out.push(h),
            }
        }
        out
    }

    /// A deterministic blob over a small alphabet, so keywords occur often and across cuts.
    fn blob(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                b"aAbBkKeEyY_:/ "[(x % 14) as usize]
            })
            .collect()
    }

    #[test]
    fn finds_what_the_overlapping_search_finds_at_every_size() {
        let keywords: Vec<String> = [
            "key",
            "a_key",
            "ab",
            "bab",
            "k",
            "://",
            "yyyyyyyyyyyy",
            "ke",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for len in [0, 1, 2, 5, 100, 767, 768, 769, 800, 1000, 4096, 10_007] {
            for seed in 1..4 {
                let b = blob(len, seed * 7919 + len as u64);
                assert_eq!(
                    coverage(scan(&keywords, &b)),
                    coverage(reference(&keywords, &b)),
                    "len {len}"
                );
            }
        }
    }

    #[test]
    fn a_run_of_one_keyword_is_one_hit() {
        let keywords = vec!["aaaa".to_string(), "ab".to_string()];
        let hits = scan(&keywords, b"xaaaaaaaaab aaaa");
        assert_eq!(
            hits,
            [
                KeywordHit {
                    keyword: 0,
                    start: 1,
                    end: 10
                },
                KeywordHit {
                    keyword: 0,
                    start: 12,
                    end: 16
                },
                KeywordHit {
                    keyword: 1,
                    start: 9,
                    end: 11
                },
            ]
        );
    }

    #[test]
    fn a_keyword_across_a_cut_is_found_once() {
        let keywords = vec!["password".to_string()];
        for at in 990..1010 {
            let mut b = vec![b'.'; 3000];
            b[at..at + 8].copy_from_slice(b"PassWord");
            let hits = scan(&keywords, &b);
            assert_eq!(hits.len(), 1, "at {at}");
            assert_eq!((hits[0].start, hits[0].end), (at, at + 8));
        }
    }
}
