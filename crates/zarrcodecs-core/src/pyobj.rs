//! The string and byte-string items of object arrays.
//!
//! Object arrays in Zarr are mostly many short strings (names, labels, codes). Holding
//! each as a `String` cost one heap allocation per item, and decoding was dominated by
//! `malloc`/`free` (`perf`, vlen-utf8 on 8 MiB of 1–3 word strings). [`PyStr`] keeps up
//! to 24 bytes of UTF-8 inline (it wraps `compact_str`) and [`PyBytes`] up to 22 bytes;
//! longer ones go to the heap. Both are 24 bytes, which keeps [`Object`](crate::Object)
//! at 32.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use compact_str::CompactString;

/// A Python `str`: UTF-8 text, held inline when it is at most 24 bytes long.
///
/// It dereferences to `&str`, compares with `str`/`String`, and converts from and into
/// `String`:
///
/// ```
/// use zarrcodecs_core::PyStr;
/// let s = PyStr::from("héllo");
/// assert_eq!(s, "héllo");
/// assert_eq!(s.len(), 6);
/// assert!(s.starts_with('h'));
/// let owned: String = s.into();
/// assert_eq!(owned, "héllo");
/// assert!(PyStr::from_utf8(b"\xff").is_err());
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PyStr(CompactString);

impl PyStr {
    /// A copy of `s`.
    #[inline]
    pub fn new(s: &str) -> Self {
        PyStr(CompactString::new(s))
    }

    /// A copy of `bytes` if they are valid UTF-8.
    ///
    /// # Errors
    /// The UTF-8 error, as [`std::str::from_utf8`] gives it.
    #[inline]
    pub fn from_utf8(bytes: &[u8]) -> Result<Self, std::str::Utf8Error> {
        std::str::from_utf8(bytes).map(Self::new)
    }

    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The text as an owned `String`.
    pub fn into_string(self) -> String {
        self.0.into_string()
    }
}

