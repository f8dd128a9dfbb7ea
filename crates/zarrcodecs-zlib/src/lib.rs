#![doc = include_str!("../README.md")]

mod inflate;
mod stream;

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    AlignedBuf, ArrayViewMut, Codec, Data, DataRef, DecodeOptions, DecodeSink, Error, NdArray, Result, StaticCodec,
};

use stream::Wrapper;

/// The configuration of [`Zlib`] and [`GZip`]: numcodecs' `{"level": 1}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelConfig {
    /// Compression level: -1 (zlib's default) or 0 (store) to 9 (best). Default 1.
    #[serde(default = "default_level")]
    pub level: i32,
}

fn default_level() -> i32 {
    1
}

/// The level check Python's `zlib` makes when it compresses (numcodecs stores any
/// level and fails there).
fn check_level(codec: &str, level: i32) -> Result<i32> {
    if (-1..=9).contains(&level) {
        Ok(level)
    } else {
        Err(Error::invalid_config(codec, format_args!("cannot encode: level must be -1 or 0 to 9, got {level}")))
    }
}

macro_rules! level_codec {
    ($(#[$doc:meta])* $name:ident, $id:literal, $reg:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name {
            level: i32,
        }

        impl $name {
            /// A codec with the given level (-1, or 0 to 9 to encode). As numcodecs,
            /// which stores any level, other levels build a codec that decodes (the
            /// stream does not depend on the level) and refuses to encode.
            ///
            /// # Errors
            /// None today (kept for configurations a later version may refuse).
            pub fn new(level: i32) -> Result<Self> {
                Ok($name { level })
            }

            /// The compression level.
            pub fn level(&self) -> i32 {
                self.level
            }
        }

        impl Default for $name {
            /// numcodecs' default: level 1.
            fn default() -> Self {
                $name { level: default_level() }
            }
        }

        impl StaticCodec for $name {
            const CODEC_ID: &'static str = $id;
            type Config = LevelConfig;

            fn from_config(config: LevelConfig) -> Result<Self> {
                Self::new(config.level)
            }

            fn config(&self) -> LevelConfig {
                LevelConfig { level: self.level }
            }
        }

        zarrcodecs_core::register_static_codec!($reg: $name);
    };
}

level_codec!(
    /// numcodecs' `Zlib` (id `zlib`): a zlib stream, as Python's `zlib.compress(buf, level)`.
    Zlib,
    "zlib",
    ZLIB_REGISTRATION
);

level_codec!(
    /// numcodecs' `GZip` (id `gzip`): one gzip member, as Python's `gzip.GzipFile` writes
    /// it, with a modification time of 0.
    GZip,
    "gzip",
    GZIP_REGISTRATION
);

/// Inflates `input` (a gzip stream if `gzip`, else a zlib stream) into a new buffer,
/// sized from `hint` and grown up to `limit`.
fn inflate_new(codec: &'static str, gzip: bool, input: &[u8], hint: usize, limit: usize) -> Result<Data> {
    let mut sink = DecodeSink::growing(hint, limit)?;
    let written = inflate::inflate_all(codec, gzip, input, &mut sink)?;
    let buf = sink.finish(codec, written)?.unwrap_or_default();
    Ok(NdArray::from_buf(buf).into())
}

/// Inflates `input` (a gzip stream if `gzip`, else a zlib stream) into exactly `out`.
fn inflate_into(codec: &'static str, gzip: bool, input: &[u8], out: &mut [u8]) -> Result<()> {
    let mut sink = DecodeSink::fixed(out);
    let written = inflate::inflate_all(codec, gzip, input, &mut sink)?;
    sink.finish(codec, written).map(drop)
}

impl Codec for Zlib {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let input = data.require_bytes(Self::CODEC_ID)?;
        let level = check_level(Self::CODEC_ID, self.level)?;
        let out = stream::deflate_new(Self::CODEC_ID, level, Wrapper::Zlib, true, input, (&[], &[]), None)?;
        Ok(NdArray::from_buf(out).into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let input = encoded.require_bytes(Self::CODEC_ID)?;
        let hint = input.len().saturating_mul(4).max(4096);
        inflate_new(Self::CODEC_ID, false, input, hint, options.decoded_size_limit())
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        inflate_into(Self::CODEC_ID, false, encoded.require_bytes(Self::CODEC_ID)?, out.as_bytes_mut())
    }
}

