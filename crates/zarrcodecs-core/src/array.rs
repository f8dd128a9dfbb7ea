//! Buffers and arrays: an owned aligned buffer, numeric arrays (owned and views),
//! object arrays and the [`Data`] / [`DataRef`] enums that codecs take and return.

use crate::{BigInt, DType, Error, PyBytes, PyStr, Result};

/// Alignment, in bytes, of every [`AlignedBuf`]: enough for every numpy numeric type.
pub const BUFFER_ALIGN: usize = std::mem::align_of::<u64>();

/// An owned, growable byte buffer whose start is aligned to [`BUFFER_ALIGN`] bytes, so
/// that decoded data can be viewed as `&[f64]`, `&[u32]`, ... without copying.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AlignedBuf {
    words: Vec<u64>,
    len: usize,
}

pub(crate) fn words_for(len: usize) -> usize {
    len.div_ceil(8)
}

impl AlignedBuf {
    /// An empty buffer; does not allocate.
    pub fn new() -> Self {
        Self::default()
    }

    /// A buffer of `len` zero bytes.
    ///
    /// Large buffers come from this thread's cache of freed ones when it has one
    /// (zeroed, but without fresh page faults), else from the allocator already zeroed
    /// (`calloc`: fresh pages need no zero-fill). See [`AlignedBuf::for_overwrite`].
    ///
    /// # Errors
    /// [`Error::Allocation`] if the memory cannot be had (never aborts).
    pub fn zeroed(len: usize) -> Result<Self> {
        let nwords = words_for(len);
        if let Some(mut words) = crate::pool::take(nwords) {
            words.clear();
            words.resize(nwords, 0);
            return Ok(AlignedBuf { words, len });
        }
        Ok(AlignedBuf { words: crate::write_once::zeroed_words(nwords, len)?, len })
    }

    /// A buffer of `len` bytes whose contents are unspecified: zeroes, or bytes of a
    /// buffer this thread freed before. For a writer that overwrites every byte (a
    /// decompressor whose output size is known and checked): it saves the zero-fill,
    /// and, for large buffers, the page faults of fresh memory.
    ///
    /// Freed buffers of 32 KiB to 64 MiB are kept per thread (at most 8 of them and
    /// 64 MiB) and handed out again by this and by [`AlignedBuf::zeroed`];
    /// [`AlignedBuf::clear_thread_cache`] gives them back. Without the cache, decoding
    /// 8 MiB chunks one after another faulted in every page of each new buffer: about
    /// 4 ms per chunk on a decode of 0.7 ms.
    ///
    /// The contents are always initialised memory (never undefined behaviour to read),
    /// but may hold another chunk's bytes: a caller that does not overwrite every byte
    /// must [`truncate`](AlignedBuf::truncate) to what it wrote.
    ///
    /// ```
    /// use zarrcodecs_core::AlignedBuf;
    /// let mut buf = AlignedBuf::for_overwrite(4)?;
    /// buf.as_mut_slice().copy_from_slice(b"abcd");
    /// assert_eq!(buf.as_slice(), b"abcd");
    /// # Ok::<(), zarrcodecs_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Allocation`] if the memory cannot be had (never aborts).
    pub fn for_overwrite(len: usize) -> Result<Self> {
        let nwords = words_for(len);
        let Some(words) = crate::pool::take(nwords) else {
            // The cache was asked already: allocate (zeroed by calloc) without asking
            // it again through `zeroed`.
            return Ok(AlignedBuf { words: crate::write_once::zeroed_words(nwords, len)?, len });
        };
        Ok(fitted(words, len))
    }

    /// A buffer for a writer whose output size is only guessed (`len` bytes), with
    /// unspecified bytes, like [`AlignedBuf::for_overwrite`]: from this thread's cache
    /// the largest buffer of an eighth to twice the guess (cut to the guess), else a new
    /// one of the guess. It may be shorter than the guess; the writer grows it.
    pub(crate) fn for_overwrite_guess(len: usize) -> Result<Self> {
        let nwords = words_for(len);
        let Some(words) = crate::pool::take_for_guess(nwords) else {
            return Ok(AlignedBuf { words: crate::write_once::zeroed_words(nwords, len)?, len });
        };
        let len = len.min(words.len() * 8);
        Ok(fitted(words, len))
    }

