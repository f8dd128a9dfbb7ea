//! Zarr v2 arrays written by python zarr 2.18 (`xtask/python/zarr_arrays.py`), decoded
//! chunk by chunk through the library (`ZarrPipeline::from_zarray`) and through the
//! `numcodecs` binary (`decode --zarray`), and compared with what zarr itself decodes.
//! Our re-encoding of each chunk must decode back in the library and the CLI's
//! `encode --zarray` must agree with `encode_chunk`. Object arrays (`|O`) go through
//! the CLI as JSON: `decode --zarray` (and `--missing`) writes zarr's chunk, `encode
//! --zarray` of the chunk zarr wrote gives zarr's bytes; `info --zarray` names the
//! object codec, and the fields of structured dtypes. `numcodecs read` reads each
//! numeric array whole, and a region of it in F order, as zarr's `z[...]`.
//!
//! Needs `NUMCODECS_PYTHON` (a Python with zarr 2.18; `cargo xtask test` and
//! `cargo xtask interop` set it); skipped without it unless `NUMCODECS_REQUIRE_PYTHON`.

#![cfg(all(
    feature = "zlib",
    feature = "zstd",
    feature = "blosc",
    feature = "lz4",
    feature = "bz2",
    feature = "lzma",
    feature = "checksum32",
    feature = "vlen",
    feature = "json",
    feature = "msgpack",
    feature = "pickle",
    feature = "categorize"
))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation, missing_docs)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use zarrcodecs::{npy, zarr, NdArray, Order, ZarrPipeline};

const BIN: &str = env!("CARGO_BIN_EXE_numcodecs");

