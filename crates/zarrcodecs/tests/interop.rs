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

use serde_json::Value;
use zarrcodecs::{
    get_codec, npy, ArrayView, ArrayViewMut, Codec, DType, Data, DataRef, NdArray, ObjectArray, Pipeline, Result,
};

/// An input array: numeric (.npy) or objects (.json: the one JSON form of object arrays,
/// zarrcodecs-core's `serde` impls, which interop.py writes with object_json.py).
enum Input {
    Array(NdArray),
    Objects(ObjectArray),
}

impl Input {
    fn load(path: &Path) -> Input {
        let bytes = std::fs::read(path).unwrap();
        if path.extension().is_some_and(|e| e == "json") {
            Input::Objects(serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        } else {
            Input::Array(npy::read(&bytes).unwrap().array)
        }
    }

    fn data(&self) -> DataRef<'_> {
        match self {
            Input::Array(a) => DataRef::from(a),
            Input::Objects(o) => DataRef::from(o),
        }
    }

    fn dtype(&self) -> String {
        match self {
            Input::Array(a) => a.dtype().to_string(),
            Input::Objects(_) => "|O".to_string(),
        }
    }
}

/// What numcodecs decodes its own bytes to (the input, for lossless codecs).
enum Expected {
    /// Numeric data: its bytes, and its dtype and shape where numcodecs returned a
    /// typed array (filters) rather than bytes.
    Bytes { bytes: Vec<u8>, typed: Option<(DType, Vec<usize>)> },
    /// An object array, in the JSON form.
    Objects(Value),
}