    /// Drops the freed buffers this thread keeps for reuse (see
    /// [`AlignedBuf::for_overwrite`]): for a thread that is done decoding and should
    /// not hold their memory. Returns how many bytes were kept.
    pub fn clear_thread_cache() -> usize {
        let kept = crate::pool::kept_bytes();
        crate::pool::clear();
        kept
    }

    /// A copy of `bytes` in an aligned buffer.
    ///
    /// # Errors
    /// [`Error::Allocation`] if the memory cannot be had.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        Self::concat(&[bytes])
    }

    /// Wraps `words` holding `len` bytes; the bytes of `words` past `len` must be zero.
    pub(crate) fn from_words(words: Vec<u64>, len: usize) -> Self {
        debug_assert_eq!(words.len(), words_for(len));
        AlignedBuf { words, len }
    }

    /// Number of bytes held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the buffer holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes that fit without reallocating.
    pub fn capacity(&self) -> usize {
        self.words.capacity().saturating_mul(8)
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &bytemuck::cast_slice::<u64, u8>(&self.words)[..self.len]
    }

    /// The bytes, mutably.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut bytemuck::cast_slice_mut::<u64, u8>(&mut self.words)[..self.len]
    }

    /// Grows (with zero bytes) or shrinks the buffer to `len` bytes.
    ///
    /// # Errors
    /// [`Error::Allocation`] if the memory cannot be had.
    pub fn resize(&mut self, len: usize) -> Result<()> {
        let words = words_for(len);
        if words > self.words.len() {
            self.words.try_reserve_exact(words - self.words.len()).map_err(|_| Error::Allocation { size: len })?;
        }
        self.words.resize(words, 0);
        if len < self.len {
            // Keep the invariant that bytes past `len` are zero, so that a later
            // resize can expose them as zeroes.
            let tail = bytemuck::cast_slice_mut::<u64, u8>(&mut self.words);
            tail[len..].fill(0);
        }
        self.len = len;
        Ok(())
    }

    /// Grows to `len` bytes (no-op if already as long), like [`AlignedBuf::resize`]
    /// except that the new bytes are unspecified (stale data, never uninitialised):
    /// for a writer that overwrites them. When this thread's cache has a buffer of that
    /// size, the current bytes are copied into it, so that growing costs neither a
    /// zero-fill nor fresh pages; otherwise the buffer grows in place (as `resize`).
    pub(crate) fn grow_for_overwrite(&mut self, len: usize) -> Result<()> {
        let nwords = words_for(len);
        if nwords <= self.words.len() {
            return if len > self.len { self.resize(len) } else { Ok(()) };
        }
        let Some(words) = crate::pool::take(nwords) else {
            return self.resize(len);
        };
        let mut grown = fitted(words, len);
        grown.words[..self.words.len()].copy_from_slice(&self.words);
        // The old buffer goes to the cache (AlignedBuf's drop).
        *self = grown;
        Ok(())
    }

    /// Shrinks to `len` bytes (no-op if already shorter).
    pub fn truncate(&mut self, len: usize) {
        if len < self.len {
            // Cannot fail: shrinking never allocates.
            let _ = self.resize(len);
        }
    }

    /// Copies the bytes into a plain `Vec<u8>`.
    pub fn to_vec(&self) -> Vec<u8> {
        self.as_slice().to_vec()
    }
}

/// A cached vector whose allocation holds `words_for(len)` words, cut or lengthened
/// (within its allocation, with zeroes) to that and holding `len` bytes, with the
/// bytes past `len` in the last word zeroed: AlignedBuf's invariant, which `resize`
/// relies on to expose them as zeroes.
fn fitted(mut words: Vec<u64>, len: usize) -> AlignedBuf {
    let nwords = words_for(len);
    debug_assert!(words.capacity() >= nwords);
    // Cut, or lengthened over the part a smaller earlier use cut off.
    words.resize(nwords, 0);
    let used = len % 8;
    if let (Some(last), true) = (words.last_mut(), used != 0) {
        let mut bytes = last.to_ne_bytes();
        bytes[used..].fill(0);
        *last = u64::from_ne_bytes(bytes);
    }
    AlignedBuf { words, len }
}