/// gzip's header as Python's `GzipFile` writes it for an unnamed file object, with a
/// modification time of 0.
fn gzip_header(level: i32) -> [u8; 10] {
    let xfl = match level {
        9 => 2,
        1 => 4,
        _ => 0,
    };
    [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 0xff]
}

/// A gzip member of `input` as Python's `GzipFile` writes it (see [`gzip_header`]);
/// `capacity` is the first output room to try (the tests' way to make it too small).
fn gzip_encode(input: &[u8], level: i32, capacity: Option<usize>) -> Result<AlignedBuf> {
    let mut trailer = [0u8; 8];
    trailer[..4].copy_from_slice(&stream::crc32(input).to_le_bytes());
    // ISIZE is the input length modulo 2^32.
    trailer[4..].copy_from_slice(&u32::try_from(input.len() as u64 & 0xffff_ffff).unwrap_or(0).to_le_bytes());
    // Python's GzipFile compresses with Z_NO_FLUSH, then finishes on close.
    let header = gzip_header(level);
    stream::deflate_new(GZip::CODEC_ID, level, Wrapper::Raw, false, input, (&header, &trailer), capacity)
}

impl Codec for GZip {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let input = data.require_bytes(Self::CODEC_ID)?;
        let level = check_level(Self::CODEC_ID, self.level)?;
        let out = gzip_encode(input, level, None)?;
        Ok(NdArray::from_buf(out).into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let input = encoded.require_bytes(Self::CODEC_ID)?;
        // A single member's trailer holds its size modulo 2^32: a good first guess.
        let hint = match input.len().checked_sub(4).map(|i| &input[i..]) {
            Some(&[a, b, c, d]) if input.len() >= 18 => u32::from_le_bytes([a, b, c, d]) as usize,
            _ => 0,
        };
        // Deflate expands at most 1032:1, so a lying trailer cannot make us allocate
        // more than that.
        let hint = if hint == 0 { input.len().saturating_mul(4).max(4096) } else { hint };
        let hint = hint.min(input.len().saturating_mul(1032));
        inflate_new(Self::CODEC_ID, true, input, hint, options.decoded_size_limit())
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        inflate_into(Self::CODEC_ID, true, encoded.require_bytes(Self::CODEC_ID)?, out.as_bytes_mut())
    }
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarrcodecs_core::testing;
    use zarrcodecs_core::CodecExt;
    use zarrcodecs_core::DynCodec;

    #[test]
    fn round_trips_every_level() {
        for level in -1..=9 {
            testing::assert_bytes_round_trip(&Zlib::new(level).unwrap());
            testing::assert_bytes_round_trip(&GZip::new(level).unwrap());
        }
    }

    /// Encoding retries into more room when the first try's is too small, and writes
    /// exactly what the first try writes when it is enough: at every level (level 0's
    /// stored blocks follow the output space of each call), with data that compresses
    /// and data that does not.
    #[test]
    fn encodes_the_same_bytes_when_the_first_room_is_too_small() {
        let mut rng = testing::Rng::new(19);
        let noise: Vec<u8> = (0..300_000).map(|_| rng.next_u64() as u8).collect();
        let text = b"zlib zlib zlib ".repeat(20_000);
        for data in [&noise[..], &text[..], &[][..]] {
            for level in -1..=9 {
                let zlib =
                    |room| stream::deflate_new("zlib", level, Wrapper::Zlib, true, data, (&[], &[]), room).unwrap();
                let first = zlib(None);
                assert_eq!(first.as_slice(), Zlib::new(level).unwrap().encode_bytes(data).unwrap().as_bytes());
                for room in [1, 100, data.len() / 3] {
                    assert_eq!(zlib(Some(room)).as_slice(), first.as_slice(), "zlib level {level}, room {room}");
                    assert_eq!(
                        gzip_encode(data, level, Some(room)).unwrap().as_slice(),
                        gzip_encode(data, level, None).unwrap().as_slice(),
                        "gzip level {level}, room {room}"
                    );
                }
            }
        }
    }

