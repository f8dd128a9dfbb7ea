//! The registry: every linked id builds from its own config and round-trips data;
//! run-time registrations replace earlier ones.

mod common;

use common::{Input, CATALOGUE};
use serde_json::json;
use zarrcodecs::{get_codec, register_codec, registered_ids, CodecExt, DynCodec, Error, StaticCodec};
use zarrcodecs_core::testing;

/// The registry is one per process and the tests run in parallel: the test that
/// registers and replaces codecs at run time must not run while another walks every
/// registered id (CI once saw `test-alias` there, resolving to zstd), and it removes
/// what it registered before it lets go.
static REGISTRY: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn every_registered_codec_builds_from_its_own_config_and_round_trips() {
    let _registry = REGISTRY.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let ids = registered_ids();
    for expected in ["gzip", "zlib", "zstd"] {
        assert!(ids.iter().any(|i| i == expected), "{expected} missing from {ids:?}");
    }
    for id in ids {
        // The default configuration where the codec has one (a filter's dtype, say,
        // has no default), else the catalogue's.
        let codec = get_codec(&json!({ "id": id })).or_else(|_| {
            let entry = CATALOGUE.iter().find(|e| e.config.contains(&format!("\"id\": \"{id}\""))).unwrap();
            get_codec(&serde_json::from_str(entry.config).unwrap())
        });
        let codec = codec.unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(codec.codec_id(), id);
        let config = codec.get_config().unwrap();
        assert_eq!(config["id"], json!(id));
        let again = get_codec(&config).unwrap();
        assert_eq!(again.get_config().unwrap(), config, "{id}: get_config is stable");
        // A boxed codec clones into the same codec.
        let cloned = codec.clone();
        assert_eq!((cloned.codec_id(), cloned.get_config().unwrap()), (id.as_str(), config.clone()), "{id}: clone");
        // Byte codecs round-trip every sample array (the others: tests/properties.rs).
        // Not pickle: numpy loads a big-endian datetime64 in native order (as Python does).
        if id != "pickle"
            && CATALOGUE
                .iter()
                .any(|e| e.config.contains(&format!("\"id\": \"{id}\"")) && matches!(e.input, Input::AnyNumeric))
        {
            testing::assert_bytes_round_trip(again.as_ref());
        }
    }
}

#[test]
fn zarr_v3_names_are_accepted() {
    let c = get_codec(&json!({"name": "numcodecs.zstd", "configuration": {"level": 5, "checksum": true}})).unwrap();
    assert_eq!(c.get_config().unwrap(), json!({"id": "zstd", "level": 5, "checksum": true}));
    let c = get_codec(&json!({"name": "numcodecs.zlib"})).unwrap();
    assert_eq!(c.get_config().unwrap(), json!({"id": "zlib", "level": 1}));
    assert!(matches!(
        get_codec(&json!({"name": "numcodecs.zlib", "configuration": {"level": 1}, "extra": 1})),
        Err(Error::InvalidConfig { .. })
    ));
}

#[test]
fn bad_configs_are_typed_errors() {
    assert!(matches!(get_codec(&json!({"id": "nope"})), Err(Error::UnknownCodec { .. })));
    // Not a codec configuration at all: no codec to name.
    assert!(matches!(get_codec(&json!({"level": 1})), Err(Error::MalformedConfig { .. })));
    assert!(matches!(get_codec(&json!({"id": 5})), Err(Error::MalformedConfig { .. })));
    assert!(matches!(get_codec(&json!("zlib")), Err(Error::MalformedConfig { .. })));
    assert!(matches!(get_codec(&json!({"id": "zlib", "level": "11"})), Err(Error::InvalidConfig { .. })));
    assert!(matches!(get_codec(&json!({"id": "zlib", "lvl": 1})), Err(Error::InvalidConfig { .. })));
    assert!(matches!(get_codec(&json!({"id": "zstd", "level": "3"})), Err(Error::InvalidConfig { .. })));
}

