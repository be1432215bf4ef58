//! A map of values each computed once, by whichever thread asks first: threads asking for the same key
//! meanwhile wait for that one computation, and the map's lock is not held while computing, so other keys go
//! on. The run's per-URL spec resolutions and per-file answers are kept this way.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock};

pub struct OnceMap<K, V> {
    cells: Mutex<HashMap<K, Arc<OnceLock<V>>>>,
}

impl<K, V> Default for OnceMap<K, V> {
    fn default() -> Self {
        Self {
            cells: Mutex::new(HashMap::new()),
        }
    }
}

impl<K, V> std::fmt::Debug for OnceMap<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = self.cells.lock().map_or(0, |c| c.len());
        write!(f, "OnceMap({len} keys)")
    }
}

impl<K: Eq + Hash, V: Clone> OnceMap<K, V> {
    /// The value for `key`, computed with `compute` if no thread has yet.
    pub fn get_or_init(&self, key: K, compute: impl FnOnce() -> V) -> V {
        let cell = self
            .cells
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(key)
            .or_default()
            .clone();
        cell.get_or_init(compute).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_is_computed_once() {
        let map = OnceMap::default();
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let compute = |v: u32| {
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            v
        };
        assert_eq!(map.get_or_init("a", || compute(1)), 1);
        assert_eq!(map.get_or_init("a", || compute(2)), 1);
        assert_eq!(map.get_or_init("b", || compute(3)), 3);
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    }
}
