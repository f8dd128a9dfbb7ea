//! Bytes written by Python numcodecs 0.15.2 (tests/data/numcodecs-0.15.2.json): they
//! decode here to what numcodecs decodes, our encoding of the same input is identical,
//! and what numcodecs refuses to decode we refuse with a typed error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use zarrcodecs_core::testing::forms;
use zarrcodecs_core::{Codec, DynCodec, Error, StaticCodec};
use zarrcodecs_json::Json;

const FIXTURE: &str = include_str!("data/numcodecs-0.15.2.json");

/// The fixture's entries under `key`, each as (config, name, encoded bytes, entry).
fn entries(doc: &str, key: &str) -> Vec<(serde_json::Value, String, Vec<u8>, serde_json::Value)> {
    let v: serde_json::Value = serde_json::from_str(doc).unwrap();
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let hex = e["encoded"].as_str().unwrap();
            let bytes = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
            (e["config"].clone(), e["name"].as_str().unwrap().to_owned(), bytes, e.clone())
        })
        .collect()
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let cases = forms::cases(FIXTURE);
    assert_eq!(cases.len(), 64);
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
    assert_eq!(rejects.len(), 18);
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
    assert_eq!(cases.len(), 7);
    for (config, name, input, encoded, decoded) in &cases {
        let codec = zarrcodecs_json::LegacyJson::from_json(config).unwrap();
        assert_eq!(&codec.get_config().unwrap(), config, "{name}");
        let dec = codec.decode(forms::bytes(encoded)).unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert!(forms::same(&dec, decoded), "{name}: decodes as numpy: {dec:?}");
        let ours = codec.encode(input.view()).unwrap_or_else(|e| panic!("{name}: encode: {e}"));
        assert!(ours.as_bytes() == Some(&encoded[..]), "{name}: our bytes equal numcodecs'");
    }
}

/// Bytes numcodecs did not write but decodes (repeated keys, `1e400`, ints beyond 64
/// bits, into object and numeric arrays): they decode here to what numcodecs gives.
#[test]
fn numcodecs_0_15_2_decodes() {
    let decodes = entries(FIXTURE, "decodes");
    assert_eq!(decodes.len(), 8);
    for (config, name, encoded, e) in &decodes {
        let codec = Json::from_json(config).unwrap();
        let dec = codec.decode(forms::bytes(encoded)).unwrap_or_else(|err| panic!("{name}: decode: {err}"));
        assert!(forms::same(&dec, &forms::data(&e["decoded"])), "{name}: decodes as numcodecs: {dec:?}");
    }
}

/// Every file of numcodecs' fixture corpus (fixture/json2 and the removed fixture/json)
/// whose array holds dicts: it decodes here to what numcodecs decodes, and where
/// numcodecs' encoder writes the stored bytes again, ours does too.
#[test]
fn numcodecs_fixture_corpus() {
    let corpus = include_str!("data/numcodecs-fixture-corpus.json");
    let cases = entries(corpus, "cases");
    let mut reencoded = 0;
    for ((config, name, encoded, e), (_, _, input, _, decoded)) in cases.iter().zip(forms::cases(corpus)) {
        let codec = zarrcodecs_core::registry::get_codec(config).unwrap();
        let dec = codec.decode(forms::bytes(encoded)).unwrap_or_else(|err| panic!("{name}: decode: {err}"));
        assert!(forms::same(&dec, &decoded), "{name}: decodes as numcodecs: {dec:?}");
        if e["reencodes"] == true {
            let ours = codec.encode(input.view()).unwrap_or_else(|err| panic!("{name}: encode: {err}"));
            assert!(ours.as_bytes() == Some(&encoded[..]), "{name}: our bytes equal numcodecs'");
            reencoded += 1;
        }
    }
    assert_eq!((cases.len(), reencoded), (6, 6));
}
