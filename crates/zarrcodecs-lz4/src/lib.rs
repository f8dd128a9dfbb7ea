#![doc = include_str!("../README.md")]

mod block;

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    AlignedBuf, ArrayViewMut, Codec, Data, DataRef, DecodeOptions, Error, NdArray, Result, StaticCodec,
};

/// The configuration of [`Lz4`]: numcodecs' `{"acceleration": 1}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lz4Config {
    /// LZ4's acceleration: higher is faster and compresses less. Any 32-bit integer, as
    /// in numcodecs: values below 1 act as 1 and values above 65537 as 65537. Default 1.
    #[serde(default = "default_acceleration")]
    pub acceleration: i32,
}

fn default_acceleration() -> i32 {
    1
}

/// The size of numcodecs' header: the decoded size, 4 bytes little-endian.
const HEADER: usize = 4;

/// The most bytes one byte of an LZ4 block can decode to.
///
/// A sequence with a match is a token, an offset (2 bytes) and `m` extra match-length
/// bytes (3 + m input bytes) and copies at most 4 + 15 + 255·m bytes, which is less
/// than 255·(3 + m); each literal costs one input byte (plus its length bytes). So a
/// block of `n` bytes decodes to less than 255·n bytes.
const MAX_RATIO: usize = 255;

/// numcodecs' `LZ4` (id `lz4`): a 4-byte little-endian decoded size, then one LZ4 block
/// written by `LZ4_compress_fast`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lz4 {
    acceleration: i32,
}

impl Lz4 {
    /// A codec with the given acceleration (any value: below 1 acts as 1, above 65537
    /// as 65537, as in numcodecs).
    pub fn new(acceleration: i32) -> Self {
        Lz4 { acceleration }
    }

    /// The acceleration, as configured.
    pub fn acceleration(&self) -> i32 {
        self.acceleration
    }
}

impl Default for Lz4 {
    /// numcodecs' default: acceleration 1.
    fn default() -> Self {
        Lz4::new(default_acceleration())
    }
}

impl StaticCodec for Lz4 {
    const CODEC_ID: &'static str = "lz4";
    type Config = Lz4Config;

    fn from_config(config: Lz4Config) -> Result<Self> {
        Ok(Self::new(config.acceleration))
    }

    fn config(&self) -> Lz4Config {
        Lz4Config { acceleration: self.acceleration }
    }
}

zarrcodecs_core::register_static_codec!(LZ4_REGISTRATION: Lz4);

/// Splits numcodecs' frame into the declared size and the block, checking that the
/// block could decode to that many bytes.
fn parse(input: &[u8]) -> Result<(usize, &[u8])> {
    let codec = Lz4::CODEC_ID;
    let (header, block) = match input {
        [a, b, c, d, block @ ..] => ([*a, *b, *c, *d], block),
        _ => {
            return Err(Error::corrupt(codec, format_args!("{} bytes is shorter than the 4-byte header", input.len())))
        }
    };
    let declared = u32::from_le_bytes(header) as usize;
    if declared > block.len().saturating_mul(MAX_RATIO) {
        return Err(Error::corrupt(
            codec,
            format_args!("the header declares {declared} bytes, more than a {}-byte block can hold", block.len()),
        ));
    }
    Ok((declared, block))
}

impl Codec for Lz4 {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let input = data.require_bytes(Self::CODEC_ID)?;
        if input.len() > block::MAX_INPUT_SIZE {
            return Err(Error::unsupported_input(
                Self::CODEC_ID,
                format_args!("LZ4 takes at most {} bytes, got {}", block::MAX_INPUT_SIZE, input.len()),
            ));
        }
        // The length fits: it is at most MAX_INPUT_SIZE.
        let header: [u8; HEADER] = u32::try_from(input.len()).unwrap_or(u32::MAX).to_le_bytes();
        let out = block::compress_new(Self::CODEC_ID, &header, input, self.acceleration)?;
        Ok(NdArray::from_buf(out).into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let (declared, block) = parse(encoded.require_bytes(Self::CODEC_ID)?)?;
        let limit = options.decoded_size_limit();
        if declared > limit {
            return Err(Error::DecodedSizeLimit {
                codec: Self::CODEC_ID.into(),
                size: declared as u64,
                limit: limit as u64,
            });
        }
        // LZ4 writes every byte or the block is refused (it must decode to exactly the
        // declared size): no zero-fill needed.
        let mut out = AlignedBuf::for_overwrite(declared)?;
        block::decompress(Self::CODEC_ID, block, out.as_mut_slice())?;
        Ok(NdArray::from_buf(out).into())
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        let (declared, block) = parse(encoded.require_bytes(Self::CODEC_ID)?)?;
        let out = out.as_bytes_mut();
        // No decoded-size limit here: nothing is allocated, and the caller's buffer
        // bounds the size (a declared size other than its length is refused).
        if declared != out.len() {
            return Err(Error::OutputSizeMismatch {
                codec: Self::CODEC_ID.into(),
                expected: out.len(),
                actual: declared,
            });
        }
        block::decompress(Self::CODEC_ID, block, out)
    }
}

