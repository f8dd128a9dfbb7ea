#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    AlignedBuf, ArrayViewMut, ByteOrder, Codec, DType, DTypeKind, Data, DataRef, DecodeOptions, Error, NdArray, Result,
    StaticCodec,
};
use zarrcodecs_kernels::cast::{self, Arith, Block, Element, NumType, Scalar, BLOCK};
use zarrcodecs_kernels::dispatch;

/// The configuration of [`Delta`]: numcodecs' `{"dtype": ..., "astype": ...}`.
/// `astype` may be missing or `null` (then it is `dtype`); it is always written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeltaConfig {
    /// The dtype of the decoded data.
    pub dtype: DType,
    /// The dtype of the encoded data (`None`: `dtype`).
    #[serde(default)]
    pub astype: Option<DType>,
}

/// numcodecs' `Delta` (id `delta`): the first element, then the differences between
/// adjacent elements, computed in `dtype` and cast to `astype`; decoding is the
/// cumulative sum. The output is one-dimensional, as numcodecs' is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delta {
    dtype: DType,
    astype: DType,
    /// How the pair of dtypes is computed.
    mode: Mode,
    /// The numeric type of `dtype`; `None` for bool (`|b1`).
    t: Option<NumType>,
    /// The numeric type of `astype`; `None` for bool (`|b1`).
    a: Option<NumType>,
}

/// How [`Delta`] computes over its pair of dtypes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Bool, integer and float dtypes: `t` and `a` describe them.
    Numeric,
    /// A complex dtype (`c8`, `c16`) with a complex, bool, integer or float one: the
    /// real and imaginary parts are computed as two float arrays, as numpy does.
    Complex,
    /// Two `timedelta64` dtypes of the same unit: int64 arithmetic in which `NaT`
    /// (the smallest int64) absorbs every operand, as numpy's.
    Timedelta,
    /// Any other pair numpy builds (datetime64, bytes, str, void, mixes of
    /// timedelta64 with other kinds): refused at encode and decode.
    Unsupported,
}

/// The numeric type of a dtype, `None` for bool and every non-numeric kind.
fn numeric(dtype: DType) -> Option<NumType> {
    NumType::of(dtype)
}

/// Whether `dtype` takes part in [`Mode::Numeric`] or [`Mode::Complex`] arithmetic.
fn is_plain(dtype: DType) -> bool {
    dtype.kind() == DTypeKind::Bool || NumType::of(dtype).is_some()
}

/// The float type of one part of a complex dtype.
fn component(dtype: DType) -> Option<NumType> {
    match (dtype.kind(), dtype.itemsize()) {
        (DTypeKind::Complex, 8) => Some(NumType::F4),
        (DTypeKind::Complex, 16) => Some(NumType::F8),
        _ => None,
    }
}

/// The float dtype (`dtype`'s byte order) of one part of the complex `dtype`.
fn component_dtype(dtype: DType, f: NumType) -> DType {
    f.native_dtype().with_byte_order(dtype.byte_order())
}

/// The real and imaginary parts of the complex elements in `src` (component `f`,
/// each `f.itemsize()` bytes, in the dtype's byte order).
fn split_parts(src: &[u8], f: NumType) -> (Vec<u8>, Vec<u8>) {
    let sz = f.itemsize();
    let (mut re, mut im) = (Vec::with_capacity(src.len() / 2), Vec::with_capacity(src.len() / 2));
    for c in src.chunks_exact(2 * sz) {
        re.extend_from_slice(&c[..sz]);
        im.extend_from_slice(&c[sz..]);
    }
    (re, im)
}

/// Interleaves real and imaginary parts of `sz` bytes each into `dst`.
fn join_parts(re: &[u8], im: &[u8], sz: usize, dst: &mut [u8]) {
    for ((o, r), i) in dst.chunks_exact_mut(2 * sz).zip(re.chunks_exact(sz)).zip(im.chunks_exact(sz)) {
        o[..sz].copy_from_slice(r);
        o[sz..].copy_from_slice(i);
    }
}

/// One float part of a complex value, added with x86's NaN rule made explicit
/// (Rust's `+` lets the compiler swap the operands).
trait Part: cast::Element {
    /// `self + b` as x86's `addss`/`addsd` with `self` the first operand: a NaN
    /// operand is returned quieted, `self` when both are NaN.
    fn add_first(self, b: Self) -> Self;
}

impl Part for f32 {
    fn add_first(self, b: f32) -> f32 {
        match (self.is_nan(), b.is_nan()) {
            (true, _) => f32::from_bits(self.to_bits() | 0x0040_0000),
            (false, true) => f32::from_bits(b.to_bits() | 0x0040_0000),
            _ => self + b,
        }
    }
}

impl Part for f64 {
    fn add_first(self, b: f64) -> f64 {
        match (self.is_nan(), b.is_nan()) {
            (true, _) => f64::from_bits(self.to_bits() | 0x0008_0000_0000_0000),
            (false, true) => f64::from_bits(b.to_bits() | 0x0008_0000_0000_0000),
            _ => self + b,
        }
    }
}

