//! Zarr v3 arrays written by zarr-python 3 with numcodecs codecs
//! (`xtask/python/zarr_v3_arrays.py`), decoded chunk by chunk through
//! `ZarrPipeline::from_zarr_json` and compared with what zarr itself reads; every stored
//! chunk re-encodes to zarr's bytes (gzip's MTIME aside), but where a library version
//! differs (pcodec 1.x, see interop.rs). `read::ArrayReader` reads each array whole, as
//! zarr's `z[...]`.
//!
//! Needs `NUMCODECS_PYTHON_NEWEST` (the venv of the newest anchor, with zarr-python 3;
//! `cargo xtask test` and `cargo xtask interop` set it); skipped without it unless
//! `NUMCODECS_REQUIRE_PYTHON` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use zarrcodecs::read::{ArrayReader, DirectoryStore};
use zarrcodecs::zarr::{c_to_fortran, fortran_to_c};
use zarrcodecs::zarr3::ZarrV3Array;
use zarrcodecs::{npy, Order, ZarrPipeline};

#[test]
fn zarr_python_3_arrays_decode_chunk_by_chunk() {
    let Some(python) = zarrcodecs_core::testing::python_from_env("NUMCODECS_PYTHON_NEWEST") else { return };
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("zarr-v3");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../xtask/python/zarr_v3_arrays.py");
    let out = Command::new(&python).arg(&script).arg(&root).output().expect("run python");
    assert!(out.status.success(), "zarr_v3_arrays.py failed:\n{}", String::from_utf8_lossy(&out.stderr));
    println!("{}", String::from_utf8_lossy(&out.stdout).trim());

    let manifest: Value = serde_json::from_slice(&std::fs::read(root.join("manifest.json")).unwrap()).unwrap();
    let mut failures = Vec::new();
    let (mut stored, mut missing, mut identical, mut wholes) = (0, 0, 0, 0);
    for array in manifest["arrays"].as_array().unwrap() {
        let name = array["name"].as_str().unwrap();
        let dir = root.join(array["path"].as_str().unwrap());
        let doc: Value = serde_json::from_slice(&std::fs::read(dir.join("zarr.json")).unwrap()).unwrap();
        let (meta, pipeline) = match (ZarrV3Array::from_json(&doc), ZarrPipeline::from_zarr_json(&doc)) {
            (Ok(m), Ok(p)) => (m, p),
            (Err(e), _) | (_, Err(e)) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        // The whole array through the parallel reader, with v3 chunk keys.
        let store = DirectoryStore::new(&dir);
        let reader = ArrayReader::new(&pipeline, &store).with_chunk_keys(|index| meta.chunk_key(index));
        let want = npy::read(&std::fs::read(root.join(array["whole"].as_str().unwrap())).unwrap()).unwrap().array;
        match reader.read() {
            Ok(got) if got.as_bytes() == want.as_bytes() && got.shape() == want.shape() => wholes += 1,
            Ok(got) => failures.push(format!("{name}: the whole array differs ({:?})", got.shape())),
            Err(e) => failures.push(format!("{name}: read: {}", e.display_chain())),
        }
        for chunk in array["chunks"].as_array().unwrap() {
            let index: Vec<usize> = serde_json::from_value(chunk["index"].clone()).unwrap();
            let key = chunk["key"].as_str().unwrap();
            if meta.chunk_key(&index) != key {
                failures.push(format!("{name}: chunk {index:?} is {key}, we name it {}", meta.chunk_key(&index)));
            }
            let expected = npy::read(&std::fs::read(root.join(chunk["expected"].as_str().unwrap())).unwrap()).unwrap();
            let bytes = chunk["stored"].as_bool().unwrap().then(|| std::fs::read(dir.join(key)).unwrap());
            if bytes.is_some() {
                stored += 1;
            } else {
                missing += 1;
            }
            let decoded = match pipeline.decode_chunk(bytes.as_deref()) {
                Ok(d) => d,
                Err(e) => {
                    failures.push(format!("{name} {key}: {e}"));
                    continue;
                }
            };
            let c_order = match meta.array.order {
                Order::C => decoded.clone(),
                Order::F => fortran_to_c(&decoded).unwrap(),
            };
            if (c_order.dtype(), c_order.shape(), c_order.as_bytes())
                != (expected.array.dtype(), expected.array.shape(), expected.array.as_bytes())
            {
                failures.push(format!(
                    "{name} {key}: decodes to {} {:?}, zarr reads {} {:?} (or other values)",
                    c_order.dtype(),
                    c_order.shape(),
                    expected.array.dtype(),
                    expected.array.shape()
                ));
                continue;
            }
            let Some(bytes) = bytes else { continue };
            let in_order = match meta.array.order {
                Order::C => expected.array.clone(),
                Order::F => c_to_fortran(&expected.array).unwrap(),
            };
            let ignore: Vec<(usize, usize)> = serde_json::from_value(array["ignore"].clone()).unwrap();
            let masked = |b: &[u8]| {
                let mut b = b.to_vec();
                for &(from, to) in &ignore {
                    b.iter_mut().take(to).skip(from).for_each(|x| *x = 0);
                }
                b
            };
            match pipeline.encode_chunk(in_order.as_bytes()) {
                Ok(ours) if masked(ours.as_bytes()) == masked(&bytes) => identical += 1,
                Ok(ours) if !array["same_bytes"].as_bool().unwrap() => {
                    // Another library version (pcodec 1.x): our bytes must still decode.
                    match pipeline.decode_chunk(Some(ours.as_bytes())) {
                        Ok(back) if back.as_bytes() == decoded.as_bytes() => {}
                        _ => failures.push(format!("{name} {key}: our encoding does not decode back")),
                    }
                }
                Ok(ours) => failures.push(format!(
                    "{name} {key}: our bytes differ from zarr's ({} vs {} bytes)",
                    ours.as_bytes().len(),
                    bytes.len()
                )),
                Err(e) => failures.push(format!("{name} {key}: encode: {e}")),
            }
        }
    }
    println!(
        "zarr v3: {stored} stored chunks ({identical} re-encoded byte-identical), {missing} missing; {wholes} arrays read whole"
    );
    assert!(stored > 0 && missing > 0, "the arrays should have stored and missing chunks");
    assert!(wholes > 0 || !failures.is_empty(), "no array was read whole");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
