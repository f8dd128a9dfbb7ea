#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    AlignedBuf, ArrayViewMut, Codec, DType, Data, DataRef, DecodeOptions, Error, NdArray, Result, StaticCodec,
};

/// The configuration of [`PackBits`]: numcodecs' `PackBits` takes no options (`{}`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackBitsConfig {}

/// numcodecs' `PackBits` (id `packbits`): the input's bytes as booleans (non-zero is
/// `True`, as numpy's `.view(bool)` and `np.packbits` treat them), flattened, packed 8
/// to a byte with the first element in the most significant bit; the encoded `|u1`
/// array starts with one byte holding the number of padding bits (0 to 7) of the last
/// byte. Decoding gives a flat `|b1` array.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PackBits;

impl PackBits {
    /// The codec (it has no options).
    pub fn new() -> Self {
        PackBits
    }
}

impl StaticCodec for PackBits {
    const CODEC_ID: &'static str = "packbits";
    type Config = PackBitsConfig;

    fn from_config(_: PackBitsConfig) -> Result<Self> {
        Ok(PackBits)
    }

    fn config(&self) -> PackBitsConfig {
        PackBitsConfig {}
    }
}

zarrcodecs_core::register_static_codec!(PACKBITS_REGISTRATION: PackBits);

/// `0x01` in every byte.
const ONES: u64 = 0x0101_0101_0101_0101;

/// `0x01` in every byte of a `u32`.
const ONES32: u32 = 0x0101_0101;

/// Each byte of `x` becomes 1 if it is non-zero, else 0.
#[inline(always)]
fn normalise(x: u32) -> u32 {
    // The low 7 bits plus 0x7f carry into bit 7 iff they are non-zero; or in bit 7 itself.
    let low = (x & !(ONES32 << 7)).wrapping_add(ONES32 * 0x7f);
    ((low | x) >> 7) & ONES32
}

/// The four 0/1 bytes of `x` (a little-endian load) as 4 bits, the first byte in bit
/// 3: the product puts byte `i`'s bit at bit `8i + 9j` for each `j`, all distinct (so
/// nothing carries), and `i + j = 3` lands it on bit `27 - i`, the only ones in bits
/// 24 to 31. A 32-bit multiply is one instruction for 8 lanes with AVX2.
#[inline(always)]
fn pack4(x: u32) -> u32 {
    x.wrapping_mul(0x0804_0201) >> 24
}

/// A little-endian `u32` from 4 bytes.
#[inline(always)]
fn le32(c: &[u8]) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(c);
    u32::from_le_bytes(a)
}

/// `np.packbits` of eight elements whose bytes are 0 or 1.
#[inline(always)]
#[allow(clippy::cast_possible_truncation)] // 8 bits
fn pack8_01(c: &[u8]) -> u8 {
    ((pack4(le32(&c[..4])) << 4) | pack4(le32(&c[4..8]))) as u8
}

/// `np.packbits` of eight elements of any byte values (non-zero is set).
#[inline(always)]
#[allow(clippy::cast_possible_truncation)] // 8 bits
fn pack8(c: &[u8]) -> u8 {
    ((pack4(normalise(le32(&c[..4]))) << 4) | pack4(normalise(le32(&c[4..8])))) as u8
}

/// Input bytes per block of [`pack`]: checked once for bytes other than 0 and 1.
const PACK_BLOCK: usize = 512;

/// Packs `bits` (one byte per element, non-zero is set) into `out`
/// (`out.len() == bits.len().div_ceil(8)`), `np.packbits` order, zero padded.
fn pack(bits: &[u8], out: &mut [u8]) {
    let full = bits.len() / 8;
    let (body, rest) = bits.split_at(full * 8);
    let (out_body, out_rest) = out.split_at_mut(full.min(out.len()));
    zarrcodecs_kernels::cpu::with_best_cpu(
        #[inline(always)]
        || {
            for (o, c) in out_body.chunks_mut(PACK_BLOCK / 8).zip(body.chunks(PACK_BLOCK)) {
                // Booleans are 0 or 1: skip the normalisation when a block has no other byte.
                let any = c.chunks_exact(4).fold(0, |a, w| a | le32(w));
                if any & !ONES32 == 0 {
                    for (o, w) in o.iter_mut().zip(c.chunks_exact(8)) {
                        *o = pack8_01(w);
                    }
                } else {
                    for (o, w) in o.iter_mut().zip(c.chunks_exact(8)) {
                        *o = pack8(w);
                    }
                }
            }
        },
    );
    if !rest.is_empty() {
        let mut a = [0u8; 8];
        a[..rest.len()].copy_from_slice(rest);
        if let Some(o) = out_rest.first_mut() {
            *o = pack8(&a);
        }
    }
}

