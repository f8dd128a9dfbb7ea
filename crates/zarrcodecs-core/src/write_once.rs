//! Constructors that write each byte of a new buffer once (no zero-fill first), and
//! the huge-page advice for large new buffers: the only `unsafe` code in this crate.
//! The constructors are inherent methods of [`AlignedBuf`] and [`NdArray`] (public API,
//! documented there); the module itself is private.
//!
//! Zero-filling an output buffer and then overwriting it cost up to a quarter of an
//! allocating encode (measured with `cargo xtask bench` and `perf`; see
//! `docs/architecture.md`, "Kernels"). [`AlignedBuf::from_values`],
//! [`AlignedBuf::concat`] and [`NdArray::from_values`] write each byte once into a new
//! or cached buffer. They stay in core because they rely on `AlignedBuf`'s private invariant (the
//! bytes past its length, in the last word, are zero).

#![allow(unsafe_code)]

use std::mem::MaybeUninit;

use crate::array::words_for;
use crate::{AlignedBuf, DType, Error, NdArray, Result};

/// An empty vector with room for the `nwords` words that hold `len` bytes, the last of
/// them (if any) already written as zero: AlignedBuf keeps the bytes past its length
/// zero, and writers only write bytes `0..len`.
#[inline(always)]
///
/// Large vectors come from this thread's cache of freed buffers when it has one, as
/// for [`AlignedBuf::for_overwrite`]: every buffer dropped goes to that cache, so a
/// constructor that always allocated afresh made each new array land in other,
/// cache-cold memory while the cache cycled through up to 64 MiB of old buffers
/// (`astype` decoding 8 MiB chunk after chunk ran at 40% of its `decode_into` speed,
/// all of the time in the conversion loop's stores, with 9 page faults per call).
fn words_with_zero_tail(len: usize) -> Result<(Vec<u64>, usize)> {
    let nwords = words_for(len);
    let mut words: Vec<u64> = match crate::pool::take(nwords) {
        Some(mut kept) => {
            // Its capacity (at least `nwords`) is what the writers fill.
            kept.clear();
            kept
        }
        None => {
            let mut fresh: Vec<u64> = Vec::new();
            fresh.try_reserve_exact(nwords).map_err(|_| Error::Allocation { size: len })?;
            advise_huge_pages(fresh.as_ptr().cast(), nwords * 8);
            fresh
        }
    };
    if let Some(last) = words.spare_capacity_mut()[..nwords].last_mut() {
        last.write(0);
    }
    Ok((words, nwords))
}

