//! Bytes written by Python numcodecs 0.15.2 (tests/data/numcodecs-0.15.2.json, accelerations
//! 1, 2, 10, 100, 0, -1 and 65537): they decode here, and our encoding of the same input is identical.

#![allow(clippy::unwrap_used)]

use zarrcodecs_core::testing::assert_known_answer_fixture;
use zarrcodecs_core::{Codec, StaticCodec};
use zarrcodecs_lz4::Lz4;

fn build(config: &serde_json::Value) -> zarrcodecs_core::Result<Box<dyn Codec>> {
    Ok(Box::new(Lz4::from_json(config)?))
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let input: Vec<u8> = (0..3000i32).flat_map(|i| (i % 37).to_le_bytes()).collect();
    let checked =
        assert_known_answer_fixture(build, include_str!("data/numcodecs-0.15.2.json"), &input, |_| Vec::new());
    assert_eq!(checked, 7);
}
