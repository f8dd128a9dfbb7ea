//! Bytes written by Python numcodecs 0.15.2 with msgpack-python 1.x
//! (tests/data/numcodecs-0.15.2.json): they decode here to what numcodecs decodes, our
//! encoding of the same input is identical, and what numcodecs refuses to decode we
//! refuse with a typed error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use zarrcodecs_core::testing::forms;
use zarrcodecs_core::{Codec, DynCodec, Error, StaticCodec};
use zarrcodecs_msgpack::MsgPack;

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
    assert_eq!(cases.len(), 45);
    for (config, name, input, encoded, decoded) in &cases {
        let codec = MsgPack::from_json(config).unwrap();
        assert_eq!(&codec.get_config().unwrap(), config, "{config} {name}");
        let ours = codec.encode(input.view()).unwrap_or_else(|e| panic!("{config} {name}: encode: {e}"));
        assert!(ours.as_bytes() == Some(&encoded[..]), "{config} {name}: our bytes equal numcodecs'");
        let dec = codec.decode(forms::bytes(encoded)).unwrap_or_else(|e| panic!("{config} {name}: decode: {e}"));
        assert!(forms::same(&dec, decoded), "{config} {name}: decodes as numcodecs: {dec:?}");
    }
}

#[test]
fn numcodecs_0_15_2_rejects() {
    let rejects = forms::rejects(FIXTURE);
    assert_eq!(rejects.len(), 17);
    for (config, name, encoded) in &rejects {
        let r = MsgPack::from_json(config).unwrap().decode(forms::bytes(encoded));
        match (name.as_str(), r) {
            ("huge_shape", Err(Error::DecodedSizeLimit { .. })) | (_, Err(Error::Corrupt { .. })) => {}
            (_, other) => panic!("{config} {name}: {other:?}"),
        }
    }
}

/// The `msgpack` fixtures numcodecs 0.6 to 0.9 wrote (from numcodecs' repository): they
/// decode here to the arrays numcodecs stored next to them, and we write the same bytes.
#[test]
fn legacy_msgpack_fixtures() {
    let cases = forms::cases(include_str!("data/numcodecs-0.9-legacy.json"));
    assert_eq!(cases.len(), 7);
    for (config, name, input, encoded, decoded) in &cases {
        let codec = zarrcodecs_msgpack::LegacyMsgPack::from_json(config).unwrap();
        assert_eq!(&codec.get_config().unwrap(), config, "{name}");
        let dec = codec.decode(forms::bytes(encoded)).unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert!(forms::same(&dec, decoded), "{name}: decodes as numpy: {dec:?}");
        let ours = codec.encode(input.view()).unwrap_or_else(|e| panic!("{name}: encode: {e}"));
        assert!(ours.as_bytes() == Some(&encoded[..]), "{name}: our bytes equal numcodecs'");
    }
}

/// Bytes numcodecs did not write but decodes (repeated keys, `str` and `bin` keys,
/// a uint64 into float32): they decode here to what numcodecs gives.
#[test]
fn numcodecs_0_15_2_decodes() {
    let decodes = entries(FIXTURE, "decodes");
    assert_eq!(decodes.len(), 10);
    for (config, name, encoded, e) in &decodes {
        let codec = MsgPack::from_json(config).unwrap();
        let dec = codec.decode(forms::bytes(encoded)).unwrap_or_else(|err| panic!("{config} {name}: decode: {err}"));
        assert!(forms::same(&dec, &forms::data(&e["decoded"])), "{config} {name}: decodes as numcodecs: {dec:?}");
    }
}

/// Dicts with keys other than `str` and `bytes`: numcodecs packs them (our bytes are
/// the same) but its `unpackb` refuses them (`strict_map_key`), and so do we.
#[test]
fn numcodecs_0_15_2_encodes() {
    let encodes = entries(FIXTURE, "encodes");
    assert_eq!(encodes.len(), 5);
    for (config, name, encoded, e) in &encodes {
        let codec = MsgPack::from_json(config).unwrap();
        let input = forms::data(&e["input"]);
        let ours = codec.encode(input.view()).unwrap_or_else(|err| panic!("{config} {name}: encode: {err}"));
        assert!(ours.as_bytes() == Some(&encoded[..]), "{config} {name}: our bytes equal numcodecs'");
        let r = codec.decode(forms::bytes(encoded));
        assert!(matches!(r, Err(Error::Corrupt { .. })), "{config} {name}: {r:?}");
    }
}

/// Every file of numcodecs' fixture corpus (fixture/msgpack2 and the removed
/// fixture/msgpack) whose array holds dicts: it decodes here to what numcodecs decodes,
/// and where numcodecs' encoder writes the stored bytes again, ours does too.
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
    assert_eq!((cases.len(), reencoded), (2, 2));
}
