//! Bytes written by Python numcodecs 0.15.2 (tests/data/numcodecs-0.15.2.json, levels 1
//! to 9): they decode here, and our encoding of the same input is identical.

#![allow(clippy::unwrap_used)]

use zarrcodecs_bz2::Bz2;
use zarrcodecs_core::testing::assert_known_answer_fixture;
use zarrcodecs_core::{Codec, StaticCodec};

fn build(config: &serde_json::Value) -> zarrcodecs_core::Result<Box<dyn Codec>> {
    Ok(Box::new(Bz2::from_json(config)?))
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let input: Vec<u8> = (0..3000i32).flat_map(|i| (i % 37).to_le_bytes()).collect();
    let checked =
        assert_known_answer_fixture(build, include_str!("data/numcodecs-0.15.2.json"), &input, |_| Vec::new());
    assert_eq!(checked, 9);
}
