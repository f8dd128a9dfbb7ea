//! Test helpers every codec crate reuses (feature `testing`).
//!
//! They panic with a descriptive message on failure, as test helpers should.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::cast_possible_truncation)]

use crate::{ArrayViewMut, Codec, Data, DataRef, Error, NdArray, StaticCodec};

pub mod forms;

/// The workspace's one deterministic generator (splitmix64), so tests and benchmark
/// data need no `rand` dependency.
///
/// splitmix64 rather than xorshift: every seed (zero included) is good, the state walks
/// all 2^64 values, and its output passes BigCrush, where xorshift64's low bits do not.
/// The same seed gives the same numbers on every platform and in every release of this
/// crate's tests, but the sequence is not a stable API.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value).
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0; slightly biased, which tests do not mind).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A number in `0..n` as an `i32` (`0` when `n <= 0`).
    pub fn below_i32(&mut self, n: i32) -> i32 {
        (self.next_u64() % u64::from(n.max(1).unsigned_abs())) as i32
    }

    /// A number in `[0, 1)` with 53 random bits.
    pub fn unit_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A number in `[0, 1)` with 24 random bits.
    pub fn unit_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / (1u32 << 24) as f32)
    }

    /// A number in `[-range, range)`.
    pub fn within(&mut self, range: f64) -> f64 {
        (self.unit_f64() * 2.0 - 1.0) * range
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| (self.next_u64() >> 56) as u8).collect()
    }
}

/// `per_doc` corrupted copies of each of `docs` (a byte removed, doubled or replaced, or
/// the document cut short), for checking that a decoder's fast and general paths agree
/// on bad input. Replacement bytes come from `alphabet` (the bytes that matter to the
/// format) two times in three, else any byte.
pub fn mutations(docs: &[Vec<u8>], per_doc: usize, alphabet: &[u8], seed: u64) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    let mut below = |n: usize| (rng.next_u64() % n as u64) as usize;
    let mut out = Vec::new();
    for d in docs.iter().filter(|d| !d.is_empty()) {
        for _ in 0..per_doc {
            let mut m = d.clone();
            let i = below(m.len());
            match below(4) {
                0 => {
                    m.remove(i);
                }
                1 => m.insert(i, m[i]),
                2 => m.truncate(i),
                _ if alphabet.is_empty() || below(3) == 0 => m[i] = (below(256)) as u8,
                _ => m[i] = alphabet[below(alphabet.len())],
            }
            out.push(m);
        }
    }
    out
}

/// Every numeric dtype numcodecs users store, in both byte orders.
pub const NUMERIC_DTYPES: &[&str] = &[
    "|b1", "|i1", "|u1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4", "<i8", ">i8", "<u8", ">u8", "<f2",
    ">f2", "<f4", ">f4", "<f8", ">f8", "<c8", ">c16", "<M8[ns]", ">m8[s]", "|S7", "<U3", "|V4",
];

/// Shapes covering empty, one element, odd sizes, several dimensions and a chunk of a
/// few hundred KiB.
pub const SHAPES: &[&[usize]] = &[&[0], &[1], &[7], &[3, 5], &[2, 0, 3], &[64, 64, 3], &[100_003]];

/// Arrays of every dtype in [`NUMERIC_DTYPES`] and shape in [`SHAPES`]: a mix of
/// compressible (ramps) and incompressible (random) contents.
pub fn sample_arrays() -> Vec<NdArray> {
    let mut rng = Rng::new(42);
    let mut out = Vec::new();
    for (i, dt) in NUMERIC_DTYPES.iter().enumerate() {
        let dtype = dt.parse().unwrap();
        for (j, shape) in SHAPES.iter().enumerate() {
            let mut a = NdArray::zeros(dtype, shape.to_vec()).unwrap();
            let bytes = a.as_bytes_mut();
            if (i + j) % 2 == 0 {
                let r = rng.bytes(bytes.len());
                bytes.copy_from_slice(&r);
            } else {
                for (k, b) in bytes.iter_mut().enumerate() {
                    *b = (k / 7) as u8;
                }
            }
            if dt.starts_with("|b") {
                bytes.iter_mut().for_each(|b| *b &= 1);
            }
            out.push(a);
        }
    }
    out
}

