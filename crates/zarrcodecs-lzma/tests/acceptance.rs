//! What numcodecs 0.15.2 builds, we build (and `get_config` writes back the same);
//! what its encode (Python's `lzma.compress`) refuses, ours refuses; what its decode
//! (`lzma.decompress` with `format` and `filters` only) decodes, ours decodes
//! (tests/data/acceptance-0.15.2.json, written by tests/data/acceptance.py).

#![allow(clippy::unwrap_used, clippy::panic)]

use zarrcodecs_core::testing::{self, hex};
use zarrcodecs_core::{CodecExt, DataRef};
use zarrcodecs_lzma::Lzma;

#[test]
fn numcodecs_0_15_2_acceptance() {
    let data: serde_json::Value = serde_json::from_str(include_str!("data/acceptance-0.15.2.json")).unwrap();
    let input = hex(data["input"].as_str().unwrap());
    let cases = data["cases"].as_array().unwrap();
    let (mut built, mut refused_encode, mut decoded, mut refused_decode) = (0, 0, 0, 0);
    for case in cases {
        let config = &case["config"];
        let Some((codec, refused)) = testing::acceptance_case::<Lzma>(case, DataRef::from(&input[..])) else {
            continue;
        };
        built += 1;
        refused_encode += usize::from(refused);
        let chunk = hex(data["chunks"][case["chunk_format"].to_string()].as_str().unwrap());
        let ours = codec.decode_bytes(&chunk);
        if let Some(same) = case["decode"]["ok"].as_bool() {
            // Decode never needs more of the configuration than numcodecs' decode, and
            // gives what it gives (the input, or for a raw chain other than the
            // chunk's, something else).
            decoded += 1;
            assert_eq!(ours.unwrap().as_bytes() == &input[..], same, "{config}: decode");
        } else {
            // numcodecs refuses; we may decode more (filters given with a container
            // format are ignored, as the container names its filters), never less.
            if ours.is_err() {
                refused_decode += 1;
            }
            println!("{config}: numcodecs decode {}; ours {:?}", case["decode"]["error"], ours.map(|d| d.len()));
        }
    }
    assert_eq!((cases.len(), built, refused_encode, decoded, refused_decode), (50, 48, 36, 24, 6));
}
