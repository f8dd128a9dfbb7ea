//! Bytes written by Python numcodecs 0.15.2 (tests/data/numcodecs-0.15.2.json): they
//! decode here to what numcodecs decodes, our encoding of the same input is identical,
//! and what numcodecs refuses to decode we refuse with a typed error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use zarrcodecs_core::testing::forms;
use zarrcodecs_core::{Codec, Error, StaticCodec};
use zarrcodecs_vlen::{VLenArray, VLenBytes, VLenUtf8};

const FIXTURE: &str = include_str!("data/numcodecs-0.15.2.json");

fn build(config: &serde_json::Value) -> Box<dyn Codec> {
    match config["id"].as_str().unwrap() {
        "vlen-utf8" => Box::new(VLenUtf8::from_json(config).unwrap()),
        "vlen-bytes" => Box::new(VLenBytes::from_json(config).unwrap()),
        _ => Box::new(VLenArray::from_json(config).unwrap()),
    }
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let cases = forms::cases(FIXTURE);
    assert_eq!(cases.len(), 21);
    for (config, name, input, encoded, decoded) in &cases {
        let codec = build(config);
        assert_eq!(&codec.get_config().unwrap(), config, "{config} {name}");
        let ours = codec.encode(input.view()).unwrap_or_else(|e| panic!("{config} {name}: encode: {e}"));
        assert_eq!(ours.as_bytes(), Some(&encoded[..]), "{config} {name}: our bytes equal numcodecs'");
        let dec = codec.decode(forms::bytes(encoded)).unwrap_or_else(|e| panic!("{config} {name}: decode: {e}"));
        assert!(forms::same(&dec, decoded), "{config} {name}: decodes as numcodecs: {dec:?}");
    }
}

#[test]
fn numcodecs_0_15_2_rejects() {
    let rejects = forms::rejects(FIXTURE);
    assert_eq!(rejects.len(), 15);
    for (config, name, encoded) in &rejects {
        match build(config).decode(forms::bytes(encoded)) {
            Err(Error::Corrupt { .. }) => {}
            other => panic!("{config} {name}: {other:?}"),
        }
    }
}
