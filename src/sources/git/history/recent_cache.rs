//! A cache of decoded objects bounded in bytes, for the history scan's readers.
//!
//! Past the budget, the older half (by last use) goes at once: cheaper than keeping a linked
//! LRU list up to date on every hit, and as good for a walk through history, where what was
//! used last is what is needed next.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;

/// A decoded object, shared between a cache and its readers.
pub type Decoded = Arc<Vec<u8>>;

pub struct RecentCache<K, S> {
    map: HashMap<K, (u64, Decoded), S>,
    bytes: usize,
    budget: usize,
    tick: u64,
}

impl<K: Hash + Eq, S: BuildHasher + Default> RecentCache<K, S> {
    pub fn new(budget: usize) -> Self {
        RecentCache {
            map: HashMap::default(),
            bytes: 0,
            budget,
            tick: 0,
        }
    }

    pub fn get(&mut self, key: &K) -> Option<Decoded> {
        self.tick += 1;
        let tick = self.tick;
        self.map.get_mut(key).map(|(used, data)| {
            *used = tick;
            Arc::clone(data)
        })
    }

    /// Keeps `data` under `key`, unless it is larger than a quarter of the budget (it would
    /// push out everything else).
    pub fn put(&mut self, key: K, data: &Decoded) {
        if data.len() > self.budget / 4 {
            return;
        }
        self.tick += 1;
        if let Some((_, old)) = self.map.insert(key, (self.tick, Arc::clone(data))) {
            self.bytes -= old.len();
        }
        self.bytes += data.len();
        if self.bytes > self.budget {
            let mut ticks: Vec<u64> = self.map.values().map(|(t, _)| *t).collect();
            let middle = ticks.len() / 2;
            let cut = *ticks.select_nth_unstable(middle).1;
            self.map.retain(|_, (t, _)| *t >= cut);
            self.bytes = self.map.values().map(|(_, d)| d.len()).sum();
        }
    }

    /// Bytes held.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::RandomState;

    #[test]
    fn over_budget_the_least_recently_used_half_goes() {
        let mut c: RecentCache<u32, RandomState> = RecentCache::new(400);
        for k in 0..4 {
            c.put(k, &Arc::new(vec![0; 100]));
        }
        assert!(c.get(&0).is_some(), "refreshes 0");
        c.put(4, &Arc::new(vec![0; 100])); // 500 bytes: 1 and 2 were used longest ago
        assert!(c.get(&1).is_none() && c.get(&2).is_none());
        assert!(c.get(&0).is_some() && c.get(&3).is_some() && c.get(&4).is_some());
        assert_eq!(c.bytes(), 300);
        c.put(9, &Arc::new(vec![0; 101])); // over a quarter of the budget: not kept
        assert!(c.get(&9).is_none());
    }
}
