#![doc = include_str!("../README.md")]

mod stream;

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    AlignedBuf, ArrayViewMut, Codec, Data, DataRef, DecodeOptions, DecodeSink, Error, NdArray, Result, StaticCodec,
};

use stream::{End, Stream};

/// The configuration of [`Bz2`]: numcodecs' `{"level": 1}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bz2Config {
    /// Compression level, 1 to 9: the block size in units of 100 kB. Default 1.
    #[serde(default = "default_level")]
    pub level: i32,
}

fn default_level() -> i32 {
    1
}

/// numcodecs' `BZ2` (id `bz2`): a bzip2 stream, as Python's `bz2.compress(buf, level)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bz2 {
    level: i32,
}

impl Bz2 {
    /// A codec with the given level (1 to 9 to encode). As numcodecs, which stores any
    /// level, other levels build a codec that decodes (the stream names its own block
    /// size) and refuses to encode, where Python's `bz2` raises `ValueError`.
    ///
    /// # Errors
    /// None today (kept for configurations a later version may refuse).
    pub fn new(level: i32) -> Result<Self> {
        Ok(Bz2 { level })
    }

    /// The compression level.
    pub fn level(&self) -> i32 {
        self.level
    }
}

impl Default for Bz2 {
    /// numcodecs' default: level 1.
    fn default() -> Self {
        Bz2 { level: default_level() }
    }
}

impl StaticCodec for Bz2 {
    const CODEC_ID: &'static str = "bz2";
    type Config = Bz2Config;

    fn from_config(config: Bz2Config) -> Result<Self> {
        Self::new(config.level)
    }

    fn config(&self) -> Bz2Config {
        Bz2Config { level: self.level }
    }
}

zarrcodecs_core::register_static_codec!(BZ2_REGISTRATION: Bz2);

/// Decompresses `input` as Python's `bz2.decompress` does: one stream after another
/// until the input ends; after the first stream, bytes that are not a valid stream
/// (libbzip2 reports a data error) end decoding and are ignored, together with what
/// that stream had produced; a stream cut short is an error. Returns the output length.
///
/// A later stream that overflows a fixed output is decoded again into a discarding
/// sink (up to `limit`): if it turns out invalid, Python drops it and so do we, so
/// `decode_into` agrees with `decode` (found by the fuzzer).
fn decompress_all(input: &[u8], out: &mut DecodeSink<'_>, limit: usize) -> Result<usize> {
    let codec = Bz2::CODEC_ID;
    if input.is_empty() {
        return Err(Error::corrupt(codec, "empty input"));
    }
    let mut pos = 0;
    let mut written = 0;
    while pos < input.len() {
        let mut stream = Stream::decompress(codec)?;
        let end = match stream.decompress_stream(&input[pos..], out, written) {
            Err(overflow @ Error::OutputSizeMismatch { .. }) if pos > 0 => {
                let mut probe = DecodeSink::discard(limit);
                match Stream::decompress(codec)?.decompress_stream(&input[pos..], &mut probe, 0)? {
                    (End::DataError(_), _) => break,
                    (End::StreamEnd(_), _) => return Err(overflow),
                }
            }
            other => other?,
        };
        match end {
            (End::StreamEnd(used), w) => {
                pos += used;
                written = w;
            }
            (End::DataError(reason), _) => {
                if pos == 0 {
                    return Err(Error::corrupt(codec, reason));
                }
                break;
            }
        }
    }
    Ok(written)
}

