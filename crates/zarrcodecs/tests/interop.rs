//! Interop with Python numcodecs (from PyPI): numcodecs' bytes decode here, ours decode
//! there, and where the codec is deterministic the bytes are identical.
//!
//! It runs against two anchors, each a venv that `cargo xtask venv` creates:
//! numcodecs 0.15.2 (zarr 2.18), named by `NUMCODECS_PYTHON`, and the newest numcodecs
//! (with zarr-python 3, on Python 3.12+), named by `NUMCODECS_PYTHON_NEWEST`
//! (`cargo xtask test` sets both). Against the reference anchor every deterministic
//! case must be byte-identical. Against the newest, a case whose bytes come from a
//! library that numcodecs now bundles at another version than ours (see
//! [`OUR_LIBRARIES`]) may differ in its bytes, and is counted apart; both directions
//! must still decode. Without a Python the test says so and passes, unless
//! `NUMCODECS_REQUIRE_PYTHON` is set, as CI does, in which case it fails.

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

/// The libraries behind numcodecs' bytes, at the versions our crates build (what
/// numcodecs 0.15.2 bundles or pairs with). interop.py reports numcodecs' own; the
/// reference anchor must match every one.
const OUR_LIBRARIES: &[(&str, &str)] =
    &[("blosc", "1.21.6"), ("lz4", "1.9.4"), ("zstd", "1.5.6"), ("pcodec", "0.3.6"), ("zfpy", "1.0.1")];

/// The libraries whose version decides the bytes of a case with `config`.
fn libraries_of(config: &Value) -> Vec<&'static str> {
    if let Value::Array(stages) = config {
        return stages.iter().flat_map(libraries_of).collect();
    }
    match config["id"].as_str().unwrap_or("") {
        "blosc" => match config["cname"].as_str() {
            Some("lz4" | "lz4hc") => vec!["blosc", "lz4"],
            Some("zstd") => vec!["blosc", "zstd"],
            _ => vec!["blosc"],
        },
        "lz4" => vec!["lz4"],
        "zstd" => vec!["zstd"],
        "pcodec" => vec!["pcodec"],
        "zfpy" => vec!["zfpy"],
        _ => vec![],
    }
}

/// The libraries of `config` that the anchor bundles at another version than ours,
/// each described as `other_versions` describes it.
fn other_libraries(config: &Value, other_versions: &BTreeMap<&str, String>) -> Vec<String> {
    libraries_of(config).iter().filter_map(|lib| other_versions.get(lib).cloned()).collect()
}

/// One Python to compare against.
struct Anchor {
    /// Short name, also the directory of its generated cases.
    label: &'static str,
    python: PathBuf,
}

