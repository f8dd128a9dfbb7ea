//! Bytes written by Python numcodecs 0.15.2 (tests/data/numcodecs-0.15.2.json): they
//! decode here to what numcodecs decodes, our encoding of the same input is identical,
//! and what numcodecs refuses to decode we refuse with a typed error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use zarrcodecs_core::testing::forms;
use zarrcodecs_core::{Codec, DynCodec, Error, StaticCodec};
use zarrcodecs_json::Json;

const FIXTURE: &str = include_str!("data/numcodecs-0.15.2.json");

#[test]
fn numcodecs_0_15_2_known_answers() {
    let cases = forms::cases(FIXTURE);
    assert_eq!(cases.len(), 47);
    for (config, name, input, encoded, decoded) in &cases {
        let codec = Json::from_json(config).unwrap();
        assert_eq!(&codec.get_config().unwrap(), config, "{config} {name}");
        let ours = codec.encode(input.view()).unwrap_or_else(|e| panic!("{config} {name}: encode: {e}"));
        let ours = ours.as_bytes().unwrap();
        assert!(
            ours == &encoded[..],
            "{config} {name}: our bytes equal numcodecs'\n ours: {}\ntheirs: {}",
            String::from_utf8_lossy(ours),
            String::from_utf8_lossy(encoded)
        );
        let dec = codec.decode(forms::bytes(encoded)).unwrap_or_else(|e| panic!("{config} {name}: decode: {e}"));
        assert!(forms::same(&dec, decoded), "{config} {name}: decodes as numcodecs: {dec:?}");
    }
}

#[test]
fn numcodecs_0_15_2_rejects() {
    let rejects = forms::rejects(FIXTURE);
    assert_eq!(rejects.len(), 10);
    for (config, name, encoded) in &rejects {
        let r = Json::from_json(config).unwrap().decode(forms::bytes(encoded));
        match (name.as_str(), r) {
            ("huge_shape", Err(Error::DecodedSizeLimit { .. })) | (_, Err(Error::Corrupt { .. })) => {}
            (_, other) => panic!("{config} {name}: {other:?}"),
        }
    }
}

/// The `json` fixtures numcodecs 0.6 to 0.9 wrote (from numcodecs' repository): they
/// decode here to the arrays numcodecs stored next to them, and we write the same bytes.
#[test]
fn legacy_json_fixtures() {
    let cases = forms::cases(include_str!("data/numcodecs-0.9-legacy.json"));
    assert_eq!(cases.len(), 6);
    for (config, name, input, encoded, decoded) in &cases {
        let codec = zarrcodecs_json::LegacyJson::from_json(config).unwrap();
        assert_eq!(&codec.get_config().unwrap(), config, "{name}");
        let dec = codec.decode(forms::bytes(encoded)).unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert!(forms::same(&dec, decoded), "{name}: decodes as numpy: {dec:?}");
        let ours = codec.encode(input.view()).unwrap_or_else(|e| panic!("{name}: encode: {e}"));
        assert!(ours.as_bytes() == Some(&encoded[..]), "{name}: our bytes equal numcodecs'");
    }
}
