//! Label lookup without per-element allocation: a hash map keyed by the stored bytes
//! (or the `str`).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A small fast hasher for short keys (labels are not attacker-chosen: they come from
/// the configuration, and a lookup of any input costs one hash of its bytes).
#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(a)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Fx = BuildHasherDefault<FxHasher>;

/// Fixed-width keys (the stored bytes of a label) to codes: one hash of the item's
/// bytes and at most one comparison per lookup, whatever the number of labels (a
/// linear scan was slower even for 8 labels: its exit branch is unpredictable).
#[derive(Clone, Debug)]
pub(crate) struct Lookup(HashMap<Box<[u8]>, u64, Fx>);

impl Lookup {
    /// From (key, code) pairs in label order: a repeated key keeps its last code, as
    /// numcodecs' loop over the labels overwrites earlier matches.
    pub(crate) fn new(pairs: impl Iterator<Item = (Box<[u8]>, u64)>) -> Self {
        let mut map: HashMap<Box<[u8]>, u64, Fx> = HashMap::default();
        for (k, v) in pairs {
            map.insert(k, v);
        }
        Lookup(map)
    }

    /// The code of `item`, 0 if it is no label.
    #[inline]
    pub(crate) fn get(&self, item: &[u8]) -> u64 {
        self.0.get(item).copied().unwrap_or(0)
    }
}

/// `str` labels to codes, for object arrays.
pub(crate) struct StrLookup<'a>(HashMap<&'a str, u64, Fx>);

impl<'a> StrLookup<'a> {
    /// The labels' codes; a repeated label keeps its last code. numpy turns each label
    /// into a `U` scalar before comparing, which drops its trailing NULs: `"ab\0"`
    /// matches the item `"ab"` and never the item `"ab\0"`.
    pub(crate) fn new(labels: &'a [String]) -> Self {
        let mut map: HashMap<&'a str, u64, Fx> = HashMap::default();
        for (i, l) in labels.iter().enumerate() {
            map.insert(l.trim_end_matches('\0'), i as u64 + 1);
        }
        StrLookup(map)
    }

    /// The code of `s`, 0 if it is no label.
    #[inline]
    pub(crate) fn get(&self, s: &str) -> u64 {
        self.0.get(s).copied().unwrap_or(0)
    }
}