/// The running sum of one part of complex values (native bytes of `W`), as numpy's
/// complex `add.accumulate` computes it: the first element copied, then the sum so
/// far plus each element. The operand order decides which NaN payload is kept when
/// both are NaN: numpy 2.4's `complex64` loop keeps the element's, its `complex128`
/// loop (like its float loops) the sum's.
fn complex_cumsum_part<W: Part>(src: &[u8], dst: &mut [u8], element_first: bool) -> Result<()> {
    let x = cast::native::<W>(src, false)?;
    let mut s: Option<W> = None;
    let sums: Vec<W> = x
        .iter()
        .map(|&v| {
            let next = s.map_or(v, |acc| if element_first { v.add_first(acc) } else { acc.add_first(v) });
            s = Some(next);
            next
        })
        .collect();
    cast::store(&sums, dst, false);
    Ok(())
}

/// numpy's `timedelta64` `NaT`.
const NAT: i64 = i64::MIN;

/// The int64 values of `timedelta64` elements stored in `dtype`'s byte order.
fn load_i64(src: &[u8], dtype: DType) -> impl Iterator<Item = i64> + '_ {
    let big = dtype.byte_order() == ByteOrder::Big;
    src.chunks_exact(8).map(move |c| {
        let b: [u8; 8] = c.try_into().unwrap_or_default();
        if big {
            i64::from_be_bytes(b)
        } else {
            i64::from_le_bytes(b)
        }
    })
}

/// Stores int64 values in `dtype`'s byte order.
fn store_i64(values: impl Iterator<Item = i64>, dtype: DType, dst: &mut [u8]) {
    let big = dtype.byte_order() == ByteOrder::Big;
    for (o, v) in dst.chunks_exact_mut(8).zip(values) {
        o.copy_from_slice(&if big { v.to_be_bytes() } else { v.to_le_bytes() });
    }
}

/// numpy's truth value of one element (`bytes`) of a bool, integer or float dtype
/// whose type is `ty` (`None`: bool), in the dtype's byte order: not zero (for floats,
/// any bit but the sign: `-0.0` is false, NaN true).
fn truth(bytes: &[u8], ty: Option<NumType>, order: ByteOrder) -> bool {
    match ty {
        Some(t) if t.is_float() => {
            let sign = if order == ByteOrder::Big { 0 } else { bytes.len() - 1 };
            bytes.iter().enumerate().any(|(i, &b)| if i == sign { b & 0x7f != 0 } else { b != 0 })
        }
        _ => bytes.iter().any(|&b| b != 0),
    }
}

/// The 0/1 bytes of `|b1` elements (numpy reads any non-zero byte as `True`).
fn bools(src: &[u8]) -> impl Iterator<Item = u8> + '_ {
    src.iter().map(|&b| u8::from(b != 0))
}

/// Loads the previous element (`bytes`, one element) into `prev`'s native bytes.
fn load_one<T: Element>(bytes: &[u8], swap: bool, prev: &mut u64) {
    cast::load::<T>(bytes, &mut bytemuck::cast_slice_mut::<u64, T>(std::slice::from_mut(prev))[..1], swap);
}

/// The exact value of the element stored in `bytes`.
fn first_scalar<T: Element>(bytes: &[u8], swap: bool) -> Scalar {
    let mut v = [T::default()];
    cast::load::<T>(bytes, &mut v, swap);
    v[0].scalar()
}

/// `out[i] = x[i] - x[i - 1]` over one block, `x[-1]` being `prev`; `prev` becomes the
/// block's last element.
fn diff_block<T: Arith>(x: &[T], d: &mut [T], prev: &mut T) {
    if let (Some(d0), Some(&x0)) = (d.first_mut(), x.first()) {
        *d0 = x0.np_sub(*prev);
    }
    for ((o, a), b) in d.iter_mut().skip(1).zip(&x[1..]).zip(x.iter()) {
        *o = a.np_sub(*b);
    }
    if let Some(&last) = x.last() {
        *prev = last;
    }
}

/// `d[0] = x[0]`, `d[i] = x[i] - x[i - 1]`: the whole encoding when no cast is needed.
fn diff_direct<T: Arith>(x: &[T], d: &mut [T]) {
    if let (Some(d0), Some(&x0)) = (d.first_mut(), x.first()) {
        *d0 = x0;
    }
    zarrcodecs_kernels::cpu::with_best_cpu(
        #[inline(always)]
        || {
            for ((o, a), b) in d.iter_mut().skip(1).zip(&x[1..]).zip(x.iter()) {
                *o = a.np_sub(*b);
            }
        },
    );
}

/// [`diff_direct`] into a new array of `dtype` (whose type is `T`, native): each
/// difference written once (no zero-fill first).
fn diff_new<T: Arith>(x: &[T], dtype: DType) -> Result<NdArray> {
    let mut prev = T::default();
    // The first difference (from zero) is replaced by the first element itself below.
    let diffs = x.iter().map(move |&v| {
        let d = v.np_sub(prev);
        prev = v;
        d
    });
    let mut out = NdArray::from_values(dtype, vec![x.len()], diffs)?;
    if let (Some(d0), Some(&x0)) = (out.as_mut_slice::<T>()?.first_mut(), x.first()) {
        *d0 = x0;
    }
    Ok(out)
}