/// Byte `k` of the result is bit `7 - k` of `p`: one 0/1 byte per bit, first bit
/// first. The product holds `p << 9j` for each `j` (no overlaps, so no carries); bit
/// `8k + 7` comes from `j = k` only and is bit `7 - k` of `p`.
#[inline(always)]
fn spread(p: u8) -> u64 {
    (u64::from(p).wrapping_mul(0x8040_2010_0804_0201) >> 7) & ONES
}

/// Unpacks the bytes of `packed` into `out` (0/1 bytes, first bit first), writing only
/// `out.len()` (at most `8 * packed.len()`) of them.
fn unpack(packed: &[u8], out: &mut [u8]) {
    let full = (out.len() / 8).min(packed.len());
    let (body, rest) = out.split_at_mut(full * 8);
    zarrcodecs_kernels::cpu::with_best_cpu(
        #[inline(always)]
        || {
            for (c, &p) in body.chunks_exact_mut(8).zip(packed) {
                c.copy_from_slice(&spread(p).to_le_bytes());
            }
        },
    );
    if let Some(&p) = packed.get(full) {
        let n = rest.len().min(8);
        rest[..n].copy_from_slice(&spread(p).to_le_bytes()[..n]);
    }
}

/// Reads numcodecs' header: the number of decoded elements.
fn decoded_len(encoded: &[u8]) -> Result<usize> {
    let codec = PackBits::CODEC_ID;
    let Some((&padding, packed)) = encoded.split_first() else {
        return Err(Error::corrupt(codec, "the input is empty: it has no padding byte"));
    };
    if padding > 7 {
        return Err(Error::corrupt(codec, format_args!("{padding} padding bits: at most 7 pad the last byte")));
    }
    if padding > 0 && packed.is_empty() {
        return Err(Error::corrupt(codec, format_args!("{padding} padding bits but no packed bytes")));
    }
    packed
        .len()
        .checked_mul(8)
        .map(|n| n - usize::from(padding))
        .ok_or_else(|| Error::corrupt(codec, "the input is too large"))
}

impl Codec for PackBits {
    /// Packs the bytes of any numeric array (numcodecs views it as `bool`: each byte is
    /// one element, non-zero is `True`) into a flat `|u1` array.
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let bits = data.require_bytes(Self::CODEC_ID)?;
        let packed = bits.len().div_ceil(8);
        let mut out = AlignedBuf::zeroed(packed + 1)?;
        let (header, body) = out.as_mut_slice().split_at_mut(1);
        header[0] = [0, 7, 6, 5, 4, 3, 2, 1][bits.len() % 8];
        pack(bits, body);
        Ok(NdArray::from_buf(out).into())
    }

    /// Unpacks into a flat `|b1` array; the encoded array's bytes are read whatever its
    /// dtype (numcodecs views it as `u1`). A padding count above 7, or padding without
    /// packed bytes, is [`Error::Corrupt`] (numcodecs silently returns too few or no
    /// elements), as is the empty input (numcodecs raises `IndexError`).
    fn decode_with(&self, encoded: DataRef<'_>, _options: &DecodeOptions) -> Result<Data> {
        let enc = encoded.require_bytes(Self::CODEC_ID)?;
        let n = decoded_len(enc)?;
        // `decoded_len` checked that the packed bytes cover all `n` booleans, and
        // `unpack` writes each of them: no zero-fill first.
        let mut out = AlignedBuf::for_overwrite(n)?;
        unpack(&enc[1..], out.as_mut_slice());
        Ok(NdArray::new(out, bool_dtype(), vec![n])?.into())
    }

    /// Unpacks straight into `out` (any dtype: numcodecs views the booleans as `out`'s
    /// dtype), which must hold exactly the decoded number of bytes.
    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        let enc = encoded.require_bytes(Self::CODEC_ID)?;
        let n = decoded_len(enc)?;
        let dst = out.as_bytes_mut();
        if dst.len() != n {
            return Err(Error::OutputSizeMismatch { codec: Self::CODEC_ID.into(), expected: dst.len(), actual: n });
        }
        unpack(&enc[1..], dst);
        Ok(())
    }
}