impl Deref for PyStr {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for PyStr {
    fn as_ref(&self) -> &str {
        self
    }
}

impl AsRef<[u8]> for PyStr {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Borrow<str> for PyStr {
    fn borrow(&self) -> &str {
        self
    }
}

impl fmt::Debug for PyStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for PyStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl From<&str> for PyStr {
    #[inline]
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl From<&String> for PyStr {
    fn from(s: &String) -> Self {
        Self::new(s)
    }
}

impl From<String> for PyStr {
    fn from(s: String) -> Self {
        PyStr(CompactString::from(s))
    }
}

impl From<Box<str>> for PyStr {
    fn from(s: Box<str>) -> Self {
        PyStr(CompactString::from(s))
    }
}

impl From<PyStr> for String {
    fn from(s: PyStr) -> Self {
        s.into_string()
    }
}

impl FromIterator<char> for PyStr {
    fn from_iter<I: IntoIterator<Item = char>>(iter: I) -> Self {
        PyStr(iter.into_iter().collect())
    }
}

impl PartialEq<str> for PyStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for PyStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for PyStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<PyStr> for str {
    fn eq(&self, other: &PyStr) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<PyStr> for &str {
    fn eq(&self, other: &PyStr) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<PyStr> for String {
    fn eq(&self, other: &PyStr) -> bool {
        self == other.as_str()
    }
}

/// A Python `bytes` object: held inline when it is at most 22 bytes long.
///
/// It dereferences to `&[u8]`, compares with byte slices and `Vec<u8>`, and converts
/// from and into `Vec<u8>`:
///
/// ```
/// use zarrcodecs_core::PyBytes;
/// let b = PyBytes::from(&b"a\0b"[..]);
/// assert_eq!(b, b"a\0b"[..]);
/// assert_eq!(b.len(), 3);
/// let v: Vec<u8> = b.into();
/// assert_eq!(v, b"a\0b");
/// ```
#[derive(Clone)]
pub struct PyBytes(BytesRepr);

impl PyBytes {
    /// The length of [`PyBytes::as_padded_slice`] for values held inline.
    pub const PADDED_LEN: usize = INLINE_BYTES;
}

/// Bytes that fit in a `PyBytes` without a heap allocation.
const INLINE_BYTES: usize = 22;

#[derive(Clone)]
enum BytesRepr {
    /// The first `len` bytes of the array; the rest are zero.
    Inline(u8, [u8; INLINE_BYTES]),
    Heap(Box<[u8]>),
}

impl PyBytes {
    /// A copy of `bytes`.
    #[inline]
    pub fn new(bytes: &[u8]) -> Self {
        match u8::try_from(bytes.len()) {
            Ok(len) if bytes.len() <= INLINE_BYTES => {
                let mut buf = [0; INLINE_BYTES];
                buf[..bytes.len()].copy_from_slice(bytes);
                PyBytes(BytesRepr::Inline(len, buf))
            }
            _ => PyBytes(BytesRepr::Heap(bytes.into())),
        }
    }

    /// A copy of `bytes[..len]`, or `None` if `bytes` is shorter than `len`.
    ///
    /// The same value as `PyBytes::new(&bytes[..len])`, made faster when `bytes`
    /// extends at least 24 bytes: a short value is read as fixed-size blocks and its
    /// excess masked off, instead of a variable-length copy (what vlen-bytes' decode
    /// does, reading items out of one buffer).
    ///
    /// ```
    /// use zarrcodecs_core::PyBytes;
    /// let buf = b"abcdefghijklmnopqrstuvwxyz";
    /// assert_eq!(PyBytes::from_prefix(buf, 3), Some(PyBytes::new(b"abc")));
    /// assert_eq!(PyBytes::from_prefix(buf, 26), Some(PyBytes::new(buf)));
    /// assert_eq!(PyBytes::from_prefix(buf, 27), None);
    /// ```
    #[inline]
    pub fn from_prefix(bytes: &[u8], len: usize) -> Option<Self> {
        if let (Some(block), Ok(n)) = (bytes.first_chunk::<24>(), u8::try_from(len)) {
            if len <= INLINE_BYTES {
                let (lo, hi) = block.split_at(16);
                let lo = u128::from_le_bytes(lo.try_into().unwrap_or([0; 16]));
                let hi = u64::from_le_bytes(hi.try_into().unwrap_or([0; 8]));
                let lo_mask = if len >= 16 { u128::MAX } else { (1u128 << (8 * len)) - 1 };
                let hi_mask = if len <= 16 { 0 } else { (1u64 << (8 * (len - 16))) - 1 };
                let mut buf = [0; INLINE_BYTES];
                buf[..16].copy_from_slice(&(lo & lo_mask).to_le_bytes());
                buf[16..].copy_from_slice(&(hi & hi_mask).to_le_bytes()[..INLINE_BYTES - 16]);
                return Some(PyBytes(BytesRepr::Inline(n, buf)));
            }
        }
        bytes.get(..len).map(Self::new)
    }

    /// The bytes.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match &self.0 {
            BytesRepr::Inline(len, buf) => &buf[..usize::from(*len)],
            BytesRepr::Heap(b) => b,
        }
    }

    /// The bytes, followed by zero bytes up to [`PyBytes::PADDED_LEN`] bytes when
    /// they are held inline (at most that long); longer values as they are.
    ///
    /// Lets a writer copy a short value as one fixed-size block rather than a
    /// variable-length copy: copy `PADDED_LEN` bytes, advance by the length.
    ///
    /// ```
    /// use zarrcodecs_core::PyBytes;
    /// assert_eq!(PyBytes::new(b"ab").as_padded_slice(), &[b'a', b'b', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    /// assert_eq!(PyBytes::new(&[7; 30]).as_padded_slice(), &[7; 30]);
    /// ```
    #[inline]
    pub fn as_padded_slice(&self) -> &[u8] {
        match &self.0 {
            BytesRepr::Inline(_, buf) => buf,
            BytesRepr::Heap(b) => b,
        }
    }