/// Checks that a compressor round-trips every sample array: `decode(encode(x))` gives
/// x's bytes, through `decode`, `decode_into` and the `dyn Codec` interface.
pub fn assert_bytes_round_trip(codec: &dyn Codec) {
    for a in sample_arrays() {
        let encoded = codec
            .encode(DataRef::from(&a))
            .unwrap_or_else(|e| panic!("{}: encode {} {:?}: {e}", codec.codec_id(), a.dtype(), a.shape()));
        let encoded = encoded.into_array().unwrap();
        let decoded = codec.decode(DataRef::from(&encoded)).unwrap().into_array().unwrap();
        assert_eq!(
            decoded.as_bytes(),
            a.as_bytes(),
            "{}: round trip of {} {:?}",
            codec.codec_id(),
            a.dtype(),
            a.shape()
        );
        let mut out = NdArray::zeros(a.dtype(), a.shape().to_vec()).unwrap();
        codec.decode_into(DataRef::from(&encoded), &mut out.view_mut()).unwrap();
        assert_eq!(out.as_bytes(), a.as_bytes(), "{}: decode_into of {} {:?}", codec.codec_id(), a.dtype(), a.shape());
        if !a.is_empty() {
            // One byte too few and one too many: both must be a typed error.
            let mut small = vec![0u8; a.as_bytes().len() - 1];
            let r = codec.decode_into(DataRef::from(&encoded), &mut ArrayViewMut::from_bytes(&mut small));
            assert!(
                matches!(r, Err(Error::OutputSizeMismatch { .. })),
                "{}: short output gave {r:?}",
                codec.codec_id()
            );
            let mut big = vec![0u8; a.as_bytes().len() + 1];
            let r = codec.decode_into(DataRef::from(&encoded), &mut ArrayViewMut::from_bytes(&mut big));
            assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })), "{}: long output gave {r:?}", codec.codec_id());
        }
    }
}

/// Checks that a typed codec's configuration survives JSON: `get_config()` carries the
/// id, and building from it gives a codec with the same configuration.
pub fn assert_config_round_trip<C: StaticCodec>(codec: &C) {
    let json = codec.get_config().expect("get_config");
    assert_eq!(json["id"], C::CODEC_ID, "get_config() must carry the id");
    let back = C::from_json(&json).unwrap_or_else(|e| panic!("{}: from its own config {json}: {e}", C::CODEC_ID));
    assert_eq!(back.get_config().expect("get_config"), json);
    let text = serde_json::to_string(&json).unwrap();
    let reparsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(C::from_json(&reparsed).unwrap().get_config().expect("get_config"), json);
}

/// Checks that each configuration is refused with [`Error::InvalidConfig`].
pub fn assert_configs_rejected<C: StaticCodec>(configs: &[serde_json::Value]) {
    for c in configs {
        match C::from_json(c) {
            Err(Error::InvalidConfig { .. }) => {}
            other => panic!("{}: config {c} should be rejected, got {other:?}", C::CODEC_ID),
        }
    }
}

/// A known answer: Python numcodecs encoded `input` to `encoded` with `config`.
#[derive(Debug, Clone, Copy)]
pub struct KnownAnswer<'a> {
    /// A name for messages.
    pub name: &'a str,
    /// The codec configuration, as Python's `get_config()` wrote it.
    pub config: &'a str,
    /// The input bytes.
    pub input: &'a [u8],
    /// What Python numcodecs wrote.
    pub encoded: &'a [u8],
    /// Byte ranges of `encoded` that may legitimately differ (e.g. gzip's timestamp).
    pub ignore: &'a [std::ops::Range<usize>],
}