impl Expected {
    fn load(dir: &Path, case: &Value, input: &Input) -> Expected {
        let typed = case.get("decoded_dtype").map(|d| {
            let shape = case["decoded_shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize);
            (d.as_str().unwrap().parse::<DType>().unwrap(), shape.collect())
        });
        match (case["expected"].as_str(), input) {
            (Some(f), _) if f.ends_with(".json") => {
                Expected::Objects(serde_json::from_slice(&std::fs::read(dir.join(f)).unwrap()).unwrap())
            }
            (Some(f), _) => Expected::Bytes { bytes: std::fs::read(dir.join(f)).unwrap(), typed },
            (None, Input::Array(a)) => Expected::Bytes { bytes: a.as_bytes().to_vec(), typed },
            (None, Input::Objects(o)) => Expected::Objects(serde_json::to_value(o).unwrap()),
        }
    }

    /// Why `decoded` is not what numcodecs decoded, if it is not.
    fn mismatch(&self, decoded: &Data) -> Option<String> {
        match (self, decoded) {
            (Expected::Bytes { bytes, typed }, Data::Array(a)) => {
                if a.as_bytes() != bytes.as_slice() {
                    return Some("different data".into());
                }
                match typed {
                    Some((dtype, shape)) if (a.dtype(), a.shape()) != (*dtype, shape.as_slice()) => {
                        Some(format!("dtype {} shape {:?}, numcodecs gives {dtype} {shape:?}", a.dtype(), a.shape()))
                    }
                    _ => None,
                }
            }
            (Expected::Objects(json), Data::Object(o)) => match serde_json::to_value(o) {
                Ok(ours) if ours == *json => None,
                Ok(ours) => Some(format!("objects {ours} != numcodecs' {json}")),
                Err(e) => Some(e.to_string()),
            },
            (Expected::Bytes { .. }, Data::Object(_)) => Some("objects, numcodecs gives a numeric array".into()),
            (Expected::Objects(_), Data::Array(_)) => Some("a numeric array, numcodecs gives objects".into()),
        }
    }
}

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
            Coder::One(c) => c.get_config().unwrap(),
            Coder::Chain(p) => p.get_config().unwrap(),
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
    let mut not_compared = 0;
    // Per codec id: the case names, and the dtypes of their inputs.
    let mut by_codec: BTreeMap<String, (Vec<String>, BTreeSet<String>)> = BTreeMap::new();
    for case in cases {
        let name = case["case"].as_str().unwrap();
        let id = case["config"]["id"].as_str().unwrap_or("pipeline").to_string();
        let input = Input::load(&dir.join(case["input"].as_str().unwrap()));
        let entry = by_codec.entry(id.clone()).or_default();
        entry.0.push(name.to_string());
        entry.1.insert(input.dtype());
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
                Ok(c) if c.get_config().unwrap() == codec.get_config() => {}
                Ok(c) => failures.push(format!("{name}: zarr v3 form gives {}", c.get_config().unwrap())),
                Err(e) => failures.push(format!("{name}: zarr v3 form {v3}: {e}")),
            }
        }
        // numcodecs' bytes decode here to what numcodecs decodes them to, through
        // decode and (for numeric data) decode_into.
        // Where numcodecs' encode returned a typed array (filters), its decode gets that
        // array, and so does ours; in a zarr pipeline a filter gets the bytes a
        // compressor decoded instead, which must decode to the same data.
        let expected = Expected::load(&dir, case, &input);
        let py_data = match case.get("encoded_dtype") {
            Some(dtype) => {
                let shape: Vec<usize> = serde_json::from_value(case["encoded_shape"].clone()).unwrap();
                DataRef::Array(ArrayView::new(&py_bytes, dtype.as_str().unwrap().parse().unwrap(), shape).unwrap())
            }
            None => DataRef::from(&py_bytes[..]),
        };
        match codec.decode(py_data.clone()) {
            Ok(d) => {
                if let Some(why) = expected.mismatch(&d) {
                    failures.push(format!("{name}: python's bytes decode to {why}"));
                }
            }
            Err(e) => failures.push(format!("{name}: python's bytes do not decode: {e}")),
        }
        if let (Some(_), Expected::Bytes { bytes, .. }) = (case.get("encoded_dtype"), &expected) {
            match codec.decode(DataRef::from(&py_bytes[..])) {
                Ok(d) if d.as_bytes() == Some(bytes.as_slice()) => {}
                Ok(_) => failures.push(format!("{name}: python's bytes, untyped, decode to different data")),
                Err(e) => failures.push(format!("{name}: python's bytes, untyped, do not decode: {e}")),
            }
        }
        if let Expected::Bytes { bytes, typed } = &expected {
            let (dtype, shape) = match (typed, &input) {
                (Some((dtype, shape)), _) => (*dtype, shape.clone()),
                (None, Input::Array(a)) => (a.dtype(), a.shape().to_vec()),
                (None, Input::Objects(_)) => ("|u1".parse().unwrap(), vec![bytes.len()]),
            };
            let mut out = NdArray::zeros(dtype, shape).unwrap();
            if let Err(e) = codec.decode_into(py_data.clone(), &mut out.view_mut()) {
                failures.push(format!("{name}: decode_into: {e}"));
            } else if out.as_bytes() != bytes.as_slice() {
                failures.push(format!("{name}: decode_into gives different data"));
            }
        }
        // Our bytes: identical to numcodecs' (outside masked fields), and saved for Python.
        match codec.encode(input.data()) {
            Ok(enc) => {
                let ours = enc.as_bytes().unwrap();
                if let Some(dtype) = case.get("encoded_dtype") {
                    let shape: Vec<usize> = serde_json::from_value(case["encoded_shape"].clone()).unwrap();
                    if (enc.dtype().to_string().as_str(), enc.shape()) != (dtype.as_str().unwrap(), &shape[..]) {
                        failures.push(format!(
                            "{name}: encoded dtype {} shape {:?}, numcodecs gives {dtype} {shape:?}",
                            enc.dtype(),
                            enc.shape()
                        ));
                    }
                }
                if case["ignore"] == "any" {
                    // Bytes that need not match numcodecs' (documented per case module).
                    not_compared += 1;
                } else if masked(ours, case["ignore"].as_array().unwrap())
                    == masked(&py_bytes, case["ignore"].as_array().unwrap())
                {
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
    println!(
        "rust decoded python output and compared bytes: {} cases, {identical} byte-identical, {not_compared} not compared",
        cases.len()
    );
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

    // Every registered codec must be covered (unless NUMCODECS_INTEROP_ONLY limits the
    // grid to some modules on purpose: then the others are uncovered by design).
    let covered: BTreeSet<&String> = by_codec.keys().collect();
    let uncovered: Vec<String> = zarrcodecs::registered_ids().into_iter().filter(|id| !covered.contains(id)).collect();
    let limited_grid = std::env::var("NUMCODECS_INTEROP_ONLY").is_ok_and(|v| !v.is_empty());
    if limited_grid {
        println!("NUMCODECS_INTEROP_ONLY is set: not checking that every registered codec has cases");
    } else if !uncovered.is_empty() {
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
        "\n`pipeline` cases chain filters (checksums, base64, numeric filters, object codecs) and a \
         compressor, as zarr v2 applies them, through `zarrcodecs::Pipeline` on our side.\n\nZarr v2: `crates/zarrcodecs-cli/tests/zarr.rs` decodes every chunk of arrays written by python \
         zarr (`xtask/python/zarr_arrays.py`: zlib, gzip, zstd, blosc, lz4, bz2, lzma, no compressor; \
         crc32, crc32c, adler32 and fletcher32 as filters; C and F order; edge chunks; missing chunks with \
         a fill value; structured dtypes; `S` and `U` fill values; object arrays with vlen-utf8, vlen-bytes, \
         vlen-array, json2, msgpack2, pickle and categorize as zarr's `object_codec`, with and without a \
         compressor, C and F order, missing chunks with fill values null, 0 and \"\") through \
         `ZarrPipeline::from_zarray` (`crates/zarrcodecs/tests/zarr_v2.rs`) and `numcodecs decode --zarray`, \
         and re-encodes them to zarr's bytes."
    );
    md
}