fn anchors() -> Vec<Anchor> {
    let required = std::env::var_os("NUMCODECS_REQUIRE_PYTHON").is_some();
    let mut found = Vec::new();
    for (label, var) in [("reference", "NUMCODECS_PYTHON"), ("newest", "NUMCODECS_PYTHON_NEWEST")] {
        match std::env::var_os(var) {
            Some(p) => found.push(Anchor { label, python: PathBuf::from(p) }),
            None if required => panic!("NUMCODECS_REQUIRE_PYTHON is set but {var} is not: run `cargo xtask test`"),
            None => {
                eprintln!("interop: {var} not set, skipping that anchor (run `cargo xtask test` for the full suite)")
            }
        }
    }
    found
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

/// What one anchor's run found.
struct AnchorRun {
    label: &'static str,
    manifest: Value,
    by_codec: BTreeMap<String, (Vec<String>, BTreeSet<String>)>,
    failures: Vec<String>,
    limited: BTreeSet<String>,
    /// Cases whose bytes differ from numcodecs' because a library version differs
    /// (both directions decoded), with the libraries that differ.
    version_differs: BTreeMap<String, Vec<String>>,
}

#[test]
fn numcodecs_interop() {
    let runs: Vec<AnchorRun> = anchors().iter().map(run_anchor).collect();
    if runs.is_empty() {
        return;
    }
    let mut failures = Vec::new();
    for run in &runs {
        let stats: Vec<String> =
            run.version_differs.values().flatten().cloned().collect::<BTreeSet<_>>().into_iter().collect();
        println!(
            "anchor {} (numcodecs {}): {} failures, {} cases with other bytes from other library versions ({})",
            run.label,
            run.manifest["numcodecs"].as_str().unwrap_or("?"),
            run.failures.len(),
            run.version_differs.len(),
            stats.join(", ")
        );
        failures.extend(run.failures.iter().map(|f| format!("[{}] {f}", run.label)));
    }
    let report = report(&runs);
    println!("{report}");
    let limited_grid = std::env::var("NUMCODECS_INTEROP_ONLY").is_ok_and(|v| !v.is_empty());
    if limited_grid {
        println!("NUMCODECS_INTEROP_ONLY is set: docs/compatibility.md is left as it is (a part of the grid ran)");
    } else if let Some(path) = std::env::var_os("NUMCODECS_COMPAT_OUT") {
        std::fs::write(&path, &report).unwrap_or_else(|e| panic!("cannot write {}: {e}", Path::new(&path).display()));
        println!("wrote {}", Path::new(&path).display());
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

fn run_anchor(anchor: &Anchor) -> AnchorRun {
    let python = &anchor.python;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop").join(anchor.label);
    let _ = std::fs::remove_dir_all(&dir);
    let dir_s = dir.to_str().unwrap();
    println!("{}", run_python(python, &["generate", dir_s]).trim());

    let manifest: Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    // Libraries numcodecs bundles at another version than ours.
    let mut other_versions = BTreeMap::new();
    for (lib, ours) in OUR_LIBRARIES {
        let theirs = manifest["libraries"][lib].as_str().unwrap_or("?");
        if theirs != *ours {
            assert!(
                anchor.label != "reference",
                "the reference numcodecs bundles {lib} {theirs}, our crates build {ours}: update OUR_LIBRARIES \
                 only together with the crates"
            );
            other_versions.insert(*lib, format!("{lib} {theirs} (ours {ours})"));
        }
    }
    let mut version_differs: BTreeMap<String, Vec<String>> = BTreeMap::new();
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
                } else if !other_libraries(&case["config"], &other_versions).is_empty() {
                    // Python's decode of our bytes is still checked (interop.py check).
                    version_differs.insert(name.to_string(), other_libraries(&case["config"], &other_versions));
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
    let out = Command::new(python).arg(script()).args(["check", dir_s]).output().expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    // Cases numcodecs cannot decode its own bytes of: `LIMITED <case>` lines.
    let limited: BTreeSet<String> =
        stdout.lines().filter_map(|l| l.strip_prefix("LIMITED ")).map(str::to_string).collect();
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

    AnchorRun { label: anchor.label, manifest, by_codec, failures, limited, version_differs }
}

/// docs/compatibility.md: the per-codec table (cases, passed, failed per anchor) and the
/// codec x dtype matrix. A case fails if any failure message names it.
fn report(runs: &[AnchorRun]) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Compatibility with Python numcodecs\n");
    let anchors: Vec<String> = runs
        .iter()
        .map(|r| {
            format!(
                "numcodecs {} (numpy {}, Python {})",
                r.manifest["numcodecs"].as_str().unwrap_or("?"),
                r.manifest["numpy"].as_str().unwrap_or("?"),
                r.manifest["python"].as_str().unwrap_or("?")
            )
        })
        .collect();
    let _ =
        writeln!(md, "Generated by `cargo xtask interop` against {} (do not edit by hand).\n", anchors.join(" and "));
    let _ = writeln!(
        md,
        "Each case encodes one seeded array with one configuration. It passes when numcodecs' bytes decode \
         here (`decode` and `decode_into`) to the array, our bytes are identical to numcodecs' (outside \
         documented fields such as gzip's MTIME), numcodecs decodes our bytes, `get_config` agrees and the \
         zarr v3 form `{{\"name\": \"numcodecs.<id>\", \"configuration\": ...}}` builds the same codec. \
         *limited* counts the passed cases where numcodecs cannot decode its own bytes either \
         (e.g. an empty lz4 or zstd chunk), so that direction is not checked there.\n\n\
         The first anchor is the reference: numcodecs 0.15.2, which zarr 2.18 pins, with the library versions \
         our crates build, so every deterministic case must be byte-identical. The newer release bundles \
         some libraries at other versions; a case whose bytes come from one of them passes with *other \
         bytes* when both sides decode each other's bytes but the bytes differ:\n"
    );
    for run in runs.iter().skip(1) {
        let mut why: BTreeMap<&str, usize> = BTreeMap::new();
        for libs in run.version_differs.values() {
            for lib in libs {
                *why.entry(lib.as_str()).or_default() += 1;
            }
        }
        let list: Vec<String> = why.iter().map(|(lib, n)| format!("{lib}: {n} cases")).collect();
        let _ = writeln!(
            md,
            "- numcodecs {}: {}.",
            run.manifest["numcodecs"].as_str().unwrap_or("?"),
            if list.is_empty() { "none".to_string() } else { list.join("; ") }
        );
    }
    let _ = writeln!(md);
    let mut header = String::from("| codec |");
    let mut rule = String::from("|---|");
    for run in runs {
        let v = run.manifest["numcodecs"].as_str().unwrap_or("?");
        let _ = write!(header, " {v}: cases | passed | failed | limited |");
        rule.push_str("---:|---:|---:|---:|");
        if run.label != "reference" {
            header.push_str(" other bytes |");
            rule.push_str("---:|");
        }
    }
    let _ = writeln!(md, "{header}\n{rule}");
    let ids: BTreeSet<&String> = runs.iter().flat_map(|r| r.by_codec.keys()).collect();
    let failed: Vec<BTreeSet<&str>> =
        runs.iter().map(|r| r.failures.iter().filter_map(|f| f.split(':').next()).collect()).collect();
    let mut totals = vec![[0usize; 5]; runs.len()];
    for id in &ids {
        let mut row = format!("| {id} |");
        for (i, run) in runs.iter().enumerate() {
            let cases = run.by_codec.get(*id).map(|(c, _)| c.as_slice()).unwrap_or_default();
            let bad = cases.iter().filter(|c| failed[i].contains(c.as_str())).count();
            let lim = cases.iter().filter(|c| run.limited.contains(*c) && !failed[i].contains(c.as_str())).count();
            let other = cases.iter().filter(|c| run.version_differs.contains_key(*c)).count();
            let t = &mut totals[i];
            *t = [t[0] + cases.len(), t[1] + cases.len() - bad, t[2] + bad, t[3] + lim, t[4] + other];
            let _ = write!(row, " {} | {} | {bad} | {lim} |", cases.len(), cases.len() - bad);
            if run.label != "reference" {
                let _ = write!(row, " {other} |");
            }
        }
        let _ = writeln!(md, "{row}");
    }
    let mut row = String::from("| **total** |");
    for (run, t) in runs.iter().zip(&totals) {
        let _ = write!(row, " {} | {} | {} | {} |", t[0], t[1], t[2], t[3]);
        if run.label != "reference" {
            let _ = write!(row, " {} |", t[4]);
        }
    }
    let _ = writeln!(md, "{row}\n");
    let by_codec = &runs[0].by_codec;
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
         zarr 2.18 (`xtask/python/zarr_arrays.py`: zlib, gzip, zstd, blosc, lz4, bz2, lzma, no compressor; \
         crc32, crc32c, adler32 and fletcher32 as filters; C and F order; edge chunks; missing chunks with \
         a fill value; structured dtypes; `S` and `U` fill values; object arrays with vlen-utf8, vlen-bytes, \
         vlen-array, json2, msgpack2, pickle and categorize as zarr's `object_codec`, with and without a \
         compressor, C and F order, missing chunks with fill values null, 0 and \"\") through \
         `ZarrPipeline::from_zarray` (`crates/zarrcodecs/tests/zarr_v2.rs`) and `numcodecs decode --zarray`, \
         and re-encodes them to zarr's bytes. The same checks run on `zarr_format=2` arrays \
         written by zarr-python 3.4.2 (`xtask/python/zarr3_v2_arrays.py`: every compressor, checksums, C and \
         F order, structured dtypes, `S`/`U` fill values, and the `|O` arrays zarr 3 writes for v2, vlen-utf8 \
         and vlen-bytes; its json2, msgpack2 and pickle chunks hold numpy StringDType data that neither zarr 2 \
         nor numcodecs reads, and it cannot write vlen-array or categorize). zarr 3 reads a vlen-bytes array's \
         string fill value as base64 bytes, and so do we.\n\nZarr v3: `crates/zarrcodecs/tests/zarr_v3.rs` decodes every chunk of arrays \
         written by zarr-python 3 with numcodecs codecs (`xtask/python/zarr_v3_arrays.py`: `numcodecs.*` \
         filters, compressors, checksums and `numcodecs.pcodec` as serializer; the v3 `blosc`, `zstd` with checksum, \
         `gzip`, `crc32c` and `transpose` codecs; big-endian `bytes`; bool and datetime data types; missing \
         chunks) through `ZarrPipeline::from_zarr_json`, and re-encodes them to zarr's bytes (gzip's MTIME \
         aside; pcodec 1.x chunks only decode both ways).\n\n## numcodecs' fixture corpus\n\nnumcodecs keeps in its \
         repository a corpus of arrays encoded by past numcodecs releases (`fixture/`: 1089 encoded files over 26 \
         codecs and 80 configurations, the legacy `json` id included). It is vendored with its MIT licence in \
         `benches/tests/numcodecs-fixture/` (the commit in `UPSTREAM_COMMIT`), and `cargo test -p \
         zarrcodecs-benches --test numcodecs_fixture` decodes every file, building each codec from its stored \
         `config.json`. Numeric results must equal the stored array byte for byte in its memory order; object \
         arrays must have equal items (NaN equals NaN, dicts in any order, array items by shape and values); lossy \
         codecs (astype to float, fixedscaleoffset, quantize), which numcodecs checks only to a precision, must \
         equal exactly what numcodecs 0.15.2 decodes. Like numcodecs' own test it does not re-encode. 1082 files \
         decode; the other 7 are Blosc chunks compressed with snappy, which numcodecs 0.15.2 cannot decode either \
         (neither C-Blosc build has snappy), and they are refused with a typed error. There is no list of known \
         failures."
    );
    md
}
