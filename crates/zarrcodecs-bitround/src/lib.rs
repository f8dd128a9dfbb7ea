#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    AlignedBuf, ArrayView, ArrayViewMut, ByteOrder, Codec, DTypeKind, Data, DataRef, DecodeOptions, Decoded, Error,
    NdArray, Result, StaticCodec,
};

/// The configuration of [`BitRound`]: numcodecs' `{"keepbits": 10}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BitRoundConfig {
    /// The number of mantissa bits to keep: 0 or more. At most the mantissa width of
    /// the data's dtype (10 for `<f2`, 23 for `<f4`, 52 for `<f8`), which is checked
    /// when encoding, as numcodecs does.
    pub keepbits: i64,
}

/// numcodecs' `BitRound` (id `bitround`): rounds the mantissa of native-endian `f2`,
/// `f4`, `f8` data to `keepbits` bits (round half to even on the integer bit pattern)
/// and returns the integer view (`<i2`, `<i4`, `<i8`). Decoding is the identity on the
/// bytes, viewed back as floats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BitRound {
    keepbits: i64,
}

/// The mantissa width numcodecs allows for a float item size.
fn mantissa_bits(itemsize: usize) -> Option<u32> {
    match itemsize {
        2 => Some(10),
        4 => Some(23),
        8 => Some(52),
        _ => None,
    }
}

impl BitRound {
    /// A codec keeping `keepbits` mantissa bits.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] if `keepbits` is negative, as numcodecs raises.
    pub fn new(keepbits: i64) -> Result<Self> {
        if keepbits < 0 {
            return Err(Error::invalid_config(
                Self::CODEC_ID,
                format_args!("keepbits must be zero or positive, got {keepbits}"),
            ));
        }
        // Anything above 52 is accepted here and refused by every encode, as in numcodecs.
        Ok(BitRound { keepbits })
    }

    /// The number of mantissa bits kept.
    pub fn keepbits(&self) -> i64 {
        self.keepbits
    }
}

impl StaticCodec for BitRound {
    const CODEC_ID: &'static str = "bitround";
    type Config = BitRoundConfig;

    fn from_config(config: BitRoundConfig) -> Result<Self> {
        Self::new(config.keepbits)
    }

    fn config(&self) -> BitRoundConfig {
        BitRoundConfig { keepbits: self.keepbits }
    }
}

zarrcodecs_core::register_static_codec!(BITROUND_REGISTRATION: BitRound);

macro_rules! round_kernel {
    ($name:ident, $new:ident, $u:ty, $n:expr) => {
        /// The rounding of native-endian items in place into a new buffer (each value
        /// written once, no zero-fill first).
        fn $new(src: &[$u], maskbits: u32) -> Result<AlignedBuf> {
            let mask: $u = <$u>::MAX << maskbits;
            let half: $u = (1 << (maskbits - 1)) - 1;
            AlignedBuf::from_values(src.len(), src.iter().map(|&b| b.wrapping_add(((b >> maskbits) & 1) + half) & mask))
        }

        /// Rounds each native-endian item of `src` into `dst` (same length, a multiple
        /// of the item size): numcodecs' `b += ((b >> m) & 1) + (1 << (m - 1)) - 1;
        /// b &= mask` with wrapping integer arithmetic, `1 <= m < bits`.
        fn $name(src: &[u8], dst: &mut [u8], maskbits: u32) {
            let mask: $u = <$u>::MAX << maskbits;
            let half: $u = (1 << (maskbits - 1)) - 1;
            for (d, s) in dst.chunks_exact_mut($n).zip(src.chunks_exact($n)) {
                let mut a = [0u8; $n];
                a.copy_from_slice(s);
                let b = <$u>::from_ne_bytes(a);
                let r = b.wrapping_add(((b >> maskbits) & 1) + half) & mask;
                d.copy_from_slice(&r.to_ne_bytes());
            }
        }
    };
}

round_kernel!(round16, round16_new, u16, 2);
round_kernel!(round32, round32_new, u32, 4);
round_kernel!(round64, round64_new, u64, 8);

