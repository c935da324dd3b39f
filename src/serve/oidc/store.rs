//! A bounded map whose entries expire: what the login server keeps between requests (pending
//! authorizations, suspended logins, codes, refresh tokens) lives in one of these, so a client
//! that never comes back costs nothing for long and no flood of requests grows it past its bound.

use std::collections::HashMap;
use std::time::{Duration, Instant};

pub struct Expiring<T> {
    entries: HashMap<String, (Instant, T)>,
    ttl: Duration,
    capacity: usize,
}

impl<T> Expiring<T> {
    pub fn new(ttl: Duration, capacity: usize) -> Expiring<T> {
        Expiring { entries: HashMap::new(), ttl, capacity }
    }

    /// Keeps `value` under `key` until `now + ttl`; when full, the oldest entry goes.
    pub fn insert(&mut self, key: String, value: T, now: Instant) {
        self.entries.retain(|_, (expires, _)| *expires > now);
        if self.entries.len() >= self.capacity {
            let oldest = self.entries.iter().min_by_key(|(_, (expires, _))| *expires).map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(key, (now + self.ttl, value));
    }

    /// Removes and returns the entry of `key` (single use); `None` when unknown or expired.
    pub fn take(&mut self, key: &str, now: Instant) -> Option<T> {
        self.entries.remove(key).filter(|(expires, _)| *expires > now).map(|(_, value)| value)
    }

    /// The entry of `key`, left in place; `None` when unknown or expired.
    pub fn get(&self, key: &str, now: Instant) -> Option<&T> {
        self.entries.get(key).filter(|(expires, _)| *expires > now).map(|(_, value)| value)
    }

    /// Removes every entry `keep` refuses.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.entries.retain(|_, (_, value)| keep(value));
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_taken_once() {
        let mut store = Expiring::new(Duration::from_secs(60), 10);
        let now = Instant::now();
        store.insert("code".into(), 1, now);
        assert_eq!(store.take("code", now), Some(1));
        assert_eq!(store.take("code", now), None, "a second use finds nothing");
    }

    #[test]
    fn an_entry_expires() {
        let mut store = Expiring::new(Duration::from_secs(60), 10);
        let now = Instant::now();
        store.insert("code".into(), 1, now);
        assert_eq!(store.get("code", now + Duration::from_secs(59)), Some(&1));
        assert_eq!(store.take("code", now + Duration::from_secs(60)), None, "expired at its time to live");
    }

    #[test]
    fn the_store_is_bounded_and_drops_the_oldest() {
        let mut store = Expiring::new(Duration::from_secs(60), 2);
        let now = Instant::now();
        store.insert("a".into(), 1, now);
        store.insert("b".into(), 2, now + Duration::from_secs(1));
        store.insert("c".into(), 3, now + Duration::from_secs(2));
        assert_eq!(store.len(), 2);
        assert_eq!(store.get("a", now), None);
        assert_eq!(store.get("c", now), Some(&3));
    }
}