/// `d[i] = x[0] + ... + x[i]`, summed in order as numpy does: the whole decoding when
/// no cast is needed.
fn cumsum_direct<T: Arith>(x: &[T], d: &mut [T]) {
    let Some((&x0, rest)) = x.split_first() else { return };
    let mut s = x0;
    if let Some(d0) = d.first_mut() {
        *d0 = s;
    }
    for (o, v) in d.iter_mut().skip(1).zip(rest) {
        s = s.np_add(*v);
        *o = s;
    }
}

/// [`cumsum_direct`] into a new array of `dtype` (whose type is `T`, native), in a
/// buffer from the thread's cache without a zero-fill (every sum is written).
///
/// Not `NdArray::from_values` over a `scan` iterator: that loop kept the running sum
/// on the stack, a store per element beside the output's, and decoding 8 MiB of
/// float64 took 3.6 ms against 0.86 ms for this loop (`perf annotate`: the time on the
/// add's load of the next input), once the output came from the buffer cache.
fn cumsum_new<T: Arith>(x: &[T], dtype: DType) -> Result<NdArray> {
    let mut buf = AlignedBuf::for_overwrite(std::mem::size_of_val(x))?;
    let out = bytemuck::try_cast_slice_mut(buf.as_mut_slice())
        .map_err(|e| Error::library(Delta::CODEC_ID, format_args!("output not aligned for its dtype: {e}")))?;
    cumsum_direct(x, out);
    NdArray::new(buf, dtype, vec![x.len()])
}

/// The running sum over one block (numpy's sequential `add.accumulate`); `acc` holds
/// the sum so far, `first` says the block starts the array (its first element is
/// copied, not added to zero: `-0.0` and NaN payloads stay).
fn cumsum_block<W: Arith>(w: &mut Block, m: usize, acc: &mut u64, first: bool) {
    let v = &mut bytemuck::cast_slice_mut::<u64, W>(w)[..m];
    let a = &mut bytemuck::cast_slice_mut::<u64, W>(std::slice::from_mut(acc))[0];
    let (mut s, rest) = match (first, v.split_first_mut()) {
        (true, Some((v0, rest))) => (*v0, rest),
        _ => (*a, &mut v[..]),
    };
    for x in rest {
        s = s.np_add(*x);
        *x = s;
    }
    *a = s;
}

impl Delta {
    /// The codec for data of `dtype`, encoded as `astype` (`None`: `dtype`).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] if a dtype is the object dtype (`|O`), as numcodecs.
    /// Pairs that are built but not computed (datetime64, bytes, str and void
    /// dtypes, timedelta64 with another kind or unit) fail at encode and decode.
    pub fn new(dtype: DType, astype: Option<DType>) -> Result<Self> {
        Self::from_config(DeltaConfig { dtype, astype })
    }

    /// The decoded dtype.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The encoded dtype.
    pub fn astype(&self) -> DType {
        self.astype
    }