impl Drop for AlignedBuf {
    /// A large buffer goes to this thread's cache for reuse (see
    /// [`AlignedBuf::for_overwrite`]); others go back to the allocator.
    fn drop(&mut self) {
        if self.words.capacity().saturating_mul(8) >= crate::pool::MIN_POOLED_BYTES {
            crate::pool::give(std::mem::take(&mut self.words));
        }
    }
}

impl std::fmt::Debug for AlignedBuf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlignedBuf").field("len", &self.len).finish_non_exhaustive()
    }
}

impl AsRef<[u8]> for AlignedBuf {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

fn check_shape(dtype: DType, shape: &[usize], len: usize) -> Result<()> {
    if dtype.is_object() {
        return Err(Error::InvalidDType {
            text: dtype.to_string(),
            reason: "object dtype data is held in an ObjectArray, not in bytes".into(),
        });
    }
    let expected = dtype.nbytes(shape).ok_or_else(|| Error::ShapeMismatch {
        shape: shape.to_vec(),
        dtype,
        expected: usize::MAX,
        actual: len,
    })?;
    if expected != len {
        return Err(Error::ShapeMismatch { shape: shape.to_vec(), dtype, expected, actual: len });
    }
    Ok(())
}

/// An owned, contiguous numeric array: aligned bytes in memory order, a dtype and a shape.
///
/// ```
/// use zarrcodecs_core::{NdArray, DType};
/// let a = NdArray::from_bytes(&[1, 0, 2, 0], "<u2".parse()?, vec![2])?;
/// assert_eq!(a.as_bytes(), &[1, 0, 2, 0]);
/// assert_eq!(a.len(), 2);
/// # Ok::<(), zarrcodecs_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NdArray {
    buf: AlignedBuf,
    dtype: DType,
    shape: Vec<usize>,
}

impl NdArray {
    /// Wraps a buffer; its length must be the shape's size times the item size.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if the sizes disagree, [`Error::InvalidDType`] for `|O`.
    pub fn new(buf: AlignedBuf, dtype: DType, shape: Vec<usize>) -> Result<Self> {
        check_shape(dtype, &shape, buf.len())?;
        Ok(NdArray { buf, dtype, shape })
    }

    /// A one-dimensional `|u1` array owning `buf`: what compressors return.
    pub fn from_buf(buf: AlignedBuf) -> Self {
        let shape = vec![buf.len()];
        NdArray { buf, dtype: DType::U1, shape }
    }

    /// Copies `bytes` into a new array.
    ///
    /// # Errors
    /// As [`NdArray::new`], plus [`Error::Allocation`].
    pub fn from_bytes(bytes: &[u8], dtype: DType, shape: Vec<usize>) -> Result<Self> {
        check_shape(dtype, &shape, bytes.len())?;
        Ok(NdArray { buf: AlignedBuf::from_slice(bytes)?, dtype, shape })
    }

    /// An array of zero bytes.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if the size overflows, [`Error::Allocation`].
    pub fn zeros(dtype: DType, shape: Vec<usize>) -> Result<Self> {
        let n = dtype.nbytes(&shape).ok_or_else(|| Error::ShapeMismatch {
            shape: shape.clone(),
            dtype,
            expected: usize::MAX,
            actual: 0,
        })?;
        Self::new(AlignedBuf::zeroed(n)?, dtype, shape)
    }

