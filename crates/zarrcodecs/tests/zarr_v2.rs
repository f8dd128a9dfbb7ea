//! Zarr v2 arrays written by python zarr 2.18 (`xtask/python/zarr_arrays.py`) through
//! `ZarrPipeline`: every chunk decodes to what zarr's `_decode_chunk` returns (the fill
//! value for missing chunks), and every stored chunk encodes back to zarr's bytes.
//! Object arrays (`|O`: vlen-utf8, vlen-bytes, vlen-array, json2, msgpack2, pickle and
//! categorize as zarr's `object_codec`, with and without a compressor, C and F order,
//! fill values null, 0 and "") go through `decode_object_chunk` / `encode_object_chunk`;
//! structured dtypes and `S` / `U` fill values through `decode_chunk` / `encode_chunk`.
//! (`crates/zarrcodecs-cli/tests/zarr.rs` runs the same arrays through the CLI.)
//!
//! Needs `NUMCODECS_PYTHON` (a Python with zarr 2.18; `cargo xtask test` and
//! `cargo xtask interop` set it); skipped without it unless `NUMCODECS_REQUIRE_PYTHON`.

#![cfg(all(
    feature = "serde",
    feature = "vlen",
    feature = "json",
    feature = "msgpack",
    feature = "pickle",
    feature = "categorize",
    feature = "zlib",
    feature = "zstd",
    feature = "blosc",
    feature = "lz4",
    feature = "bz2",
    feature = "lzma",
    feature = "checksum32"
))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use zarrcodecs::{npy, Error, ObjectArray, Order, ZarrPipeline};

fn python() -> Option<PathBuf> {
    match std::env::var_os("NUMCODECS_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var_os("NUMCODECS_REQUIRE_PYTHON").is_some() => {
            panic!("NUMCODECS_REQUIRE_PYTHON is set but NUMCODECS_PYTHON is not: run `cargo xtask test`")
        }
        None => {
            eprintln!("zarr_v2: NUMCODECS_PYTHON not set, skipping (run `cargo xtask test` for the full suite)");
            None
        }
    }
}