    /// Number of elements of `data` viewed as `dtype` (numpy's `view` rules).
    fn count<'a>(&self, data: &DataRef<'a>, dtype: DType) -> Result<(usize, &'a [u8])> {
        let arr = data.require_array(Self::CODEC_ID)?;
        let shape = cast::view_shape(Self::CODEC_ID, arr.shape(), arr.dtype().itemsize(), dtype)?;
        Ok((shape.iter().product(), arr.as_bytes()))
    }

    /// enc[0] = arr[0]: numpy 2 assigns a scalar to a signed integer array through
    /// Python's int(), which raises when it does not fit; otherwise it is a cast of one
    /// element on its own. `first` holds the first element's bytes.
    fn check_first(&self, first: &[u8]) -> Result<()> {
        // numpy assigns any scalar to a bool array, and a bool to any array.
        let (Some(t), Some(a)) = (self.t, self.a) else { return Ok(()) };
        let swap = self.dtype.byte_order().is_swapped();
        let first = dispatch!(t, T => first_scalar::<T>(first, swap));
        if !first.fits_assignment(a) {
            return Err(Error::unsupported_input(
                Self::CODEC_ID,
                format_args!(
                    "the first element ({first:?}) does not fit in astype {} (numcodecs' `enc[0] = arr[0]` raises \
                     OverflowError or ValueError)",
                    self.astype
                ),
            ));
        }
        Ok(())
    }

    fn encode_into(&self, src: &[u8], dst: &mut [u8]) -> Result<()> {
        match self.mode {
            Mode::Numeric => {}
            Mode::Complex => return self.encode_complex(src, dst),
            Mode::Timedelta => {
                self.encode_timedelta(src, dst);
                return Ok(());
            }
            Mode::Unsupported => return Err(self.unsupported(false)),
        }
        let (t, a) = match (self.t, self.a) {
            (Some(t), Some(a)) => (t, a),
            (None, _) => return self.encode_bools(src, dst),
            (Some(t), None) => return self.encode_to_bools(t, src, dst),
        };
        let (tsz, asz) = (t.itemsize(), a.itemsize());
        if src.len() < tsz {
            return Ok(());
        }
        let swap = self.dtype.byte_order().is_swapped();
        self.check_first(&src[..tsz])?;
        if self.dtype == self.astype && !swap {
            // No cast: differences straight from the input into the output.
            dispatch!(t, T => {
                if let (Ok(x), Ok(d)) =
                    (bytemuck::try_cast_slice::<u8, T>(src), bytemuck::try_cast_slice_mut::<u8, T>(dst))
                {
                    diff_direct(x, d);
                    return Ok(());
                }
            });
        }
        cast::cast_bytes(Self::CODEC_ID, &src[..tsz], self.dtype, &mut dst[..asz], self.astype)?;
        let mut prev = 0u64;
        dispatch!(t, T => load_one::<T>(&src[..tsz], swap, &mut prev));
        // enc[1:] = np.diff(arr): n - 1 differences in dtype, cast to astype as one array.
        let (src, dst) = (&src[tsz..], &mut dst[asz..]);
        dispatch!(t, T => {
            let mut p = bytemuck::cast_slice::<u64, T>(std::slice::from_ref(&prev))[0];
            cast::map_blocks::<T, T>(Self::CODEC_ID, src, self.dtype, dst, self.astype, |x, d| diff_block(x, d, &mut p))?;
        });
        Ok(())
    }

    fn decode_to(&self, src: &[u8], dst: &mut [u8]) -> Result<()> {
        match self.mode {
            Mode::Numeric => {}
            Mode::Complex => return self.decode_complex(src, dst),
            Mode::Timedelta => {
                self.decode_timedelta(src, dst);
                return Ok(());
            }
            Mode::Unsupported => return Err(self.unsupported(true)),
        }
        let (t, a) = match (self.t, self.a) {
            (Some(t), Some(a)) => (t, a),
            (None, None) => {
                Self::decode_bools(src, dst);
                return Ok(());
            }
            (None, Some(a)) => return self.decode_to_bools(a, src, dst),
            (Some(t), None) => return self.decode_from_bools(t, src, dst),
        };
        let (asz, tsz) = (a.itemsize(), t.itemsize());
        // np.cumsum(enc, out=dec) adds in the promoted type of (dtype, astype), then
        // casts to dtype.
        let w = t.promote(a);
        let (wd, wsz) = (w.native_dtype(), w.itemsize());
        if self.dtype == self.astype && !self.dtype.byte_order().is_swapped() {
            // No cast: the running sum straight from the input into the output.
            dispatch!(t, T => {
                if let (Ok(x), Ok(d)) =
                    (bytemuck::try_cast_slice::<u8, T>(src), bytemuck::try_cast_slice_mut::<u8, T>(dst))
                {
                    cumsum_direct(x, d);
                    return Ok(());
                }
            });
        }
        let mut buf: Block = [0; BLOCK];
        let mut acc = 0u64;
        for (i, (sc, dc)) in src.chunks(BLOCK * asz).zip(dst.chunks_mut(BLOCK * tsz)).enumerate() {
            let m = sc.len() / asz;
            let wb = &mut bytemuck::cast_slice_mut::<u64, u8>(&mut buf)[..m * wsz];
            cast::cast_bytes(Self::CODEC_ID, sc, self.astype, wb, wd)?;
            dispatch!(w, W => cumsum_block::<W>(&mut buf, m, &mut acc, i == 0));
            let sums = &bytemuck::cast_slice::<u64, u8>(&buf)[..m * wsz];
            cast::cast_bytes(Self::CODEC_ID, sums, wd, dc, self.dtype)?;
        }
        Ok(())
    }
}

/// numpy's bool cases. `np.diff` of bools is `np.not_equal` (XOR of their truth
/// values); `np.cumsum(enc, out=dec)` adds in the promoted type of `dtype` and
/// `astype`, which for two bools is numpy's bool `add`, a logical OR (the first element
/// is copied unchanged, as numpy's accumulate does), and otherwise the numeric type,
/// whose sums are then cast to bool (non-zero is `True`).
impl Delta {
    /// The same codec between numeric types `dtype` and `astype`.
    fn numeric_pair(dtype: DType, t: NumType, astype: DType, a: NumType) -> Delta {
        Delta { dtype, astype, mode: Mode::Numeric, t: Some(t), a: Some(a) }
    }

    /// Encodes bools (`dtype` `|b1`): the first truth value, then XORs of neighbours,
    /// as 0/1 cast to `astype`.
    fn encode_bools(&self, src: &[u8], dst: &mut [u8]) -> Result<()> {
        let mut prev = 0u8;
        let diffs: Vec<u8> = bools(src)
            .enumerate()
            .map(|(i, b)| {
                let d = if i == 0 { b } else { b ^ prev };
                prev = b;
                d
            })
            .collect();
        if self.a.is_none() {
            dst.copy_from_slice(&diffs);
            return Ok(());
        }
        cast::cast_bytes(Self::CODEC_ID, &diffs, DType::U1, dst, self.astype)
    }

    /// Encodes numbers of type `t` as bools: the truth values of the first element and
    /// of the differences computed in `dtype`.
    fn encode_to_bools(&self, t: NumType, src: &[u8], dst: &mut [u8]) -> Result<()> {
        let tsz = t.itemsize();
        let mut diffs = vec![0u8; src.len() / tsz * tsz];
        Self::numeric_pair(self.dtype, t, self.dtype, t).encode_into(src, &mut diffs)?;
        for (d, o) in diffs.chunks_exact(tsz).zip(dst.iter_mut()) {
            *o = u8::from(truth(d, Some(t), self.dtype.byte_order()));
        }
        Ok(())
    }

