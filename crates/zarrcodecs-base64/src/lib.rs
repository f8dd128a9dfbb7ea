#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, Engine};
use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    copy_decoded, AlignedBuf, ArrayViewMut, Codec, Data, DataRef, DecodeOptions, Error, NdArray, Result, StaticCodec,
};

/// The configuration of [`Base64`]: numcodecs' `{}` (no options).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Base64Config {}

/// numcodecs' `Base64` (id `base64`): the standard alphabet (`+`, `/`) with `=`
/// padding, as Python's `base64.standard_b64encode`; decoding accepts exactly what
/// `base64.standard_b64decode` accepts (see the crate documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Base64;

impl Base64 {
    /// The codec (it has no options).
    pub fn new() -> Self {
        Base64
    }
}

/// The fast path: canonical input (only alphabet characters, `=` padding to a multiple
/// of 4 and nowhere else). Bits left over in the last character are ignored, as Python
/// ignores them.
const CANONICAL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// The value of each base64 character, 0xff for the others.
const VALUES: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let abc = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0u8;
    while i < 64 {
        t[abc[i as usize] as usize] = i;
        i += 1;
    }
    t
};

/// Decodes as CPython's `binascii.a2b_base64(s, strict_mode=False)`, which
/// `base64.standard_b64decode` calls: characters outside the alphabet are skipped, `=`
/// ends the data once a quantum is complete (the rest of the input is then ignored),
/// `=` too early is skipped, and leftover bits are ignored. What is left must be a
/// whole number of quanta or end with a complete padding: otherwise it is an error.
fn decode_like_python(input: &[u8], out: &mut Vec<u8>) -> std::result::Result<(), String> {
    let mut quad_pos = 0u8;
    let mut left = 0u8;
    let mut pads = 0u8;
    for &ch in input {
        if ch == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Ok(());
                }
            }
            continue;
        }
        let v = VALUES[usize::from(ch)];
        if v == 0xff {
            continue;
        }
        pads = 0;
        // `left` holds at most 6, 4 then 2 bits, so no shift loses a set bit.
        match quad_pos {
            0 => {
                left = v;
                quad_pos = 1;
            }
            1 => {
                out.push((left << 2) | (v >> 4));
                left = v & 0x0f;
                quad_pos = 2;
            }
            2 => {
                out.push((left << 4) | (v >> 2));
                left = v & 0x03;
                quad_pos = 3;
            }
            _ => {
                out.push((left << 6) | v);
                left = 0;
                quad_pos = 0;
            }
        }
    }
    match quad_pos {
        0 => Ok(()),
        1 => Err(format!(
            "invalid base64: the number of data characters ({}) cannot be 1 more than a multiple of 4",
            out.len() / 3 * 4 + 1
        )),
        _ => Err("invalid base64: incorrect padding".into()),
    }
}

/// Decodes `input` as Python's `base64.standard_b64decode` does.
///
/// # Errors
/// [`Error::Corrupt`] where Python raises `binascii.Error`; [`Error::Allocation`].
pub fn decode(input: &[u8]) -> Result<AlignedBuf> {
    // Not zero-filled: `decode_slice` writes what it returns, and `buf` is cut to that.
    let mut buf = AlignedBuf::for_overwrite(input.len() / 4 * 3 + 3)?;
    if let Ok(n) = CANONICAL.decode_slice(input, buf.as_mut_slice()) {
        buf.truncate(n);
        return Ok(buf);
    }
    let mut out = Vec::new();
    out.try_reserve_exact(input.len() / 4 * 3 + 3).map_err(|_| Error::Allocation { size: input.len() / 4 * 3 })?;
    decode_like_python(input, &mut out).map_err(|e| Error::corrupt(Base64::CODEC_ID, e))?;
    AlignedBuf::from_slice(&out)
}

/// Encodes `input` as Python's `base64.standard_b64encode` does.
///
/// # Errors
/// [`Error::Allocation`] if the output does not fit in memory.
pub fn encode(input: &[u8]) -> Result<AlignedBuf> {
    let len = base64::encoded_len(input.len(), true).ok_or(Error::Allocation { size: usize::MAX })?;
    // base64-simd picks SSE4.1 or AVX2 at run time; the encoding is unique, so any
    // correct encoder writes Python's bytes. It writes exactly its `encoded_length`
    // (and panics on a shorter output), hence the check before it runs.
    let engine = base64_simd::STANDARD;
    if engine.encoded_length(input.len()) != len {
        return Err(Error::library(Base64::CODEC_ID, "the encoder's output length is not base64's"));
    }
    // Not zero-filled: the encoder writes every byte.
    let mut buf = AlignedBuf::for_overwrite(len)?;
    // It returns the `len` bytes it wrote, all of `buf`.
    let _ = engine.encode(input, base64_simd::Out::from_slice(buf.as_mut_slice()));
    Ok(buf)
}

impl StaticCodec for Base64 {
    const CODEC_ID: &'static str = "base64";
    type Config = Base64Config;

    fn from_config(_: Base64Config) -> Result<Self> {
        Ok(Base64)
    }

    fn config(&self) -> Base64Config {
        Base64Config {}
    }
}

impl Codec for Base64 {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        Ok(NdArray::from_buf(encode(data.require_bytes(Self::CODEC_ID)?)?).into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, _options: &DecodeOptions) -> Result<Data> {
        Ok(NdArray::from_buf(decode(encoded.require_bytes(Self::CODEC_ID)?)?).into())
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        let decoded = decode(encoded.require_bytes(Self::CODEC_ID)?)?;
        copy_decoded(Self::CODEC_ID, decoded.as_slice(), out.as_bytes_mut())
    }
}

