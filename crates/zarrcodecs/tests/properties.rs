//! Property tests: for every configuration in the catalogue (tests/common), random
//! inputs of random dtypes, shapes and contents encode and decode back exactly, or
//! within the documented bound for lossy codecs, through `decode` and `decode_into`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{check, generate, Rng, CATALOGUE};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use zarrcodecs::{get_codec, registered_ids, Data, NdArray};

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
