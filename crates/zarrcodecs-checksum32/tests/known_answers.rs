//! Bytes written by Python numcodecs 0.15.2 (tests/data/numcodecs-0.15.2.json): for
//! every id and option (location start and end, jenkins_lookup3's initval and prefix),
//! they decode here, and our encoding of the same input is identical.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)] // test helpers outside #[test] functions

use zarrcodecs_checksum32::{Adler32, Crc32, Crc32c, Fletcher32, JenkinsLookup3};
use zarrcodecs_core::testing::{assert_known_answer, hex, KnownAnswer};
use zarrcodecs_core::{Codec, CodecExt, StaticCodec};

fn build(config: &serde_json::Value) -> zarrcodecs_core::Result<Box<dyn Codec>> {
    Ok(match config["id"].as_str() {
        Some("crc32") => Box::new(Crc32::from_json(config)?),
        Some("crc32c") => Box::new(Crc32c::from_json(config)?),
        Some("adler32") => Box::new(Adler32::from_json(config)?),
        Some("fletcher32") => Box::new(Fletcher32::from_json(config)?),
        _ => Box::new(JenkinsLookup3::from_json(config)?),
    })
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let data: serde_json::Value = serde_json::from_str(include_str!("data/numcodecs-0.15.2.json")).unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 80);
    let mut checked = 0;
    for case in cases {
        let input = hex(data["inputs"][case["input"].as_str().unwrap()].as_str().unwrap());
        let config = case["config"].to_string();
        let name = format!("{config} on {}", case["input"]);
        let Some(encoded) = case["encoded"].as_str() else {
            // numcodecs 0.15.2 cannot checksum empty data with fletcher32; we can, with
            // a checksum of 0.
            assert_eq!(case["config"]["id"], "fletcher32", "{name}");
            assert!(input.is_empty());
            let codec = build(&case["config"]).unwrap();
            assert_eq!(codec.encode_bytes(&input).unwrap().as_bytes(), &[0, 0, 0, 0]);
            continue;
        };
        let encoded = hex(encoded);
        assert_known_answer(
            build,
            &KnownAnswer { name: &name, config: &config, input: &input, encoded: &encoded, ignore: &[] },
        );
        // The configuration as numcodecs wrote it comes back (jenkins_lookup3's prefix
        // as a list of byte values).
        assert_eq!(build(&case["config"]).unwrap().get_config().unwrap(), case["config"], "{name}");
        checked += 1;
    }
    assert_eq!(checked, 79);
}
