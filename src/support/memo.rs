//! The one memo type behind every cache `serve` keeps between rebuilds: values by name, each
//! with the fingerprint of the inputs it was made from. A value is reused only when its
//! fingerprint is unchanged; otherwise it is made again and kept. A poisoned lock (a panic
//! while another thread held it) makes the memo act as empty, never fail.

use super::hash::Map;
use std::borrow::Borrow;
use std::hash::Hash;
use std::sync::RwLock;

/// Values by name `K`, each with the fingerprint `F` of its inputs.
pub(crate) struct Memo<K, V, F = u64> {
    entries: RwLock<Map<K, (F, V)>>,
}

impl<K, V, F> Default for Memo<K, V, F> {
    fn default() -> Self {
        Memo { entries: RwLock::new(Map::default()) }
    }
}

impl<K: Hash + Eq, V: Clone, F: PartialEq> Memo<K, V, F> {
    /// The value kept under `name` when it was made from inputs with this fingerprint.
    pub(crate) fn get<Q>(&self, name: &Q, fingerprint: &F) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let entries = self.entries.read().ok()?;
        entries.get(name).filter(|(f, _)| f == fingerprint).map(|(_, v)| v.clone())
    }

    /// Keeps `value` under `name`, made from inputs with this fingerprint.
    pub(crate) fn put(&self, name: K, fingerprint: F, value: V) {
        if let Ok(mut entries) = self.entries.write() {
            entries.insert(name, (fingerprint, value));
        }
    }

    /// The kept value when its fingerprint matches; otherwise `make`s it and keeps it.
    pub(crate) fn get_or_make(&self, name: K, fingerprint: F, make: impl FnOnce() -> V) -> V {
        if let Some(hit) = self.get(&name, &fingerprint) {
            return hit;
        }
        let value = make();
        self.put(name, fingerprint, value.clone());
        value
    }

    /// As [`get_or_make`](Self::get_or_make), looking the name up by reference: the owned name
    /// is made only when the value is made (most look-ups of a rebuild are hits).
    pub(crate) fn get_or_make_by<Q>(&self, name: &Q, fingerprint: F, make: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q> + for<'q> From<&'q Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Some(hit) = self.get(name, &fingerprint) {
            return hit;
        }
        let value = make();
        self.put(K::from(name), fingerprint, value.clone());
        value
    }

    /// As [`get_or_make`](Self::get_or_make) for a value that may fail to be made (a failure
    /// is not kept).
    pub(crate) fn get_or_try<E>(&self, name: K, fingerprint: F, make: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        if let Some(hit) = self.get(&name, &fingerprint) {
            return Ok(hit);
        }
        let value = make()?;
        self.put(name, fingerprint, value.clone());
        Ok(value)
    }

    pub(crate) fn remove<Q>(&self, name: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(name);
        }
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }
}

/// One value with the fingerprint of its inputs (a memo with a single name).
pub(crate) type Slot<V, F = u64> = Memo<(), V, F>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_reused_only_for_the_same_fingerprint() {
        let memo: Memo<String, u32> = Memo::default();
        let mut made = 0;
        let mut make = |v| {
            made += 1;
            v
        };
        assert_eq!(memo.get_or_make("a".into(), 1, || make(10)), 10);
        assert_eq!(memo.get_or_make("a".into(), 1, || make(11)), 10, "same inputs: kept value");
        assert_eq!(memo.get_or_make("a".into(), 2, || make(12)), 12, "changed inputs: made again");
        assert_eq!(made, 2);
        memo.remove("a");
        assert_eq!(memo.get("a", &2), None);
        let failed: Result<u32, &str> = memo.get_or_try("b".into(), 1, || Err("no"));
        assert_eq!(failed, Err("no"));
        assert_eq!(memo.get("b", &1), None, "a failure is not kept");
    }
}