    /// The dtype.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The raw bytes in memory order.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.as_slice()
    }

    /// The raw bytes, mutably.
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        self.buf.as_mut_slice()
    }

    /// The elements as a typed slice (no copy: the buffer is aligned).
    ///
    /// # Errors
    /// [`Error::UnsupportedDType`] if `T`'s size differs from the item size.
    pub fn as_slice<T: bytemuck::Pod>(&self) -> Result<&[T]> {
        typed(self.dtype, self.as_bytes())
    }

    /// The elements as a mutable typed slice.
    ///
    /// # Errors
    /// As [`NdArray::as_slice`].
    pub fn as_mut_slice<T: bytemuck::Pod>(&mut self) -> Result<&mut [T]> {
        let dtype = self.dtype;
        if std::mem::size_of::<T>() != dtype.itemsize() {
            return Err(type_size_error::<T>(dtype));
        }
        bytemuck::try_cast_slice_mut(self.buf.as_mut_slice()).map_err(|_| type_size_error::<T>(dtype))
    }

    /// Borrows the array as a view.
    pub fn view(&self) -> ArrayView<'_> {
        ArrayView { bytes: self.as_bytes(), dtype: self.dtype, shape: self.shape.clone() }
    }

    /// Borrows the array as a mutable view.
    pub fn view_mut(&mut self) -> ArrayViewMut<'_> {
        ArrayViewMut { dtype: self.dtype, shape: self.shape.clone(), bytes: self.buf.as_mut_slice() }
    }

    /// Reinterprets the same bytes with another dtype and shape (numpy's `view` then
    /// `reshape`), without copying.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if the sizes disagree.
    pub fn reinterpret(self, dtype: DType, shape: Vec<usize>) -> Result<Self> {
        Self::new(self.buf, dtype, shape)
    }

    /// Takes the underlying buffer.
    pub fn into_buf(self) -> AlignedBuf {
        self.buf
    }
}

pub(crate) fn type_size_error<T>(dtype: DType) -> Error {
    Error::UnsupportedDType {
        codec: String::new(),
        dtype,
        reason: format!("cannot view items of {} bytes as {}", dtype.itemsize(), std::any::type_name::<T>()),
    }
}

fn typed<T: bytemuck::Pod>(dtype: DType, bytes: &[u8]) -> Result<&[T]> {
    if std::mem::size_of::<T>() != dtype.itemsize() {
        return Err(type_size_error::<T>(dtype));
    }
    bytemuck::try_cast_slice(bytes).map_err(|_| type_size_error::<T>(dtype))
}

/// A borrowed, contiguous numeric array: bytes in memory order, a dtype and a shape.
/// The bytes need not be aligned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArrayView<'a> {
    bytes: &'a [u8],
    dtype: DType,
    shape: Vec<usize>,
}

impl<'a> ArrayView<'a> {
    /// A view of `bytes` as an array of `dtype` and `shape`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if the sizes disagree.
    pub fn new(bytes: &'a [u8], dtype: DType, shape: Vec<usize>) -> Result<Self> {
        check_shape(dtype, &shape, bytes.len())?;
        Ok(ArrayView { bytes, dtype, shape })
    }

    /// A one-dimensional `|u1` view of raw bytes.
    pub fn from_bytes(bytes: &'a [u8]) -> Self {
        ArrayView { bytes, dtype: DType::U1, shape: vec![bytes.len()] }
    }

    /// The bytes in memory order.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The dtype.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether the view has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The elements as a typed slice, if the bytes happen to be aligned for `T`.
    ///
    /// # Errors
    /// [`Error::UnsupportedDType`] if `T`'s size differs from the item size or the
    /// bytes are not aligned for `T` (copy into an [`NdArray`] then).
    pub fn as_slice<T: bytemuck::Pod>(&self) -> Result<&'a [T]> {
        typed(self.dtype, self.bytes)
    }

    /// Copies the view into an owned, aligned array (`try_`: the allocation can fail).
    ///
    /// # Errors
    /// [`Error::Allocation`].
    pub fn try_to_owned(&self) -> Result<NdArray> {
        NdArray::from_bytes(self.bytes, self.dtype, self.shape.clone())
    }
}

/// A mutable borrowed array: where `decode_into` writes.
#[derive(Debug, PartialEq, Eq)]
pub struct ArrayViewMut<'a> {
    bytes: &'a mut [u8],
    dtype: DType,
    shape: Vec<usize>,
}

impl<'a> ArrayViewMut<'a> {
    /// A mutable view of `bytes` as an array of `dtype` and `shape`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if the sizes disagree.
    pub fn new(bytes: &'a mut [u8], dtype: DType, shape: Vec<usize>) -> Result<Self> {
        check_shape(dtype, &shape, bytes.len())?;
        Ok(ArrayViewMut { bytes, dtype, shape })
    }