    #[test]
    fn configs() {
        testing::assert_config_round_trip(&Zlib::new(7).unwrap());
        testing::assert_config_round_trip(&GZip::default());
        assert_eq!(Zlib::from_json(&json!({"id": "zlib"})).unwrap().level(), 1);
        assert_eq!(GZip::default().get_config().unwrap(), json!({"id": "gzip", "level": 1}));
        // numcodecs builds these and fails when it encodes: so do we; they decode.
        let data = b"zlib zlib zlib".repeat(10);
        for level in [10, -2, 100, i32::MIN] {
            for codec in [
                Box::new(Zlib::from_json(&json!({"id": "zlib", "level": level})).unwrap()) as Box<dyn Codec>,
                Box::new(GZip::from_json(&json!({"id": "gzip", "level": level})).unwrap()),
            ] {
                assert_eq!(codec.get_config().unwrap()["level"], level);
                let r = codec.encode(DataRef::from(&data[..]));
                assert!(matches!(r, Err(Error::InvalidConfig { .. })), "{level}: {r:?}");
            }
            let zlib = Zlib::new(level).unwrap();
            let encoded = Zlib::default().encode_bytes(&data).unwrap();
            assert_eq!(zlib.decode_bytes(encoded.as_bytes()).unwrap().as_bytes(), &data[..]);
            let gzip = GZip::new(level).unwrap();
            let encoded = GZip::default().encode_bytes(&data).unwrap();
            assert_eq!(gzip.decode_bytes(encoded.as_bytes()).unwrap().as_bytes(), &data[..]);
        }
        let bad = [
            json!({"id": "zlib", "level": "1"}),
            json!({"id": "zlib", "level": 1.5}),
            json!({"id": "zlib", "level": 1, "wbits": 15}),
            json!({"id": "gzip", "level": 1}),
            json!([1]),
        ];
        testing::assert_configs_rejected::<Zlib>(&bad);
    }