fn bool_dtype() -> DType {
    DType::new(zarrcodecs_core::DTypeKind::Bool, zarrcodecs_core::ByteOrder::NotApplicable, 1).unwrap_or(DType::U1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarrcodecs_core::testing::{self, Rng};
    use zarrcodecs_core::DynCodec;
    use zarrcodecs_core::{CodecExt, Object, ObjectArray};

    #[test]
    fn configs() {
        testing::assert_config_round_trip(&PackBits);
        assert_eq!(PackBits.get_config().unwrap(), json!({"id": "packbits"}));
        assert!(PackBits::from_json(&json!({})).is_ok());
        testing::assert_configs_rejected::<PackBits>(&[
            json!({"id": "packbits", "bitorder": "big"}),
            json!({"id": "packbits", "n": 1}),
            json!({"id": "packbit"}),
        ]);
    }

    /// The kernels against `np.packbits`' definition, every length up to 300 and bytes
    /// other than 0 and 1.
    #[test]
    fn kernels_match_the_definition() {
        let mut rng = Rng::new(3);
        // Past 300: several blocks of the encoder, some only 0 and 1, some not.
        for n in (0..300).chain([511, 512, 513, 1024, 1500, 2047, 2051, 4100]) {
            let mut bits = rng.bytes(n);
            if n % 2 == 0 {
                bits.iter_mut().for_each(|b| *b &= 1);
            } else if n > 300 {
                bits.iter_mut().take(1024).for_each(|b| *b &= 1);
            }
            let enc = PackBits.encode_bytes(&bits).unwrap();
            let mut want = vec![u8::try_from((8 - n % 8) % 8).unwrap()];
            for chunk in bits.chunks(8) {
                want.push(chunk.iter().enumerate().fold(0u8, |acc, (i, &b)| acc | (u8::from(b != 0) << (7 - i))));
            }
            assert_eq!(enc.as_bytes(), &want[..], "n = {n}");
            let dec = PackBits.decode_bytes(enc.as_bytes()).unwrap();
            assert_eq!(dec.dtype().to_string(), "|b1");
            assert_eq!(dec.shape(), &[n]);
            let expect: Vec<u8> = bits.iter().map(|&b| u8::from(b != 0)).collect();
            assert_eq!(dec.as_bytes(), &expect[..]);
            let mut out = vec![0xAAu8; n];
            PackBits.decode_bytes_into(enc.as_bytes(), &mut out).unwrap();
            assert_eq!(out, expect);
            for wrong in [n + 1, n.wrapping_sub(1)] {
                if wrong <= 400 {
                    let mut out = vec![0u8; wrong];
                    let r = PackBits.decode_bytes_into(enc.as_bytes(), &mut out);
                    assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })), "{r:?}");
                }
            }
        }
    }

    /// Every sample array encodes (numcodecs views any dtype as bool) and decodes to its
    /// bytes as booleans.
    #[test]
    fn sample_arrays() {
        for a in testing::sample_arrays() {
            let enc = PackBits.encode(DataRef::from(&a)).unwrap().into_array().unwrap();
            assert_eq!(enc.dtype(), DType::U1);
            let dec = PackBits.decode(DataRef::from(&enc)).unwrap().into_array().unwrap();
            let expect: Vec<u8> = a.as_bytes().iter().map(|&b| u8::from(b != 0)).collect();
            assert_eq!(dec.as_bytes(), &expect[..], "{} {:?}", a.dtype(), a.shape());
        }
    }

    #[test]
    fn corrupt_headers() {
        for bad in [&[][..], &[8, 0][..], &[255][..], &[1][..], &[7][..], &[9, 1, 2][..]] {
            let r = PackBits.decode_bytes(bad);
            assert!(matches!(r, Err(Error::Corrupt { .. })), "{bad:?}: {r:?}");
        }
        // No padding and no data: the empty array.
        assert_eq!(PackBits.decode_bytes(&[0]).unwrap().shape(), &[0]);
        assert_eq!(PackBits.decode_bytes(&[7, 0x80]).unwrap().as_bytes(), &[1]);
        testing::assert_rejects_truncation(&PackBits, &[]);
    }

    #[test]
    fn object_arrays_are_refused() {
        let o = ObjectArray::from_items(vec![Object::Bool(true)]);
        for r in [PackBits.encode(DataRef::from(&o)), PackBits.decode(DataRef::from(&o))] {
            assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{r:?}");
        }
    }
}