    /// The bytes as an owned `Vec<u8>`.
    pub fn into_vec(self) -> Vec<u8> {
        match self.0 {
            BytesRepr::Heap(b) => b.into_vec(),
            BytesRepr::Inline(..) => self.as_slice().to_vec(),
        }
    }
}

impl Default for PyBytes {
    fn default() -> Self {
        PyBytes(BytesRepr::Inline(0, [0; INLINE_BYTES]))
    }
}

impl PartialEq for PyBytes {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for PyBytes {}

impl PartialOrd for PyBytes {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PyBytes {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl std::hash::Hash for PyBytes {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl Deref for PyBytes {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl AsRef<[u8]> for PyBytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl Borrow<[u8]> for PyBytes {
    fn borrow(&self) -> &[u8] {
        self
    }
}

impl fmt::Debug for PyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

impl From<&[u8]> for PyBytes {
    #[inline]
    fn from(b: &[u8]) -> Self {
        Self::new(b)
    }
}

impl<const N: usize> From<&[u8; N]> for PyBytes {
    fn from(b: &[u8; N]) -> Self {
        Self::new(b)
    }
}

impl From<Vec<u8>> for PyBytes {
    fn from(v: Vec<u8>) -> Self {
        if v.len() <= INLINE_BYTES {
            Self::new(&v)
        } else {
            PyBytes(BytesRepr::Heap(v.into_boxed_slice()))
        }
    }
}

impl From<PyBytes> for Vec<u8> {
    fn from(b: PyBytes) -> Self {
        b.into_vec()
    }
}

impl FromIterator<u8> for PyBytes {
    fn from_iter<I: IntoIterator<Item = u8>>(iter: I) -> Self {
        iter.into_iter().collect::<Vec<u8>>().into()
    }
}

impl PartialEq<[u8]> for PyBytes {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_slice() == other
    }
}

impl PartialEq<&[u8]> for PyBytes {
    fn eq(&self, other: &&[u8]) -> bool {
        self.as_slice() == *other
    }
}

impl PartialEq<Vec<u8>> for PyBytes {
    fn eq(&self, other: &Vec<u8>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl PartialEq<PyBytes> for [u8] {
    fn eq(&self, other: &PyBytes) -> bool {
        self == other.as_slice()
    }
}

impl PartialEq<PyBytes> for Vec<u8> {
    fn eq(&self, other: &PyBytes) -> bool {
        self.as_slice() == other.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NdArray, Object};

    #[test]
    fn an_object_is_32_bytes() {
        // What the object codecs' decode speed depends on: see the module docs.
        assert_eq!(std::mem::size_of::<PyStr>(), 24);
        assert_eq!(std::mem::size_of::<PyBytes>(), 24);
        assert_eq!(std::mem::size_of::<Object>(), 32);
    }

    #[test]
    fn long_and_short_values_round_trip() {
        for n in [0, 1, 15, 16, 17, 21, 22, 23, 24, 25, 100, 10_000] {
            let s: String = "é".repeat(n / 2) + &"x".repeat(n % 2);
            let p = PyStr::from(s.clone());
            assert_eq!(p, s);
            assert_eq!(PyStr::from_utf8(s.as_bytes()).unwrap(), s.as_str());
            assert_eq!(p.clone().into_string(), s);
            assert_eq!(format!("{p}"), s);
            assert_eq!(format!("{p:?}"), format!("{s:?}"));
            let v: Vec<u8> = (0..n).map(|i| u8::try_from(i * 7 % 251).unwrap()).collect();
            let b = PyBytes::from(v.clone());
            assert_eq!(b, v);
            assert_eq!(PyBytes::new(&v).into_vec(), v);
            assert_eq!(format!("{b:?}"), format!("{v:?}"));
            assert_eq!(v.iter().copied().collect::<PyBytes>(), b);
            let mut window = v.clone();
            window.extend([0xAB; 30]);
            let p = PyBytes::from_prefix(&window, n).unwrap();
            assert_eq!(p, b);
            assert_eq!(p.as_padded_slice(), b.as_padded_slice());
            assert_eq!(b.cmp(&PyBytes::new(&v)), std::cmp::Ordering::Equal);
        }
        let a = NdArray::from_bytes(&[1, 2], crate::DType::U1, vec![2]).unwrap();
        assert_eq!(Object::Array(Box::new(a.clone())), Object::Array(Box::new(a)));
    }

    #[test]
    fn ordering_and_hashing_follow_the_contents() {
        use std::collections::BTreeSet;
        let set: BTreeSet<PyStr> =
            ["b", "a", "a very long string of more than 24 bytes"].into_iter().map(PyStr::from).collect();
        let order: Vec<&str> = set.iter().map(PyStr::as_str).collect();
        assert_eq!(order, ["a", "a very long string of more than 24 bytes", "b"]);
        let map: std::collections::HashMap<PyStr, u8> = [(PyStr::from("k"), 1)].into_iter().collect();
        assert_eq!(map.get("k"), Some(&1));
    }
}