fn read_objects(path: &Path) -> ObjectArray {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Whether a chunk shape has more than one axis longer than 1 (so that its C and F
/// orders differ).
fn orders_differ(chunks: &[usize]) -> bool {
    chunks.iter().filter(|&&d| d > 1).count() > 1
}

#[test]
#[allow(clippy::too_many_lines)]
fn python_zarr_arrays_through_the_library() {
    let Some(python) = python() else { return };
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("zarr-v2-library");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../xtask/python/zarr_arrays.py");
    let out = Command::new(&python).arg(&script).arg(&root).output().expect("run python");
    assert!(out.status.success(), "zarr_arrays.py failed:\n{}", String::from_utf8_lossy(&out.stderr));
    println!("{}", String::from_utf8_lossy(&out.stdout).trim());

    let manifest: Value = serde_json::from_slice(&std::fs::read(root.join("manifest.json")).unwrap()).unwrap();
    let mut failures = Vec::new();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let mut object_codecs = std::collections::BTreeSet::new();
    for array in manifest["arrays"].as_array().unwrap() {
        let name = array["name"].as_str().unwrap();
        let dir = root.join(array["path"].as_str().unwrap());
        let zarray: Value = serde_json::from_slice(&std::fs::read(dir.join(".zarray")).unwrap()).unwrap();
        let pipeline = ZarrPipeline::from_zarray(&zarray).unwrap_or_else(|e| panic!("{name}: {e}"));
        let meta = pipeline.array();
        assert_eq!(meta.order, if array["order"] == "F" { Order::F } else { Order::C }, "{name}");
        let object = array["kind"] == "object";
        assert_eq!(meta.is_object(), object, "{name}");
        assert_eq!(meta.fields().is_empty(), !zarray["dtype"].is_array(), "{name}");
        if object {
            object_codecs.insert(array["filters"][0].as_str().unwrap().to_string());
            // The byte-chunk methods refuse an object array, naming the object method.
            let err = pipeline.decode_chunk(None).unwrap_err();
            assert!(
                matches!(err, Error::UnsupportedDType { .. }) && err.to_string().contains("decode_object_chunk"),
                "{name}: {err}"
            );
        } else {
            assert!(pipeline.decode_object_chunk(None).is_err(), "{name}");
        }
        for chunk in array["chunks"].as_array().unwrap() {
            let key = chunk["key"].as_str().unwrap();
            let what = format!("{name} chunk {key}");
            let stored = chunk["stored"].as_bool().unwrap();
            let encoded = stored.then(|| std::fs::read(dir.join(key)).unwrap());
            *counts
                .entry(match (object, stored) {
                    (true, true) => "object stored",
                    (true, false) => "object missing",
                    (false, true) => "bytes stored",
                    (false, false) => "bytes missing",
                })
                .or_default() += 1;
            let expected = root.join(chunk["expected"].as_str().unwrap());
            if !object {
                let want = npy::read(&std::fs::read(&expected).unwrap()).unwrap().array;
                match pipeline.decode_chunk(encoded.as_deref()) {
                    Ok(got) if got.as_bytes() == want.as_bytes() && got.shape() == want.shape() => {}
                    Ok(got) => {
                        failures.push(format!("{what}: decode_chunk differs ({:?} {})", got.shape(), got.dtype()))
                    }
                    Err(e) => failures.push(format!("{what}: decode_chunk: {e}")),
                }
                let Some(encoded) = encoded else { continue };
                let gzip = meta.compressor.as_ref().is_some_and(|c| c["id"] == "gzip");
                match pipeline.encode_chunk(want.as_bytes()) {
                    // gzip's MTIME field differs.
                    Ok(ours) if gzip || ours.as_bytes() == encoded => {}
                    Ok(_) => failures.push(format!("{what}: our bytes differ from zarr's")),
                    Err(e) => failures.push(format!("{what}: encode_chunk: {e}")),
                }
                continue;
            }
            let want = read_objects(&expected);
            match pipeline.decode_object_chunk(encoded.as_deref()) {
                Ok(got) if got == want => {}
                Ok(got) => failures.push(format!("{what}: decode_object_chunk gives {got:?}, zarr {want:?}")),
                Err(e) => failures.push(format!("{what}: decode_object_chunk: {e}")),
            }
            let Some(encoded) = encoded else { continue };
            let written = read_objects(&root.join(chunk["written"].as_str().unwrap()));
            let pickle_f = array["filters"][0] == "pickle" && meta.order == Order::F && orders_differ(&meta.chunks);
            match pipeline.encode_object_chunk(&written) {
                Err(Error::UnsupportedInput { .. }) if pickle_f => {}
                Ok(_) if pickle_f => failures.push(format!("{what}: pickle in F order encoded without the flag")),
                Ok(ours) if ours.as_bytes() == encoded => {
                    // And ours decodes as zarr's does.
                    if pipeline.decode_object_chunk(Some(ours.as_bytes())).ok().as_ref() != Some(&want) {
                        failures.push(format!("{what}: our encoding decodes differently"));
                    }
                }
                Ok(ours) => failures.push(format!(
                    "{what}: our bytes differ from zarr's ({} vs {})",
                    ours.as_bytes().len(),
                    encoded.len()
                )),
                Err(e) => failures.push(format!("{what}: encode_object_chunk: {e}")),
            }
        }
    }
    println!("zarr v2 through the library: {counts:?}; object codecs {object_codecs:?}");
    for id in ["vlen-utf8", "vlen-bytes", "vlen-array", "json2", "msgpack2", "pickle", "categorize"] {
        assert!(object_codecs.contains(id), "no object array with {id}");
    }
    assert!(counts.values().all(|&n| n > 0) && counts.len() == 4, "{counts:?}");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