impl Codec for BitRound {
    /// Takes native-endian `f2`, `f4` or `f8` arrays (numcodecs looks the mantissa width
    /// up by the dtype's name, so byte-swapped floats are refused there too) and
    /// returns the rounded integer view of the same shape; with `keepbits` equal to the
    /// mantissa width it returns the floats unchanged, as numcodecs does.
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let a = data.require_array(Self::CODEC_ID)?;
        let dtype = a.dtype();
        let bits = match (dtype.kind(), dtype.byte_order(), mantissa_bits(dtype.itemsize())) {
            (DTypeKind::Float, ByteOrder::NATIVE, Some(bits)) => bits,
            _ => {
                return Err(Error::UnsupportedDType {
                    codec: Self::CODEC_ID.into(),
                    dtype,
                    reason: "only native-endian float arrays (f2, f4, f8) can be bit-rounded".into(),
                })
            }
        };
        if self.keepbits == i64::from(bits) {
            return Ok(a.try_to_owned()?.into());
        }
        if self.keepbits > i64::from(bits) {
            return Err(Error::UnsupportedDType {
                codec: Self::CODEC_ID.into(),
                dtype,
                reason: format!("keepbits {} is more than its {bits} mantissa bits", self.keepbits),
            });
        }
        // 0 <= keepbits < bits here, so the shift is 1..=bits.
        let maskbits = bits - u32::try_from(self.keepbits).unwrap_or(0);
        let src = a.as_bytes();
        // Aligned input (the usual case) as typed values; any other through bytes.
        let typed = match dtype.itemsize() {
            2 => a.as_slice::<u16>().ok().map(|x| round16_new(x, maskbits)),
            4 => a.as_slice::<u32>().ok().map(|x| round32_new(x, maskbits)),
            _ => a.as_slice::<u64>().ok().map(|x| round64_new(x, maskbits)),
        };
        let out = match typed {
            Some(out) => out?,
            None => {
                let mut out = AlignedBuf::zeroed(src.len())?;
                let dst = out.as_mut_slice();
                match dtype.itemsize() {
                    2 => round16(src, dst, maskbits),
                    4 => round32(src, dst, maskbits),
                    _ => round64(src, dst, maskbits),
                }
                out
            }
        };
        let int = zarrcodecs_core::DType::new(DTypeKind::Int, dtype.byte_order(), dtype.itemsize())?;
        Ok(NdArray::new(out, int, a.shape().to_vec())?.into())
    }

    /// Returns the data unchanged, with `i2`/`i4`/`i8` viewed as `f2`/`f4`/`f8` (the
    /// same byte order); other dtypes come back as they are, `|i1` is refused (numcodecs
    /// cannot view it as `|f1`).
    fn decode_with(&self, encoded: DataRef<'_>, _options: &DecodeOptions) -> Result<Data> {
        let a = encoded.require_array(Self::CODEC_ID)?;
        let dtype = decoded_dtype(a)?;
        Ok(NdArray::from_bytes(a.as_bytes(), dtype, a.shape().to_vec())?.into())
    }

    /// The input itself, viewed as the decoded dtype (as numcodecs' decode returns its
    /// input): no copy.
    fn decode_borrowed_with<'a>(&self, encoded: DataRef<'a>, _options: &DecodeOptions) -> Result<Decoded<'a>> {
        let a = encoded.require_array(Self::CODEC_ID)?;
        let dtype = decoded_dtype(a)?;
        Ok(Decoded::Borrowed(DataRef::Array(ArrayView::new(a.as_bytes(), dtype, a.shape().to_vec())?)))
    }

    /// Copies the bytes into `out` (numcodecs views them as `out`'s dtype, whatever it
    /// is); its size must be the encoded size.
    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        let a = encoded.require_array(Self::CODEC_ID)?;
        decoded_dtype(a)?;
        zarrcodecs_core::copy_decoded(Self::CODEC_ID, a.as_bytes(), out.as_bytes_mut())
    }
}