zarrcodecs_core::register_static_codec!(BASE64_REGISTRATION: Base64);

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarrcodecs_core::testing::{self, Rng};
    use zarrcodecs_core::CodecExt;
    use zarrcodecs_core::DynCodec;

    fn python_decode(input: &[u8]) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        decode_like_python(input, &mut out).ok().map(|()| out)
    }

    /// Both directions write into buffers from the thread's cache without zero-filling
    /// them, so stale bytes (0xff, never base64) must not reach the output.
    #[test]
    fn output_is_the_same_over_stale_memory() {
        let mut rng = Rng::new(5);
        let data: Vec<u8> = (0..100_000).map(|_| rng.next_u64() as u8).collect();
        let text = encode(&data).unwrap();
        // The encode's buffer is 133 336 bytes, the decode's 100 005.
        let sizes = [200_000, 125_000];
        testing::assert_same_over_stale_memory("encode", &sizes, || Base64.encode(DataRef::from(&data[..])).unwrap());
        testing::assert_same_over_stale_memory("decode", &sizes, || {
            Base64.decode(DataRef::from(text.as_slice())).unwrap()
        });
    }

    #[test]
    fn round_trips() {
        testing::assert_bytes_round_trip(&Base64);
    }

    #[test]
    fn configs() {
        testing::assert_config_round_trip(&Base64);
        assert_eq!(Base64.get_config().unwrap(), json!({"id": "base64"}));
        testing::assert_configs_rejected::<Base64>(&[
            json!({"id": "base64", "x": 1}),
            json!({"id": "base64", "location": "end"}),
            json!({"id": "crc32"}),
            json!("base64"),
        ]);
    }

    #[test]
    fn encodes_as_python() {
        let b = Base64;
        assert_eq!(b.encode_bytes(b"").unwrap().as_bytes(), b"");
        assert_eq!(b.encode_bytes(b"\x00\xff\xfe\xfd").unwrap().as_bytes(), b"AP/+/Q==");
        assert_eq!(b.encode_bytes(b"hello world!").unwrap().as_bytes(), b"aGVsbG8gd29ybGQh");
        assert_eq!(b.encode_bytes(b"ab").unwrap().as_bytes(), b"YWI=");
    }

    /// What Python 3.11's `base64.standard_b64decode` returned for each input
    /// (`None`: it raised `binascii.Error`).
    const PYTHON: &[(&[u8], Option<&[u8]>)] = &[
        (b"YQ==", Some(b"a")),
        (b"YQ", None),
        (b"YQ=", None),
        (b"Y", None),
        (b"YWJj\nZA==", Some(b"abcd")),
        (b"YQ==YWJj", Some(b"a")),
        (b"YW Jj", Some(b"abc")),
        (b"YWJj=", Some(b"abc")),
        (b"Y=Q==", Some(b"a")),
        (b"YR==", Some(b"a")),
        (b"!!!", Some(b"")),
        (b"", Some(b"")),
        (b"====", Some(b"")),
        (b"YWJ=j", Some(b"ab")),
        (b"YW=Jj", Some(b"abc")),
        (b"YW==Jj", Some(b"a")),
        (b"Y===", None),
        (b"YQ=\n=", Some(b"a")),
        (b"-_-_", Some(b"")),
        (b"YQ\x00==", Some(b"a")),
        (b"\xff\xfeYQ==", Some(b"a")),
    ];

    #[test]
    fn decodes_what_python_decodes() {
        for &(input, expected) in PYTHON {
            let got = Base64.decode_bytes(input);
            match expected {
                Some(e) => assert_eq!(got.unwrap().as_bytes(), e, "{:?}", String::from_utf8_lossy(input)),
                None => assert!(
                    matches!(got, Err(Error::Corrupt { .. })),
                    "{:?} gave {got:?}",
                    String::from_utf8_lossy(input)
                ),
            }
        }
    }

    #[test]
    fn fast_path_agrees_with_python_rules() {
        // Random strings over an alphabet of base64 characters, padding, whitespace and
        // junk: the canonical fast path and the general decoder never disagree, and
        // nothing panics.
        let chars = b"AQgw+/=== \n-_!\xffYZaz09";
        let mut rng = Rng::new(11);
        for i in 0..20_000 {
            let n = (rng.next_u64() % 24) as usize;
            let s: Vec<u8> = (0..n).map(|_| chars[(rng.next_u64() % chars.len() as u64) as usize]).collect();
            let ours = decode(&s).ok().map(|b| b.to_vec());
            assert_eq!(ours, python_decode(&s), "case {i}: {:?}", String::from_utf8_lossy(&s));
        }
        // And every canonical encoding decodes to its input through the fast path.
        for n in 0..100 {
            let d = rng.bytes(n);
            let e = encode(&d).unwrap();
            assert_eq!(decode(e.as_slice()).unwrap().as_slice(), &d[..]);
            assert_eq!(python_decode(e.as_slice()).unwrap(), d);
        }
    }

    #[test]
    fn decode_into_checks_size() {
        let mut out = [0u8; 2];
        assert!(matches!(Base64.decode_bytes_into(b"YWJj", &mut out), Err(Error::OutputSizeMismatch { .. })));
        let mut out = [0u8; 3];
        Base64.decode_bytes_into(b"YW Jj", &mut out).unwrap();
        assert_eq!(&out, b"abc");
        assert!(matches!(Base64.decode_bytes_into(b"YWJ", &mut out), Err(Error::Corrupt { .. })));
    }
}