/// The decoded size declared in the header of an `lz4` buffer, if it has one.
///
/// # Errors
/// [`Error::Corrupt`] if `encoded` is shorter than the header or the block is too short
/// to decode to the declared size.
pub fn declared_size(encoded: &[u8]) -> Result<usize> {
    parse(encoded).map(|(declared, _)| declared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarrcodecs_core::testing;
    use zarrcodecs_core::{CodecExt, DynCodec};

    #[test]
    fn round_trips() {
        for acceleration in [i32::MIN, -1, 0, 1, 2, 10, 100, 65537, i32::MAX] {
            testing::assert_bytes_round_trip(&Lz4::new(acceleration));
        }
    }

    #[test]
    fn configs() {
        testing::assert_config_round_trip(&Lz4::new(7));
        testing::assert_config_round_trip(&Lz4::new(-3));
        assert_eq!(Lz4::from_json(&json!({"id": "lz4"})).unwrap().acceleration(), 1);
        assert_eq!(Lz4::default().get_config().unwrap(), json!({"id": "lz4", "acceleration": 1}));
        let bad = [
            json!({"id": "lz4", "acceleration": 2_147_483_648_i64}),
            json!({"id": "lz4", "acceleration": -2_147_483_649_i64}),
            json!({"id": "lz4", "acceleration": "1"}),
            json!({"id": "lz4", "acceleration": 1.5}),
            json!({"id": "lz4", "acceleration": true}),
            json!({"id": "lz4", "acceleration": null}),
            json!({"id": "lz4", "acceleration": 1, "level": 1}),
            json!({"id": "zlib", "acceleration": 1}),
            json!("lz4"),
        ];
        testing::assert_configs_rejected::<Lz4>(&bad);
    }

    #[test]
    fn empty_input_as_numcodecs_writes_it() {
        // numcodecs 0.15.2 encodes b"" as this (and cannot decode it itself).
        let c = Lz4::default();
        assert_eq!(c.encode_bytes(b"").unwrap().as_bytes(), [0, 0, 0, 0, 0]);
        assert!(c.decode_bytes(&[0, 0, 0, 0, 0]).unwrap().as_bytes().is_empty());
        c.decode_bytes_into(&[0, 0, 0, 0, 0], &mut []).unwrap();
        assert!(matches!(c.decode_bytes(&[0, 0, 0, 0]), Err(Error::Corrupt { .. })));
    }

    #[test]
    fn truncated_and_corrupt_inputs_are_errors() {
        let data: Vec<u8> = (0..5000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        let c = Lz4::default();
        let encoded = c.encode_bytes(&data).unwrap();
        testing::assert_rejects_truncation(&c, encoded.as_bytes());
        for bad in [&b""[..], b"\x01", b"\x00\x00\x00", b"\x05\x00\x00\x00\x50abcd", b"\x05\x00\x00\x00\x50abcdexyz"] {
            assert!(matches!(c.decode_bytes(bad), Err(Error::Corrupt { .. })), "{bad:?}");
        }
        assert_eq!(c.decode_bytes(b"\x05\x00\x00\x00\x50abcde").unwrap().as_bytes(), b"abcde");
    }

    #[test]
    fn lying_sizes() {
        let c = Lz4::default();
        // Fewer bytes than declared.
        assert!(matches!(c.decode_bytes(b"\x06\x00\x00\x00\x50abcde"), Err(Error::Corrupt { .. })));
        let mut out = [0u8; 6];
        assert!(matches!(c.decode_bytes_into(b"\x06\x00\x00\x00\x50abcde", &mut out), Err(Error::Corrupt { .. })));
        // More than declared.
        assert!(matches!(c.decode_bytes(b"\x04\x00\x00\x00\x50abcde"), Err(Error::Corrupt { .. })));
        // More than the block could ever hold: refused before allocating.
        for header in [u32::MAX, 1 << 31, 6 * 255 + 1] {
            let mut e = header.to_le_bytes().to_vec();
            e.extend_from_slice(b"\x50abcde");
            assert!(matches!(c.decode_bytes(&e), Err(Error::Corrupt { .. })), "{header}");
            assert!(matches!(declared_size(&e), Err(Error::Corrupt { .. })));
        }
        // Plausible for the block, but over the limit.
        let limited = DecodeOptions::default().with_decoded_size_limit(1000);
        let big = c.encode_bytes(&vec![0u8; 100_000]).unwrap();
        assert_eq!(declared_size(big.as_bytes()).unwrap(), 100_000);
        assert!(matches!(
            c.decode_with(DataRef::from(big.as_bytes()), &limited),
            Err(Error::DecodedSizeLimit { size: 100_000, limit: 1000, .. })
        ));
        let fits = c.encode_bytes(&[0u8; 1000]).unwrap();
        assert!(c.decode_with(DataRef::from(fits.as_bytes()), &limited).is_ok());
        let just_over = c.encode_bytes(&[0u8; 1001]).unwrap();
        assert!(matches!(
            c.decode_with(DataRef::from(just_over.as_bytes()), &limited),
            Err(Error::DecodedSizeLimit { .. })
        ));
        // The default limit accepts it.
        assert_eq!(c.decode_bytes(big.as_bytes()).unwrap().as_bytes().len(), 100_000);
        // decode_into checks the declared size against the buffer first.
        let mut small = vec![0u8; 99_999];
        assert!(matches!(c.decode_bytes_into(big.as_bytes(), &mut small), Err(Error::OutputSizeMismatch { .. })));
    }

    #[test]
    fn the_ratio_bound_admits_lz4s_best_case() {
        // Zeros compress best; their block must stay within MAX_RATIO.
        let data = vec![0u8; 1 << 24];
        for acceleration in [1, 65537] {
            let e = Lz4::new(acceleration).encode_bytes(&data).unwrap();
            let block = e.as_bytes().len() - HEADER;
            assert!(data.len() <= block * MAX_RATIO);
            assert_eq!(Lz4::default().decode_bytes(e.as_bytes()).unwrap().as_bytes(), &data[..]);
        }
    }
}