    /// Decodes bools to bools: the running OR, the first element copied unchanged.
    fn decode_bools(src: &[u8], dst: &mut [u8]) {
        let mut acc = 0u8;
        for (i, (&e, o)) in src.iter().zip(dst.iter_mut()).enumerate() {
            acc = if i == 0 { e } else { u8::from(acc != 0 || e != 0) };
            *o = acc;
        }
    }

    /// Decodes numbers of type `a` to bools: the running sums in `a`, cast to bool.
    fn decode_to_bools(&self, a: NumType, src: &[u8], dst: &mut [u8]) -> Result<()> {
        let (wd, asz) = (a.native_dtype(), a.itemsize());
        let mut sums = vec![0u8; src.len() / asz * asz];
        Self::numeric_pair(wd, a, self.astype, a).decode_to(src, &mut sums)?;
        for (s, o) in sums.chunks_exact(asz).zip(dst.iter_mut()) {
            *o = u8::from(truth(s, Some(a), wd.byte_order()));
        }
        Ok(())
    }

    /// Decodes bools to numbers of type `t`: the 0/1 values cast to `t`, summed in `t`.
    fn decode_from_bools(&self, t: NumType, src: &[u8], dst: &mut [u8]) -> Result<()> {
        let wd = t.native_dtype();
        let ones: Vec<u8> = bools(src).collect();
        let mut values = vec![0u8; src.len() * t.itemsize()];
        cast::cast_bytes(Self::CODEC_ID, &ones, DType::U1, &mut values, wd)?;
        Self::numeric_pair(self.dtype, t, wd, t).decode_to(&values, dst)
    }
}

/// The pairs outside bool, integer and float arithmetic.
impl Delta {
    /// The error for a pair of dtypes this crate builds but does not compute; says
    /// whether numcodecs fails at the same step (`decode`: decoding, else encoding).
    fn unsupported(&self, decode: bool) -> Error {
        let (d, a) = (self.dtype.kind(), self.astype.kind());
        let text = |k: DTypeKind| matches!(k, DTypeKind::Bytes | DTypeKind::Unicode | DTypeKind::Void);
        let dt = |k: DTypeKind| matches!(k, DTypeKind::Datetime { .. });
        let td = |k: DTypeKind| matches!(k, DTypeKind::Timedelta { .. });
        let inexact = |k: DTypeKind| matches!(k, DTypeKind::Float | DTypeKind::Complex);
        let numcodecs_fails = if decode {
            text(d) || text(a) || dt(d) || dt(a) || (td(d) && inexact(a)) || (td(a) && inexact(d))
        } else {
            text(d)
        };
        let (step, op) = if decode { ("decode", "np.cumsum") } else { ("encode", "np.diff") };
        let why = if numcodecs_fails {
            format!("numcodecs fails here too: numpy's {op} has no loop for these dtypes")
        } else {
            "numcodecs computes this pair with numpy's casts; this crate does not (yet)".to_owned()
        };
        Error::unsupported_input(
            Self::CODEC_ID,
            format_args!("cannot {step} dtype {} with astype {}: {why}", self.dtype, self.astype),
        )
    }

    /// Encodes when a dtype is complex: the differences of the real and imaginary
    /// parts as two float arrays (numpy's complex subtraction is per part), each cast
    /// as numpy casts complex values (to a real type: the real part; to bool: either
    /// part non-zero; from a real type: imaginary part zero).
    fn encode_complex(&self, src: &[u8], dst: &mut [u8]) -> Result<()> {
        let n = src.len() / self.dtype.itemsize();
        // The data as one or two real arrays of dtype `pd`.
        let (re, im, pd) = match component(self.dtype) {
            Some(f) => {
                let (re, im) = split_parts(src, f);
                (re, Some(im), component_dtype(self.dtype, f))
            }
            None => (src.to_vec(), None, self.dtype),
        };
        if let Some(af) = component(self.astype) {
            let (ad, asz) = (component_dtype(self.astype, af), af.itemsize());
            let part = Delta::new(pd, Some(ad))?;
            let (mut er, mut ei) = (vec![0u8; n * asz], vec![0u8; n * asz]);
            part.encode_into(&re, &mut er)?;
            if let Some(im) = &im {
                part.encode_into(im, &mut ei)?;
            }
            join_parts(&er, &ei, asz, dst);
            return Ok(());
        }
        let (Some(f), Some(im)) = (component(self.dtype), im) else {
            return Err(Error::invalid_config(Self::CODEC_ID, "no complex dtype in a complex pair"));
        };
        if self.astype.kind() == DTypeKind::Bool {
            let part = Delta::new(pd, None)?;
            let (mut er, mut ei) = (vec![0u8; re.len()], vec![0u8; im.len()]);
            part.encode_into(&re, &mut er)?;
            part.encode_into(&im, &mut ei)?;
            let order = pd.byte_order();
            let sz = f.itemsize();
            for ((o, r), i) in dst.iter_mut().zip(er.chunks_exact(sz)).zip(ei.chunks_exact(sz)) {
                *o = u8::from(truth(r, Some(f), order) || truth(i, Some(f), order));
            }
            return Ok(());
        }
        Delta::new(pd, Some(self.astype))?.encode_into(&re, dst)
    }