/// numcodecs' `np.dtype(buf.dtype.str.replace("i", "f"))`.
fn decoded_dtype(a: &ArrayView<'_>) -> Result<zarrcodecs_core::DType> {
    let dtype = a.dtype();
    if dtype.kind() != DTypeKind::Int {
        return Ok(dtype);
    }
    zarrcodecs_core::DType::new(DTypeKind::Float, dtype.byte_order(), dtype.itemsize()).map_err(|_| {
        Error::UnsupportedDType {
            codec: BitRound::CODEC_ID.into(),
            dtype,
            reason: "numcodecs views integers as floats of the same size, and there is no 1-byte float".into(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarrcodecs_core::testing;
    use zarrcodecs_core::DynCodec;
    use zarrcodecs_core::{DType, Object, ObjectArray};

    /// `decode_borrowed` is `decode` without the copy: the same array, borrowed, and
    /// the same refusals.
    #[test]
    fn decode_borrowed_is_decode_in_place() {
        let codec = BitRound::new(10).unwrap();
        for (dtype, bytes) in [("<f4", 16usize), ("<f8", 24), ("<i4", 8), ("<u2", 6), ("|u1", 5), (">f8", 16)] {
            let dtype: DType = dtype.parse().unwrap();
            let raw: Vec<u8> = (0u8..).take(bytes).collect();
            let input = ArrayView::new(&raw, dtype, vec![bytes / dtype.itemsize()]).unwrap();
            let owned = codec.decode(DataRef::Array(input.clone()));
            let borrowed = codec.decode_borrowed(DataRef::Array(input.clone()));
            match (owned, borrowed) {
                (Ok(o), Ok(b)) => {
                    assert!(b.is_borrowed(), "{dtype}");
                    assert_eq!(b.view(), o.view(), "{dtype}");
                    assert_eq!(b.as_bytes().unwrap().as_ptr(), raw.as_ptr(), "{dtype}");
                }
                (Err(_), Err(_)) => {}
                (o, b) => panic!("{dtype}: decode {o:?}, decode_borrowed {b:?}"),
            }
        }
        let raw = [1u8, 2];
        let i1 = ArrayView::new(&raw, "|i1".parse().unwrap(), vec![2]).unwrap();
        assert!(codec.decode_borrowed(DataRef::Array(i1)).is_err());
        let objects = ObjectArray::from_items(vec![Object::None]);
        assert!(codec.decode_borrowed(DataRef::from(&objects)).is_err());
    }

    #[test]
    fn configs() {
        testing::assert_config_round_trip(&BitRound::new(10).unwrap());
        testing::assert_config_round_trip(&BitRound::new(0).unwrap());
        // Accepted as numcodecs accepts it; every encode refuses it.
        testing::assert_config_round_trip(&BitRound::new(1 << 40).unwrap());
        assert_eq!(BitRound::new(7).unwrap().get_config().unwrap(), json!({"id": "bitround", "keepbits": 7}));
        testing::assert_configs_rejected::<BitRound>(&[
            json!({"id": "bitround", "keepbits": -1}),
            json!({"id": "bitround", "keepbits": i64::MIN}),
            json!({"id": "bitround"}),
            json!({"id": "bitround", "keepbits": 3.0}),
            json!({"id": "bitround", "keepbits": "3"}),
            json!({"id": "bitround", "keepbits": 3, "dtype": "<f4"}),
        ]);
        assert!(matches!(BitRound::new(-5), Err(Error::InvalidConfig { .. })));
    }

    /// Over every sample array: native floats are rounded (idempotently: rounding a
    /// rounded value changes nothing), every other dtype is refused.
    #[test]
    fn sample_arrays() {
        for keepbits in [0, 1, 4, 9, 10, 11, 22, 23, 24, 51, 52, 53] {
            let codec = BitRound::new(keepbits).unwrap();
            for a in testing::sample_arrays() {
                let dtype = a.dtype();
                let r = codec.encode(DataRef::from(&a));
                let native_float = dtype.kind() == DTypeKind::Float && dtype.byte_order() == ByteOrder::NATIVE;
                let bits = mantissa_bits(dtype.itemsize()).map(i64::from);
                if !native_float || bits < Some(keepbits) {
                    assert!(matches!(r, Err(Error::UnsupportedDType { .. })), "{keepbits} {dtype}: {r:?}");
                    continue;
                }
                let enc = r.unwrap().into_array().unwrap();
                assert_eq!(enc.shape(), a.shape());
                let want = if bits == Some(keepbits) { dtype.to_string() } else { dtype.to_string().replace('f', "i") };
                assert_eq!(enc.dtype().to_string(), want);
                let dec = codec.decode(DataRef::from(&enc)).unwrap().into_array().unwrap();
                assert_eq!((dec.dtype(), dec.shape(), dec.as_bytes()), (dtype, a.shape(), enc.as_bytes()));
                let again = codec.encode(DataRef::from(&dec)).unwrap().into_array().unwrap();
                assert_eq!(again.as_bytes(), enc.as_bytes(), "{keepbits} {dtype}: idempotent");
                let mut out = NdArray::zeros(dtype, a.shape().to_vec()).unwrap();
                codec.decode_into(DataRef::from(&enc), &mut out.view_mut()).unwrap();
                assert_eq!(out.as_bytes(), enc.as_bytes());
                let mut wrong = vec![0u8; enc.as_bytes().len() + 1];
                let r = codec.decode_into(DataRef::from(&enc), &mut ArrayViewMut::from_bytes(&mut wrong));
                assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })), "{r:?}");
            }
        }
    }

    /// Against the definition on f64 values: keep `k` bits, round half to even.
    #[test]
    fn rounds_half_to_even() {
        let codec = BitRound::new(1).unwrap();
        // 1 + 1/4 lies halfway between 1 and 1.5 with one kept bit: to even (1).
        // 1 + 3/4 lies halfway between 1.5 and 2: to even (2). 1 + 1/4 + 2^-52: up to 1.5.
        let input = [1.25f64, 1.75, 1.25 + f64::EPSILON, -1.75, 0.0];
        let bytes: Vec<u8> = input.iter().flat_map(|v| v.to_ne_bytes()).collect();
        let a = NdArray::from_bytes(&bytes, "=f8".parse::<DType>().unwrap(), vec![5]).unwrap();
        let enc = codec.encode(DataRef::from(&a)).unwrap().into_array().unwrap();
        let got: Vec<f64> = enc.as_slice::<u64>().unwrap().iter().map(|&i| f64::from_bits(i)).collect();
        assert_eq!(got, [1.0, 2.0, 1.5, -2.0, 0.0]);
    }

    #[test]
    fn object_arrays_are_refused() {
        let o = ObjectArray::from_items(vec![Object::Float(1.0)]);
        let codec = BitRound::new(3).unwrap();
        for r in [codec.encode(DataRef::from(&o)), codec.decode(DataRef::from(&o))] {
            assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{r:?}");
        }
    }
}