    #[test]
    fn truncated_and_corrupt_inputs_are_errors() {
        let data: Vec<u8> = (0..5000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        for codec in [&Zlib::default() as &dyn Codec, &GZip::default()] {
            let encoded = codec.encode_bytes(&data).unwrap();
            testing::assert_rejects_truncation(codec, encoded.as_bytes());
            assert!(matches!(codec.decode_bytes(b"not compressed at all"), Err(Error::Corrupt { .. })));
            assert!(matches!(codec.decode_bytes(b""), Err(Error::Corrupt { .. })));
        }
    }

    #[test]
    fn gzip_checks_crc_and_length() {
        let data = b"hello hello hello".repeat(10);
        let mut encoded = GZip::default().encode_bytes(&data).unwrap().as_bytes().to_vec();
        let n = encoded.len();
        encoded[n - 8] ^= 1;
        assert!(matches!(GZip::default().decode_bytes(&encoded), Err(Error::Corrupt { .. })));
        encoded[n - 8] ^= 1;
        encoded[n - 1] ^= 1;
        assert!(matches!(GZip::default().decode_bytes(&encoded), Err(Error::Corrupt { .. })));
    }

    #[test]
    fn gzip_members_padding_and_trailing_garbage() {
        let g = GZip::default();
        let mut two = g.encode_bytes(b"abc").unwrap().as_bytes().to_vec();
        two.extend_from_slice(g.encode_bytes(b"def").unwrap().as_bytes());
        assert_eq!(g.decode_bytes(&two).unwrap().as_bytes(), b"abcdef");
        let mut out = [0u8; 6];
        g.decode_bytes_into(&two, &mut out).unwrap();
        assert_eq!(&out, b"abcdef");
        let mut padded = two.clone();
        padded.extend_from_slice(&[0, 0, 0]);
        assert_eq!(g.decode_bytes(&padded).unwrap().as_bytes(), b"abcdef");
        let mut garbage = two;
        garbage.extend_from_slice(b"xyz");
        assert!(matches!(g.decode_bytes(&garbage), Err(Error::Corrupt { .. })));
    }

    #[test]
    fn zlib_ignores_trailing_bytes_like_python() {
        let z = Zlib::default();
        let mut e = z.encode_bytes(b"abc").unwrap().as_bytes().to_vec();
        e.extend_from_slice(b"xyz");
        assert_eq!(z.decode_bytes(&e).unwrap().as_bytes(), b"abc");
    }

    #[test]
    fn decoded_size_limit() {
        let data = vec![0u8; 1 << 20];
        let limited = DecodeOptions::default().with_decoded_size_limit(1000);
        for codec in [&Zlib::default() as &dyn Codec, &GZip::default()] {
            let encoded = codec.encode_bytes(&data).unwrap();
            assert!(matches!(
                codec.decode_with(DataRef::from(&encoded), &limited),
                Err(Error::DecodedSizeLimit { .. })
            ));
            assert!(codec.decode_with(DataRef::from(&codec.encode_bytes(&data[..1000]).unwrap()), &limited).is_ok());
        }
    }

    /// Decodes with C zlib (libz-sys), the decoder before zlib-rs: the reference.
    fn c_zlib_decode(gzip: bool, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let codec = if gzip { GZip::CODEC_ID } else { Zlib::CODEC_ID };
        let wrapper = if gzip { Wrapper::Gzip } else { Wrapper::Zlib };
        let mut sink = DecodeSink::growing(64, limit)?;
        let written = stream::Stream::inflate(codec, wrapper)?.inflate_all(input, &mut sink, gzip)?;
        Ok(sink.finish(codec, written)?.map(|b| b.as_slice().to_vec()).unwrap_or_default())
    }

    /// The same through the codec (zlib-rs), in both `decode` and `decode_into`.
    fn codec_decode(gzip: bool, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let codec: &dyn Codec = if gzip { &GZip { level: 1 } } else { &Zlib { level: 1 } };
        let options = DecodeOptions::default().with_decoded_size_limit(limit);
        let decoded =
            codec.decode_with(DataRef::from(input), &options).map(|d| d.as_bytes().unwrap_or_default().to_vec());
        if let Ok(bytes) = &decoded {
            // decode_into: the exact size works, one byte less or more does not.
            let mut out = vec![0u8; bytes.len()];
            codec.decode_bytes_into(input, &mut out).unwrap();
            assert_eq!(&out, bytes);
            let mut short = vec![0u8; bytes.len().saturating_sub(1)];
            assert!(bytes.is_empty() || codec.decode_bytes_into(input, &mut short).is_err());
            let mut long = vec![0u8; bytes.len() + 1];
            assert!(codec.decode_bytes_into(input, &mut long).is_err());
        }
        decoded
    }

    /// A tiny deterministic generator for the mutations below.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    #[test]
    fn zlib_rs_decodes_and_refuses_exactly_as_c_zlib() {
        // Streams C zlib wrote (stored, fixed and dynamic Huffman blocks), then mutated:
        // every outcome (bytes, or the error and its message) must be C zlib's.
        let text = b"zarr chunks of text, zarr chunks of floats; ".repeat(40);
        let ramp: Vec<u8> = (0..3000u32).flat_map(|i| (i % 97).to_le_bytes()).collect();
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let noise: Vec<u8> = (0..700).map(|_| rng.next(256) as u8).collect();
        let mut cases = 0;
        for gzip in [false, true] {
            for (data, level) in [(&text[..], 0), (&text[..], 1), (&ramp[..], 9), (&noise[..], 6), (&b"a"[..], 1)] {
                let encoded = if gzip {
                    GZip::new(level).unwrap().encode_bytes(data)
                } else {
                    Zlib::new(level).unwrap().encode_bytes(data)
                };
                let encoded = encoded.unwrap().as_bytes().to_vec();
                let mut inputs = vec![encoded.clone()];
                inputs.extend((0..encoded.len()).map(|n| encoded[..n].to_vec()));
                for _ in 0..400 {
                    let mut m = encoded.clone();
                    for _ in 0..=rng.next(3) {
                        let at = rng.next(m.len());
                        match rng.next(3) {
                            0 => m[at] ^= 1 << rng.next(8),
                            1 => m[at] = rng.next(256) as u8,
                            _ => m.insert(at, rng.next(256) as u8),
                        }
                    }
                    inputs.push(m);
                }
                let mut two = encoded.clone();
                two.extend_from_slice(&[0, 0]);
                two.extend_from_slice(&encoded);
                inputs.push(two);
                for input in &inputs {
                    for limit in [usize::MAX, data.len(), data.len().saturating_sub(1)] {
                        let reference = c_zlib_decode(gzip, input, limit);
                        let ours = codec_decode(gzip, input, limit);
                        match (&reference, &ours) {
                            (Ok(a), Ok(b)) => assert_eq!(a, b),
                            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{input:?}"),
                            _ => {
                                panic!("gzip {gzip}, limit {limit}, {input:?}: C zlib {reference:?}, zlib-rs {ours:?}")
                            }
                        }
                        cases += 1;
                    }
                }
            }
        }
        assert!(cases > 10_000);
    }

    #[test]
    fn gzip_members_with_padding_between_and_header_fields() {
        let g = GZip::default();
        let first = g.encode_bytes(b"first;").unwrap().as_bytes().to_vec();
        // The second member names a file and has a header CRC: the stream restarts for
        // each member with a gzip wrapper.
        let plain = g.encode_bytes(b"second").unwrap().as_bytes().to_vec();
        let mut second = vec![0x1f, 0x8b, 8, 0x08 | 0x02, 0, 0, 0, 0, 0, 3];
        second.extend_from_slice(b"f.txt\0");
        let crc = stream::crc32(&second);
        second.extend_from_slice(&((crc & 0xffff) as u16).to_le_bytes());
        second.extend_from_slice(&plain[10..]);
        let mut input = first.clone();
        input.extend_from_slice(&[0; 5]);
        input.extend_from_slice(&second);
        input.extend_from_slice(&[0; 2]);
        assert_eq!(g.decode_bytes(&input).unwrap().as_bytes(), b"first;second");
        let mut out = [0u8; 12];
        g.decode_bytes_into(&input, &mut out).unwrap();
        assert_eq!(&out, b"first;second");
        // A wrong header CRC in the second member, a second member cut after its magic,
        // or the first member alone into too large a buffer: errors.
        let n = first.len() + 5 + 16;
        input[n] ^= 1;
        assert!(matches!(g.decode_bytes(&input), Err(Error::Corrupt { .. })));
        let mut cut = first.clone();
        cut.extend_from_slice(&[0x1f, 0x8b]);
        assert!(matches!(g.decode_bytes(&cut), Err(Error::Corrupt { .. })));
        assert!(matches!(g.decode_bytes_into(&first, &mut out), Err(Error::OutputSizeMismatch { .. })));
        // Zlib stops at the end of its stream, whatever follows.
        let z = Zlib::default();
        let mut twice = z.encode_bytes(b"one").unwrap().as_bytes().to_vec();
        twice.extend_from_slice(z.encode_bytes(b"two").unwrap().as_bytes());
        assert_eq!(z.decode_bytes(&twice).unwrap().as_bytes(), b"one");
        let mut out = [0u8; 3];
        z.decode_bytes_into(&twice, &mut out).unwrap();
        assert_eq!(&out, b"one");
    }

    #[test]
    fn gzip_header_fields_are_accepted() {
        // A member with FNAME, FCOMMENT, FEXTRA and FHCRC, as other gzip writers emit.
        let g = GZip::default();
        let plain = g.encode_bytes(b"payload").unwrap().as_bytes().to_vec();
        let mut header = vec![0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 1, 2, 3, 4, 0, 3];
        header.extend_from_slice(&[3, 0, b'a', b'b', b'c']);
        header.extend_from_slice(b"name\0comment\0");
        let crc = stream::crc32(&header);
        header.extend_from_slice(&((crc & 0xffff) as u16).to_le_bytes());
        header.extend_from_slice(&plain[10..]);
        assert_eq!(g.decode_bytes(&header).unwrap().as_bytes(), b"payload");
    }
}
