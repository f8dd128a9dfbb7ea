//! `bench-export DIR`: writes what `cargo xtask bench` needs besides criterion's own
//! results: the inputs of every case as `.npy` files (`DIR/<kind>_<size>.npy`, the same
//! bytes the criterion benches measure, for the Python side to load; object arrays as
//! `.json`) and
//! `DIR/manifest.json` (`zarrcodecs_benches::manifest::Manifest`): the sizes, every case
//! with its configuration, label, data and encoded size, the pipelines, the cases of
//! the encode/decode loop, and every bench id the criterion suite will report.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::Value;
use zarrcodecs::{Data, ObjectArray};
use zarrcodecs_benches::manifest::{BenchId, CaseEntry, Item, Manifest, PipelineEntry, Size};
use zarrcodecs_benches::{loop_group, DataKind, CASES, EVERY_KIND, LARGE, LOOP_CASES, LOOP_INPUTS, PIPELINES, SIZES};

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: bench-export DIR");
        return ExitCode::from(2);
    };
    match export(&dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-export: {e}");
            ExitCode::FAILURE
        }
    }
}

fn export(dir: &std::path::Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let err = |e: zarrcodecs::Error| e.to_string();
    // Every (kind, size) any case uses, written once.
    let mut inputs = BTreeSet::new();
    let sizes = SIZES.iter().map(|&(size, label)| Size { size: size as u64, label: label.to_string() }).collect();
    // The ids as the bench targets make them: `benchmark_group(group)`, then
    // `BenchmarkId::new(function, size label)` (benches/codecs.rs, benches/pipeline.rs,
    // benches/codec_loop.rs).
    let mut bench_ids = vec![];
    for &(_, size_label) in SIZES {
        bench_ids.push(BenchId::new("memcpy", "copy_from_slice", size_label));
    }
    let mut cases = vec![];
    for case in CASES {
        let codec = case.codec().map_err(err)?;
        let label = case.label().map_err(err)?;
        let mut items = vec![];
        for &(size, size_label) in SIZES {
            for &kind in case.kinds {
                inputs.insert((kind.name(), size));
                let input = kind.generate_data(size).map_err(err)?;
                let encoded = codec.encode(input.view()).map_err(err)?;
                let encoded_len = encoded.as_bytes().map_or(0, <[u8]>::len);
                items.push(Item {
                    kind: kind.name().to_string(),
                    size: size as u64,
                    size_label: size_label.to_string(),
                    encoded_len: encoded_len as u64,
                    file: file_name(kind, size),
                });
                bench_ids.push(BenchId::new(&label, format!("encode/{kind}"), size_label));
                bench_ids.push(BenchId::new(&label, format!("decode/{kind}"), size_label));
                // As benches/codecs.rs: `decode_into` at the large size, for codecs that
                // decode to an array (object arrays have no `decode_into`).
                if size >= LARGE && matches!(codec.decode(encoded.view()).map_err(err)?, Data::Array(_)) {
                    bench_ids.push(BenchId::new(&label, format!("decode_into/{kind}"), size_label));
                }
                // And `decode_borrowed` at every size, for codecs whose decode borrows.
                if codec.decode_borrowed(encoded.view()).map_err(err)?.is_borrowed() {
                    bench_ids.push(BenchId::new(&label, format!("decode_borrowed/{kind}"), size_label));
                }
            }
        }
        cases.push(CaseEntry { config: case.config_json().map_err(err)?, exact: case.exact(), items, label });
    }
    // benches/codec_loop.rs: `decode` and `decode_into` of each loop case, every size.
    let mut loops = vec![];
    for case in LOOP_CASES {
        let codec = case.codec().map_err(err)?;
        let label = loop_group(case).map_err(err)?;
        let mut items = vec![];
        for &(size, size_label) in SIZES {
            for &kind in case.kinds {
                inputs.insert((kind.name(), size));
                let input = kind.generate_data(size).map_err(err)?;
                let encoded = codec.encode(input.view()).map_err(err)?;
                items.push(Item {
                    kind: kind.name().to_string(),
                    size: size as u64,
                    size_label: size_label.to_string(),
                    encoded_len: encoded.as_bytes().map_or(0, <[u8]>::len) as u64,
                    file: file_name(kind, size),
                });
                for op in ["decode", "decode_into"] {
                    bench_ids.push(BenchId::new(&label, format!("{op}/{kind}"), size_label));
                }
            }
        }
        loops.push(CaseEntry { config: case.config_json().map_err(err)?, exact: case.exact(), items, label });
    }
    let mut pipelines = vec![];
    for p in PIPELINES {
        for &(_, size_label) in SIZES {
            for &kind in p.kinds {
                for op in ["encode", "decode", "decode_into"] {
                    bench_ids.push(BenchId::new(format!("pipeline/{}", p.name), format!("{op}/{kind}"), size_label));
                }
            }
        }
        let config: Value = serde_json::from_str(p.config).map_err(|e| e.to_string())?;
        let kinds = p.kinds.iter().map(|k| k.name().to_string()).collect();
        pipelines.push(PipelineEntry { name: p.name.to_string(), config, kinds });
    }
    for &kind in EVERY_KIND {
        for &(size, _) in SIZES {
            if !inputs.contains(&(kind.name(), size)) {
                continue;
            }
            let path = dir.join(file_name(kind, size));
            let bytes = match kind.generate_data(size).map_err(err)? {
                Data::Array(array) => zarrcodecs_core::npy::write(&array, false),
                Data::Object(objects) => objects_json(&objects)?,
            };
            std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let manifest = Manifest { sizes, cases, pipelines, loops, loop_inputs: LOOP_INPUTS as u64, bench_ids };
    let path = dir.join("manifest.json");
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("{}", path.display());
    Ok(())
}

/// `<kind>_<size>.npy`, or `.json` for object kinds.
fn file_name(kind: DataKind, size: usize) -> String {
    format!("{kind}_{size}.{}", if kind.is_object() { "json" } else { "npy" })
}

/// An object array as JSON for bench.py, in the one JSON form of object arrays
/// (zarrcodecs-core's `serde` impls; bench.py reads it with object_json.py).
fn objects_json(objects: &ObjectArray) -> Result<Vec<u8>, String> {
    serde_json::to_vec(objects).map_err(|e| e.to_string())
}
