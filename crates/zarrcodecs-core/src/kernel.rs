//! Building blocks for fast element kernels, the only `unsafe` code in this crate.
//!
//! Two things made the numeric filters slower than numpy, both measured with
//! `cargo xtask bench` and `perf` (see `docs/architecture.md`, "Kernels"):
//!
//! - Zero-filling an output buffer and then overwriting it: up to a quarter of an
//!   allocating encode. [`AlignedBuf::from_values`], [`AlignedBuf::concat`] and
//!   [`NdArray::from_values`] write each byte once into fresh memory.
//! - Code built for the baseline x86-64 (SSE2) while numpy picks AVX2/AVX-512 loops at
//!   run time. [`with_best_cpu`] runs a closure in a copy compiled for AVX2 + FMA when
//!   the CPU has them, so the same safe, portable kernel gets wide vectors.

#![allow(unsafe_code)]

use std::mem::MaybeUninit;

use crate::array::words_for;
use crate::{AlignedBuf, DType, Error, NdArray, Result};

/// Runs `f`, compiled for AVX2, FMA, BMI1/2, LZCNT and POPCNT (x86-64-v3) if the CPU
/// has them, else as built. Returns what `f` returns.
///
/// Put a kernel's loop in `f` and mark the functions it calls `#[inline(always)]` (or
/// `#[inline]` for small ones): code inlined into the dispatched copy is compiled for
/// the wider vectors; code behind a call that is not inlined runs as built. The result
/// must not depend on which copy ran: use it for operations whose results are exactly
/// defined (integer arithmetic, IEEE-754 `+ - * /`, conversions), never for
/// `mul_add`-style fused operations that the compiler would not otherwise emit.
///
/// ```
/// let src = [1.5f64, -2.25, 3.0];
/// let doubled: Vec<f64> = zarrcodecs_core::kernel::with_best_cpu(|| src.iter().map(|x| x * 2.0).collect());
/// assert_eq!(doubled, [3.0, -4.5, 6.0]);
/// ```
#[inline]
pub fn with_best_cpu<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
        fn v3<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        if has_v3() {
            // SAFETY: `v3` only requires the CPU features that `has_v3` has just checked
            // are present; it calls `f` and nothing else.
            return unsafe { v3(f) };
        }
    }
    f()
}

/// Whether [`with_best_cpu`] runs its closure in the x86-64-v3 copy on this CPU. A
/// kernel may pick an instruction that is fast there and a library call on the
/// baseline (e.g. `f64::round_ties_even`) on this, as long as both give the same values.
#[inline]
pub fn has_best_cpu() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        has_v3()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(target_arch = "x86_64")]
fn has_v3() -> bool {
    use std::sync::OnceLock;
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| {
        std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
            && std::arch::is_x86_feature_detected!("bmi1")
            && std::arch::is_x86_feature_detected!("bmi2")
            && std::arch::is_x86_feature_detected!("lzcnt")
            && std::arch::is_x86_feature_detected!("popcnt")
    })
}

/// An empty vector with room for the `nwords` words that hold `len` bytes, the last of
/// them (if any) already written as zero: AlignedBuf keeps the bytes past its length
/// zero, and writers only write bytes `0..len`.
#[inline(always)]
fn words_with_zero_tail(len: usize) -> Result<(Vec<u64>, usize)> {
    let nwords = words_for(len);
    let mut words: Vec<u64> = Vec::new();
    words.try_reserve_exact(nwords).map_err(|_| Error::Allocation { size: len })?;
    if let Some(last) = words.spare_capacity_mut()[..nwords].last_mut() {
        last.write(0);
    }
    Ok((words, nwords))
}

impl AlignedBuf {
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
            // SAFETY: `dst` is `part.len()` writable bytes of our own new allocation, so it
            // cannot overlap `part`; `MaybeUninit<u8>` has the layout of `u8`.
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

    #[test]
    #[allow(clippy::cast_possible_truncation)] // the values are small
    fn dispatched_code_gives_the_same_results() {
        let src: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.37 - 100.0).collect();
        let plain: Vec<i32> = src.iter().map(|x| x.round_ties_even() as i32).collect();
        let fast: Vec<i32> = with_best_cpu(|| src.iter().map(|x| x.round_ties_even() as i32).collect());
        assert_eq!(plain, fast);
    }
}
