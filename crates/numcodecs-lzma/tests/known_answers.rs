//! Bytes written by Python numcodecs 0.15.2 (tests/data/numcodecs-0.15.2.json): they
//! decode here, and our encoding of the same input is byte-identical.

#![allow(clippy::unwrap_used)]

use numcodecs_core::testing::{assert_known_answer, hex, KnownAnswer};
use numcodecs_core::{Codec, StaticCodec};
use numcodecs_lzma::Lzma;

fn build(config: &serde_json::Value) -> numcodecs_core::Result<Box<dyn Codec>> {
    Ok(Box::new(Lzma::from_json(config)?))
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let data: serde_json::Value = serde_json::from_str(include_str!("data/numcodecs-0.15.2.json")).unwrap();
    let input: Vec<u8> = (0..3000i32).flat_map(|i| (i % 37).to_le_bytes()).collect();
    let cases = data["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 15);
    for case in cases {
        let config = case["config"].to_string();
        let encoded = hex(case["encoded"].as_str().unwrap());
        assert_known_answer(
            build,
            &KnownAnswer { name: &config, config: &config, input: &input, encoded: &encoded, ignore: &[] },
        );
        // get_config() gives back exactly what Python's get_config() wrote.
        assert_eq!(build(&case["config"]).unwrap().get_config(), case["config"]);
    }
}