    /// Decodes when a dtype is complex: `np.cumsum` in the complex type that
    /// `dtype` and `astype` promote to, per part, the sums cast to `dtype`.
    fn decode_complex(&self, src: &[u8], dst: &mut [u8]) -> Result<()> {
        let real = |d: DType| component(d).or_else(|| numeric(d));
        let w = match (real(self.dtype), real(self.astype)) {
            (Some(x), Some(y)) => x.promote(y),
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => NumType::F4,
        };
        let (wd, wsz) = (w.native_dtype(), w.itemsize());
        let n = src.len() / self.astype.itemsize();
        // The encoded parts, cast to the working type.
        let (mut er, mut ei) = (vec![0u8; n * wsz], vec![0u8; n * wsz]);
        if let Some(af) = component(self.astype) {
            let ad = component_dtype(self.astype, af);
            let (re, im) = split_parts(src, af);
            cast::cast_bytes(Self::CODEC_ID, &re, ad, &mut er, wd)?;
            cast::cast_bytes(Self::CODEC_ID, &im, ad, &mut ei, wd)?;
        } else if self.astype.kind() == DTypeKind::Bool {
            let ones: Vec<u8> = bools(src).collect();
            cast::cast_bytes(Self::CODEC_ID, &ones, DType::U1, &mut er, wd)?;
        } else {
            cast::cast_bytes(Self::CODEC_ID, src, self.astype, &mut er, wd)?;
        }
        let (mut sr, mut si) = (vec![0u8; n * wsz], vec![0u8; n * wsz]);
        match w {
            NumType::F4 => {
                complex_cumsum_part::<f32>(&er, &mut sr, true)?;
                complex_cumsum_part::<f32>(&ei, &mut si, true)?;
            }
            NumType::F8 => {
                complex_cumsum_part::<f64>(&er, &mut sr, false)?;
                complex_cumsum_part::<f64>(&ei, &mut si, false)?;
            }
            _ => return Err(Error::invalid_config(Self::CODEC_ID, format_args!("no complex type with {w:?} parts"))),
        }
        if let Some(df) = component(self.dtype) {
            let (dd, dsz) = (component_dtype(self.dtype, df), df.itemsize());
            let (mut or, mut oi) = (vec![0u8; n * dsz], vec![0u8; n * dsz]);
            cast::cast_bytes(Self::CODEC_ID, &sr, wd, &mut or, dd)?;
            cast::cast_bytes(Self::CODEC_ID, &si, wd, &mut oi, dd)?;
            join_parts(&or, &oi, dsz, dst);
        } else if self.dtype.kind() == DTypeKind::Bool {
            let order = wd.byte_order();
            for ((o, r), i) in dst.iter_mut().zip(sr.chunks_exact(wsz)).zip(si.chunks_exact(wsz)) {
                *o = u8::from(truth(r, Some(w), order) || truth(i, Some(w), order));
            }
        } else {
            cast::cast_bytes(Self::CODEC_ID, &sr, wd, dst, self.dtype)?;
        }
        Ok(())
    }

    /// Encodes `timedelta64` (one unit): int64 differences, `NaT` where either
    /// neighbour is `NaT`, otherwise wrapping as numpy's.
    fn encode_timedelta(&self, src: &[u8], dst: &mut [u8]) {
        let mut prev: Option<i64> = None;
        let diffs = load_i64(src, self.dtype).map(|x| {
            let d = match prev {
                None => x,
                Some(p) if x == NAT || p == NAT => NAT,
                Some(p) => x.wrapping_sub(p),
            };
            prev = Some(x);
            d
        });
        store_i64(diffs, self.astype, dst);
    }

    /// Decodes `timedelta64` (one unit): the running int64 sum, `NaT` from the first
    /// `NaT` on, otherwise wrapping as numpy's.
    fn decode_timedelta(&self, src: &[u8], dst: &mut [u8]) {
        let mut acc: Option<i64> = None;
        let sums = load_i64(src, self.astype).map(|x| {
            let s = match acc {
                None => x,
                Some(a) if a == NAT || x == NAT => NAT,
                Some(a) => a.wrapping_add(x),
            };
            acc = Some(s);
            s
        });
        store_i64(sums, self.dtype, dst);
    }
}

impl StaticCodec for Delta {
    const CODEC_ID: &'static str = "delta";
    type Config = DeltaConfig;

    fn from_config(config: DeltaConfig) -> Result<Self> {
        let (dtype, astype) = (config.dtype, config.astype.unwrap_or(config.dtype));
        for (key, d) in [("dtype", dtype), ("astype", astype)] {
            if d.is_object() {
                return Err(Error::invalid_config(
                    Self::CODEC_ID,
                    format_args!("{key} {d}: object arrays are not supported (numcodecs raises ValueError)"),
                ));
            }
        }
        let complex_or_plain = |d: DType| is_plain(d) || component(d).is_some();
        let mode = if is_plain(dtype) && is_plain(astype) {
            Mode::Numeric
        } else if complex_or_plain(dtype) && complex_or_plain(astype) {
            Mode::Complex
        } else if matches!(dtype.kind(), DTypeKind::Timedelta { .. }) && dtype.kind() == astype.kind() {
            Mode::Timedelta
        } else {
            Mode::Unsupported
        };
        Ok(Delta { dtype, astype, mode, t: numeric(dtype), a: numeric(astype) })
    }

