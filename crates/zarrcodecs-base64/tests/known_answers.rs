//! Bytes written by Python numcodecs 0.15.2 (tests/data/numcodecs-0.15.2.json): they
//! decode here, and our encoding of the same input is identical.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)] // test helpers outside #[test] functions

use zarrcodecs_base64::Base64;
use zarrcodecs_core::testing::{assert_known_answer, hex, KnownAnswer};
use zarrcodecs_core::{Codec, StaticCodec};

fn build(config: &serde_json::Value) -> zarrcodecs_core::Result<Box<dyn Codec>> {
    Ok(Box::new(Base64::from_json(config)?))
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let data: serde_json::Value = serde_json::from_str(include_str!("data/numcodecs-0.15.2.json")).unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for case in cases {
        let input = hex(data["inputs"][case["input"].as_str().unwrap()].as_str().unwrap());
        let config = case["config"].to_string();
        let encoded = hex(case["encoded"].as_str().unwrap());
        let name = format!("base64 on {}", case["input"]);
        assert_known_answer(
            build,
            &KnownAnswer { name: &name, config: &config, input: &input, encoded: &encoded, ignore: &[] },
        );
    }
}