/// Checks a known answer: Python's bytes decode to the input, and our encoding of the
/// input equals Python's bytes (outside the `ignore` ranges).
pub fn assert_known_answer(build: impl Fn(&serde_json::Value) -> crate::Result<Box<dyn Codec>>, ka: &KnownAnswer<'_>) {
    let config: serde_json::Value = serde_json::from_str(ka.config).unwrap();
    let codec = build(&config).unwrap_or_else(|e| panic!("{}: {e}", ka.name));
    let decoded = codec.decode(DataRef::from(ka.encoded)).unwrap_or_else(|e| panic!("{}: decode: {e}", ka.name));
    assert_eq!(decoded.as_bytes(), Some(ka.input), "{}: Python's bytes decode to the input", ka.name);
    let encoded = codec.encode(DataRef::from(ka.input)).unwrap();
    let ours = mask(encoded.as_bytes().unwrap(), ka.ignore);
    assert_eq!(ours, mask(ka.encoded, ka.ignore), "{}: our bytes equal Python's", ka.name);
}

fn mask(bytes: &[u8], ignore: &[std::ops::Range<usize>]) -> Vec<u8> {
    let mut v = bytes.to_vec();
    for r in ignore {
        for i in r.clone() {
            if let Some(b) = v.get_mut(i) {
                *b = 0;
            }
        }
    }
    v
}

/// Checks that decoding every strict prefix of `encoded` (and the empty input) gives
/// an error and never panics, and that flipping bytes never panics.
pub fn assert_rejects_truncation(codec: &dyn Codec, encoded: &[u8]) {
    let step = (encoded.len() / 200).max(1);
    for n in (0..encoded.len()).step_by(step) {
        let r = codec.decode(DataRef::from(&encoded[..n]));
        assert!(r.is_err(), "{}: a {n}-byte prefix of {} bytes decoded", codec.codec_id(), encoded.len());
    }
    let mut rng = Rng::new(7);
    for _ in 0..200 {
        let mut bad = encoded.to_vec();
        if bad.is_empty() {
            break;
        }
        let i = (rng.next_u64() % bad.len() as u64) as usize;
        bad[i] ^= 1 << (rng.next_u64() % 8);
        let _ = codec.decode(DataRef::from(&bad[..]));
    }
}

/// The Python interpreter named by the environment variable `var` (`cargo xtask test`
/// sets `NUMCODECS_PYTHON` and `NUMCODECS_PYTHON_NEWEST` to its venvs), or `None`, and
/// the test that asked says it skips, unless `NUMCODECS_REQUIRE_PYTHON` is set (as CI
/// sets it): then a missing variable panics.
///
/// # Panics
/// If `var` is unset while `NUMCODECS_REQUIRE_PYTHON` is set.
pub fn python_from_env(var: &str) -> Option<std::path::PathBuf> {
    match std::env::var_os(var) {
        Some(p) => Some(p.into()),
        None if std::env::var_os("NUMCODECS_REQUIRE_PYTHON").is_some() => {
            panic!("NUMCODECS_REQUIRE_PYTHON is set but {var} is not: run `cargo xtask test`")
        }
        None => {
            eprintln!("{var} is not set: skipping this test (run `cargo xtask test` for the full suite)");
            None
        }
    }
}

/// One case of a codec's acceptance fixture (`tests/data/acceptance-*.json`, written
/// from numcodecs): builds the codec from `case["config"]` exactly when numcodecs built
/// it (`case["build"]` holds numcodecs' error where it refused), checks that
/// `get_config` writes `case["get_config"]`, and encodes `data` as numcodecs did
/// (`case["encode"]`: `{"ok": "<hex>"}`, the bytes, or `{"error": ..}`, then ours must
/// be an error too). Returns the codec and whether its encode was refused, or `None`
/// where numcodecs refused to build it as well.
///
/// # Panics
/// Where we and numcodecs disagree.
pub fn acceptance_case<C: StaticCodec>(case: &serde_json::Value, data: DataRef<'_>) -> Option<(C, bool)> {
    let config = &case["config"];
    let codec = match (C::from_json(config), case.get("build")) {
        (Err(e), Some(python)) => {
            println!("{config}: refused when built ({e}); numcodecs: {python}");
            return None;
        }
        (Ok(codec), None) => codec,
        (ours, python) => panic!("{config}: built {ours:?}, numcodecs {python:?}"),
    };
    assert_eq!(codec.get_config().unwrap(), case["get_config"], "{config}: get_config");
    let refused = match (codec.encode(data), &case["encode"]) {
        (Ok(ours), python) if python.get("ok").is_some() => {
            assert_eq!(ours.as_bytes().unwrap(), &hex(python["ok"].as_str().unwrap())[..], "{config}: bytes");
            false
        }
        (Err(e), python) if python.get("error").is_some() => {
            assert!(!e.to_string().is_empty());
            println!("{config}: encode refused: {e}; numcodecs: {}", python["error"]);
            true
        }
        (ours, python) => panic!("{config}: encode {ours:?}, numcodecs {python}"),
    };
    Some((codec, refused))
}