    fn config(&self) -> DeltaConfig {
        DeltaConfig { dtype: self.dtype, astype: Some(self.astype) }
    }
}

impl Codec for Delta {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let (n, src) = self.count(&data, self.dtype)?;
        let direct = self.mode == Mode::Numeric && self.dtype == self.astype && !self.dtype.byte_order().is_swapped();
        if let (Some(t), true) = (self.t, direct && n > 0) {
            // No cast: the differences straight from the input into a new array.
            self.check_first(&src[..t.itemsize()])?;
            dispatch!(t, T => {
                if let Ok(x) = bytemuck::try_cast_slice::<u8, T>(src) {
                    return Ok(diff_new(x, self.dtype)?.into());
                }
            });
        }
        let mut out = NdArray::zeros(self.astype, vec![n])?;
        self.encode_into(src, out.as_bytes_mut())?;
        Ok(out.into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, _options: &DecodeOptions) -> Result<Data> {
        let (n, src) = self.count(&encoded, self.astype)?;
        let direct = self.mode == Mode::Numeric && self.dtype == self.astype && !self.dtype.byte_order().is_swapped();
        if let (Some(t), true) = (self.t, direct) {
            // No cast: the running sum straight from the input into a new array.
            dispatch!(t, T => {
                if let Ok(x) = bytemuck::try_cast_slice::<u8, T>(src) {
                    return Ok(cumsum_new(x, self.dtype)?.into());
                }
            });
        }
        let mut out = NdArray::zeros(self.dtype, vec![n])?;
        self.decode_to(src, out.as_bytes_mut())?;
        Ok(out.into())
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        let (n, src) = self.count(&encoded, self.astype)?;
        let nbytes = n.checked_mul(self.dtype.itemsize()).ok_or(Error::Allocation { size: usize::MAX })?;
        cast::check_out(Self::CODEC_ID, out.dtype(), out.as_bytes().len(), self.dtype, nbytes)?;
        self.decode_to(src, out.as_bytes_mut())
    }
}

