#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use numcodecs_core::{AlignedBuf, ArrayViewMut, Codec, DType, Data, DataRef, Error, NdArray, Result, StaticCodec};
use serde::{Deserialize, Serialize};

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

numcodecs_core::register_static_codec!(PACKBITS_REGISTRATION: PackBits);

/// `0x01` in every byte.
const ONES: u64 = 0x0101_0101_0101_0101;

/// Byte `i` of the result is bit `7 - i` of `byte`: one 0/1 byte per bit, first bit
/// first.
const fn spread(byte: u8) -> u64 {
    let mut out = 0u64;
    let mut i = 0;
    while i < 8 {
        out |= (((byte >> (7 - i)) & 1) as u64) << (8 * i);
        i += 1;
    }
    out
}

#[allow(clippy::cast_possible_truncation)] // i < 256
const SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = spread(i as u8);
        i += 1;
    }
    t
};

/// Each byte of `x` becomes 1 if it is non-zero, else 0.
#[inline]
fn normalise(x: u64) -> u64 {
    // The low 7 bits plus 0x7f carry into bit 7 iff they are non-zero; or in bit 7 itself.
    let low = (x & !(ONES << 7)).wrapping_add(ONES * 0x7f);
    ((low | x) >> 7) & ONES
}

/// `np.packbits` of eight elements loaded as a little-endian `u64`: each byte becomes
/// 0 or 1, then three shift-or steps move byte `i`'s bit to bit `63 - i` (the first
/// element in the most significant bit of the top byte; every bit lands on a distinct
/// position, so nothing else reaches the top byte). Shifts and ors only, so the loop
/// over chunks vectorises.
#[inline]
#[allow(clippy::cast_possible_truncation)] // the top byte of a u64
fn pack8(x: u64) -> u8 {
    let mut x = normalise(x);
    x |= x << 9;
    x |= x << 18;
    x |= x << 36;
    (x >> 56) as u8
}

/// Packs `bits` (one byte per element, non-zero is set) into `out`
/// (`out.len() == bits.len().div_ceil(8)`), `np.packbits` order, zero padded.
fn pack(bits: &[u8], out: &mut [u8]) {
    let mut chunks = bits.chunks_exact(8);
    for (c, o) in (&mut chunks).zip(out.iter_mut()) {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        *o = pack8(u64::from_le_bytes(a));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut a = [0u8; 8];
        a[..rest.len()].copy_from_slice(rest);
        if let Some(o) = out.last_mut() {
            *o = pack8(u64::from_le_bytes(a));
        }
    }
}

/// Unpacks the bytes of `packed` into `out` (0/1 bytes, first bit first), writing only
/// `out.len()` (at most `8 * packed.len()`) of them.
fn unpack(packed: &[u8], out: &mut [u8]) {
    let full = out.len() / 8;
    let mut chunks = out.chunks_exact_mut(8);
    for (c, &p) in (&mut chunks).zip(packed) {
        c.copy_from_slice(&SPREAD[usize::from(p)].to_le_bytes());
    }
    let rest = chunks.into_remainder();
    if let Some(&p) = packed.get(full) {
        let n = rest.len();
        rest.copy_from_slice(&SPREAD[usize::from(p)].to_le_bytes()[..n]);
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
    fn codec_id(&self) -> &str {
        Self::CODEC_ID
    }

    fn get_config(&self) -> serde_json::Value {
        self.config_json()
    }

    /// Packs the bytes of any numeric array (numcodecs views it as `bool`: each byte is
    /// one element, non-zero is `True`) into a flat `|u1` array.
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let bits = data.expect_bytes(Self::CODEC_ID)?;
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
    fn decode(&self, encoded: DataRef<'_>) -> Result<Data> {
        let enc = encoded.expect_bytes(Self::CODEC_ID)?;
        let n = decoded_len(enc)?;
        let mut out = AlignedBuf::zeroed(n)?;
        unpack(&enc[1..], out.as_mut_slice());
        Ok(NdArray::new(out, bool_dtype(), vec![n])?.into())
    }

    /// Unpacks straight into `out` (any dtype: numcodecs views the booleans as `out`'s
    /// dtype), which must hold exactly the decoded number of bytes.
    fn decode_into(&self, encoded: DataRef<'_>, out: &mut ArrayViewMut<'_>) -> Result<()> {
        let enc = encoded.expect_bytes(Self::CODEC_ID)?;
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
    DType::new(numcodecs_core::DTypeKind::Bool, numcodecs_core::ByteOrder::NotApplicable, 1).unwrap_or(DType::U1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use numcodecs_core::testing::{self, Rng};
    use numcodecs_core::{CodecExt, Object, ObjectArray};
    use serde_json::json;

    #[test]
    fn configs() {
        testing::assert_config_round_trip(&PackBits);
        assert_eq!(PackBits.get_config(), json!({"id": "packbits"}));
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
        for n in 0..300 {
            let mut bits = rng.bytes(n);
            if n % 2 == 0 {
                bits.iter_mut().for_each(|b| *b &= 1);
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