/// Encodes then decodes `data` and returns the result, for codecs whose output is
/// compared by the caller.
pub fn round_trip(codec: &dyn Codec, data: DataRef<'_>) -> Data {
    let e = codec.encode(data).unwrap();
    codec.decode(e.view()).unwrap()
}

/// Checks that `op` (an encode or decode whose output buffer comes from
/// [`AlignedBuf::for_overwrite`](crate::AlignedBuf::for_overwrite), not zero-filled)
/// gives the same result over stale memory as over fresh memory: it runs `op` once with
/// this thread's buffer cache empty, then again with the cache holding buffers of
/// `sizes` bytes filled with 0xff, asserts that the results are equal (naming `what`
/// if not), and returns
/// whether the second run took one of the stale buffers. The cache hands out a buffer
/// of a request's size up to twice it, so `sizes` should step down from above the
/// output buffer's size by factors below 2; it keeps buffers of 32 KiB to 64 MiB, at
/// most 8 and 64 MiB in all.
pub fn same_over_stale_memory(what: &str, sizes: &[usize], op: impl Fn() -> Data) -> bool {
    use crate::AlignedBuf;
    AlignedBuf::clear_thread_cache();
    let fresh = op();
    AlignedBuf::clear_thread_cache();
    let stale: Vec<AlignedBuf> = sizes.iter().map(|&size| AlignedBuf::from_slice(&vec![0xff; size]).unwrap()).collect();
    drop(stale);
    let kept = crate::pool::kept_bytes();
    assert!(kept >= sizes.iter().sum::<usize>(), "the cache keeps every stale buffer");
    // Held until the cache is measured, so that its buffer does not go back.
    let again = op();
    let took = AlignedBuf::clear_thread_cache() < kept;
    assert!(again == fresh, "{what}: a different result over stale memory");
    took
}

/// [`same_over_stale_memory`], which must also have taken a stale buffer (so that the
/// check is not vacuous).
pub fn assert_same_over_stale_memory(what: &str, sizes: &[usize], op: impl Fn() -> Data) {
    assert!(
        same_over_stale_memory(what, sizes, op),
        "{what}: no stale buffer was taken: the sizes do not fit the output buffer"
    );
}

/// Bytes from a hex string (known-answer fixtures store Python's output as hex).
pub fn hex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd-length hex string");
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit")).collect()
}

/// Checks every case of a known-answer fixture written by Python numcodecs: a JSON
/// document `{"cases": [{"config": {...}, "encoded": "<hex>"}, ...]}` whose cases all
/// encode `input`. Each case must decode to `input`, our encoding must equal Python's
/// (outside the ranges `ignore` gives for that config), and `get_config()` must give
/// back Python's configuration exactly. Returns the number of cases checked.
pub fn assert_known_answer_fixture(
    build: impl Fn(&serde_json::Value) -> crate::Result<Box<dyn Codec>>,
    fixture: &str,
    input: &[u8],
    ignore: impl Fn(&serde_json::Value) -> Vec<std::ops::Range<usize>>,
) -> usize {
    let data: serde_json::Value = serde_json::from_str(fixture).expect("fixture is JSON");
    let cases = data["cases"].as_array().expect("fixture has a \"cases\" list");
    for case in cases {
        let config = case["config"].to_string();
        let encoded = hex(case["encoded"].as_str().expect("\"encoded\" is a hex string"));
        let ignore = ignore(&case["config"]);
        assert_known_answer(
            &build,
            &KnownAnswer { name: &config, config: &config, input, encoded: &encoded, ignore: &ignore },
        );
        let codec = build(&case["config"]).expect("the fixture's config builds");
        assert_eq!(
            codec.get_config().expect("get_config"),
            case["config"],
            "get_config() gives back Python's configuration"
        );
    }
    cases.len()
}

