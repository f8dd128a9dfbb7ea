//! `bench-export DIR`: writes what `cargo xtask bench` needs besides criterion's own
//! results: the inputs of every case as `.npy` files (`DIR/<kind>_<size>.npy`, the same
//! bytes the criterion benches measure, for the Python side to load; object arrays as
//! `.json`) and
//! `DIR/manifest.json`: every case with its configuration, label, data and encoded
//! size, the pipelines, and every bench id the criterion suite will report.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{json, Value};
use zarrcodecs::{Data, Object, ObjectArray};
use zarrcodecs_benches::{DataKind, CASES, EVERY_KIND, LARGE, PIPELINES, SIZES};

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
    let mut bench_ids = vec![];
    for &(_, size_label) in SIZES {
        bench_ids.push(format!("memcpy/copy_from_slice/{size_label}"));
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
                let encoded = codec.encode(input.as_ref()).map_err(err)?;
                let encoded_len = encoded.as_bytes().map_or(0, <[u8]>::len);
                items.push(json!({
                    "kind": kind.name(), "size": size, "size_label": size_label,
                    "encoded_len": encoded_len, "file": file_name(kind, size),
                }));
                bench_ids.push(format!("{label}/encode/{kind}/{size_label}"));
                bench_ids.push(format!("{label}/decode/{kind}/{size_label}"));
                if size >= LARGE {
                    bench_ids.push(format!("{label}/decode_into/{kind}/{size_label}"));
                }
            }
        }
        cases.push(json!({
            "label": label, "config": case.config_json().map_err(err)?, "exact": case.exact(), "items": items,
        }));
    }
    let mut pipelines = vec![];
    for p in PIPELINES {
        for &(_, size_label) in SIZES {
            for &kind in p.kinds {
                for op in ["encode", "decode", "decode_into"] {
                    bench_ids.push(format!("pipeline/{}/{op}/{kind}/{size_label}", p.name));
                }
            }
        }
        let config: Value = serde_json::from_str(p.config).map_err(|e| e.to_string())?;
        pipelines.push(json!({ "name": p.name, "config": config }));
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
    let manifest = json!({ "cases": cases, "pipelines": pipelines, "bench_ids": bench_ids });
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

/// An object array of strings, bytes or `<i4` arrays as JSON for bench.py:
/// `{"items": [...]}`, each item a string, `{"hex": "..."}` for bytes or `{"i4": [...]}`.
fn objects_json(objects: &ObjectArray) -> Result<Vec<u8>, String> {
    let items = objects
        .items()
        .iter()
        .map(|item| match item {
            Object::Str(s) => Ok(Value::from(s.as_str())),
            Object::Bytes(b) => Ok(json!({"hex": b.iter().map(|x| format!("{x:02x}")).collect::<String>()})),
            Object::Array(a) if a.dtype().to_string() == "<i4" => {
                Ok(json!({"i4": a.as_slice::<i32>().map_err(|e| e.to_string())?}))
            }
            other => Err(format!("bench data holds {other:?}: only strings, bytes and <i4 arrays are exported")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    serde_json::to_vec(&json!({ "items": items })).map_err(|e| e.to_string())
}
