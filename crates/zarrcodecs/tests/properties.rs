//! Property tests: for every configuration in the catalogue (tests/common), random
//! inputs of random dtypes, shapes and contents encode and decode back exactly, or
//! within the documented bound for lossy codecs, through `decode` and `decode_into`;
//! and every configuration gives the same result over stale cached memory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{check, generate, Rng, CATALOGUE};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use zarrcodecs::core::testing;
use zarrcodecs::{get_codec, registered_ids, AlignedBuf, Data, NdArray};

#[test]
fn catalogue_is_complete() {
    for id in registered_ids() {
        assert!(
            CATALOGUE.iter().any(|e| serde_json::from_str::<serde_json::Value>(e.config).unwrap()["id"] == id.as_str()),
            "no catalogue entry in tests/common/mod.rs for the codec {id:?}"
        );
    }
}

#[test]
fn every_codec_round_trips_random_inputs() {
    for entry in CATALOGUE {
        let config: serde_json::Value = serde_json::from_str(entry.config).unwrap();
        let codec = get_codec(&config).unwrap_or_else(|e| panic!("{}: {e}", entry.config));
        let mut runner = TestRunner::new(Config { cases: 48, failure_persistence: None, ..Config::default() });
        let result = runner.run(&(entry.min_len..2500, any::<u64>()), |(len, seed)| {
            let input = generate(entry.input, len, &mut Rng::new(seed));
            let fail = |e: zarrcodecs::Error| TestCaseError::fail(format!("{}: {e}", entry.config));
            let encoded = codec.encode(input.view()).map_err(fail)?;
            let decoded = codec.decode(encoded.view()).map_err(fail)?;
            check(entry.config, entry.bound, &input, &decoded).map_err(TestCaseError::fail)?;
            if let Data::Array(d) = &decoded {
                let mut out = NdArray::zeros(d.dtype(), d.shape().to_vec()).unwrap();
                codec.decode_into(encoded.view(), &mut out.view_mut()).map_err(fail)?;
                prop_assert_eq!(out.as_bytes(), d.as_bytes(), "{}: decode_into differs from decode", entry.config);
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{}: {e}", entry.config);
        }
    }
}

/// Every codec encodes and decodes to the same result when its output buffer comes from
/// stale memory (the thread's cache holding buffers filled with 0xff) as when the cache
/// is empty: a codec that writes into `AlignedBuf::for_overwrite` memory (or through
/// `from_uninit_writer`) must write, or cut away, every byte it returns.
#[test]
fn every_codec_is_the_same_over_stale_memory() {
    let mut took = Vec::new();
    for (k, entry) in CATALOGUE.iter().enumerate() {
        let config: serde_json::Value = serde_json::from_str(entry.config).unwrap();
        let codec = get_codec(&config).unwrap();
        let input = generate(entry.input, 40_000, &mut Rng::new(k as u64));
        AlignedBuf::clear_thread_cache();
        let encoded = codec.encode(input.view()).unwrap();
        AlignedBuf::clear_thread_cache();
        let decoded = codec.decode(encoded.view()).unwrap();
        // From four times the encoded and decoded sizes down by factors of 1.6 (the
        // cache hands out a buffer of a request's size to twice it), down to 32 KiB.
        let bytes = |d: &Data| match d {
            Data::Array(a) => a.as_bytes().len(),
            Data::Object(o) => o.items().len() * 16,
        };
        let top = 4 * bytes(&encoded).max(bytes(&decoded)).max(bytes(&input));
        let sizes: Vec<usize> =
            (0..8).map(|i| top * 5_usize.pow(i) / 8_usize.pow(i)).filter(|&n| n >= 32 << 10).collect();
        for (what, op) in [
            ("encode", &(|| codec.encode(input.view()).unwrap()) as &dyn Fn() -> Data),
            ("decode", &|| codec.decode(encoded.view()).unwrap()),
        ] {
            let want = if what == "encode" { &encoded } else { &decoded };
            assert!(op() == *want, "{} {what}: not deterministic", entry.config);
            if testing::same_over_stale_memory(&format!("{} {what}", entry.config), &sizes, op) {
                took.push(format!("{} {what}", entry.config));
            }
        }
    }
    // Not vacuous: most compressors and filters take cached buffers.
    assert!(took.len() >= 60, "only {} operations took a stale buffer: {took:?}", took.len());
}