#[test]
fn config_errors_name_the_codec_and_keep_their_source() {
    let err = get_codec(&json!({"id": "zlib", "lvl": 1})).unwrap_err();
    let Error::InvalidConfig { codec, source, .. } = &err else { panic!("{err:?}") };
    assert_eq!(codec, "zlib");
    // serde_json's error, which names the key, is the source, not flattened into text.
    let source = source.as_ref().expect("a source");
    assert!(source.downcast_ref::<serde_json::Error>().is_some(), "{source:?}");
    assert!(std::error::Error::source(&err).is_some());
    assert!(err.display_chain().contains("unknown field `lvl`"), "{}", err.display_chain());
    // No error names a placeholder instead of a codec.
    for bad in [json!({"level": 1}), json!([1]), json!({"id": "zlib", "level": "11"})] {
        let text = get_codec(&bad).unwrap_err().to_string();
        assert!(!text.contains("\"?\"") && !text.contains("\"\""), "{text}");
    }
}

#[test]
fn typed_codecs_come_back_from_dyn() {
    let codec = get_codec(&json!({"id": "zlib", "level": 3})).unwrap();
    let zlib = codec.downcast_ref::<zarrcodecs::zlib::Zlib>().expect("a Zlib");
    assert_eq!(zlib.get_config().unwrap(), json!({"id": "zlib", "level": 3}));
    assert!(codec.downcast_ref::<zarrcodecs::zstd::Zstd>().is_none());
    let pipeline = zarrcodecs::Pipeline::from_json(&json!([{"id": "zstd", "level": 1}, {"id": "zlib"}])).unwrap();
    let copy = pipeline.clone();
    assert_eq!(copy.get_config().unwrap(), pipeline.get_config().unwrap());
}

#[test]
fn later_registration_replaces_earlier_one() {
    let _registry = REGISTRY.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // A run-time codec under a new id, then replaced by another constructor.
    register_codec("test-alias", |cfg| Ok(Box::new(zarrcodecs::zlib::Zlib::from_json_map(cfg)?)));
    let c = get_codec(&json!({"id": "test-alias", "level": 3})).unwrap();
    assert_eq!(c.codec_id(), "zlib");
    register_codec("test-alias", |_| Ok(Box::new(zarrcodecs::zstd::Zstd::new(1)?)));
    let c = get_codec(&json!({"id": "test-alias"})).unwrap();
    assert_eq!(c.codec_id(), "zstd");
    assert!(registered_ids().contains(&"test-alias".to_string()));
    // Run-time registrations take precedence over link-time ones.
    register_codec("gzip", |_| Ok(Box::new(zarrcodecs::zlib::Zlib::new(9)?)));
    assert_eq!(get_codec(&json!({"id": "gzip"})).unwrap().codec_id(), "zlib");
    assert!(zarrcodecs::core::registry::unregister_codec("gzip"));
    assert_eq!(get_codec(&json!({"id": "gzip"})).unwrap().codec_id(), "gzip");
    let data = b"xyz".repeat(100);
    let c = get_codec(&json!({"id": "test-alias"})).unwrap();
    assert_eq!(c.decode_bytes(c.encode_bytes(&data).unwrap().as_bytes()).unwrap().as_bytes(), &data[..]);
    // Gone again, so that a test walking every registered id afterwards (the mutex
    // only orders the two) does not meet an id whose codec reports another id.
    assert!(zarrcodecs::core::registry::unregister_codec("test-alias"));
    assert!(!registered_ids().contains(&"test-alias".to_string()));
}

#[test]
fn pipeline_round_trip_and_decode_into() {
    let p = zarrcodecs::Pipeline::from_json(&json!([{"id": "zstd", "level": 3}, {"id": "zlib", "level": 1}])).unwrap();
    let data: Vec<u8> = (0..100_000u32).flat_map(|i| (i / 3).to_le_bytes()).collect();
    let enc = p.encode(zarrcodecs::DataRef::from(&data[..])).unwrap();
    // The outer codec is zlib: the bytes must be a zlib stream of a zstd frame.
    let inner = zarrcodecs::zlib::Zlib::default().decode_bytes(enc.as_bytes().unwrap()).unwrap();
    assert_eq!(&inner.as_bytes()[..4], &[0x28, 0xb5, 0x2f, 0xfd]);
    assert_eq!(p.decode(enc.view()).unwrap().as_bytes(), Some(&data[..]));
    let mut out = vec![0u8; data.len()];
    p.decode_into(enc.view(), &mut zarrcodecs::ArrayViewMut::from_bytes(&mut out)).unwrap();
    assert_eq!(out, data);
    assert_eq!(
        p.get_config().unwrap(),
        json!([{"id": "zstd", "level": 3, "checksum": false}, {"id": "zlib", "level": 1}])
    );
}
