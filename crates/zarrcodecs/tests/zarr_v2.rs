//! Zarr v2 arrays written by python zarr 2.18 (`xtask/python/zarr_arrays.py`) and by
//! zarr-python 3 with `zarr_format=2` (`xtask/python/zarr3_v2_arrays.py`) through
//! `ZarrPipeline`: every chunk decodes to what zarr decodes (the fill value for missing
//! chunks), and every stored chunk encodes back to zarr's bytes. Object arrays (`|O`:
//! vlen-utf8, vlen-bytes, vlen-array, json2, msgpack2, pickle and categorize as zarr 2's
//! `object_codec`; vlen-utf8 and vlen-bytes as zarr 3 writes them for `str`, `StringDType`
//! and `VariableLengthBytes`; with and without a compressor, C and F order, several fill
//! values) go through `decode_object_chunk` / `encode_object_chunk`; structured dtypes and
//! `S` / `U` fill values through `decode_chunk` / `encode_chunk`.
//! Numeric arrays are also read whole and in a region by `read::ArrayReader`, in C
//! and F order, against zarr's `z[...]`.
//! (`crates/zarrcodecs-cli/tests/zarr.rs` runs zarr 2.18's arrays through the CLI.)
//!
//! Needs `NUMCODECS_PYTHON` (a Python with zarr 2.18) and `NUMCODECS_PYTHON_NEWEST` (the
//! venv of the newest anchor, with zarr-python 3); `cargo xtask test` and `cargo xtask
//! interop` set both. Each test is skipped without its Python unless
//! `NUMCODECS_REQUIRE_PYTHON` is set.

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

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use zarrcodecs::read::{ArrayReader, DirectoryStore};
use zarrcodecs::{npy, zarr, Error, NdArray, ObjectArray, Order, ZarrPipeline};

fn read_objects(path: &Path) -> ObjectArray {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn zarr_2_arrays_through_the_library() {
    let all = ["vlen-utf8", "vlen-bytes", "vlen-array", "json2", "msgpack2", "pickle", "categorize"];
    check_writer("NUMCODECS_PYTHON", "zarr_arrays.py", "zarr-v2-library", &all);
}

/// Zarr 3 writes `|O` arrays for v2 with vlen-utf8 and vlen-bytes only (see the script's
/// docstring for what it cannot write).
#[test]
fn zarr_3_v2_arrays_through_the_library() {
    let vlen = ["vlen-utf8", "vlen-bytes"];
    check_writer("NUMCODECS_PYTHON_NEWEST", "zarr3_v2_arrays.py", "zarr3-v2-library", &vlen);
}

/// Runs `xtask/python/<script>` with the Python named by `var` into a directory `dir`
/// under the target's temporary directory, and checks every chunk of every array it
/// wrote; `object_codecs` must all appear as the object codec of some array.
#[allow(clippy::too_many_lines)]
fn check_writer(var: &str, script: &str, dir: &str, object_codecs: &[&str]) {
    let Some(python) = zarrcodecs_core::testing::python_from_env(var) else { return };
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(dir);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../xtask/python").join(script);
    let out = Command::new(&python).arg(&script).arg(&root).output().expect("run python");
    assert!(out.status.success(), "{} failed:\n{}", script.display(), String::from_utf8_lossy(&out.stderr));
    println!("{}", String::from_utf8_lossy(&out.stdout).trim());

    let manifest: Value = serde_json::from_slice(&std::fs::read(root.join("manifest.json")).unwrap()).unwrap();
    let mut failures = Vec::new();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let mut seen_object_codecs = std::collections::BTreeSet::new();
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
            seen_object_codecs.insert(array["filters"][0].as_str().unwrap().to_string());
            // The byte-chunk methods refuse an object array, naming the object method.
            let err = pipeline.decode_chunk(None).unwrap_err();
            assert!(
                matches!(err, Error::UnsupportedDType { .. }) && err.to_string().contains("decode_object_chunk"),
                "{name}: {err}"
            );
        } else {
            assert!(pipeline.decode_object_chunk(None).is_err(), "{name}");
            check_reads(&root, array, &pipeline, &dir, &mut failures);
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
            // (Pickles of F-order chunks included: numpy's Fortran flag set, as zarr 2.18 writes them.)
            match pipeline.encode_object_chunk(&written) {
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
    let zarr = manifest["zarr"].as_str().unwrap_or("?");
    println!("zarr v2 of zarr {zarr} through the library: {counts:?}; object codecs {seen_object_codecs:?}");
    for id in object_codecs {
        assert!(seen_object_codecs.contains(*id), "no object array with {id}");
    }
    let kinds = ["bytes missing", "bytes stored", "object missing", "object stored"];
    assert!(kinds.iter().all(|k| counts.get(k).is_some_and(|&n| n > 0)), "{counts:?}");
    assert!(failures.is_empty(), "zarr {zarr}: {} failures:\n{}", failures.len(), failures.join("\n"));
}

/// `ArrayReader` reads the whole array and a region as zarr's `z[...]` does, in C
/// order and (converted back) in F order.
fn check_reads(root: &Path, array: &Value, pipeline: &ZarrPipeline, dir: &Path, failures: &mut Vec<String>) {
    let name = array["name"].as_str().unwrap();
    let load = |key: &str| npy::read(&std::fs::read(root.join(array[key].as_str().unwrap())).unwrap()).unwrap().array;
    let same = |got: &NdArray, want: &NdArray| got.shape() == want.shape() && got.as_bytes() == want.as_bytes();
    let store = DirectoryStore::new(dir);
    let reader = ArrayReader::new(pipeline, &store);
    match reader.read() {
        Ok(got) if same(&got, &load("whole")) => {}
        Ok(got) => failures.push(format!("{name}: the whole array differs ({:?})", got.shape())),
        Err(e) => failures.push(format!("{name}: read: {}", e.display_chain())),
    }
    let region: Vec<(usize, usize)> = array["region"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r[0].as_u64().unwrap() as usize, r[1].as_u64().unwrap() as usize))
        .collect();
    let start: Vec<usize> = region.iter().map(|r| r.0).collect();
    let shape: Vec<usize> = region.iter().map(|r| r.1 - r.0).collect();
    let want = load("region_expected");
    match reader.read_region(&start, &shape) {
        Ok(got) if same(&got, &want) => {}
        Ok(_) => failures.push(format!("{name}: region {region:?} differs")),
        Err(e) => failures.push(format!("{name}: read_region: {}", e.display_chain())),
    }
    let fortran = ArrayReader::new(pipeline, &store).with_order(Order::F);
    let mut out = vec![0u8; want.as_bytes().len()];
    let got = fortran
        .read_region_into(&start, &shape, &mut out)
        .and_then(|()| NdArray::from_bytes(&out, want.dtype(), shape.clone()))
        .and_then(|f| zarr::fortran_to_c(&f));
    match got {
        Ok(got) if same(&got, &want) => {}
        Ok(_) => failures.push(format!("{name}: region {region:?} in F order differs")),
        Err(e) => failures.push(format!("{name}: read_region_into F: {}", e.display_chain())),
    }
}
