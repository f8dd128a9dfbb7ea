//! The list of codec crates (`codec_crates!` in crates/zarrcodecs/src/lib.rs, read
//! back as `zarrcodecs::CODEC_FEATURES`) against every place derived from it: a new
//! codec crate is the crate plus one line in that list, and these tests name any place
//! that was missed. (The bench cases, fuzz targets and interop cases are checked
//! against the registry by the tests of `zarrcodecs-benches`' library and by
//! `cargo xtask interop`.)
//!
//! Every other crate under crates/ must be named in [`SUPPORT_CRATES`] (a crate that
//! holds no codec), and no codec crate may depend on another codec crate
//! (docs/architecture.md, "Crates").
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

/// The crates under crates/ that hold no codec, and why each exists. They are the only
/// crates of ours a codec crate may depend on (zfp-sys is zfpy's backend); none of them
/// registers a codec, and they depend on core alone.
const SUPPORT_CRATES: [(&str, &str); 3] = [
    ("zarrcodecs-core", "the Codec traits and data model every crate uses"),
    ("zarrcodecs-kernels", "element kernels shared by codec crates (numpy casts, Python numbers, CPU dispatch)"),
    ("zarrcodecs-zfp-sys", "zfp 1.0.1 built with cc: the backend of zarrcodecs-zfpy"),
];

/// The crates that gather the codec crates: they may depend on all of them.
const GATHERING_CRATES: [&str; 2] = ["zarrcodecs", "zarrcodecs-cli"];

fn support_crates() -> BTreeSet<String> {
    SUPPORT_CRATES.iter().map(|(name, _)| (*name).to_string()).collect()
}

/// The package names of the codec crates: the dependency each umbrella feature enables.
fn codec_crates() -> BTreeSet<String> {
    let doc = manifest("crates/zarrcodecs/Cargo.toml");
    let features = doc["features"].as_table().unwrap();
    listed()
        .iter()
        .map(|f| {
            let enables = strings(&features[f.as_str()]);
            enables.iter().find_map(|e| e.strip_prefix("dep:")).unwrap_or_else(|| panic!("{f}: no dep:")).to_string()
        })
        .collect()
}

/// The directories under crates/ (each a package named as its directory).
fn crate_dirs() -> BTreeSet<String> {
    std::fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// The `zarrcodecs*` packages a manifest depends on, in any dependency table
/// (normal, dev, build, and their per-target forms).
fn our_dependencies(doc: &DocumentMut) -> BTreeSet<String> {
    let mut tables = vec![];
    for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
        tables.extend(doc.get(key).and_then(Item::as_table_like));
        if let Some(targets) = doc.get("target").and_then(Item::as_table_like) {
            for (_, target) in targets.iter() {
                tables.extend(target.get(key).and_then(Item::as_table_like));
            }
        }
    }
    tables.iter().flat_map(|t| t.iter().map(|(k, _)| k.to_string())).filter(|k| k.starts_with("zarrcodecs")).collect()
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

/// The umbrella's features that turn on no codec: `serde` (the JSON form of object
/// arrays, forwarded to core) and `parallel` (whole-array reads on rayon).
const UMBRELLA_NON_CODEC_FEATURES: &[&str] = &["serde", "parallel"];

/// Those of them on by default.
const UMBRELLA_NON_CODEC_DEFAULTS: &[&str] = &["parallel"];

/// `names` without the umbrella's non-codec features.
fn codecs_only(names: BTreeSet<String>) -> BTreeSet<String> {
    names.into_iter().filter(|n| !UMBRELLA_NON_CODEC_FEATURES.contains(&n.as_str())).collect()
}

#[test]
fn the_umbrella_has_a_feature_and_a_dependency_per_listed_crate() {
    let doc = manifest("crates/zarrcodecs/Cargo.toml");
    let features = doc["features"].as_table().unwrap();
    let ours: BTreeSet<String> = features
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| k != "default" && !UMBRELLA_NON_CODEC_FEATURES.contains(&k.as_str()))
        .collect();
    assert_eq!(ours, listed(), "crates/zarrcodecs/Cargo.toml [features] against codec_crates!");
    for feature in UMBRELLA_NON_CODEC_FEATURES {
        assert!(features.contains_key(feature), "the umbrella has no feature {feature:?}");
        let default = strings(&features["default"]).contains(*feature);
        assert_eq!(default, UMBRELLA_NON_CODEC_DEFAULTS.contains(feature), "{feature}: a default or not");
    }
    assert_eq!(codecs_only(strings(&features["default"])), listed(), "the umbrella's default features are every codec");
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
    assert_eq!(codecs_only(enabled), listed(), "benches/Cargo.toml's zarrcodecs features against codec_crates!");
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

#[test]
fn every_crate_is_a_codec_crate_or_a_named_support_crate() {
    let codecs = codec_crates();
    let support = support_crates();
    let workspace = manifest("Cargo.toml");
    let members = strings(&workspace["workspace"]["members"]);
    for dir in crate_dirs() {
        let name = manifest(&format!("crates/{dir}/Cargo.toml"))["package"]["name"].as_str().unwrap().to_string();
        assert_eq!(name, dir, "crates/{dir} holds the package {name}: a crate's directory is its name");
        assert!(members.contains(&format!("crates/{dir}")), "crates/{dir} is not a workspace member");
        assert!(
            codecs.contains(&name) || support.contains(&name) || GATHERING_CRATES.contains(&name.as_str()),
            "{name} is neither a codec crate in codec_crates! (crates/zarrcodecs/src/lib.rs) nor in SUPPORT_CRATES \
             (benches/tests/codec_list.rs): a crate that holds no codec is named there with its reason"
        );
    }
    for name in &support {
        assert!(crate_dirs().contains(name), "SUPPORT_CRATES names {name}, which is not under crates/");
        assert!(!codecs.contains(name), "{name} is in SUPPORT_CRATES and in codec_crates!");
        assert!(workspace["workspace"]["dependencies"].get(name).is_some(), "{name} is not a workspace dependency");
    }
    // A support crate registers no codec.
    let registrations = registrations();
    for (krate, id) in &registrations {
        assert!(!support.contains(krate), "{krate} is a support crate but registers {id}");
    }
}

#[test]
fn no_codec_crate_depends_on_another_codec_crate() {
    let support = support_crates();
    for name in codec_crates() {
        let deps = our_dependencies(&manifest(&format!("crates/{name}/Cargo.toml")));
        for dep in &deps {
            assert!(
                support.contains(dep),
                "{name} depends on {dep}: a codec crate depends only on the support crates (zarrcodecs-core, \
                 zarrcodecs-kernels, a backend of ours); shared code belongs in zarrcodecs-kernels"
            );
        }
    }
    // Support crates build on core alone: none needs a codec, and kernels is not under core.
    for (name, _) in SUPPORT_CRATES {
        let deps = our_dependencies(&manifest(&format!("crates/{name}/Cargo.toml")));
        assert!(
            deps.iter().all(|d| d == "zarrcodecs-core"),
            "{name} depends on {deps:?}; support crates use core alone"
        );
    }
}
