//! Interop with Python numcodecs (from PyPI): numcodecs' bytes decode here, ours decode
//! there, and where the codec is deterministic the bytes are identical.
//!
//! Needs the Python of the venv that `cargo xtask venv` creates, named by
//! `NUMCODECS_PYTHON` (`cargo xtask test` sets it). Without it the test says so and
//! passes, unless `NUMCODECS_REQUIRE_PYTHON` is set, as CI does, in which case it fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use numcodecs::{get_codec, npy, ArrayViewMut, Codec, Data, DataRef, NdArray, Pipeline, Result};
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

/// One codec, or a pipeline (a case whose config is a list: filters then compressor).
enum Coder {
    One(Box<dyn Codec>),
    Chain(Pipeline),
}

impl Coder {
    fn new(config: &Value) -> Result<Self> {
        Ok(match config {
            Value::Array(_) => Coder::Chain(Pipeline::from_json(config)?),
            _ => Coder::One(get_codec(config)?),
        })
    }

    fn get_config(&self) -> Value {
        match self {
            Coder::One(c) => c.get_config(),
            Coder::Chain(p) => p.get_config(),
        }
    }

    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        match self {
            Coder::One(c) => c.encode(data),
            Coder::Chain(p) => p.encode(data),
        }
    }

    fn decode(&self, data: DataRef<'_>) -> Result<Data> {
        match self {
            Coder::One(c) => c.decode(data),
            Coder::Chain(p) => p.decode(data),
        }
    }

    fn decode_into(&self, data: DataRef<'_>, out: &mut ArrayViewMut<'_>) -> Result<()> {
        match self {
            Coder::One(c) => c.decode_into(data, out),
            Coder::Chain(p) => p.decode_into(data, out),
        }
    }
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
    // Per codec id: the case names, and the dtypes of their inputs.
    let mut by_codec: BTreeMap<String, (Vec<String>, BTreeSet<String>)> = BTreeMap::new();
    for case in cases {
        let name = case["case"].as_str().unwrap();
        let id = case["config"]["id"].as_str().unwrap_or("pipeline").to_string();
        let input = npy::read(&std::fs::read(dir.join(case["input"].as_str().unwrap())).unwrap()).unwrap().array;
        let entry = by_codec.entry(id.clone()).or_default();
        entry.0.push(name.to_string());
        entry.1.insert(input.dtype().to_string());
        let py_bytes = std::fs::read(dir.join(format!("{name}.py.bin"))).unwrap();
        let codec = match Coder::new(&case["config"]) {
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
        // The zarr v3 form of the same configuration builds the same codec.
        if let Some(config) = case["config"].as_object() {
            let mut configuration = config.clone();
            configuration.remove("id");
            let v3 = serde_json::json!({"name": format!("numcodecs.{id}"), "configuration": configuration});
            match get_codec(&v3) {
                Ok(c) if c.get_config() == codec.get_config() => {}
                Ok(c) => failures.push(format!("{name}: zarr v3 form gives {}", c.get_config())),
                Err(e) => failures.push(format!("{name}: zarr v3 form {v3}: {e}")),
            }
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
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    // Cases numcodecs cannot decode its own bytes of: `LIMITED <case>` lines.
    let limited: BTreeSet<&str> = stdout.lines().filter_map(|l| l.strip_prefix("LIMITED ")).collect();
    println!("{}", stdout.lines().filter(|l| !l.starts_with("LIMITED ")).collect::<Vec<_>>().join("\n"));
    if !out.status.success() {
        failures
            .push(format!("python could not decode our output:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    // Python's failures are `FAIL <case>: ...` lines.
    failures.extend(stdout.lines().filter_map(|l| l.strip_prefix("FAIL ")).map(str::to_string));

    // Every registered codec must be covered.
    let covered: BTreeSet<&String> = by_codec.keys().collect();
    let uncovered: Vec<String> = numcodecs::registered_ids().into_iter().filter(|id| !covered.contains(id)).collect();
    if !uncovered.is_empty() {
        failures.push(format!(
            "registered codecs without interop cases: {} (add a module to xtask/python/cases/)",
            uncovered.join(", ")
        ));
    }

    let report = report(&manifest, &by_codec, &failures, &limited);
    println!("{report}");
    if let Some(path) = std::env::var_os("NUMCODECS_COMPAT_OUT") {
        std::fs::write(&path, &report).unwrap_or_else(|e| panic!("cannot write {}: {e}", Path::new(&path).display()));
        println!("wrote {}", Path::new(&path).display());
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// docs/compatibility.md: the per-codec table (cases, passed, failed) and the codec x
/// dtype matrix. A case fails if any failure message names it.
fn report(
    manifest: &Value,
    by_codec: &BTreeMap<String, (Vec<String>, BTreeSet<String>)>,
    failures: &[String],
    limited: &BTreeSet<&str>,
) -> String {
    let failed_cases: BTreeSet<&str> = failures.iter().filter_map(|f| f.split(':').next()).collect();
    let mut md = String::new();
    let _ = writeln!(md, "# Compatibility with Python numcodecs\n");
    let _ = writeln!(
        md,
        "Generated by `cargo xtask interop` against numcodecs {} and numpy {} (do not edit by hand).\n",
        manifest["numcodecs"].as_str().unwrap_or("?"),
        manifest["numpy"].as_str().unwrap_or("?")
    );
    let _ = writeln!(
        md,
        "Each case encodes one seeded array with one configuration. It passes when numcodecs' bytes decode \
         here (`decode` and `decode_into`) to the array, our bytes are identical to numcodecs' (outside \
         documented fields such as gzip's MTIME), numcodecs decodes our bytes, `get_config` agrees and the \
         zarr v3 form `{{\"name\": \"numcodecs.<id>\", \"configuration\": ...}}` builds the same codec. \
         *numcodecs-limited* counts the passed cases where numcodecs cannot decode its own bytes either \
         (e.g. an empty lz4 or zstd chunk), so that direction is not checked there.\n"
    );
    let _ = writeln!(md, "| codec | cases | passed | failed | numcodecs-limited |\n|---|---:|---:|---:|---:|");
    let (mut total, mut total_failed, mut total_limited) = (0, 0, 0);
    for (id, (cases, _)) in by_codec {
        let failed = cases.iter().filter(|c| failed_cases.contains(c.as_str())).count();
        let lim = cases.iter().filter(|c| limited.contains(c.as_str()) && !failed_cases.contains(c.as_str())).count();
        total += cases.len();
        total_failed += failed;
        total_limited += lim;
        let _ = writeln!(md, "| {id} | {} | {} | {failed} | {lim} |", cases.len(), cases.len() - failed);
    }
    let _ = writeln!(md, "| **total** | {total} | {} | {total_failed} | {total_limited} |\n", total - total_failed);
    let dtypes: BTreeSet<&String> = by_codec.values().flat_map(|(_, d)| d).collect();
    let _ = writeln!(md, "## Codec x dtype\n\nDtypes of the arrays each codec was tested with.\n");
    let header: Vec<String> = dtypes.iter().map(|d| format!("`{}`", d.replace('|', "\\|"))).collect();
    let _ = writeln!(md, "| codec | {} |", header.join(" | "));
    let _ = writeln!(md, "|---|{}", ":---:|".repeat(dtypes.len()));
    for (id, (_, tested)) in by_codec {
        let cells: Vec<&str> = dtypes.iter().map(|d| if tested.contains(*d) { "✓" } else { "" }).collect();
        let _ = writeln!(md, "| {id} | {} |", cells.join(" | "));
    }
    let _ = writeln!(
        md,
        "\n`pipeline` cases chain filters and a compressor (checksums, base64 and compressors), as zarr v2 \
         applies them, through `numcodecs::Pipeline` on our side.\n\nZarr v2: `crates/numcodecs-cli/tests/zarr.rs` decodes every chunk of arrays written by python \
         zarr (`xtask/python/zarr_arrays.py`: zlib, gzip, zstd, blosc, lz4, bz2, lzma, no compressor; \
         crc32, crc32c, adler32 and fletcher32 as filters; C and F order; edge chunks; missing chunks with \
         a fill value) through `Pipeline::from_zarray` and `numcodecs decode --zarray`, and re-encodes \
         them to zarr's bytes."
    );
    md
}