    /// A one-dimensional `|u1` view of raw bytes.
    pub fn from_bytes(bytes: &'a mut [u8]) -> Self {
        let shape = vec![bytes.len()];
        ArrayViewMut { bytes, dtype: DType::U1, shape }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes
    }

    /// The bytes, mutably.
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        self.bytes
    }

    /// The dtype.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
}

/// One element of an [`ObjectArray`]: the Python objects numcodecs' object codecs meet.
///
/// An `Object` is 32 bytes: short strings and byte strings are held inline
/// ([`PyStr`], [`PyBytes`]) and arrays boxed, so that an array of a million short
/// strings is one allocation of items rather than a million.
///
/// With the feature `serde`, objects and [`ObjectArray`]s have one JSON form, which the
/// CLI, the fixtures and the benchmark export share: see the `Serialize` impls.
///
/// ```
/// use zarrcodecs_core::Object;
/// let items = [Object::from("label"), Object::from(&b"\x00\x01"[..]), Object::Int(3), Object::None];
/// assert!(matches!(&items[0], Object::Str(s) if s == "label"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    /// `None`.
    None,
    /// A `bool`.
    Bool(bool),
    /// An `int` that fits in 64 bits.
    Int(i64),
    /// An `int` beyond 64 bits (codecs use [`Object::Int`] whenever the value fits;
    /// `Object::from(BigInt)` picks the variant).
    BigInt(BigInt),
    /// A `float`.
    Float(f64),
    /// A `str`.
    Str(PyStr),
    /// A `bytes` object.
    Bytes(PyBytes),
    /// A numeric numpy array (vlen-array items), boxed to keep `Object` small.
    Array(Box<NdArray>),
    /// A Python `list`.
    List(Vec<Object>),
    /// A Python `dict`: its items as (key, value) pairs, in the dict's order
    /// (insertion order, as Python keeps it). Keys are not checked for uniqueness.
    Dict(Vec<(Object, Object)>),
}

impl From<BigInt> for Object {
    /// [`Object::Int`] if the value fits in an `i64`, else [`Object::BigInt`].
    fn from(n: BigInt) -> Self {
        match n.to_i64() {
            Some(v) => Object::Int(v),
            None => Object::BigInt(n),
        }
    }
}

impl From<&str> for Object {
    fn from(s: &str) -> Self {
        Object::Str(PyStr::new(s))
    }
}

impl From<String> for Object {
    fn from(s: String) -> Self {
        Object::Str(s.into())
    }
}

impl From<PyStr> for Object {
    fn from(s: PyStr) -> Self {
        Object::Str(s)
    }
}

impl From<&[u8]> for Object {
    fn from(b: &[u8]) -> Self {
        Object::Bytes(PyBytes::new(b))
    }
}

impl From<Vec<u8>> for Object {
    fn from(b: Vec<u8>) -> Self {
        Object::Bytes(b.into())
    }
}

impl From<PyBytes> for Object {
    fn from(b: PyBytes) -> Self {
        Object::Bytes(b)
    }
}

impl From<NdArray> for Object {
    fn from(a: NdArray) -> Self {
        Object::Array(Box::new(a))
    }
}

/// An array of Python objects (numpy dtype `|O`), in C order.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectArray {
    items: Vec<Object>,
    shape: Vec<usize>,
}

impl ObjectArray {
    /// An array of `items` with `shape`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if the shape does not hold exactly the items.
    pub fn new(items: Vec<Object>, shape: Vec<usize>) -> Result<Self> {
        let n = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
        if n != Some(items.len()) {
            return Err(Error::ShapeMismatch {
                expected: n.unwrap_or(usize::MAX),
                actual: items.len(),
                shape,
                dtype: DType::OBJECT,
            });
        }
        Ok(ObjectArray { items, shape })
    }

    /// A one-dimensional array of `items`.
    pub fn from_items(items: Vec<Object>) -> Self {
        let shape = vec![items.len()];
        ObjectArray { items, shape }
    }

