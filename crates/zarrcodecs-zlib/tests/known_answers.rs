//! Bytes written by Python numcodecs 0.15.2 (tests/data/numcodecs-0.15.2.json): they
//! decode here, and our encoding of the same input is identical (gzip's timestamp,
//! bytes 4..8, aside).

#![allow(clippy::single_range_in_vec_init)]

use zarrcodecs_core::testing::assert_known_answer_fixture;
use zarrcodecs_core::{Codec, StaticCodec};
use zarrcodecs_zlib::{GZip, Zlib};

fn build(config: &serde_json::Value) -> zarrcodecs_core::Result<Box<dyn Codec>> {
    match config["id"].as_str() {
        Some("zlib") => Ok(Box::new(Zlib::from_json(config)?)),
        _ => Ok(Box::new(GZip::from_json(config)?)),
    }
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let input: Vec<u8> = (0..3000i32).flat_map(|i| (i % 37).to_le_bytes()).collect();
    // gzip's modification time (bytes 4..8) is the time of writing in Python, 0 here.
    let ignore = |config: &serde_json::Value| if config["id"] == "gzip" { vec![4..8] } else { Vec::new() };
    let checked = assert_known_answer_fixture(build, include_str!("data/numcodecs-0.15.2.json"), &input, ignore);
    assert_eq!(checked, 7);
}
