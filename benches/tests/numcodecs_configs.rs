//! Every codec configuration numcodecs' own test suite builds also builds here, and
//! writes back the configuration numcodecs writes.
//!
//! `tests/numcodecs-configs/generate.py` collected them (module-level codec lists and
//! the codecs among `pytest.mark.parametrize` values of every test module, each turned
//! into its `get_config()` dict and rebuilt by numcodecs) from numcodecs 0.15.2's test
//! suite and from the test suite of numcodecs' repository run against 0.17.1; its README
//! header says how to regenerate them. A configuration is what zarr writes into a
//! `.zarray`, so each one here is a `.zarray` numcodecs can write and we must open.

#![allow(clippy::panic, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;
use zarrcodecs::get_codec;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/numcodecs-configs");

#[test]
fn every_config_of_numcodecs_tests_builds_and_round_trips() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in ["numcodecs-0.15.2.json", "numcodecs-0.17.1.json"] {
        let doc: Value = serde_json::from_slice(&std::fs::read(Path::new(DIR).join(file)).expect("read configs"))
            .expect("configs are JSON");
        let configs = doc["configs"].as_array().expect("a list of configs");
        assert!(configs.len() >= 80, "{file}: only {} configs", configs.len());
        for entry in configs {
            let config = &entry["config"];
            let place = format!("{file} {} {config}", entry["source"].as_str().unwrap_or("?"));
            checked += 1;
            match get_codec(config) {
                Ok(codec) => match codec.get_config() {
                    Ok(ours) if ours == *config => {}
                    Ok(ours) => failures.push(format!("{place}: get_config writes {ours}")),
                    Err(e) => failures.push(format!("{place}: get_config: {e}")),
                },
                Err(e) => failures.push(format!("{place}: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} configs failed:\n{}", failures.len(), failures.join("\n"));
    eprintln!("{checked} configs from numcodecs' test suites build and write back the same config");
}