zarrcodecs_core::register_static_codec!(DELTA_REGISTRATION: Delta);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarrcodecs_core::DynCodec;
    use zarrcodecs_core::{testing, CodecExt};

    fn dt(s: &str) -> DType {
        s.parse().unwrap()
    }

    #[test]
    fn configs() {
        let c = Delta::from_json(&json!({"id": "delta", "dtype": "<i4"})).unwrap();
        assert_eq!(c.get_config().unwrap(), json!({"id": "delta", "dtype": "<i4", "astype": "<i4"}));
        testing::assert_config_round_trip(&c);
        let c = Delta::from_json(&json!({"id": "delta", "dtype": "float64", "astype": null})).unwrap();
        assert_eq!(c.get_config().unwrap(), json!({"id": "delta", "dtype": "<f8", "astype": "<f8"}));
        let c = Delta::from_json(&json!({"id": "delta", "dtype": ">i2", "astype": "|i1"})).unwrap();
        testing::assert_config_round_trip(&c);
        // Bool, as numcodecs' fixture/delta/bool.
        let c = Delta::from_json(&json!({"id": "delta", "dtype": "|b1"})).unwrap();
        assert_eq!(c.get_config().unwrap(), json!({"id": "delta", "dtype": "|b1", "astype": "|b1"}));
        testing::assert_config_round_trip(
            &Delta::from_json(&json!({"id": "delta", "dtype": ">f8", "astype": "|b1"})).unwrap(),
        );
        // numcodecs builds every dtype but the object one, and fails at encode or
        // decode where numpy has no subtract or add loop.
        for (d, a) in [("<c16", "<c8"), ("<m8[ns]", "<m8[ns]"), ("<M8[ns]", "<M8[ns]"), ("|S4", "|S4"), ("<U1", "<i4")]
        {
            let c = Delta::from_json(&json!({"id": "delta", "dtype": d, "astype": a})).unwrap();
            testing::assert_config_round_trip(&c);
        }
        testing::assert_configs_rejected::<Delta>(&[
            json!({"id": "delta"}),
            json!({"id": "delta", "astype": "<i4"}),
            json!({"id": "delta", "dtype": "|O"}),
            json!({"id": "delta", "dtype": "<f8", "astype": "|O"}),
            json!({"id": "delta", "dtype": "<i4", "offset": 1}),
            json!({"id": "delta", "dtype": "<i5"}),
            json!({"id": "quantize", "dtype": "<f8"}),
        ]);
    }

    #[test]
    fn numcodecs_docstring_example() {
        // numcodecs' docstring: Delta(dtype='i2', astype='i1') on arange(100, 120, 2).
        let c = Delta::new(dt("<i2"), Some(dt("|i1"))).unwrap();
        let x: Vec<u8> = (100i16..120).step_by(2).flat_map(|v| v.to_le_bytes()).collect();
        let input = NdArray::from_bytes(&x, dt("<i2"), vec![2, 5]).unwrap();
        let e = c.encode(DataRef::from(&input)).unwrap().into_array().unwrap();
        assert_eq!((e.dtype(), e.shape()), (dt("|i1"), &[10][..]));
        assert_eq!(e.as_slice::<i8>().unwrap(), &[100, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
        let d = c.decode(DataRef::from(&e)).unwrap().into_array().unwrap();
        assert_eq!(d.as_bytes(), &x[..]);
    }

    #[test]
    fn round_trips_and_errors() {
        for a in testing::sample_arrays() {
            let Some(_) = NumType::of(a.dtype()) else { continue };
            let c = Delta::new(a.dtype(), None).unwrap();
            let e = c.encode(DataRef::from(&a)).unwrap().into_array().unwrap();
            assert_eq!(e.shape(), &[a.len()]);
            let d = c.decode(DataRef::from(&e)).unwrap().into_array().unwrap();
            if matches!(NumType::of(a.dtype()), Some(t) if !t.is_float()) {
                // Integers wrap around both ways: exact.
                assert_eq!(d.as_bytes(), a.as_bytes(), "{}", a.dtype());
            }
            let mut out = vec![0u8; a.as_bytes().len()];
            c.decode_into(DataRef::from(&e), &mut ArrayViewMut::new(&mut out, a.dtype(), vec![a.len()]).unwrap())
                .unwrap();
            assert_eq!(out, d.as_bytes());
            let mut long = vec![0u8; a.as_bytes().len() + 1];
            let r = c.decode_bytes_into(e.as_bytes(), &mut long);
            assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })), "{r:?}");
        }
        let c = Delta::new(dt("<f8"), None).unwrap();
        assert!(matches!(c.encode_bytes(&[0; 12]), Err(Error::UnsupportedInput { .. })));
        assert!(matches!(c.decode_bytes(&[0; 9]), Err(Error::UnsupportedInput { .. })));
        let mut out = [0u8; 8];
        let r =
            c.decode_into(DataRef::from(&[0u8; 8][..]), &mut ArrayViewMut::new(&mut out, dt("<i8"), vec![1]).unwrap());
        assert!(matches!(r, Err(Error::UnsupportedDType { .. })));
        // Bools: XOR to encode; running OR (the first byte copied) to decode, which is
        // not the input again, as in numcodecs.
        let b = Delta::new(dt("|b1"), None).unwrap();
        let e = b.encode_bytes(&[0, 2, 1, 3, 0, 1]).unwrap();
        assert_eq!((e.dtype(), e.as_bytes()), (dt("|b1"), &[0u8, 1, 0, 0, 1, 1][..]));
        assert_eq!(b.decode_bytes(&[2, 0, 0, 3, 0]).unwrap().as_bytes(), &[2, 1, 1, 1, 1]);
        let mut out = [9u8; 3];
        b.decode_into(DataRef::from(&[0u8, 0, 5][..]), &mut ArrayViewMut::new(&mut out, dt("|b1"), vec![3]).unwrap())
            .unwrap();
        assert_eq!(out, [0, 0, 1]);
        // Pairs numcodecs builds and numpy cannot compute: errors at the same step.
        let m = Delta::new(dt("<M8[ns]"), Some(dt("<i8"))).unwrap();
        let r = m.decode_bytes(&[0; 8]);
        assert!(
            matches!(&r, Err(Error::UnsupportedInput { reason, .. }) if reason.contains("fails here too")),
            "{r:?}"
        );
        assert!(m.encode_bytes(&[0; 8]).is_err());
        let s = Delta::new(dt("|S2"), None).unwrap();
        let r = s.encode_bytes(&[0; 4]);
        assert!(
            matches!(&r, Err(Error::UnsupportedInput { reason, .. }) if reason.contains("fails here too")),
            "{r:?}"
        );
        // Complex: per part; timedelta64: NaT absorbs.
        let z = Delta::new(dt("<c8"), None).unwrap();
        let x: Vec<u8> = [1f32, 2., 4., -1., 4., 3.].iter().flat_map(|v| v.to_le_bytes()).collect();
        let e = z.encode_bytes(&x).unwrap();
        assert_eq!(
            e.as_bytes().chunks(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect::<Vec<_>>(),
            [1., 2., 3., -3., 0., 4.]
        );
        assert_eq!(z.decode(DataRef::from(&e)).unwrap().into_array().unwrap().as_bytes(), &x[..]);
        let t = Delta::new(dt("<m8[s]"), None).unwrap();
        let x: Vec<u8> = [5i64, 7, i64::MIN, 9].iter().flat_map(|v| v.to_le_bytes()).collect();
        let e = t.encode_bytes(&x).unwrap();
        let vals = |b: &[u8]| b.chunks(8).map(|c| i64::from_le_bytes(c.try_into().unwrap())).collect::<Vec<_>>();
        assert_eq!(vals(e.as_bytes()), [5, 2, i64::MIN, i64::MIN]);
        assert_eq!(vals(t.decode_bytes(e.as_bytes()).unwrap().as_bytes()), [5, 7, i64::MIN, i64::MIN]);
        // numcodecs raises IndexError on an empty array; we return an empty one.
        assert_eq!(c.encode_bytes(&[]).unwrap().len(), 0);
        assert_eq!(c.decode_bytes(&[]).unwrap().len(), 0);
    }
}