    /// The items in C order.
    pub fn items(&self) -> &[Object] {
        &self.items
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Takes the items.
    pub fn into_items(self) -> Vec<Object> {
        self.items
    }
}

/// What a codec returns: a numeric array or an object array.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    /// Numeric data (for compressors: `|u1` bytes).
    Array(NdArray),
    /// Python objects.
    Object(ObjectArray),
}

impl Data {
    /// Borrows as a [`DataRef`] (as [`NdArray::view`] borrows an array).
    pub fn view(&self) -> DataRef<'_> {
        match self {
            Data::Array(a) => DataRef::Array(a.view()),
            Data::Object(o) => DataRef::Object(o),
        }
    }

    /// The numeric array (`None` for object data).
    pub fn into_array(self) -> Option<NdArray> {
        match self {
            Data::Array(a) => Some(a),
            Data::Object(_) => None,
        }
    }

    /// The object array (`None` for numeric data).
    pub fn into_object(self) -> Option<ObjectArray> {
        match self {
            Data::Object(o) => Some(o),
            Data::Array(_) => None,
        }
    }

    /// The numeric array (`None` for object data).
    pub fn as_array(&self) -> Option<&NdArray> {
        match self {
            Data::Array(a) => Some(a),
            Data::Object(_) => None,
        }
    }

    /// The object array (`None` for numeric data).
    pub fn as_object(&self) -> Option<&ObjectArray> {
        match self {
            Data::Object(o) => Some(o),
            Data::Array(_) => None,
        }
    }

    /// The raw bytes of numeric data (`None` for object arrays).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Data::Array(a) => Some(a.as_bytes()),
            Data::Object(_) => None,
        }
    }

    /// The dtype (`|O` for object arrays).
    pub fn dtype(&self) -> DType {
        match self {
            Data::Array(a) => a.dtype(),
            Data::Object(_) => DType::OBJECT,
        }
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        match self {
            Data::Array(a) => a.shape(),
            Data::Object(o) => o.shape(),
        }
    }
}

impl From<NdArray> for Data {
    fn from(a: NdArray) -> Self {
        Data::Array(a)
    }
}

impl From<ObjectArray> for Data {
    fn from(o: ObjectArray) -> Self {
        Data::Object(o)
    }
}

/// What a codec takes: a borrowed numeric array or a borrowed object array.
#[derive(Clone, Debug, PartialEq)]
pub enum DataRef<'a> {
    /// Numeric data; raw bytes are `|u1`.
    Array(ArrayView<'a>),
    /// Python objects.
    Object(&'a ObjectArray),
}

impl<'a> DataRef<'a> {
    /// The numeric view (`None` for object data).
    pub fn as_array(&self) -> Option<&ArrayView<'a>> {
        match self {
            DataRef::Array(a) => Some(a),
            DataRef::Object(_) => None,
        }
    }

    /// The raw bytes of numeric data (`None` for object data).
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        self.as_array().map(ArrayView::as_bytes)
    }

    /// The numeric view that `codec` requires: for object data, an
    /// [`Error::UnsupportedInput`] naming `codec`. Codecs call this on their input.
    ///
    /// # Errors
    /// [`Error::UnsupportedInput`] if this is an object array.
    pub fn require_array(&self, codec: &str) -> Result<&ArrayView<'a>> {
        match self {
            DataRef::Array(a) => Ok(a),
            DataRef::Object(_) => Err(Error::unsupported_input(
                codec,
                "object arrays must go through an object codec (vlen-utf8, json2, ...) first",
            )),
        }
    }

    /// The raw bytes that `codec` requires: for object data, an
    /// [`Error::UnsupportedInput`] naming `codec`.
    ///
    /// # Errors
    /// [`Error::UnsupportedInput`] if this is an object array.
    pub fn require_bytes(&self, codec: &str) -> Result<&'a [u8]> {
        self.require_array(codec).map(ArrayView::as_bytes)
    }
}

impl<'a> From<&'a [u8]> for DataRef<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        DataRef::Array(ArrayView::from_bytes(bytes))
    }
}

impl<'a> From<ArrayView<'a>> for DataRef<'a> {
    fn from(v: ArrayView<'a>) -> Self {
        DataRef::Array(v)
    }
}