fn cli(args: &[&str]) -> Vec<u8> {
    let out = Command::new(BIN).args(args).output().expect("run numcodecs");
    assert!(out.status.success(), "numcodecs {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn json_file(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// An object array's chunks through the CLI; the number of (stored, missing) chunks.
fn check_object_array(root: &Path, array: &Value, failures: &mut Vec<String>) -> (usize, usize) {
    let name = array["name"].as_str().unwrap();
    let dir = root.join(array["path"].as_str().unwrap());
    let zarray = dir.join(".zarray");
    let zarray = zarray.to_str().unwrap();
    let codec = array["filters"][0].as_str().unwrap();
    let info = String::from_utf8(cli(&["info", "--zarray", zarray])).unwrap();
    assert!(info.contains("dtype: |O\n") && info.contains(&format!("object_codec: {codec}\n")), "{name}: {info}");
    let fill = match &json_file(&dir.join(".zarray"))["fill_value"] {
        // A vlen-bytes array's string fill value is base64 bytes (as zarr-python 3 has it).
        Value::String(b64) if codec == "vlen-bytes" => format!("{{\"bytes\":\"{b64}\"}}"),
        other => serde_json::to_string(other).unwrap(),
    };
    assert!(info.contains(&format!("fill_value: {fill}\n")), "{name}: {info}");
    let (mut stored, mut missing) = (0, 0);
    for chunk in array["chunks"].as_array().unwrap() {
        let key = chunk["key"].as_str().unwrap();
        let what = format!("{name} chunk {key}");
        let want = json_file(&root.join(chunk["expected"].as_str().unwrap()));
        let path = dir.join(key);
        let decoded = if chunk["stored"].as_bool().unwrap() {
            stored += 1;
            cli(&["decode", "--zarray", zarray, "-i", path.to_str().unwrap()])
        } else {
            missing += 1;
            cli(&["decode", "--zarray", zarray, "--missing"])
        };
        if serde_json::from_slice::<Value>(&decoded).ok() != Some(want) {
            failures.push(format!("{what}: CLI decode differs: {}", String::from_utf8_lossy(&decoded)));
        }
        let Some(written) = chunk["written"].as_str() else { continue };
        let written = root.join(written);
        let out = Command::new(BIN)
            .args(["encode", "--zarray", zarray, "-i", written.to_str().unwrap()])
            .output()
            .expect("run numcodecs");
        if !out.status.success() {
            failures.push(format!("{what}: CLI encode failed: {}", String::from_utf8_lossy(&out.stderr)));
        } else if out.stdout != std::fs::read(&path).unwrap() {
            failures.push(format!("{what}: CLI encode differs from zarr's bytes"));
        }
    }
    (stored, missing)
}

#[test]
fn python_zarr_arrays_decode_chunk_by_chunk() {
    check_writer("NUMCODECS_PYTHON", "zarr_arrays.py", "zarr-v2");
}

/// zarr-python 3 writing `zarr_format=2` arrays (the newest anchor's venv).
#[test]
fn zarr_python_3_v2_arrays_decode_chunk_by_chunk() {
    check_writer("NUMCODECS_PYTHON_NEWEST", "zarr3_v2_arrays.py", "zarr3-v2");
}

/// Runs `xtask/python/<script>` with the Python named by `var` into `dir` under the
/// target's temporary directory and checks every chunk of every array it wrote.
#[allow(clippy::too_many_lines)]
fn check_writer(var: &str, script: &str, dir: &str) {
    let Some(python) = zarrcodecs_core::testing::python_from_env(var) else { return };
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(dir);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../xtask/python").join(script);
    let out = Command::new(&python).arg(&script).arg(&root).output().expect("run python");
    assert!(out.status.success(), "{} failed:\n{}", script.display(), String::from_utf8_lossy(&out.stderr));
    println!("{}", String::from_utf8_lossy(&out.stdout).trim());

    let manifest: Value = serde_json::from_slice(&std::fs::read(root.join("manifest.json")).unwrap()).unwrap();
    let mut failures = Vec::new();
    let (mut stored, mut missing) = (0, 0);
    for array in manifest["arrays"].as_array().unwrap() {
        if array["kind"] == "object" {
            let (s, m) = check_object_array(&root, array, &mut failures);
            stored += s;
            missing += m;
            continue;
        }
        let name = array["name"].as_str().unwrap();
        let dir = root.join(array["path"].as_str().unwrap());
        let zarray: Value = serde_json::from_slice(&std::fs::read(dir.join(".zarray")).unwrap()).unwrap();
        let pipeline = ZarrPipeline::from_zarray(&zarray).unwrap_or_else(|e| panic!("{name}: {e}"));
        let meta = pipeline.array();
        let order = if array["order"] == "F" { Order::F } else { Order::C };
        assert_eq!(meta.order, order, "{name}");
        let info = String::from_utf8(cli(&["info", "--zarray", dir.to_str().unwrap()])).unwrap();
        assert!(info.contains(&format!("dtype: {}", meta.dtype)), "{name}: {info}");
        assert_eq!(info.contains("\nfields: "), !meta.fields().is_empty(), "{name}: {info}");
        check_read(&root, array, &dir, &mut failures);
        let mut buf = vec![0u8; meta.chunk_nbytes()];
        for chunk in array["chunks"].as_array().unwrap() {
            let key = chunk["key"].as_str().unwrap();
            let index: Vec<usize> =
                chunk["index"].as_array().unwrap().iter().map(|i| i.as_u64().unwrap() as usize).collect();
            assert_eq!(meta.chunk_key(&index), key, "{name}");
            let want = npy::read(&std::fs::read(root.join(chunk["expected"].as_str().unwrap())).unwrap()).unwrap();
            let what = format!("{name} chunk {key}");
            // numpy saves 1-d and F-contiguous chunks as it likes; the bytes are what count.
            if want.array.shape().len() > 1 {
                assert_eq!(want.fortran_order, order == Order::F, "{what}: expected .npy order");
            }
            let path = dir.join(key);
            let encoded = if chunk["stored"].as_bool().unwrap() {
                stored += 1;
                Some(std::fs::read(&path).unwrap())
            } else {
                missing += 1;
                assert!(!path.exists(), "{what}");
                None
            };
            // The library: decode_chunk and decode_chunk_into.
            match pipeline.decode_chunk(encoded.as_deref()) {
                Ok(got) if got == want.array => {}
                Ok(got) => failures.push(format!("{what}: decode_chunk differs ({:?} {})", got.shape(), got.dtype())),
                Err(e) => failures.push(format!("{what}: decode_chunk: {e}")),
            }
            buf.fill(0xa5);
            match pipeline.decode_chunk_into(encoded.as_deref(), &mut buf) {
                Ok(()) if buf == want.array.as_bytes() => {}
                Ok(()) => failures.push(format!("{what}: decode_chunk_into differs")),
                Err(e) => failures.push(format!("{what}: decode_chunk_into: {e}")),
            }
            let Some(encoded) = encoded else {
                // The CLI writes the chunk zarr reads for a missing chunk.
                let npy_out = cli(&["decode", "--zarray", dir.to_str().unwrap(), "--missing", "--npy"]);
                if npy::read(&npy_out).unwrap().array != want.array {
                    failures.push(format!("{what}: CLI decode --missing differs"));
                }
                continue;
            };
            // The CLI decodes the stored chunk file to the same .npy.
            let npy_out = cli(&[
                "decode",
                "--zarray",
                dir.join(".zarray").to_str().unwrap(),
                "-i",
                path.to_str().unwrap(),
                "--npy",
            ]);
            let got = npy::read(&npy_out).unwrap();
            if got.array != want.array || got.fortran_order != (order == Order::F) {
                failures.push(format!("{what}: CLI decode differs"));
            }
            // Our encoding decodes back, and the CLI's encode of the .npy is the library's.
            let ours = pipeline.encode_chunk(want.array.as_bytes()).unwrap();
            if pipeline.decode_chunk(Some(ours.as_bytes())).unwrap() != want.array {
                failures.push(format!("{what}: our encoding does not round-trip"));
            }
            let npy_file = root.join(chunk["expected"].as_str().unwrap());
            let cli_enc = cli(&["encode", "--zarray", dir.to_str().unwrap(), "-i", npy_file.to_str().unwrap()]);
            if pipeline.decode_chunk(Some(&cli_enc)).unwrap() != want.array {
                failures.push(format!("{what}: CLI encode does not round-trip"));
            }
            // Deterministic pipelines (everything here: blosc's threads are off in
            // zarr_arrays.py) write zarr's exact bytes, but for gzip's MTIME field.
            let mask = |b: &[u8]| {
                let mut b = b.to_vec();
                if meta.compressor.as_ref().is_some_and(|c| c["id"] == "gzip") && b.len() >= 8 {
                    b[4..8].fill(0);
                }
                b
            };
            if mask(ours.as_bytes()) != mask(&encoded) {
                failures.push(format!("{what}: our bytes differ from zarr's ({} vs {})", ours.len(), encoded.len()));
            }
        }
    }
    println!("{dir}: decoded {stored} stored and {missing} missing chunks through the library and the CLI");
    assert!(missing > 0 && stored > 100, "{stored} stored, {missing} missing");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// `numcodecs read` of the whole array, and of a region in F order, against zarr's
/// `z[...]`.
fn check_read(root: &Path, array: &Value, dir: &Path, failures: &mut Vec<String>) {
    let name = array["name"].as_str().unwrap();
    let load = |key: &str| npy::read(&std::fs::read(root.join(array[key].as_str().unwrap())).unwrap()).unwrap();
    let whole = npy::read(&cli(&["read", dir.to_str().unwrap(), "--progress", "never"])).unwrap();
    if whole.array != load("whole").array || whole.fortran_order {
        failures.push(format!("{name}: numcodecs read differs"));
    }
    let region: Vec<String> =
        array["region"].as_array().unwrap().iter().map(|r| format!("{}:{}", r[0], r[1])).collect();
    let region = region.join(",");
    let got = npy::read(&cli(&["read", dir.to_str().unwrap(), "--region", &region, "--order", "F", "--threads", "3"]))
        .unwrap();
    let want = load("region_expected").array;
    let c = NdArray::from_bytes(got.array.as_bytes(), got.array.dtype(), got.array.shape().to_vec())
        .and_then(|f| zarr::fortran_to_c(&f))
        .unwrap();
    if !got.fortran_order || c != want {
        failures.push(format!("{name}: numcodecs read --region {region} --order F differs"));
    }
}
