//! Interop with Python numcodecs (from PyPI): numcodecs' bytes decode here, ours decode
//! there, and where the codec is deterministic the bytes are identical.
//!
//! Needs the Python of the venv that `cargo xtask venv` creates, named by
//! `NUMCODECS_PYTHON` (`cargo xtask test` sets it). Without it the test says so and
//! passes, unless `NUMCODECS_REQUIRE_PYTHON` is set, as CI does, in which case it fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)]

use std::path::{Path, PathBuf};
use std::process::Command;

use numcodecs::{get_codec, npy, DataRef, NdArray};
use serde_json::Value;

fn python() -> Option<PathBuf> {
    match std::env::var_os("NUMCODECS_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var_os("NUMCODECS_REQUIRE_PYTHON").is_some() => {
            panic!("NUMCODECS_REQUIRE_PYTHON is set but NUMCODECS_PYTHON is not: run `cargo xtask test`")
        }
        None => {
            eprintln!("interop: NUMCODECS_PYTHON not set, skipping (run `cargo xtask test` for the full suite)");
            None
        }
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../xtask/python/interop.py")
}

fn run_python(python: &Path, args: &[&str]) -> String {
    let out = Command::new(python).arg(script()).args(args).output().expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "python {args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

fn masked(bytes: &[u8], ignore: &[Value]) -> Vec<u8> {
    let mut v = bytes.to_vec();
    for r in ignore {
        let (a, b) = (r[0].as_u64().unwrap() as usize, r[1].as_u64().unwrap() as usize);
        for x in v.iter_mut().take(b).skip(a) {
            *x = 0;
        }
    }
    v
}

#[test]
fn numcodecs_interop() {
    let Some(python) = python() else { return };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop");
    let _ = std::fs::remove_dir_all(&dir);
    let dir_s = dir.to_str().unwrap();
    println!("{}", run_python(&python, &["generate", dir_s]).trim());

    let manifest: Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    let mut identical = 0;
    for case in cases {
        let name = case["case"].as_str().unwrap();
        let input = npy::read(&std::fs::read(dir.join(case["input"].as_str().unwrap())).unwrap()).unwrap().array;
        let py_bytes = std::fs::read(dir.join(format!("{name}.py.bin"))).unwrap();
        let codec = match get_codec(&case["config"]) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{name}: config {}: {e}", case["config"]));
                continue;
            }
        };
        // Python's get_config() and ours agree.
        if codec.get_config() != case["get_config"] {
            failures.push(format!("{name}: get_config {} != python's {}", codec.get_config(), case["get_config"]));
        }
        // numcodecs' bytes decode here, through decode and decode_into.
        match codec.decode(DataRef::from(&py_bytes[..])) {
            Ok(d) if d.as_bytes() == Some(input.as_bytes()) => {}
            Ok(_) => failures.push(format!("{name}: python's bytes decode to different data")),
            Err(e) => failures.push(format!("{name}: python's bytes do not decode: {e}")),
        }
        let mut out = NdArray::zeros(input.dtype(), input.shape().to_vec()).unwrap();
        if let Err(e) = codec.decode_into(DataRef::from(&py_bytes[..]), &mut out.view_mut()) {
            failures.push(format!("{name}: decode_into: {e}"));
        } else if out.as_bytes() != input.as_bytes() {
            failures.push(format!("{name}: decode_into gives different data"));
        }
        // Our bytes: identical to numcodecs' (outside masked fields), and saved for Python.
        match codec.encode(DataRef::from(&input)) {
            Ok(enc) => {
                let ours = enc.as_bytes().unwrap();
                let ignore = case["ignore"].as_array().unwrap();
                if masked(ours, ignore) == masked(&py_bytes, ignore) {
                    identical += 1;
                } else {
                    failures.push(format!(
                        "{name}: bytes differ from numcodecs' ({} vs {} bytes)",
                        ours.len(),
                        py_bytes.len()
                    ));
                }
                std::fs::write(dir.join(format!("{name}.rs.bin")), ours).unwrap();
            }
            Err(e) => failures.push(format!("{name}: encode: {e}")),
        }
    }
    println!("rust decoded python output and compared bytes: {} cases, {identical} byte-identical", cases.len());
    let out = Command::new(&python).arg(script()).args(["check", dir_s]).output().expect("run python");
    println!("{}", String::from_utf8_lossy(&out.stdout).trim());
    if !out.status.success() {
        failures.push(format!("python could not decode our output:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
