//! The list of codec crates (`codec_crates!` in crates/zarrcodecs/src/lib.rs, read
//! back as `zarrcodecs::CODEC_FEATURES`) against every place derived from it: a new
//! codec crate is the crate plus one line in that list, and these tests name any place
//! that was missed. (The bench cases, fuzz targets and interop cases are checked
//! against the registry by the tests of `zarrcodecs-benches`' library and by
//! `cargo xtask interop`.)
//!
//! This lives in the benches crate because it is the one crate that sees the whole
//! workspace and is never published.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn manifest(path: &str) -> DocumentMut {
    read(path).parse().unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn listed() -> BTreeSet<String> {
    zarrcodecs::CODEC_FEATURES.iter().map(|f| (*f).to_string()).collect()
}

fn strings(item: &Item) -> BTreeSet<String> {
    item.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// Every `register_static_codec!(NAME: Type)` of every crate under crates/.
fn registrations() -> Vec<(String, String)> {
    let mut found = vec![];
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(src) = std::fs::read_dir(dir.join("src")) else { continue };
        for file in src {
            let path = file.unwrap().path();
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            for line in text.lines() {
                let line = line.trim();
                if line.starts_with("//") || line.starts_with("macro_rules!") {
                    continue;
                }
                if let Some(rest) = line.split("register_static_codec!(").nth(1) {
                    let name = rest.split(':').next().unwrap().trim().to_string();
                    if name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') {
                        found.push((dir.file_name().unwrap().to_string_lossy().into_owned(), name));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_registration_of_every_crate_is_in_the_list() {
    let umbrella = read("crates/zarrcodecs/src/lib.rs");
    let list = umbrella.split("codec_crates! {").nth(1).expect("the codec_crates! invocation");
    let registrations = registrations();
    // Registrations made inside a crate's own macro (`$reg: $name`) are not seen here; the
    // registry tests cover those ids.
    assert!(registrations.len() >= 20, "only {} registrations found", registrations.len());
    for (krate, name) in registrations {
        let krate_ident = krate.replace('-', "_");
        assert!(
            list.contains(&format!("= {krate_ident} [")) && list.contains(&name),
            "{krate} registers {name}, which is not in codec_crates! (crates/zarrcodecs/src/lib.rs): add a line \
             for {krate}"
        );
    }
}

#[test]
fn the_umbrella_has_a_feature_and_a_dependency_per_listed_crate() {
    let doc = manifest("crates/zarrcodecs/Cargo.toml");
    let features = doc["features"].as_table().unwrap();
    let ours: BTreeSet<String> = features.iter().map(|(k, _)| k.to_string()).filter(|k| k != "default").collect();
    assert_eq!(ours, listed(), "crates/zarrcodecs/Cargo.toml [features] against codec_crates!");
    assert_eq!(strings(&features["default"]), listed(), "the umbrella's default features are every codec");
    for feature in listed() {
        let enables = strings(&features[feature.as_str()]);
        let dep = enables.iter().find_map(|e| e.strip_prefix("dep:")).unwrap_or_else(|| panic!("{feature}: no dep:"));
        assert!(doc["dependencies"].get(dep).is_some(), "{feature} enables {dep}, which is not a dependency");
        let workspace = manifest("Cargo.toml");
        assert!(workspace["workspace"]["dependencies"].get(dep).is_some(), "{dep} is not a workspace dependency");
        let members = strings(&workspace["workspace"]["members"]);
        assert!(members.contains(&format!("crates/{dep}")), "crates/{dep} is not a workspace member");
    }
}

#[test]
fn the_cli_has_a_feature_per_listed_crate() {
    let doc = manifest("crates/zarrcodecs-cli/Cargo.toml");
    let features = doc["features"].as_table().unwrap();
    let ours: BTreeSet<String> = features.iter().map(|(k, _)| k.to_string()).filter(|k| k != "default").collect();
    assert_eq!(ours, listed(), "crates/zarrcodecs-cli/Cargo.toml [features] against codec_crates!");
    assert_eq!(strings(&features["default"]), listed(), "the CLI's default features are every codec");
    for feature in listed() {
        let enables = strings(&features[feature.as_str()]);
        assert_eq!(enables, BTreeSet::from([format!("zarrcodecs/{feature}")]), "the CLI's feature {feature}");
    }
}

#[test]
fn the_benches_enable_every_listed_crate() {
    let doc = manifest("benches/Cargo.toml");
    let enabled = strings(&doc["dependencies"]["zarrcodecs"]["features"]);
    assert_eq!(enabled, listed(), "benches/Cargo.toml's zarrcodecs features against codec_crates!");
}

#[test]
fn the_readme_table_has_every_registered_id() {
    let readme = read("README.md");
    let table = readme.split("## Codecs").nth(1).unwrap().split("\n## ").next().unwrap();
    let mut ids = BTreeSet::new();
    for row in table.lines().filter(|l| l.starts_with("| `")) {
        let first = row.split('|').nth(1).unwrap();
        ids.extend(first.split('`').skip(1).step_by(2).map(str::to_string));
    }
    for id in zarrcodecs::registered_ids() {
        assert!(ids.contains(&id), "README.md's codec table has no row for {id:?}");
    }
    for id in &ids {
        assert!(zarrcodecs::registered_ids().contains(id), "README.md's codec table lists {id:?}, not registered");
    }
}

#[test]
fn every_registered_codec_is_in_one_bench_target_group() {
    use zarrcodecs_benches::manifest::targets;
    let registered: BTreeSet<String> = zarrcodecs::registered_ids().into_iter().collect();
    let mut seen = BTreeSet::new();
    for group in targets::ALL {
        for id in *group {
            assert!(registered.contains(*id), "bench target group lists {id:?}, which no codec registers");
            assert!(seen.insert((*id).to_string()), "{id:?} is in two bench target groups");
        }
    }
    let missing: Vec<_> = registered.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "registered codecs in no bench target group (xtask/src/bench/manifest.rs, `targets`): {missing:?}"
    );
}

#[test]
fn every_fuzz_target_file_is_a_fuzz_bin() {
    // cargo fuzz runs the `[[bin]]`s of fuzz/Cargo.toml: a target file without one is
    // never fuzzed (and `every_registered_codec_is_fuzzed` only sees targets.json).
    let doc = manifest("fuzz/Cargo.toml");
    let bins: BTreeSet<String> = doc["bin"]
        .as_array_of_tables()
        .expect("fuzz/Cargo.toml has [[bin]]s")
        .iter()
        .map(|t| t["path"].as_str().expect("a [[bin]] has a path").to_string())
        .collect();
    let files: BTreeSet<String> = std::fs::read_dir(root().join("fuzz/fuzz_targets"))
        .unwrap()
        .map(|e| format!("fuzz_targets/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    assert_eq!(bins, files, "fuzz/Cargo.toml's [[bin]] paths against the files in fuzz/fuzz_targets");
}