/// `nwords` zero words, from the allocator's zeroed allocation (`calloc`), which
/// skips the zero-fill for memory fresh from the system.
pub(crate) fn zeroed_words(nwords: usize, len: usize) -> Result<Vec<u64>> {
    if nwords == 0 {
        return Ok(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u64>(nwords).map_err(|_| Error::Allocation { size: len })?;
    // SAFETY: `layout` has a non-zero size (`nwords > 0`), as `alloc_zeroed` requires.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return Err(Error::Allocation { size: len });
    }
    advise_huge_pages(ptr.cast_const(), layout.size());
    // SAFETY: `ptr` was allocated by the global allocator with the layout of
    // `[u64; nwords]`, which is what a `Vec<u64>` of capacity `nwords` uses; all
    // `nwords` words are initialised (zero bytes are a valid `u64`).
    Ok(unsafe { Vec::from_raw_parts(ptr.cast::<u64>(), nwords, nwords) })
}

/// Allocations from this size on ask for transparent huge pages, as numpy does for its
/// arrays. numpy's threshold is 4 MiB; ours is above the chunk sizes zarr arrays use,
/// so that the buffers a decode loop allocates chunk after chunk stay out of it (with
/// the kernel's THP defrag at `madvise`, a fault there may wait for compaction), and
/// whole arrays get it.
pub(crate) const HUGE_PAGE_THRESHOLD: usize = 64 << 20;

/// Asks the kernel to back the whole pages of a new allocation of `bytes` at `ptr` with
/// transparent huge pages, if it is at least [`HUGE_PAGE_THRESHOLD`]: a fresh array is
/// then faulted in 2 MiB at a time instead of 4 KiB, which made reading whole arrays
/// into a new array up to 2x faster here (`docs/architecture.md`, "Whole-array
/// reads"). Advice only: a kernel without THP, or with it off, ignores it.
#[cfg(target_os = "linux")]
fn advise_huge_pages(ptr: *const u8, bytes: usize) {
    const PAGE: usize = 4096;
    if bytes < HUGE_PAGE_THRESHOLD {
        return;
    }
    let start = (ptr as usize).div_ceil(PAGE) * PAGE;
    let end = (ptr as usize + bytes) / PAGE * PAGE;
    if end > start {
        // SAFETY: `start..end` are whole pages inside the caller's live allocation.
        // MADV_HUGEPAGE changes only how the pages are backed, never their contents,
        // so no memory that Rust can see changes; a failure is harmless and ignored.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_ptr: *const u8, _bytes: usize) {}

impl AlignedBuf {
    /// A buffer of up to `capacity` bytes written by `write`, typically a C library's
    /// encoder: `write` gets `capacity` bytes of memory that may be uninitialised (never
    /// zero-filled first) and returns how many bytes at its start it wrote, `n`; the
    /// buffer is those `n` bytes. A buffer that ends up less than half used gives the
    /// rest back to the allocator, so an encoded chunk does not keep its compress-bound
    /// capacity.
    ///
    /// Why: encoders size their output for the worst case and write much less. A
    /// zero-filled buffer cost a `memset` of the whole bound on every call (22 % of an
    /// 8 MiB lz4 encode in `perf`, once `calloc` served recycled heap memory).
    ///
    /// # Safety
    /// `write` must have initialised (written) the first `n` bytes of the slice it is
    /// given when it returns `Ok(n)`. A returned `n` above `capacity` is refused with an
    /// error, not trusted.
    ///
    /// # Errors
    /// [`Error::Allocation`] if the memory cannot be had; what `write` returns;
    /// [`Error::Library`] if `write` claims more bytes than it was given.
    ///
    /// ```
    /// use zarrcodecs_core::AlignedBuf;
    /// // SAFETY: the closure writes the 3 bytes it reports.
    /// let buf = unsafe {
    ///     AlignedBuf::from_uninit_writer(100, |out| {
    ///         for (o, b) in out.iter_mut().zip(b"abc") {
    ///             o.write(*b);
    ///         }
    ///         Ok(3)
    ///     })
    /// }?;
    /// assert_eq!(buf.as_slice(), b"abc");
    /// # Ok::<(), zarrcodecs_core::Error>(())
    /// ```
    pub unsafe fn from_uninit_writer(
        capacity: usize,
        write: impl FnOnce(&mut [MaybeUninit<u8>]) -> Result<usize>,
    ) -> Result<Self> {
        // From the thread's cache when it has a buffer (initialised, which is valid as
        // `MaybeUninit` too), else fresh and not zero-filled.
        let (mut words, nwords) = words_with_zero_tail(capacity)?;
        let spare = &mut words.spare_capacity_mut()[..nwords];
        // SAFETY: `spare` is `nwords * 8 >= capacity` bytes of allocated memory; a
        // `MaybeUninit<u8>` slice over it has no alignment or validity requirement and
        // borrows `spare` exclusively for its lifetime.
        let bytes: &mut [MaybeUninit<u8>] =
            unsafe { std::slice::from_raw_parts_mut(spare.as_mut_ptr().cast(), nwords * 8) };
        let n = write(&mut bytes[..capacity])?;
        if n > capacity {
            return Err(Error::library("AlignedBuf", format_args!("a writer claimed {n} of {capacity} bytes")));
        }
        let used = words_for(n);
        // The bytes past `n` in its last word are zero (AlignedBuf's invariant).
        for b in &mut bytes[n..used * 8] {
            b.write(0);
        }
        // SAFETY: bytes `0..n` were written by `write` (its contract), and bytes
        // `n..used * 8` just above, so the first `used` words are initialised.
        unsafe { words.set_len(used) };
        if words.capacity() > 2 * used {
            words.shrink_to_fit();
        }
        Ok(AlignedBuf::from_words(words, n))
    }

    /// A buffer of `n` values of `T` taken from `values`, each written once in place
    /// (no zero-fill first). If `values` ends early, the values it did not give are
    /// zero; values past the `n`-th are not taken.
    ///
    /// `T` must be a plain numeric type of at most 8-byte alignment (checked at compile
    /// time).
    ///
    /// # Errors
    /// [`Error::Allocation`] if the memory cannot be had or the size overflows.
    ///
    /// ```
    /// use zarrcodecs_core::AlignedBuf;
    /// let buf = AlignedBuf::from_values(3, [1u16, 2, 3].iter().map(|x| x * 10))?;
    /// assert_eq!(buf.as_slice(), &[10, 0, 20, 0, 30, 0]);
    /// # Ok::<(), zarrcodecs_core::Error>(())
    /// ```
    #[inline(always)]
    pub fn from_values<T: bytemuck::Pod>(n: usize, values: impl IntoIterator<Item = T>) -> Result<Self> {
        const { assert!(std::mem::align_of::<T>() <= std::mem::align_of::<u64>()) };
        let size = std::mem::size_of::<T>();
        let len = n.checked_mul(size).ok_or(Error::Allocation { size: usize::MAX })?;
        let (mut words, nwords) = words_with_zero_tail(len)?;
        let spare = &mut words.spare_capacity_mut()[..nwords];
        // SAFETY: `spare` is `nwords * 8 >= n * size` bytes of allocated memory, aligned
        // for u64 and so for `T` (align_of::<T>() <= 8, checked above). Both element
        // types are `MaybeUninit`, so any bytes are valid for them, and the new slice
        // borrows `spare` exclusively for its lifetime.
        let typed: &mut [MaybeUninit<T>] = unsafe { std::slice::from_raw_parts_mut(spare.as_mut_ptr().cast(), n) };
        let mut written = 0;
        for (slot, v) in typed.iter_mut().zip(values) {
            slot.write(v);
            written += 1;
        }
        for slot in &mut typed[written..] {
            slot.write(T::zeroed());
        }
        // SAFETY: bytes `0..n * size` were written by the two loops above (every slot of
        // `typed`), and bytes `n * size..nwords * 8` lie in the last word, which
        // `words_with_zero_tail` zeroed before, so all `nwords` words are initialised.
        unsafe { words.set_len(nwords) };
        Ok(AlignedBuf::from_words(words, len))
    }
}

impl AlignedBuf {
    /// The concatenation of `parts`, each byte written once (no zero-fill first): what
    /// a codec that assembles its output from a header and borrowed data needs.
    ///
    /// # Errors
    /// [`Error::Allocation`] if the memory cannot be had or the size overflows.
    ///
    /// ```
    /// use zarrcodecs_core::AlignedBuf;
    /// let buf = AlignedBuf::concat(&[b"head", &[1, 2, 3], b""])?;
    /// assert_eq!(buf.as_slice(), b"head\x01\x02\x03");
    /// # Ok::<(), zarrcodecs_core::Error>(())
    /// ```
    pub fn concat(parts: &[&[u8]]) -> Result<Self> {
        let len = parts
            .iter()
            .try_fold(0usize, |a, p| a.checked_add(p.len()))
            .ok_or(Error::Allocation { size: usize::MAX })?;
        let (mut words, nwords) = words_with_zero_tail(len)?;
        let spare = &mut words.spare_capacity_mut()[..nwords];
        // SAFETY: `spare` is `nwords * 8` bytes of allocated memory; a `MaybeUninit<u8>`
        // slice over it has no alignment or validity requirement and borrows `spare`
        // exclusively for its lifetime.
        let bytes: &mut [MaybeUninit<u8>] =
            unsafe { std::slice::from_raw_parts_mut(spare.as_mut_ptr().cast(), nwords * 8) };
        let mut pos = 0;
        for part in parts {
            let dst = &mut bytes[pos..pos + part.len()];
            // SAFETY: `dst` is `part.len()` writable bytes of a buffer we own (a new
            // allocation, or a freed one taken from the cache, which nothing references),
            // so it cannot overlap `part`; `MaybeUninit<u8>` has the layout of `u8`.
            unsafe { std::ptr::copy_nonoverlapping(part.as_ptr(), dst.as_mut_ptr().cast::<u8>(), part.len()) };
            pos += part.len();
        }
        // SAFETY: bytes `0..len` were written by the loop (the parts add up to `len`),
        // and bytes `len..nwords * 8` lie in the last word, which `words_with_zero_tail`
        // zeroed before.
        unsafe { words.set_len(nwords) };
        Ok(AlignedBuf::from_words(words, len))
    }
}

impl NdArray {
    /// An array of `dtype` and `shape` whose elements are the values of `values` in
    /// memory order, each written once in place (no zero-fill first); see
    /// [`AlignedBuf::from_values`]. `T` must have the dtype's item size.
    ///
    /// # Errors
    /// [`Error::UnsupportedDType`] if `T`'s size is not the item size,
    /// [`Error::ShapeMismatch`] if the size overflows, [`Error::Allocation`].
    ///
    /// ```
    /// use zarrcodecs_core::NdArray;
    /// let src = [1.0f64, 2.5, -3.0];
    /// let a = NdArray::from_values("<f4".parse()?, vec![3], src.iter().map(|&x| x as f32))?;
    /// assert_eq!(a.as_slice::<f32>()?, &[1.0, 2.5, -3.0]);
    /// # Ok::<(), zarrcodecs_core::Error>(())
    /// ```
    #[inline(always)]
    pub fn from_values<T: bytemuck::Pod>(
        dtype: DType,
        shape: Vec<usize>,
        values: impl IntoIterator<Item = T>,
    ) -> Result<Self> {
        if std::mem::size_of::<T>() != dtype.itemsize() || dtype.is_object() {
            return Err(crate::array::type_size_error::<T>(dtype));
        }
        let n = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d)).ok_or_else(|| Error::ShapeMismatch {
            shape: shape.clone(),
            dtype,
            expected: usize::MAX,
            actual: 0,
        })?;
        NdArray::new(AlignedBuf::from_values(n, values)?, dtype, shape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `from_uninit_writer` keeps what the writer reports, zeroes the rest of the last
    /// word, gives back unused capacity, and refuses an impossible count.
    #[test]
    fn uninit_writer_keeps_what_was_written() {
        // SAFETY: the closure writes the 5 bytes it reports.
        let buf = unsafe {
            AlignedBuf::from_uninit_writer(1 << 20, |out| {
                for (o, b) in out.iter_mut().zip(b"hello") {
                    o.write(*b);
                }
                Ok(5)
            })
        }
        .unwrap();
        assert_eq!(buf.as_slice(), b"hello");
        assert!(buf.capacity() < 1 << 10, "{}", buf.capacity());
        let mut grown = buf;
        grown.resize(8).unwrap();
        assert_eq!(grown.as_slice(), b"hello\0\0\0");
        // SAFETY: no bytes reported, none needed.
        let empty = unsafe { AlignedBuf::from_uninit_writer(64, |_| Ok(0)) }.unwrap();
        assert!(empty.is_empty());
        // SAFETY: the count is refused before any byte is read.
        let over = unsafe { AlignedBuf::from_uninit_writer(16, |out| Ok(out.len() + 1)) };
        assert!(matches!(over, Err(Error::Library { .. })), "{over:?}");
        // SAFETY: an error reports no bytes.
        let failed = unsafe { AlignedBuf::from_uninit_writer(16, |_| Err(Error::Allocation { size: 1 })) };
        assert!(matches!(failed, Err(Error::Allocation { .. })));
    }

    #[test]
    fn short_iterators_leave_zeroes_and_long_ones_are_cut() {
        let buf = AlignedBuf::from_values(5, [7u8, 8]).unwrap();
        assert_eq!(buf.as_slice(), &[7, 8, 0, 0, 0]);
        let buf = AlignedBuf::from_values(2, 1u32..).unwrap();
        assert_eq!(buf.as_slice(), &[1, 0, 0, 0, 2, 0, 0, 0]);
        assert_eq!(buf.len(), 8);
    }

    #[test]
    fn concatenation_writes_every_part() {
        for lens in [vec![], vec![0], vec![3], vec![8, 0, 5], vec![1, 1, 1, 1, 1, 1, 1, 1, 1], vec![1000, 7]] {
            let parts: Vec<Vec<u8>> =
                lens.iter().enumerate().map(|(i, &n)| vec![u8::try_from(i + 1).unwrap(); n]).collect();
            let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
            let mut buf = AlignedBuf::concat(&refs).unwrap();
            assert_eq!(buf.as_slice(), parts.concat().as_slice());
            let n = buf.len();
            buf.resize(n.next_multiple_of(8)).unwrap();
            assert!(buf.as_slice()[n..].iter().all(|&b| b == 0));
        }
    }

    #[test]
    fn padding_past_the_length_is_zero() {
        // AlignedBuf keeps the bytes past `len` in its last word zero: growing exposes them.
        let mut buf = AlignedBuf::from_values(3, [0xFFu8; 3]).unwrap();
        buf.resize(8).unwrap();
        assert_eq!(buf.as_slice(), &[0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn sizes_that_overflow_are_errors() {
        assert!(matches!(AlignedBuf::from_values(usize::MAX, [0u64]), Err(Error::Allocation { .. })));
        assert!(matches!(AlignedBuf::from_values(usize::MAX / 16, [0u64]), Err(Error::Allocation { .. })));
        let err = NdArray::from_values("<f8".parse().unwrap(), vec![usize::MAX, 2], [0f64]).unwrap_err();
        assert!(matches!(err, Error::ShapeMismatch { .. }), "{err}");
    }

    #[test]
    fn the_item_size_must_match() {
        let err = NdArray::from_values("<f8".parse().unwrap(), vec![2], [0f32, 1.0]).unwrap_err();
        assert!(matches!(err, Error::UnsupportedDType { .. }), "{err}");
        let a = NdArray::from_values("<i2".parse().unwrap(), vec![2, 2], [1i16, -2, 3, -4]).unwrap();
        assert_eq!(a.as_slice::<i16>().unwrap(), &[1, -2, 3, -4]);
        let empty = NdArray::from_values("<f8".parse().unwrap(), vec![0, 3], std::iter::empty::<f64>()).unwrap();
        assert!(empty.as_bytes().is_empty());
    }
}