impl<'a> From<&'a NdArray> for DataRef<'a> {
    fn from(a: &'a NdArray) -> Self {
        DataRef::Array(a.view())
    }
}

impl<'a> From<&'a ObjectArray> for DataRef<'a> {
    fn from(o: &'a ObjectArray) -> Self {
        DataRef::Object(o)
    }
}

impl<'a> From<&'a Data> for DataRef<'a> {
    fn from(d: &'a Data) -> Self {
        d.view()
    }
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;

    /// Growing for overwrite copies the bytes into a cached buffer when there is one
    /// (whose stale bytes stay past the old length), keeps the zero tail of the last
    /// word, gives the old buffer to the cache, and grows in place when the cache is
    /// empty.
    #[test]
    fn grow_for_overwrite_reuses_cached_buffers() {
        AlignedBuf::clear_thread_cache();
        let stale = AlignedBuf::from_slice(&vec![0xab; 100_000]).unwrap();
        let stale_ptr = stale.as_slice().as_ptr();
        drop(stale);
        let data: Vec<u8> = (0..40_003u32).map(|i| (i % 251) as u8).collect();
        let mut buf = AlignedBuf::from_slice(&data).unwrap();
        buf.grow_for_overwrite(90_005).unwrap();
        assert_eq!(buf.as_slice().as_ptr(), stale_ptr, "the cached buffer is used");
        assert_eq!(buf.len(), 90_005);
        assert_eq!(&buf.as_slice()[..data.len()], &data[..]);
        assert!(buf.as_slice()[data.len() + 5..].iter().all(|&b| b == 0xab), "stale bytes are not cleared");
        assert_eq!(crate::pool::kept_bytes(), 40_008, "the old buffer went to the cache");
        // The bytes past the length in the last word are zero, as `resize` needs.
        buf.resize(90_008).unwrap();
        assert_eq!(&buf.as_slice()[90_005..], &[0, 0, 0]);
        // With nothing of the size cached, it grows in place, with zeroes.
        AlignedBuf::clear_thread_cache();
        let mut small = AlignedBuf::from_slice(&data).unwrap();
        small.grow_for_overwrite(50_000).unwrap();
        assert_eq!(&small.as_slice()[..data.len()], &data[..]);
        assert!(small.as_slice()[data.len()..].iter().all(|&b| b == 0));
        small.grow_for_overwrite(10).unwrap();
        assert_eq!(small.len(), 50_000, "never shrinks");
        AlignedBuf::clear_thread_cache();
    }

    #[test]
    fn freed_large_buffers_are_reused_by_this_thread() {
        AlignedBuf::clear_thread_cache();
        let len = 1 << 20;
        let mut first = AlignedBuf::zeroed(len).unwrap();
        first.as_mut_slice().fill(0xAB);
        drop(first);
        assert_eq!(AlignedBuf::clear_thread_cache(), len, "the freed buffer is kept");
        // Kept again, then handed out again: same memory, stale bytes for overwriting,
        // zeroes for `zeroed`.
        let mut again = AlignedBuf::zeroed(len).unwrap();
        again.as_mut_slice().fill(0xCD);
        drop(again);
        let reused = AlignedBuf::for_overwrite(len - 3).unwrap();
        assert_eq!(reused.len(), len - 3);
        let reused_ptr = reused.as_slice().as_ptr();
        assert!(reused.as_slice().iter().all(|&b| b == 0xCD), "for_overwrite keeps the old bytes");
        // The bytes past the length are zero, so growing exposes zeroes.
        let mut grown = reused;
        grown.resize(len).unwrap();
        assert_eq!(&grown.as_slice()[len - 3..], &[0, 0, 0]);
        drop(grown);
        let zeroed = AlignedBuf::zeroed(len).unwrap();
        assert_eq!(zeroed.as_slice().as_ptr(), reused_ptr, "zeroed takes the kept buffer too");
        assert!(zeroed.as_slice().iter().all(|&b| b == 0));
    }

    #[test]
    fn the_thread_cache_is_bounded() {
        AlignedBuf::clear_thread_cache();
        // Small buffers are left to the allocator.
        drop(AlignedBuf::zeroed(1000).unwrap());
        assert_eq!(AlignedBuf::clear_thread_cache(), 0);
        // A kept buffer more than twice a request's size is not handed out for it.
        drop(AlignedBuf::zeroed(4 << 20).unwrap());
        let small = AlignedBuf::for_overwrite(1 << 20).unwrap();
        assert!(small.as_slice().iter().all(|&b| b == 0), "a fresh, zeroed buffer");
        assert_eq!(AlignedBuf::clear_thread_cache(), 4 << 20, "the large one is still kept");
        drop(small);
        AlignedBuf::clear_thread_cache();
        // A kept buffer fitted to a smaller request still holds all its memory: it is
        // counted by that, and serves a later request of its full size.
        drop(AlignedBuf::zeroed(4 << 20).unwrap());
        let mut cut = AlignedBuf::for_overwrite((2 << 20) + 8).unwrap();
        cut.as_mut_slice().fill(0x5A);
        let cut_ptr = cut.as_slice().as_ptr();
        drop(cut);
        assert_eq!(crate::pool::kept_bytes(), 4 << 20, "counted by its allocation");
        let full = AlignedBuf::for_overwrite(4 << 20).unwrap();
        assert_eq!(full.as_slice().as_ptr(), cut_ptr, "the cut buffer serves a full-size request");
        assert_eq!(full.len(), 4 << 20);
        assert!(full.as_slice()[..(2 << 20) + 8].iter().all(|&b| b == 0x5A));
        drop(full);
        AlignedBuf::clear_thread_cache();
        // At most MAX_BUFFERS buffers and MAX_TOTAL_BYTES bytes.
        let many: Vec<AlignedBuf> =
            (0..crate::pool::MAX_BUFFERS + 3).map(|_| AlignedBuf::zeroed(64 << 10).unwrap()).collect();
        drop(many);
        assert_eq!(AlignedBuf::clear_thread_cache(), crate::pool::MAX_BUFFERS * (64 << 10));
        let big: Vec<AlignedBuf> = (0..3).map(|_| AlignedBuf::zeroed(30 << 20).unwrap()).collect();
        drop(big);
        assert!(AlignedBuf::clear_thread_cache() <= crate::pool::MAX_TOTAL_BYTES);
        // Larger than the whole cache: never kept.
        drop(AlignedBuf::zeroed(crate::pool::MAX_TOTAL_BYTES + 8).unwrap());
        assert_eq!(AlignedBuf::clear_thread_cache(), 0);
    }

    #[test]
    fn aligned_buf_is_aligned_and_resizes() {
        let mut b = AlignedBuf::from_slice(&[1, 2, 3]).unwrap();
        assert_eq!(b.as_slice().as_ptr() as usize % BUFFER_ALIGN, 0);
        b.resize(10).unwrap();
        assert_eq!(b.as_slice(), &[1, 2, 3, 0, 0, 0, 0, 0, 0, 0]);
        b.truncate(2);
        b.resize(4).unwrap();
        assert_eq!(b.as_slice(), &[1, 2, 0, 0]);
    }

    #[test]
    fn huge_allocation_is_an_error() {
        assert!(matches!(AlignedBuf::zeroed(usize::MAX - 7), Err(Error::Allocation { .. })));
    }

    #[test]
    fn typed_views() {
        let a = NdArray::from_bytes(&1.5f64.to_ne_bytes(), "=f8".parse().unwrap(), vec![1]).unwrap();
        assert_eq!(a.as_slice::<f64>().unwrap(), &[1.5]);
        assert!(a.as_slice::<f32>().is_err());
    }

    #[test]
    fn shape_must_match() {
        let d: DType = "<i4".parse().unwrap();
        assert!(matches!(NdArray::from_bytes(&[0; 7], d, vec![2]), Err(Error::ShapeMismatch { .. })));
        assert!(NdArray::from_bytes(&[0; 8], d, vec![2]).is_ok());
        assert!(ObjectArray::new(vec![Object::None], vec![2]).is_err());
        assert!(matches!(NdArray::zeros(d, vec![usize::MAX, 4]), Err(Error::ShapeMismatch { .. })));
    }
}