impl Codec for Bz2 {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let input = data.require_bytes(Self::CODEC_ID)?;
        if !(1..=9).contains(&self.level) {
            return Err(Error::invalid_config(
                Self::CODEC_ID,
                format_args!("cannot encode with level {}: bz2 takes 1 to 9", self.level),
            ));
        }
        let mut stream = Stream::compress(Self::CODEC_ID, self.level)?;
        // libbzip2's documented worst case: 1% larger plus 600 bytes.
        let bound = input.len().saturating_add(input.len() / 100).saturating_add(600);
        // libbzip2 only writes its output, and `out` is cut to what it wrote, so the
        // buffer need not be zero-filled first (a memset of the whole bound: 0.6 ms of
        // an 8 MiB encode).
        let mut out = AlignedBuf::for_overwrite(bound)?;
        let len = stream.compress_all(input, &mut out)?;
        out.truncate(len);
        Ok(NdArray::from_buf(out).into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let input = encoded.require_bytes(Self::CODEC_ID)?;
        // bzip2 stores no decoded size: start from a guess and grow (doubling) up to
        // the limit.
        let limit = options.decoded_size_limit();
        let hint = input.len().saturating_mul(4).max(64 * 1024).min(limit);
        let mut sink = DecodeSink::growing(hint, limit)?;
        let written = decompress_all(input, &mut sink, limit)?;
        let buf = sink.finish(Self::CODEC_ID, written)?.unwrap_or_default();
        Ok(NdArray::from_buf(buf).into())
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        options: &DecodeOptions,
    ) -> Result<()> {
        let input = encoded.require_bytes(Self::CODEC_ID)?;
        let mut sink = DecodeSink::fixed(out.as_bytes_mut());
        // The caller's buffer bounds the output; a later stream that does not fit is
        // only decoded (and dropped) to learn whether it is valid, up to the limit, as
        // `decode` would.
        let written = decompress_all(input, &mut sink, options.decoded_size_limit())?;
        sink.finish(Self::CODEC_ID, written).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarrcodecs_core::testing;
    use zarrcodecs_core::CodecExt;
    use zarrcodecs_core::DynCodec;

    /// `encode` writes into a buffer from the thread's cache without zero-filling it,
    /// so stale bytes (0xff) must not reach the output.
    #[test]
    fn encode_is_the_same_over_stale_memory() {
        let data: Vec<u8> = (0..100_000_u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        // The output buffer is bzip2's bound, 101 600 bytes.
        testing::assert_same_over_stale_memory("encode", &[150_000], || {
            Bz2::new(1).unwrap().encode(DataRef::from(&data[..])).unwrap()
        });
    }

    #[test]
    fn round_trips_every_level() {
        for level in 1..=9 {
            testing::assert_bytes_round_trip(&Bz2::new(level).unwrap());
        }
    }

    #[test]
    fn configs() {
        testing::assert_config_round_trip(&Bz2::new(7).unwrap());
        testing::assert_config_round_trip(&Bz2::default());
        assert_eq!(Bz2::from_json(&json!({"id": "bz2"})).unwrap().level(), 1);
        assert_eq!(Bz2::default().get_config().unwrap(), json!({"id": "bz2", "level": 1}));
        // numcodecs builds these and fails when it encodes: so do we; they decode.
        let data = b"bz2 bz2 bz2".repeat(10);
        let encoded = Bz2::default().encode_bytes(&data).unwrap();
        for level in [0, 10, -1, i32::MAX] {
            let codec = Bz2::from_json(&json!({"id": "bz2", "level": level})).unwrap();
            assert_eq!(codec.get_config().unwrap(), json!({"id": "bz2", "level": level}));
            assert!(matches!(codec.encode_bytes(&data), Err(Error::InvalidConfig { .. })), "{level}");
            assert_eq!(codec.decode_bytes(encoded.as_bytes()).unwrap().as_bytes(), &data[..]);
        }
        let bad = [
            json!({"id": "bz2", "level": "1"}),
            json!({"id": "bz2", "level": 1.5}),
            json!({"id": "bz2", "level": true}),
            json!({"id": "bz2", "level": null}),
            json!({"id": "bz2", "level": 1, "blocksize": 9}),
            json!({"id": "zlib", "level": 1}),
            json!([1]),
        ];
        testing::assert_configs_rejected::<Bz2>(&bad);
    }

    #[test]
    fn truncated_and_corrupt_inputs_are_errors() {
        let data: Vec<u8> = (0..5000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        let c = Bz2::default();
        let encoded = c.encode_bytes(&data).unwrap();
        testing::assert_rejects_truncation(&c, encoded.as_bytes());
        let e = encoded.as_bytes();
        for n in [1, 3, 4, 10, e.len() - 1] {
            let mut out = vec![0u8; data.len()];
            assert!(matches!(c.decode_bytes(&e[..n]), Err(Error::Corrupt { .. })), "{n}");
            assert!(matches!(c.decode_bytes_into(&e[..n], &mut out), Err(Error::Corrupt { .. })), "{n}");
        }
        assert!(matches!(c.decode_bytes(b"not compressed at all"), Err(Error::Corrupt { .. })));
        assert!(matches!(c.decode_bytes(b""), Err(Error::Corrupt { .. })));
        // A flipped bit in the block is caught by the block CRC (or the Huffman decoder).
        let mut bad = e.to_vec();
        bad[e.len() / 2] ^= 0x10;
        assert!(matches!(c.decode_bytes(&bad), Err(Error::Corrupt { .. })));
    }

    #[test]
    fn several_streams_and_trailing_bytes_as_python() {
        let c = Bz2::default();
        let abc = c.encode_bytes(b"abc").unwrap().as_bytes().to_vec();
        let def = c.encode_bytes(b"def").unwrap().as_bytes().to_vec();
        let empty = c.encode_bytes(b"").unwrap().as_bytes().to_vec();
        let cat = |parts: &[&[u8]]| parts.concat();
        // Several streams are concatenated.
        let two = cat(&[&abc, &def, &empty]);
        assert_eq!(c.decode_bytes(&two).unwrap().as_bytes(), b"abcdef");
        let mut out = [0u8; 6];
        c.decode_bytes_into(&two, &mut out).unwrap();
        assert_eq!(&out, b"abcdef");
        // After the first stream, bytes that are not a stream are ignored...
        for tail in [&b"garbage"[..], b"\0\0", b"BZh0"] {
            assert_eq!(c.decode_bytes(&cat(&[&abc, tail])).unwrap().as_bytes(), b"abc", "{tail:?}");
        }
        // ... and so is a later stream with bad data, with its output.
        let mut bad_def = def.clone();
        let n = bad_def.len();
        bad_def[n - 6] ^= 0xff; // the stream CRC
        assert_eq!(c.decode_bytes(&cat(&[&abc, &bad_def])).unwrap().as_bytes(), b"abc");
        // decode_into agrees, though the bad stream writes past the buffer before its
        // error shows (a fuzzer input: 1500 bytes in Python too).
        let mut out = [0u8; 3];
        c.decode_bytes_into(&cat(&[&abc, &bad_def]), &mut out).unwrap();
        assert_eq!(&out, b"abc");
        let found = &include_bytes!("../tests/data/fuzz-invalid-second-stream.bin")[1..];
        let decoded = c.decode_bytes(found).unwrap();
        assert_eq!(decoded.len(), 1500);
        let mut out = vec![0u8; 1500];
        c.decode_bytes_into(found, &mut out).unwrap();
        assert_eq!(out, decoded.as_bytes());
        // A valid later stream that does not fit is still a size mismatch.
        assert!(matches!(c.decode_bytes_into(&two, &mut [0u8; 4]), Err(Error::OutputSizeMismatch { .. })));
        // But a cut-short stream is an error, first or not.
        for tail in [&b"B"[..], b"BZh", b"BZh9", &def[..def.len() - 1]] {
            assert!(matches!(c.decode_bytes(&cat(&[&abc, tail])), Err(Error::Corrupt { .. })), "{tail:?}");
        }
        // Bad data in the first stream is an error.
        let mut bad_abc = abc.clone();
        let n = bad_abc.len();
        bad_abc[n - 6] ^= 0xff;
        assert!(matches!(c.decode_bytes(&cat(&[&bad_abc, &def])), Err(Error::Corrupt { .. })));
    }

    #[test]
    fn empty_array() {
        let c = Bz2::default();
        let e = c.encode_bytes(b"").unwrap();
        // What Python's bz2.compress(b"", 1) writes.
        assert_eq!(e.as_bytes(), testing::hex("425a683117724538509000000000"));
        assert!(c.decode_bytes(e.as_bytes()).unwrap().is_empty());
        c.decode_bytes_into(e.as_bytes(), &mut []).unwrap();
    }

    #[test]
    fn decoded_size_limit_and_output_size() {
        let data = vec![7u8; 1 << 20];
        let c = Bz2::default();
        let encoded = c.encode_bytes(&data).unwrap();
        let limited = DecodeOptions::default().with_decoded_size_limit(1000);
        assert!(matches!(c.decode_with(DataRef::from(&encoded), &limited), Err(Error::DecodedSizeLimit { .. })));
        assert!(c.decode_with(DataRef::from(&c.encode_bytes(&data[..1000]).unwrap()), &limited).is_ok());
        // decode_into stops at the first byte that does not fit.
        let mut small = vec![0u8; 1000];
        assert!(matches!(c.decode_bytes_into(encoded.as_bytes(), &mut small), Err(Error::OutputSizeMismatch { .. })));
        let mut big = vec![0u8; data.len() + 1];
        assert!(matches!(c.decode_bytes_into(encoded.as_bytes(), &mut big), Err(Error::OutputSizeMismatch { .. })));
    }
}