/// An array of a typed fixture check: `{"<key>": "<hex>", "<key>_dtype", "<key>_shape"}`.
fn fixture_array(check: &serde_json::Value, key: &str) -> NdArray {
    let dtype: crate::DType = check[format!("{key}_dtype")].as_str().expect("a dtype").parse().expect("a valid dtype");
    let shape: Vec<usize> = serde_json::from_value(check[format!("{key}_shape")].clone()).expect("a shape");
    NdArray::from_bytes(&hex(check[key].as_str().expect("hex bytes")), dtype, shape).expect("bytes match the shape")
}

/// Where `ours` first differs from `theirs`, with the input element there.
fn first_difference(name: &str, input: &NdArray, ours: &NdArray, theirs: &NdArray) -> String {
    let n = theirs.dtype().itemsize().max(1);
    let i = ours.as_bytes().iter().zip(theirs.as_bytes()).position(|(a, b)| a != b).unwrap_or(0) / n;
    let m = input.dtype().itemsize().max(1);
    format!(
        "{name}: differs at element {i} of {}: input {:02x?}, ours {:02x?}, numcodecs {:02x?}",
        theirs.len(),
        input.as_bytes().get(i * m..(i + 1) * m),
        ours.as_bytes().get(i * n..(i + 1) * n),
        theirs.as_bytes().get(i * n..(i + 1) * n)
    )
}

/// Checks a filter's fixture of typed arrays written by Python numcodecs:
/// `{"cases": [{"config": {...}, "checks": [{"op": "encode" | "decode", "input",
/// "input_dtype", "input_shape", "output", "output_dtype", "output_shape"} or
/// {..., "error": "..."}]}]}` (hex bytes). Every output must match numcodecs' in bytes,
/// dtype and shape; where numcodecs raised, we must refuse too; every decode also goes
/// into an unaligned buffer through `decode_into`; `get_config()` must give back the
/// configuration. Returns the number of cases and of checks.
pub fn assert_typed_fixture(
    build: impl Fn(&serde_json::Value) -> crate::Result<Box<dyn Codec>>,
    fixture: &str,
) -> (usize, usize) {
    let data: serde_json::Value = serde_json::from_str(fixture).expect("fixture is JSON");
    let cases = data["cases"].as_array().expect("fixture has a \"cases\" list");
    let mut checks = 0;
    for case in cases {
        let config = case["config"].to_string();
        let codec = build(&case["config"]).unwrap_or_else(|e| panic!("{config}: {e}"));
        assert_eq!(codec.get_config().expect("get_config"), case["config"], "{config}");
        for check in case["checks"].as_array().expect("a \"checks\" list") {
            checks += 1;
            let op = check["op"].as_str().expect("an op");
            let name = format!("{config} {op}");
            let input = fixture_array(check, "input");
            let run = |data: DataRef<'_>| if op == "encode" { codec.encode(data) } else { codec.decode(data) };
            if let Some(error) = check.get("error") {
                assert!(run(DataRef::from(&input)).is_err(), "{name}: numcodecs raised {error}, we did not");
                continue;
            }
            let want = fixture_array(check, "output");
            let ours =
                run(DataRef::from(&input)).unwrap_or_else(|e| panic!("{name}: {e}")).into_array().expect("numeric");
            assert_eq!((ours.dtype(), ours.shape()), (want.dtype(), want.shape()), "{name}");
            assert!(ours.as_bytes() == want.as_bytes(), "{}", first_difference(&name, &input, &ours, &want));
            if op == "decode" {
                let mut out = vec![0u8; want.as_bytes().len() + 1];
                let mut view = ArrayViewMut::new(&mut out[1..], want.dtype(), want.shape().to_vec()).expect("a view");
                codec
                    .decode_into(DataRef::from(&input), &mut view)
                    .unwrap_or_else(|e| panic!("{name}: decode_into: {e}"));
                assert!(&out[1..] == want.as_bytes(), "{name}: decode_into differs");
            }
        }
    }
    (cases.len(), checks)
}
