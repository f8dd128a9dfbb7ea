#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    ArrayViewMut, ByteOrder, Codec, DType, DTypeKind, Data, DataRef, DecodeOptions, Error, NdArray, Result, StaticCodec,
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
    /// The numeric type of `dtype`; `None` for bool (`|b1`).
    t: Option<NumType>,
    /// The numeric type of `astype`; `None` for bool (`|b1`).
    a: Option<NumType>,
}

/// The numeric type of a dtype, `None` for bool.
fn numeric(dtype: DType, key: &str) -> Result<Option<NumType>> {
    if dtype.kind() == DTypeKind::Bool {
        return Ok(None);
    }
    NumType::of(dtype).map(Some).ok_or_else(|| {
        Error::invalid_config(
            Delta::CODEC_ID,
            format_args!(
                "{key} {dtype} is not supported: only bool (b1), integer (i1..i8, u1..u8) and float (f2, f4, f8) \
                 dtypes"
            ),
        )
    })
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

/// [`cumsum_direct`] of floats into a new array of `dtype` (whose type is `T`, native):
/// each sum written once (no zero-fill first). The sums are sequential, so the loop
/// is as fast here as in the dispatched copy. (For integers the zero-fill and the plain
/// loop measured faster than this iterator.)
fn cumsum_new<T: Arith>(x: &[T], dtype: DType) -> Result<NdArray> {
    if !T::TYPE.is_float() {
        let mut s = T::default();
        return NdArray::from_values(
            dtype,
            vec![x.len()],
            x.iter().map(move |&v| {
                s = s.np_add(v);
                s
            }),
        );
    }
    let Some((&x0, rest)) = x.split_first() else { return NdArray::zeros(dtype, vec![0]) };
    let sums = rest.iter().scan(x0, |s, &v| {
        *s = s.np_add(v);
        Some(*s)
    });
    NdArray::from_values(dtype, vec![x.len()], std::iter::once(x0).chain(sums))
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
    /// [`Error::InvalidConfig`] if a dtype is not a bool, integer or float dtype.
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
        Delta { dtype, astype, t: Some(t), a: Some(a) }
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

impl StaticCodec for Delta {
    const CODEC_ID: &'static str = "delta";
    type Config = DeltaConfig;

    fn from_config(config: DeltaConfig) -> Result<Self> {
        let astype = config.astype.unwrap_or(config.dtype);
        let t = numeric(config.dtype, "dtype")?;
        let a = numeric(astype, "astype")?;
        Ok(Delta { dtype: config.dtype, astype, t, a })
    }

    fn config(&self) -> DeltaConfig {
        DeltaConfig { dtype: self.dtype, astype: Some(self.astype) }
    }
}

impl Codec for Delta {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let (n, src) = self.count(&data, self.dtype)?;
        if let (Some(t), true) = (self.t, self.dtype == self.astype && !self.dtype.byte_order().is_swapped() && n > 0) {
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
        if let (Some(t), true) = (self.t, self.dtype == self.astype && !self.dtype.byte_order().is_swapped()) {
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
        testing::assert_configs_rejected::<Delta>(&[
            json!({"id": "delta"}),
            json!({"id": "delta", "astype": "<i4"}),
            json!({"id": "delta", "dtype": "|O"}),
            json!({"id": "delta", "dtype": "<f8", "astype": "|O"}),
            json!({"id": "delta", "dtype": "<c16"}),
            json!({"id": "delta", "dtype": "<M8[ns]"}),
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
        // numcodecs raises IndexError on an empty array; we return an empty one.
        assert_eq!(c.encode_bytes(&[]).unwrap().len(), 0);
        assert_eq!(c.decode_bytes(&[]).unwrap().len(), 0);
    }
}
