//! `cargo xtask bench`: the criterion suite, the same cases through Python numcodecs,
//! and the report (`docs/benchmarks.md`, `docs/benchmarks.svg` and `docs/benchmarks.json`,
//! written together; `--json PATH` writes the JSON to another place too).
//!
//! 1. `bench-export` (a binary of zarrcodecs-benches) writes the inputs as `.npy` and a
//!    manifest of every case, its label, data, encoded size and bench ids, under
//!    `target/bench/` ([`manifest::Manifest`], a type shared with the benches).
//! 2. `cargo bench -p zarrcodecs-benches` runs, its output shown with `[n/N]` progress;
//!    the pipeline bench writes its allocation counts to `target/bench/allocations.json`
//!    ([`manifest::Allocations`]).
//! 3. Criterion's result of each expected bench id is read from
//!    `target/criterion/<group>/<function>/<value>/new/` (median per iteration); ids
//!    with no result are reported (see `criterion.rs`).
//! 4. `xtask/python/bench.py` times the same cases with numcodecs (median per call).
//! 5. Whole-array reads (see `array.rs`): zarr v2 stores written by zarr-python 2.18,
//!    read by `zarrcodecs::read::ArrayReader` and by zarr-python, alternating.
//! 6. The report is written (with the encode/decode loop of the `codec_loop` bench in a
//!    section of its own, and in the JSON as `"kind": "loop"` rows); the chart is drawn
//!    with plotters (see `chart.rs`).

mod array;
mod chart;
mod criterion;
// Shared with the benches library, which includes the same file as
// `zarrcodecs_benches::manifest`: there its items are public API, here some are unused.
#[allow(unreachable_pub, dead_code, reason = "shared with zarrcodecs-benches, which uses all of it")]
mod manifest;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{cargo, root, run, target_dir, venv, Anchor, Result};
use manifest::targets::{ALL, COMPRESSORS, FILTERS, MEMORY_BOUND, VLEN};
use manifest::{Allocations, BenchId, Manifest, ALLOCATIONS_ENV};

/// `cargo xtask bench`'s options.
#[derive(Clone, Debug, clap::Args)]
pub(crate) struct Options {
    /// A short, less precise run (criterion's `--quick`).
    #[arg(long)]
    quick: bool,
    /// Rust only: do not time the cases through Python numcodecs.
    #[arg(long = "no-python", action = clap::ArgAction::SetFalse)]
    python: bool,
    /// Also write the figures as JSON to this path (the report's directory always gets
    /// benchmarks.json).
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// A note for the report's header (e.g. what changed since the last run).
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// CI's smoke run: every bench once (criterion's `--test`), no Python, no report.
    #[arg(long, conflicts_with_all = ["quick", "json", "note"])]
    test: bool,
    /// Run only the benches whose id contains one of these (the report then goes to
    /// target/bench/, never over docs/).
    #[arg(value_name = "FILTER")]
    filters: Vec<String>,
    /// Size of each whole-array store, in MiB of decoded data [default: 1024; 256 with --quick].
    #[arg(long, value_name = "MIB")]
    array_mib: Option<u64>,
    /// Skip the whole-array reads.
    #[arg(long = "no-arrays", action = clap::ArgAction::SetFalse)]
    arrays: bool,
    /// Do not build and time zarrs (benches/zarrs-read) in the whole-array reads.
    #[arg(long = "no-zarrs", action = clap::ArgAction::SetFalse)]
    zarrs: bool,
    /// Options handed to criterion as they are, after `--` (e.g. `-- --save-baseline x`).
    #[arg(last = true, value_name = "CRITERION_ARGS")]
    criterion: Vec<String>,
}

pub(crate) fn bench(opts: &Options) -> Result {
    let dir = target_dir().join("bench");
    let allocations_path = dir.join("allocations.json");
    if opts.test {
        let mut cmd = cargo();
        cmd.args(["bench", "-p", "zarrcodecs-benches", "--", "--test"]).args(&opts.criterion).args(&opts.filters);
        cmd.env(ALLOCATIONS_ENV, &allocations_path);
        return run(cmd);
    }
    let started = Instant::now();
    let load_before = load_average();

    eprintln!("xtask: bench 1/4: exporting the inputs and the case manifest to {}", dir.display());
    let mut export = cargo();
    export.args(["run", "--release", "--quiet", "-p", "zarrcodecs-benches", "--bin", "bench-export", "--"]).arg(&dir);
    run(export)?;
    let manifest_path = dir.join("manifest.json");
    let manifest: Manifest = read_json(&manifest_path)?;

    eprintln!("xtask: bench 2/4: the criterion benches (Rust)");
    let expected: Vec<&BenchId> = manifest
        .bench_ids
        .iter()
        .filter(|id| opts.filters.is_empty() || opts.filters.iter().any(|f| id.full().contains(f.as_str())))
        .collect();
    let criterion_dir = target_dir().join("criterion");
    // What the last run left of these ids must not pass for this run's results.
    criterion::clear(&criterion_dir, &expected)?;
    remove_if_present(&allocations_path)?;
    run_criterion(opts, &manifest.bench_ids, expected.len(), &allocations_path)?;
    let (rust, missing) = criterion::results(&criterion_dir, &expected);
    eprintln!("xtask: {} of {} criterion results read", rust.len(), expected.len());
    if !missing.is_empty() {
        eprintln!("xtask: warning: {} expected benchmarks have no criterion result:", missing.len());
        for m in &missing {
            eprintln!("  {m}");
        }
    }
    let allocations = read_json::<Allocations>(&allocations_path);
    if let Err(e) = &allocations {
        eprintln!("xtask: warning: no allocation counts: {e}");
    }
    let rust_secs = started.elapsed().as_secs_f64();

    eprintln!("xtask: bench 3/4: the same cases through Python numcodecs");
    let python_started = Instant::now();
    let python = if opts.python { run_python(opts, &manifest_path, &dir) } else { Err("--no-python".into()) };
    let (python, python_note) = match python {
        Ok(p) => (p, None),
        Err(e) => {
            eprintln!("xtask: Python numcodecs is not available ({e}): the report has Rust figures only");
            (Python::default(), Some(e))
        }
    };
    let python_secs = python_started.elapsed().as_secs_f64();

    let array_result = if !opts.arrays {
        Err("--no-arrays".to_string())
    } else if !opts.filters.is_empty() {
        Err("a filtered run".to_string())
    } else if let Some(e) = &python_note {
        Err(format!("zarr-python is not available ({e})"))
    } else {
        eprintln!("xtask: bench 4/5: whole-array reads against zarr-python");
        python_executable().and_then(|py| array::measure(opts, &py, &dir))
    };
    let (arrays, arrays_versions): (Vec<array::ArrayRow>, Result<String>) = match array_result {
        Ok((versions, rows)) => (rows, Ok(versions)),
        Err(e) => {
            eprintln!("xtask: no whole-array reads: {e}");
            (vec![], Err(e))
        }
    };

    let mut report = Report {
        opts,
        manifest: &manifest,
        rust: &rust,
        missing: (missing.len(), expected.len()),
        python: &python,
        python_note,
        allocations: &allocations,
        load: (load_before, String::new()),
        secs: (rust_secs, python_secs, 0.0),
        arrays: &arrays,
        arrays_versions: &arrays_versions,
        reruns: HashMap::new(),
        loop_reruns: HashMap::new(),
    };
    let rows = report.rows();
    // Every codec row below 1x numcodecs is measured again, Rust and Python in turn.
    let below: Vec<(String, String)> = if report.python_note.is_none() { below_parity(&rows) } else { vec![] };
    if !below.is_empty() {
        eprintln!(
            "xtask: bench 5/6: {} checks below 1x numcodecs, measured again in {RERUN_ROUNDS} alternated rounds",
            below.len()
        );
        report.reruns = rerun(opts, &manifest, &manifest_path, &dir, &criterion_dir, &below)?;
    }
    // Every loop check above its gap target is measured again too (Rust alone: both
    // sides of the gap are ours).
    let first_loops = report.loop_rows();
    let over: Vec<&LoopRow> = first_loops.iter().filter(|r| r.gap().is_some_and(|g| g > LOOP_MAX_GAP)).collect();
    if !over.is_empty() {
        eprintln!(
            "xtask: bench 5/6: {} loop checks above the {:.0}% gap, measured again in {RERUN_ROUNDS} rounds",
            over.len(),
            LOOP_MAX_GAP * 100.0
        );
        report.loop_reruns = rerun_loops(opts, &manifest, &criterion_dir, &over)?;
    }

    eprintln!("xtask: bench 6/6: the report");
    report.load.1 = load_average();
    report.secs.2 = started.elapsed().as_secs_f64();
    let loops = report.loop_rows();
    // A filtered run writes its report under target/, never over the full one in docs/.
    let out_dir = if opts.filters.is_empty() { root().join("docs") } else { dir.clone() };
    // The report's three files are written together, so they never disagree.
    let json_text = serde_json::to_string_pretty(&json_rows(&rows, &loops, &arrays)).map_err(|e| e.to_string())? + "\n";
    write(&out_dir.join("benchmarks.md"), &report.markdown(&rows, &loops))?;
    write(&out_dir.join("benchmarks.svg"), &chart::svg(&chart::bars(&rows))?)?;
    write(&out_dir.join("benchmarks.json"), &json_text)?;
    if let Some(path) = &opts.json {
        write(path, &json_text)?;
    }
    eprintln!(
        "xtask: bench done in {:.0} s (Rust {rust_secs:.0} s, Python {python_secs:.0} s): {}",
        started.elapsed().as_secs_f64(),
        out_dir.join("benchmarks.md").display()
    );
    Ok(())
}

fn write(path: &Path, text: &str) -> Result {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn remove_if_present(path: &Path) -> Result {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(format!("{}: {e}", path.display())),
        _ => Ok(()),
    }
}

/// `path` parsed as a `T`: an error (with the path) if it is missing or does not parse.
fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs `cargo bench`, echoing its output with `[n/N]` before each bench id; the
/// pipeline bench writes its allocation counts to `allocations`.
fn run_criterion(opts: &Options, ids: &[BenchId], total: usize, allocations: &Path) -> Result {
    let mut cmd = cargo();
    cmd.args(["bench", "-p", "zarrcodecs-benches", "--"]);
    if opts.quick {
        cmd.arg("--quick");
    }
    cmd.args(&opts.criterion).args(&opts.filters);
    cmd.env(ALLOCATIONS_ENV, allocations);
    eprintln!("xtask: running {cmd:?}");
    let mut child =
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(|e| format!("cannot start cargo: {e}"))?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let err_thread = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(std::result::Result::ok) {
            if !line.starts_with("Benchmarking ") {
                eprintln!("{line}");
            }
        }
    });
    // Criterion starts each result with the id's title (long ids are cut short).
    let known: HashSet<String> = ids.iter().map(|id| criterion::title(&id.full())).collect();
    let mut done = 0;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(std::result::Result::ok) {
            let first = line.split_whitespace().next().unwrap_or("");
            if !line.starts_with(' ') && known.contains(first) {
                done += 1;
                println!("[{done}/{total}] {line}");
            } else {
                println!("{line}");
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    // The thread only echoes lines; if it panicked, there is nothing to recover.
    let _ = err_thread.join();
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo bench failed with {status}"))
    }
}

/// What bench.py writes.
#[derive(Deserialize)]
struct PythonOutput {
    python: String,
    numcodecs: String,
    numpy: String,
    results: Vec<PythonResult>,
}

#[derive(Deserialize)]
struct PythonResult {
    /// The bench id, as criterion's full id.
    id: String,
    /// Median ns per call.
    ns: f64,
}

#[derive(Default)]
struct Python {
    versions: String,
    ns: HashMap<String, f64>,
}

/// The Python of the reference anchor: `NUMCODECS_PYTHON`, else the xtask's venv.
fn python_executable() -> Result<PathBuf> {
    match std::env::var_os("NUMCODECS_PYTHON") {
        Some(p) => Ok(PathBuf::from(p)),
        None => venv(Anchor::Reference),
    }
}

fn run_python(opts: &Options, manifest: &Path, dir: &Path) -> Result<Python> {
    let python = python_executable()?;
    let out = dir.join("python.json");
    let mut cmd = Command::new(&python);
    cmd.arg(root().join("xtask/python/bench.py")).arg(manifest).arg(&out);
    if opts.quick {
        cmd.arg("--quick");
    }
    for f in &opts.filters {
        cmd.args(["--filter", f]);
    }
    run(cmd)?;
    let v: PythonOutput = read_json(&out)?;
    Ok(Python {
        versions: format!("Python {}, numcodecs {}, numpy {}", v.python, v.numcodecs, v.numpy),
        ns: v.results.into_iter().map(|r| (r.id, r.ns)).collect(),
    })
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn command_output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or_else(|| "?".into(), |o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// One measured (case, data, size).
struct Row {
    codec: String,
    label: String,
    config: Value,
    kind: String,
    size: u64,
    size_label: String,
    encoded_len: u64,
    /// MB/s (10^6 bytes of decoded data per second).
    rust_encode: Option<f64>,
    rust_decode: Option<f64>,
    rust_decode_into: Option<f64>,
    /// `decode_borrowed`, for codecs whose decode returns a part of its input (the
    /// checksums, as numcodecs' decode returns a view); `None` for the others.
    rust_decode_borrowed: Option<f64>,
    python_encode: Option<f64>,
    python_decode: Option<f64>,
    /// Median ns per call, for the overhead notes: Rust encode, Rust decode (or
    /// `decode_borrowed` where measured), Python encode, Python decode.
    ns: [Option<f64>; 4],
}

impl Row {
    /// The Rust decode that does what numcodecs' decode does: `decode_borrowed` where
    /// it was measured (numcodecs returns a view there too), else `decode`.
    fn rust_decode_like_python(&self) -> Option<f64> {
        self.rust_decode_borrowed.or(self.rust_decode)
    }
}

/// One case of the encode/decode loop (`codec_loop` bench) at one size.
struct LoopRow {
    codec: String,
    label: String,
    config: Value,
    kind: String,
    size: u64,
    size_label: String,
    /// MB/s of decoded data.
    rust_decode: Option<f64>,
    rust_decode_into: Option<f64>,
    python_decode: Option<f64>,
}

/// The loop target: `decode` takes at most this much longer than `decode_into`.
const LOOP_MAX_GAP: f64 = 0.10;

impl LoopRow {
    /// How much longer `decode` takes than `decode_into` (0.1 = 10% longer).
    fn gap(&self) -> Option<f64> {
        ratio(self.rust_decode_into, self.rust_decode).map(|r| r - 1.0)
    }

    /// The criterion id of this row's `op` (`decode` or `decode_into`).
    fn bench_id(&self, op: &str) -> String {
        BenchId::new(format!("loop/{}", self.label), format!("{op}/{}", self.kind), self.size_label.as_str()).full()
    }
}

/// The key of one loop check: label, data kind and size label.
fn loop_key(r: &LoopRow) -> String {
    format!("{}/{}/{}", r.label, r.kind, r.size_label)
}

fn mbps(size: u64, ns: Option<f64>) -> Option<f64> {
    ns.filter(|ns| *ns > 0.0).map(|ns| size as f64 / ns * 1e3)
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? / b?).filter(|r| r.is_finite())
}

struct Report<'a> {
    opts: &'a Options,
    manifest: &'a Manifest,
    rust: &'a HashMap<String, f64>,
    /// Expected bench ids with no criterion result, of how many expected.
    missing: (usize, usize),
    python: &'a Python,
    python_note: Option<String>,
    /// The pipeline bench's counts, or why there are none.
    allocations: &'a Result<Allocations>,
    load: (String, String),
    secs: (f64, f64, f64),
    /// The whole-array rows, and the versions of the zarr that wrote the stores (or
    /// why they were not measured).
    arrays: &'a [array::ArrayRow],
    arrays_versions: &'a Result<String>,
    /// The checks measured again after the first pass (see [`rerun`]), by
    /// [`check_key`]: Rust over Python, one ratio per round.
    reruns: HashMap<String, Vec<f64>>,
    /// The loop checks measured again after the first pass (see [`rerun_loops`]), by
    /// [`loop_key`]: the gap of each round.
    loop_reruns: HashMap<String, Vec<f64>>,
}

/// Rounds of the rerun of checks below 1x: Rust, then Python, per round.
const RERUN_ROUNDS: usize = 3;

/// The key of one check: the row's label, the check's op as numcodecs names it
/// (`encode` or `decode`), data kind and size label.
fn check_key(row: &Row, op: &str) -> String {
    let op = if op == "decode_borrowed" { "decode" } else { op };
    format!("{}/{op}/{}/{}", row.label, row.kind, row.size_label)
}

/// The checks below 1x numcodecs: (check key, the Rust bench id measured for it).
fn below_parity(rows: &[Row]) -> Vec<(String, String)> {
    let mut below = vec![];
    for r in rows {
        let decode_op = if r.rust_decode_borrowed.is_some() { "decode_borrowed" } else { "decode" };
        for (op, rust, python) in
            [("encode", r.rust_encode, r.python_encode), (decode_op, r.rust_decode_like_python(), r.python_decode)]
        {
            if ratio(rust, python).is_some_and(|q| q < 1.0) {
                let rust_id = format!("{}/{op}/{}/{}", r.label, r.kind, r.size_label);
                below.push((check_key(r, op), rust_id));
            }
        }
    }
    below
}

/// A regex (valid for Rust's `regex` and Python's `re`) that matches exactly these ids.
fn exact_ids_regex<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let escape = |id: &str| {
        id.chars().fold(String::new(), |mut out, c| {
            if "\\.+*?()|[]{}^$#&-~".contains(c) {
                out.push('\\');
            }
            out.push(c);
            out
        })
    };
    format!("^({})$", ids.map(escape).collect::<Vec<_>>().join("|"))
}

/// Measures the `below` checks again, [`RERUN_ROUNDS`] times, each round Rust
/// (criterion, filtered to their ids) then Python (bench.py, filtered likewise): a
/// check below target on the first pass, when both sides ran minutes apart, is a miss
/// only if it stays below when the two alternate. Returns the ratios per check key.
fn rerun(
    opts: &Options,
    manifest: &Manifest,
    manifest_path: &Path,
    dir: &Path,
    criterion_dir: &Path,
    below: &[(String, String)],
) -> Result<HashMap<String, Vec<f64>>> {
    let rust_ids: Vec<&BenchId> =
        manifest.bench_ids.iter().filter(|id| below.iter().any(|(_, r)| *r == id.full())).collect();
    let python_ids: Vec<String> = below.iter().map(|(key, _)| key.clone()).collect();
    let size_of =
        |key: &str| manifest.sizes.iter().find(|s| key.ends_with(&format!("/{}", s.label))).map_or(0, |s| s.size);
    let mut ratios: HashMap<String, Vec<f64>> = HashMap::new();
    let filter = exact_ids_regex(rust_ids.iter().map(|id| id.full()).collect::<Vec<_>>().iter().map(String::as_str));
    let python_filter = exact_ids_regex(python_ids.iter().map(String::as_str));
    let sub = Options { filters: vec![filter], ..opts.clone() };
    let python_sub = Options { filters: vec![python_filter], ..opts.clone() };
    for round in 1..=RERUN_ROUNDS {
        eprintln!("xtask: rerun round {round}/{RERUN_ROUNDS}: Rust");
        let rust = criterion_again(&sub, manifest, criterion_dir, &rust_ids)?;
        eprintln!("xtask: rerun round {round}/{RERUN_ROUNDS}: Python");
        let python = run_python(&python_sub, manifest_path, dir)?;
        for (key, rust_id) in below {
            let size = size_of(key);
            if let Some(q) = ratio(mbps(size, rust.get(rust_id).copied()), mbps(size, python.ns.get(key).copied())) {
                ratios.entry(key.clone()).or_default().push(q);
            }
        }
    }
    Ok(ratios)
}

/// One rerun round of the criterion benches `ids` (`sub` filters to exactly them):
/// their old results cleared, run again, read back (ns per iteration by full id).
fn criterion_again(
    sub: &Options,
    manifest: &Manifest,
    criterion_dir: &Path,
    ids: &[&BenchId],
) -> Result<HashMap<String, f64>> {
    criterion::clear(criterion_dir, ids)?;
    run_criterion(sub, &manifest.bench_ids, ids.len(), &target_dir().join("bench/allocations-rerun.json"))?;
    Ok(criterion::results(criterion_dir, ids).0)
}

/// Measures the loop checks in `over` again, [`RERUN_ROUNDS`] times (criterion,
/// filtered to their `decode` and `decode_into` ids): a gap above target on the first
/// pass is a miss only if the median of the rounds stays above it. Returns each
/// round's gap by [`loop_key`].
fn rerun_loops(
    opts: &Options,
    manifest: &Manifest,
    criterion_dir: &Path,
    over: &[&LoopRow],
) -> Result<HashMap<String, Vec<f64>>> {
    let wanted: Vec<String> = over.iter().flat_map(|r| [r.bench_id("decode"), r.bench_id("decode_into")]).collect();
    let ids: Vec<&BenchId> = manifest.bench_ids.iter().filter(|id| wanted.contains(&id.full())).collect();
    let sub = Options { filters: vec![exact_ids_regex(wanted.iter().map(String::as_str))], ..opts.clone() };
    let mut gaps: HashMap<String, Vec<f64>> = HashMap::new();
    for round in 1..=RERUN_ROUNDS {
        eprintln!("xtask: loop rerun round {round}/{RERUN_ROUNDS}");
        let rust = criterion_again(&sub, manifest, criterion_dir, &ids)?;
        for r in over {
            let (decode, decode_into) = (rust.get(&r.bench_id("decode")), rust.get(&r.bench_id("decode_into")));
            if let (Some(decode), Some(decode_into)) = (decode, decode_into.filter(|ns| **ns > 0.0)) {
                gaps.entry(loop_key(r)).or_default().push(decode / decode_into - 1.0);
            }
        }
    }
    Ok(gaps)
}

impl Report<'_> {
    fn rows(&self) -> Vec<Row> {
        let mut rows = vec![];
        for case in &self.manifest.cases {
            let label = case.label.as_str();
            for item in &case.items {
                let (kind, size_label, size) = (item.kind.as_str(), item.size_label.as_str(), item.size);
                let id = |op: &str| BenchId::new(label, format!("{op}/{kind}"), size_label).full();
                let r = |op: &str| self.rust.get(&id(op)).copied();
                let p = |op: &str| self.python.ns.get(&id(op)).copied();
                let borrowed = r("decode_borrowed");
                let ns = [r("encode"), borrowed.or(r("decode")), p("encode"), p("decode")];
                if ns.iter().all(Option::is_none) {
                    continue;
                }
                rows.push(Row {
                    codec: case.codec_id().to_string(),
                    label: label.to_string(),
                    config: case.config.clone(),
                    kind: kind.to_string(),
                    size,
                    size_label: size_label.to_string(),
                    encoded_len: item.encoded_len,
                    rust_encode: mbps(size, ns[0]),
                    rust_decode: mbps(size, r("decode")),
                    rust_decode_into: mbps(size, r("decode_into")),
                    rust_decode_borrowed: mbps(size, borrowed),
                    python_encode: mbps(size, ns[2]),
                    python_decode: mbps(size, ns[3]),
                    ns,
                });
            }
        }
        rows
    }

    /// The encode/decode loop's rows: Rust from criterion, Python under the id of the
    /// Rust `decode` bench.
    fn loop_rows(&self) -> Vec<LoopRow> {
        let mut rows = vec![];
        for case in &self.manifest.loops {
            let label = case.label.as_str();
            for item in &case.items {
                let (kind, size_label, size) = (item.kind.as_str(), item.size_label.as_str(), item.size);
                let id = |op: &str| BenchId::new(label, format!("{op}/{kind}"), size_label).full();
                let (decode, decode_into) = (self.rust.get(&id("decode")), self.rust.get(&id("decode_into")));
                let python = self.python.ns.get(&id("decode"));
                if decode.is_none() && decode_into.is_none() && python.is_none() {
                    continue;
                }
                rows.push(LoopRow {
                    codec: case.codec_id().to_string(),
                    label: label.strip_prefix("loop/").unwrap_or(label).to_string(),
                    config: case.config.clone(),
                    kind: kind.to_string(),
                    size,
                    size_label: size_label.to_string(),
                    rust_decode: mbps(size, decode.copied()),
                    rust_decode_into: mbps(size, decode_into.copied()),
                    python_decode: mbps(size, python.copied()),
                });
            }
        }
        rows
    }

    fn memcpy(&self, size_label: &str) -> Option<f64> {
        let size = self.manifest.sizes.iter().find(|s| s.label == size_label)?.size;
        mbps(size, self.rust.get(&BenchId::new("memcpy", "copy_from_slice", size_label).full()).copied())
    }

    fn markdown(&self, rows: &[Row], loops: &[LoopRow]) -> String {
        let mut md = String::new();
        let w = &mut md;
        let _ = writeln!(w, "# Benchmarks: numcodecs for Rust against Python numcodecs\n");
        let _ = writeln!(
            w,
            "Written by `cargo xtask bench{}`; do not edit by hand. Rust: the criterion benches in \
             [`benches/`](../benches) (median time per iteration). Python: \
             [`xtask/python/bench.py`](../xtask/python/bench.py), the same configurations on the same \
             bytes (exported as `.npy`), timed with `time.perf_counter` (median time per call over \
             repeats), Blosc single-threaded on both sides. MB/s are 10^6 bytes of *decoded* data per \
             second, for encode and decode alike; \"×\" is Rust MB/s over Python MB/s (above 1: Rust is \
             faster). Compression ratio is decoded size over encoded size. The chart of the ratios is \
             [`benchmarks.svg`](benchmarks.svg).\n",
            if self.opts.quick { " --quick" } else { "" }
        );
        self.machine(w);
        self.targets(w, rows, loops);
        let _ = writeln!(w, "## Throughput per codec\n");
        let mut codecs: Vec<&str> = vec![];
        for r in rows {
            if !codecs.contains(&r.codec.as_str()) {
                codecs.push(&r.codec);
            }
        }
        for codec in codecs {
            let _ = writeln!(w, "### {codec}\n");
            let _ = writeln!(
                w,
                "| config | data | size | compr. ratio | Rust enc MB/s | Python enc MB/s | enc × | Rust dec MB/s | Python dec MB/s | dec × |"
            );
            let _ = writeln!(w, "|---|---|---|--:|--:|--:|--:|--:|--:|--:|");
            let mut borrowed = false;
            for r in rows.iter().filter(|r| r.codec == codec) {
                let params = r.label.split_once('/').map_or("(defaults)", |(_, p)| p);
                borrowed |= r.rust_decode_borrowed.is_some();
                let mark = if r.rust_decode_borrowed.is_some() { " †" } else { "" };
                let _ = writeln!(
                    w,
                    "| `{params}` | {} | {} | {:.2} | {} | {} | {} | {}{mark} | {} | {} |",
                    r.kind,
                    r.size_label,
                    r.size as f64 / r.encoded_len.max(1) as f64,
                    f(r.rust_encode),
                    f(r.python_encode),
                    x(ratio(r.rust_encode, r.python_encode)),
                    f(r.rust_decode_like_python()),
                    f(r.python_decode),
                    x(ratio(r.rust_decode_like_python(), r.python_decode)),
                );
            }
            if borrowed {
                let _ = writeln!(
                    w,
                    "\n† `decode_borrowed`, which returns its output borrowed from the input (a checksum's verified \
                     payload; bitround's and quantize's input as it is), as numcodecs' `decode` returns a view of its \
                     input; `decode`, which returns a copy, is in [Borrowed decodes](#borrowed-decodes)."
                );
            }
            let _ = writeln!(w);
        }
        encode_decode_loop(w, loops);
        array::section(w, self.arrays, self.arrays_versions.as_ref().err().map(String::as_str));
        self.zero_copy(w, rows);
        md
    }

    fn machine(&self, w: &mut String) {
        let _ = writeln!(w, "## Machine\n");
        let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
        let _ = writeln!(w, "- Date: {}", command_output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]));
        let _ = writeln!(w, "- CPU: {} ({cores} cores available)", cpu_model());
        let _ = writeln!(
            w,
            "- memcpy (`copy_from_slice`, same run): {} MB/s at 64 KiB, {} MB/s at 8 MiB: the physical limit for filters",
            f(self.memcpy("64KiB")),
            f(self.memcpy("8MiB"))
        );
        let _ = writeln!(w, "- Load average (1, 5, 15 min): {} before, {} after", self.load.0, self.load.1);
        if self.missing.0 > 0 {
            let _ = writeln!(
                w,
                "- Missing: {} of the {} benchmarks expected have no criterion result (listed by `cargo xtask bench`)",
                self.missing.0, self.missing.1
            );
        }
        let _ = writeln!(w, "- Rust: {}", command_output("rustc", &["-V"]));
        match &self.python_note {
            None => {
                let _ = writeln!(w, "- Python: {}", self.python.versions);
            }
            Some(e) => {
                let _ = writeln!(w, "- Python: not measured ({e}): Rust figures only");
            }
        }
        let _ = writeln!(
            w,
            "- Mode: {}; run time {:.0} s (Rust benches {:.0} s, Python {:.0} s)",
            if self.opts.quick { "`--quick` (short, imprecise)" } else { "full" },
            self.secs.2,
            self.secs.0,
            self.secs.1
        );
        if let Some(note) = &self.opts.note {
            let _ = writeln!(w, "- Note: {note}");
        }
        let _ = writeln!(w);
    }

    fn targets(&self, w: &mut String, rows: &[Row], loops: &[LoopRow]) {
        let _ = writeln!(w, "## Targets\n");
        let _ = writeln!(
            w,
            "Read off the figures below (not asserted in tests). A check is one (config, data, size, \
             encode or decode) row. All Rust rows are measured first, then all Python rows, so load on this \
             shared machine can fall on one side: every check below 1× numcodecs is measured again, Rust then \
             Python in each of {RERUN_ROUNDS} rounds, and a ≥ 1× target counts it as met only if the median \
             of those rounds is at or above the target; a loop check above its gap target is measured again \
             in {RERUN_ROUNDS} rounds of its own and counts as met only if the median gap is within it (the \
             tables show the first pass).\n"
        );
        let present = |ids: &[&str]| rows.iter().any(|r| ids.contains(&r.codec.as_str()));
        // (op name, Rust MB/s, Python MB/s, Rust ns, Python ns)
        let checks = |r: &Row| {
            [
                ("encode", r.rust_encode, r.python_encode, r.ns[0], r.ns[2]),
                (
                    if r.rust_decode_borrowed.is_some() { "decode_borrowed" } else { "decode" },
                    r.rust_decode_like_python(),
                    r.python_decode,
                    r.ns[1],
                    r.ns[3],
                ),
            ]
        };
        let memcpy = |size_label: &str| self.memcpy(size_label);
        let mut target = |title: &str, ids: &[&str], min: f64, only_small: bool| {
            let mut total = 0;
            let mut missed = vec![];
            let mut settled = 0;
            for row in rows.iter().filter(|r| ids.contains(&r.codec.as_str())) {
                if only_small && row.size_label != "64KiB" {
                    continue;
                }
                for (op, rust, py, rust_ns, python_ns) in checks(row) {
                    let Some(q) = ratio(rust, py) else { continue };
                    total += 1;
                    if q < min {
                        let rerun = self.reruns.get(&check_key(row, op)).filter(|r| !r.is_empty());
                        if rerun.is_some_and(|r| median(r) >= min) {
                            settled += 1;
                        } else {
                            missed.push(Miss { ratio: q, row, op, rust_ns, python_ns, rerun: rerun.cloned() });
                        }
                    }
                }
            }
            let settled_note = if settled > 0 {
                format!(
                    " ({settled} more checks were below {min}× on the first pass and at or above it in the median \
                     of {RERUN_ROUNDS} alternated reruns)"
                )
            } else {
                String::new()
            };
            if total == 0 {
                let why = if present(ids) {
                    "no Python figures to compare with"
                } else {
                    "no such codec in the workspace yet"
                };
                let _ = writeln!(w, "- **{title}**: not measured ({why}).");
                return;
            }
            if missed.is_empty() {
                let _ = writeln!(w, "- **{title}**: ✅ met ({total} of {total} checks){settled_note}.");
                return;
            }
            missed.sort_by(|a, b| a.ratio.total_cmp(&b.ratio));
            let _ = writeln!(w, "- **{title}**: ❌ missed in {} of {total} checks{settled_note}:", missed.len());
            for m in &missed {
                let r = m.row;
                let note = why(m, min, COMPRESSORS.contains(&r.codec.as_str()), memcpy(&r.size_label));
                let rerun = m.rerun.as_ref().map_or_else(String::new, |q| {
                    let (lo, hi) = spread(q);
                    format!(
                        "; measured again, alternated: {} (rounds {}–{})",
                        x(Some(median(q))),
                        x(Some(lo)),
                        x(Some(hi))
                    )
                });
                let _ = writeln!(
                    w,
                    "  - `{}` {} {} {}: {}{rerun} — {note}",
                    r.label,
                    m.op,
                    r.kind,
                    r.size_label,
                    x(Some(m.ratio))
                );
            }
        };
        let every: Vec<&str> = ALL.iter().flat_map(|group| group.iter().copied()).collect();
        target(
            "Every codec ≥ 1× numcodecs (decodes that numcodecs returns as a view: `decode_borrowed`)",
            &every,
            1.0,
            false,
        );
        target("Compressors ≥ 1× numcodecs (same library and config)", COMPRESSORS, 1.0, false);
        target("Compressors ≥ 1.5× numcodecs at 64 KiB", COMPRESSORS, 1.5, true);
        target("Filters and checksums ≥ 3× numcodecs", FILTERS, 3.0, false);
        target("Variable-length codecs ≥ 3× numcodecs", VLEN, 3.0, false);
        // Memory-bound filters against memcpy.
        let memcpy = self.memcpy("8MiB");
        let mem: Vec<&Row> =
            rows.iter().filter(|r| MEMORY_BOUND.contains(&r.codec.as_str()) && r.size_label == "8MiB").collect();
        if mem.is_empty() || memcpy.is_none() {
            let _ = writeln!(
                w,
                "- **Memory-bound filters (delta, shuffle, astype, packbits) ≥ 50% of memcpy at 8 MiB**: \
                 not measured (no such codec in the workspace yet)."
            );
        } else if let Some(m) = memcpy {
            let low: Vec<String> = mem
                .iter()
                .flat_map(|r| [("encode", r.rust_encode), ("decode", r.rust_decode)].map(|(op, v)| (r, op, v)))
                .filter(|(_, _, v)| v.is_some_and(|v| v < 0.5 * m))
                .map(|(r, op, v)| format!("`{}` {op} {}: {} MB/s", r.label, r.kind, f(v)))
                .collect();
            let _ = if low.is_empty() {
                writeln!(w, "- **Memory-bound filters ≥ 50% of memcpy at 8 MiB**: ✅ met.")
            } else {
                writeln!(
                    w,
                    "- **Memory-bound filters ≥ 50% of memcpy at 8 MiB** ({} MB/s): ❌ missed: {}",
                    f(memcpy),
                    low.join("; ")
                )
            };
        }
        loop_target(w, loops, &self.loop_reruns);
        array::target(w, self.arrays);
        let _ = writeln!(w);
    }

    fn zero_copy(&self, w: &mut String, rows: &[Row]) {
        let _ = writeln!(w, "## Zero-copy paths\n");
        let _ = writeln!(
            w,
            "`decode` allocates (and the kernel faults in) a fresh output per chunk; `decode_into` \
             writes into a buffer allocated once, as a reader that reuses its chunk buffer does. 8 MiB, Rust only.\n"
        );
        let _ = writeln!(w, "| codec | data | decode MB/s | decode_into MB/s | gain |");
        let _ = writeln!(w, "|---|---|--:|--:|--:|");
        for r in rows.iter().filter(|r| r.rust_decode_into.is_some()) {
            let _ = writeln!(
                w,
                "| `{}` | {} | {} | {} | {} |",
                r.label,
                r.kind,
                f(r.rust_decode),
                f(r.rust_decode_into),
                x(ratio(r.rust_decode_into, r.rust_decode))
            );
        }
        let _ = writeln!(w, "\n### Borrowed decodes\n");
        let _ = writeln!(
            w,
            "Codecs whose decoded data is a part of their input (the checksums' payload; bitround's and \
             quantize's whole input): `decode` returns a copy, `decode_borrowed` the data in place (what the \
             per-codec tables show, and what numcodecs' `decode` does), `decode_into` copies into the \
             caller's buffer (8 MiB only).\n"
        );
        let _ = writeln!(
            w,
            "| codec | data | size | decode MB/s | decode_borrowed MB/s | decode_into MB/s | numcodecs decode MB/s |"
        );
        let _ = writeln!(w, "|---|---|---|--:|--:|--:|--:|");
        for r in rows.iter().filter(|r| r.rust_decode_borrowed.is_some()) {
            let _ = writeln!(
                w,
                "| `{}` | {} | {} | {} | {} | {} | {} |",
                r.label,
                r.kind,
                r.size_label,
                f(r.rust_decode),
                f(r.rust_decode_borrowed),
                f(r.rust_decode_into),
                f(r.python_decode)
            );
        }
        let _ = writeln!(w, "\n### Pipelines\n");
        let _ = writeln!(w, "| pipeline | data | size | encode MB/s | decode MB/s | decode_into MB/s |");
        let _ = writeln!(w, "|---|---|---|--:|--:|--:|");
        for p in &self.manifest.pipelines {
            let name = &p.name;
            for s in &self.manifest.sizes {
                let (size, size_label) = (s.size, s.label.as_str());
                for kind in &p.kinds {
                    let get = |op: &str| {
                        let id = BenchId::new(format!("pipeline/{name}"), format!("{op}/{kind}"), size_label);
                        mbps(size, self.rust.get(&id.full()).copied())
                    };
                    if get("decode").is_none() {
                        continue;
                    }
                    let _ = writeln!(
                        w,
                        "| `{name}` | {kind} | {size_label} | {} | {} | {} |",
                        f(get("encode")),
                        f(get("decode")),
                        f(get("decode_into"))
                    );
                }
            }
        }
        let _ = writeln!(w, "\n### Heap allocations per chunk\n");
        let _ = writeln!(
            w,
            "Counted by a global allocator wrapping `System` in the pipeline bench (calls to alloc and \
             realloc, and bytes requested, for one call after a warm-up).\n"
        );
        match self.allocations {
            Ok(a) if !a.entries.is_empty() => {
                let _ = writeln!(w, "| what | allocations (bytes) |");
                let _ = writeln!(w, "|---|---|");
                for e in &a.entries {
                    let _ = writeln!(w, "| `{} {} {}` | {} |", e.what, e.kind, e.size_label, allocation_counts(e));
                }
            }
            Ok(_) => {
                let _ = writeln!(w, "Not measured in this run (the pipeline bench counted nothing).");
            }
            Err(e) => {
                let _ = writeln!(w, "Not measured in this run (no counts from the pipeline bench: {e}).");
            }
        }
    }
}

/// The loop target's line in the Targets section: met, or each row that misses it.
fn loop_target(w: &mut String, loops: &[LoopRow], reruns: &HashMap<String, Vec<f64>>) {
    let title = format!("`decode` within {:.0}% of `decode_into` in an encode/decode loop", LOOP_MAX_GAP * 100.0);
    let checked: Vec<(&LoopRow, f64)> = loops.iter().filter_map(|r| Some((r, r.gap()?))).collect();
    if checked.is_empty() {
        let _ = writeln!(w, "- **{title}**: not measured (no `loop/` results in this run).");
        return;
    }
    let rerun_of = |r: &LoopRow| reruns.get(&loop_key(r)).filter(|g| !g.is_empty());
    // (row, gap) of the checks above target on the first pass, settled by their reruns
    // or not.
    let over = checked.iter().copied().filter(|(_, gap)| *gap > LOOP_MAX_GAP);
    let (settled, mut missed): (Vec<_>, Vec<(&LoopRow, f64)>) =
        over.partition(|(r, _)| rerun_of(r).is_some_and(|g| median(g) <= LOOP_MAX_GAP));
    let total = checked.len();
    let first_pass = format!("above it on the first pass and within it in the median of {RERUN_ROUNDS} reruns");
    if missed.is_empty() {
        let more = if settled.is_empty() { String::new() } else { format!("; {} of them {first_pass}", settled.len()) };
        let _ = writeln!(w, "- **{title}**: ✅ met ({total} of {total} checks{more}).");
        return;
    }
    let more = match settled.len() {
        0 => String::new(),
        1 => format!(" (1 more was {first_pass})"),
        n => format!(" ({n} more were {first_pass})"),
    };
    missed.sort_by(|a, b| b.1.total_cmp(&a.1));
    let _ = writeln!(w, "- **{title}**: ❌ missed in {} of {total} checks{more}:", missed.len());
    let signed = |g: f64| format!("{:+.1}%", g * 100.0);
    for (r, gap) in missed {
        let again = rerun_of(r).map_or_else(
            || "not measured again".to_string(),
            |g| {
                let (lo, hi) = spread(g);
                format!("measured again: {} (rounds {}–{}), so a miss", signed(median(g)), signed(lo), signed(hi))
            },
        );
        let _ = writeln!(
            w,
            "  - `{}` {} {}: decode takes {:.1}% longer than decode_into ({} against {} MB/s) — {again}; not yet \
             profiled (`perf record -e page-faults` and `-e cpu-clock` of `benches/examples/decode_loop.rs` on \
             that codec)",
            r.label,
            r.kind,
            r.size_label,
            gap * 100.0,
            f(r.rust_decode),
            f(r.rust_decode_into)
        );
    }
}

/// The section "Decode in an encode/decode loop".
fn encode_decode_loop(w: &mut String, loops: &[LoopRow]) {
    let _ = writeln!(
        w,
        "## Decode in an encode/decode loop
"
    );
    let _ = writeln!(
        w,
        "Each iteration encodes the next chunk (untimed), then times one decode, chunk after chunk, as an \
         application does (the `codec_loop` bench; criterion's own loop in the tables above decodes the same \
         input again and again, which hides what a fresh output buffer per chunk costs). `decode` returns a \
         new buffer per chunk; `decode_into` writes into one buffer reused. Gap: how much longer `decode` \
         takes than `decode_into` (target ≤ {:.0}%). Python: numcodecs' `decode` in the same loop; × is \
         Rust `decode` over Python `decode`.\n",
        LOOP_MAX_GAP * 100.0
    );
    if loops.is_empty() {
        let _ = writeln!(w, "Not measured in this run.\n");
        return;
    }
    let _ = writeln!(
        w,
        "| codec | data | size | Rust decode MB/s | Rust decode_into MB/s | gap | Python decode MB/s | decode × |"
    );
    let _ = writeln!(w, "|---|---|---|--:|--:|--:|--:|--:|");
    for r in loops {
        let gap = r
            .gap()
            .map_or_else(|| "–".into(), |g| format!("{} {}", percent(g), if g > LOOP_MAX_GAP { "❌" } else { "✅" }));
        let _ = writeln!(
            w,
            "| `{}` | {} | {} | {} | {} | {gap} | {} | {} |",
            r.label,
            r.kind,
            r.size_label,
            f(r.rust_decode),
            f(r.rust_decode_into),
            f(r.python_decode),
            x(ratio(r.rust_decode, r.python_decode))
        );
    }
    let _ = writeln!(w);
}

/// A signed percentage: `+12.3%`, `-4.0%`.
fn percent(v: f64) -> String {
    format!("{:+.1}%", v * 100.0)
}

/// One allocations row's counts: `encode 3 (65840 bytes), decode 4 (65680 bytes), decode_into 2 (136 bytes)`.
fn allocation_counts(e: &manifest::AllocationEntry) -> String {
    let count = |c: &manifest::AllocationCount| format!("{} ({} bytes)", c.calls, c.bytes);
    let mut parts = vec![];
    if let Some(c) = &e.encode {
        parts.push(format!("encode {}", count(c)));
    }
    parts.push(format!("decode {}", count(&e.decode)));
    // Pipelines count no encode; a codec that decodes to objects has no decode_into.
    parts.push(
        e.decode_into
            .as_ref()
            .map_or_else(|| "decode_into - (objects)".into(), |c| format!("decode_into {}", count(c))),
    );
    parts.join(", ")
}

/// Causes of misses found with `perf` (and written up in docs/architecture.md), by
/// codec id or row label, operation and data kinds (none listed: every kind). A miss that
/// is not here is reported as not yet profiled: the report names no cause it has not
/// measured.
const KNOWN_CAUSES: &[(&[&str], &str, &[&str], &str)] = &[
    (
        &["pcodec"],
        "decode",
        &[],
        "cause found with perf: Python's pcodec wheel builds the same pco 0.4.8 with +bmi1,+bmi2,+avx2, which a \
         library built for baseline x86-64 cannot use (pco has no run-time dispatch); docs/architecture.md, pco",
    ),
    (
        &["pcodec"],
        "encode",
        &[],
        "cause found by building with the wheel's flags: pco with +bmi1,+bmi2,+avx2 (as Python's pcodec wheel is \
         built) encodes 8 MiB of sparse f4 in 15.5-16.0 ms against 19.5-20.2 ms for baseline x86-64, which a \
         library must target (pco has no run-time dispatch); docs/architecture.md, pco",
    ),
    (
        &["zlib", "gzip"],
        "encode",
        &["f8_walk", "f4_sparse", "text"],
        "cause found with perf and by building zlib both ways: Python's (Debian's) zlib is \
         compiled with UNALIGNED_OK (its longest_match compares two bytes at a time), which libz-sys has no switch \
         for; zlib 1.3.2 built so encodes 8 MiB of sparse f4 in 12.6-13.1 ms (Debian's 12.6-13.0, ours 13.2-13.6) \
         and, through our codec, 64 KiB of the walk in 1192-1199 µs (numcodecs 1188-1195, ours 1263-1280) and of \
         text in 384-385 µs (numcodecs 390-394, ours 397-403), with the same bytes at every level; an application \
         gets it with CFLAGS=-DUNALIGNED_OK; docs/architecture.md, libz-sys",
    ),
    (
        &["blosc/blocksize=0,clevel=5,cname=\"lz4\",shuffle=1"],
        "encode",
        &["text"],
        "cause found by building the same code both ways: the C compiler's code for lz4 1.9.4's \
         LZ4_compress_fast_extState (99 % of the encode in perf, on both builds), which Blosc calls per block; built \
         without frame pointers, as a user's release build does, it encodes 64 KiB of text in 95-97 µs, with \
         them (the workspace's former debug = 1 profile) in 73-75 µs (numcodecs 80); docs/architecture.md, \
         Build profile",
    ),
    (
        &["blosc/blocksize=0,clevel=5,cname=\"lz4\",shuffle=1"],
        "encode",
        &["i4_ramp", "f4_sparse"],
        "cause found with perf and by building the same code both ways: LZ4 takes the same time on both sides \
         (within 3 %), C-Blosc 1.21.6's shuffle_sse2 24-31 % more here (931 against 713 samples on the ramp, 838 \
         against 674 on sparse f4); gcc 12.2, which builds ours, \
         makes its 4-byte shuffle 25 % slower at -O3 than at -O2 (628-636 against 500-504 µs for 8 MiB), while \
         -O3 is 1.4-2.4x faster for the other shuffles and unshuffles; the wheel is built by gcc 10.2.1; \
         docs/architecture.md, The C compiler's code",
    ),
    (
        &["blosc/blocksize=0,clevel=5,cname=\"zstd\",shuffle=2"],
        "encode",
        &["i4_ramp"],
        "cause found with perf: about 90 % of the difference is in one function of the same zstd 1.5.6 source, \
         ZSTD_RowFindBestMatch (6231 against 6028 samples for 61 encodes of 8 MiB), compiled by gcc 12.2 here and \
         gcc 10.2.1 for the wheel; bit shuffle and the rest take the same time; docs/architecture.md, The C \
         compiler's code",
    ),
    (
        &["lzma"],
        "decode",
        &["f4_sparse"],
        "cause found by timing both liblzma versions in C on the same stream, checks off: our xz 5.8.4 (87 % of \
         the decode is its lzma_decode in perf) takes 36 µs for 64 KiB of sparse f4 where Python's (Debian's) \
         xz 5.4.1 takes 26 µs; neither -O2 nor autotools' defines close it, and 5.8.4 is 1.4x faster than 5.4.1 \
         on 8 MiB of the same data and on text; docs/architecture.md, liblzma-sys",
    ),
    (
        &["bz2"],
        "encode",
        &["i4_ramp", "f4_sparse"],
        "cause found by building with other flags: the same bzip2 1.0.8 C code (mainSort and fallbackSort in \
         perf on both sides), built by cargo at -O3 where Python's (Debian's) is -O2; at -O2 ours encodes 64 KiB \
         of the ramp in 7.9-8.0 ms against 8.8-9.0 ms (numcodecs 8.2 ms), but decodes sparse data 26 % slower; \
         8 MiB of sparse f4 encodes in C in 38.9-39.1 ms at -O3, 38.6-38.8 ms at -O2 and 38.7-38.8 ms with \
         Debian's; docs/architecture.md, Buffers",
    ),
];

/// Measured limits of rows at or above numcodecs but short of a higher target: codec
/// ids (or row labels), the operations (`encode`, `decode`, `decode_borrowed`), and
/// the finding.
const KNOWN_LIMITS: &[(&[&str], &[&str], &str)] = &[(
    &["jenkins_lookup3"],
    &["encode", "decode", "decode_borrowed"],
    "at its limit, found with perf: lookup3 mixes each 12-byte block into the last in one dependency \
     chain of about 12 single-cycle operations, so it cannot run much faster than 1 byte per cycle (we run at \
     3.1-3.4 GB/s at 64 KiB on this 2.6 GHz Xeon; perf annotate spreads the samples evenly over the \
     register-only mix, with no load standing out); 3x numcodecs would need about 3 bytes per cycle",
)];

/// Why a check missed its target, from its figures (per-call times and, for filters,
/// the memcpy bandwidth of the same run) and the causes measured before
/// ([`KNOWN_CAUSES`]). A miss below 1x that the alternated reruns did not settle is
/// not called noise.
fn why(m: &Miss<'_>, min: f64, compressor: bool, memcpy: Option<f64>) -> String {
    let (Some(r), Some(p)) = (m.rust_ns, m.python_ns) else { return "no figures".into() };
    let us = |ns: f64| format!("{:.1} µs", ns / 1e3);
    let py_mbps = m.row.size as f64 / p * 1e3;
    let rust_mbps = m.row.size as f64 / r * 1e3;
    let times = format!("{} (Rust) against {} (numcodecs)", us(r), us(p));
    // The known causes are of rows below numcodecs, not of rows short of a higher target.
    // A cause or limit names the row's codec id or its configuration's label.
    let names_row = |codecs: &[&str]| codecs.contains(&m.row.codec.as_str()) || codecs.contains(&m.row.label.as_str());
    let known = KNOWN_CAUSES.iter().find(|(codecs, op, kinds, _)| {
        m.ratio < 1.0 && names_row(codecs) && *op == m.op && (kinds.is_empty() || kinds.contains(&m.row.kind.as_str()))
    });
    if let Some((.., cause)) = known {
        return format!("{times}: {cause}");
    }
    if !compressor {
        if let Some(mc) = memcpy {
            if py_mbps >= 0.8 * mc {
                return format!(
                    "numcodecs runs at {py_mbps:.0} MB/s, {:.0}% of memcpy ({mc:.0} MB/s): it copies little or nothing \
                     (a checksum is one pass over memory; decode returns a view of its input), so {min}× is beyond the \
                     memory bandwidth; only a decode that borrows instead of copying (cf. `decode_into`) would close it",
                    100.0 * py_mbps / mc
                );
            }
            if rust_mbps >= 0.5 * mc {
                return format!(
                    "Rust runs at {:.0}% of memcpy ({mc:.0} MB/s): memory-bound, and numcodecs' C loop is within {min}× of \
                     that, so the target is beyond the machine's bandwidth",
                    100.0 * rust_mbps / mc
                );
            }
        }
    }
    if m.ratio >= 1.0 {
        match KNOWN_LIMITS.iter().find(|(codecs, ops, _)| names_row(codecs) && ops.contains(&m.op)) {
            Some((.., limit)) => format!("{times}: faster than numcodecs, {limit}"),
            None => format!(
                "{times}: faster than numcodecs, but {min}× needs a faster implementation than ours; not yet profiled"
            ),
        }
    } else if m.rerun.is_some() {
        format!(
            "{times}: the alternated reruns confirm it; not yet profiled (`perf record` both sides on the same bytes)"
        )
    } else {
        format!("{times}: not measured again and not yet profiled")
    }
}

/// A check below its target.
struct Miss<'a> {
    ratio: f64,
    row: &'a Row,
    op: &'static str,
    rust_ns: Option<f64>,
    python_ns: Option<f64>,
    /// Rust over Python in each round of the alternated rerun, if the check had one.
    rerun: Option<Vec<f64>>,
}

/// The median of `v` (not empty).
/// The lowest and highest of the rounds of a rerun.
fn spread(v: &[f64]) -> (f64, f64) {
    v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)))
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn f(v: Option<f64>) -> String {
    match v {
        None => "–".into(),
        Some(v) if v >= 100.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
    }
}

fn x(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{v:.2}×"))
}

/// The rows as the issue's JSON: the codec rows, then the encode/decode loop's rows
/// (`"kind": "loop"`), then the whole-array rows (`"kind": "array"`; codec rows have
/// no `kind`).
fn json_rows(rows: &[Row], loops: &[LoopRow], arrays: &[array::ArrayRow]) -> Value {
    let codecs = rows.iter().map(|r| {
        json!({
            "codec": r.codec, "config": r.config, "data": r.kind, "size": r.size,
            "compression_ratio": r.size as f64 / r.encoded_len.max(1) as f64,
            "rust_encode_mbps": r.rust_encode, "rust_decode_mbps": r.rust_decode,
            "rust_decode_into_mbps": r.rust_decode_into,
            "rust_decode_borrowed_mbps": r.rust_decode_borrowed,
            "python_encode_mbps": r.python_encode, "python_decode_mbps": r.python_decode,
        })
    });
    let loops = loops.iter().map(|r| {
        json!({
            "kind": "loop", "codec": r.codec, "config": r.config, "size": r.size,
            "rust_decode_mbps": r.rust_decode, "rust_decode_into_mbps": r.rust_decode_into,
            "python_decode_mbps": r.python_decode,
        })
    });
    Value::Array(codecs.chain(loops).chain(array::json_rows(arrays)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn row(codec: &str, size: u64, rust: f64, python: f64) -> Row {
        let ns = |mbps: f64| Some(size as f64 / mbps * 1e3);
        Row {
            codec: codec.into(),
            label: format!("{codec}/level=1"),
            config: json!({"id": codec, "level": 1}),
            kind: "f8_walk".into(),
            size,
            size_label: if size == 8 << 20 { "8MiB" } else { "64KiB" }.into(),
            encoded_len: size / 2,
            rust_encode: Some(rust),
            rust_decode: Some(rust),
            rust_decode_into: None,
            rust_decode_borrowed: None,
            python_encode: Some(python),
            python_decode: Some(python),
            ns: [ns(rust), ns(rust), ns(python), ns(python)],
        }
    }

    fn test_options() -> Options {
        use clap::Parser as _;
        let cli = crate::Cli::try_parse_from(["xtask", "bench", "--quick"]).unwrap();
        let crate::Task::Bench(o) = cli.task else { panic!("not bench") };
        o
    }

    #[test]
    fn options() {
        use clap::Parser as _;
        let cli = crate::Cli::try_parse_from([
            "xtask",
            "bench",
            "--quick",
            "--json",
            "out.json",
            "zstd",
            "--",
            "--save-baseline=x",
        ])
        .unwrap();
        let crate::Task::Bench(o) = cli.task else { panic!("not bench") };
        assert!(o.quick && o.python && !o.test);
        assert_eq!(o.json, Some(PathBuf::from("out.json")));
        assert_eq!(o.filters, ["zstd"]);
        assert_eq!(o.criterion, ["--save-baseline=x"]);
        assert!(crate::Cli::try_parse_from(["xtask", "bench", "--json"]).is_err());
        // Unknown flags are refused, not passed on to criterion.
        assert!(crate::Cli::try_parse_from(["xtask", "bench", "--save-baseline=x"]).is_err());
        let cli = crate::Cli::try_parse_from(["xtask", "bench", "--no-python"]).unwrap();
        let crate::Task::Bench(o) = cli.task else { panic!("not bench") };
        assert!(!o.python);
    }

    #[test]
    fn json_has_the_issue_keys() {
        let rows = [row("zstd", 64 << 10, 200.0, 100.0)];
        let v = json_rows(&rows, &[], &[]);
        let r = &v[0];
        for key in [
            "codec",
            "config",
            "size",
            "rust_encode_mbps",
            "rust_decode_mbps",
            "python_encode_mbps",
            "python_decode_mbps",
        ] {
            assert!(r.get(key).is_some(), "{key}");
        }
        assert_eq!(r["codec"], "zstd");
        assert_eq!(r["compression_ratio"], 2.0);
        // The codec rows' keys, unchanged by the loop rows.
        let mut keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "codec",
                "compression_ratio",
                "config",
                "data",
                "python_decode_mbps",
                "python_encode_mbps",
                "rust_decode_borrowed_mbps",
                "rust_decode_into_mbps",
                "rust_decode_mbps",
                "rust_encode_mbps",
                "size"
            ]
        );
        assert!(r["rust_decode_borrowed_mbps"].is_null());
    }

    /// The checks below 1x, their keys and Rust ids, and the regex that selects them.
    #[test]
    fn checks_below_parity_are_rerun_by_exact_id() {
        let mut slow = row("zstd", 64 << 10, 90.0, 100.0);
        slow.rust_encode = Some(120.0);
        let mut borrowed = row("crc32c", 8 << 20, 50.0, 100.0);
        borrowed.rust_decode_borrowed = Some(80.0);
        let fast = row("lz4", 64 << 10, 200.0, 100.0);
        let below = below_parity(&[slow, borrowed, fast]);
        assert_eq!(
            below,
            [
                ("zstd/level=1/decode/f8_walk/64KiB".to_string(), "zstd/level=1/decode/f8_walk/64KiB".to_string()),
                ("crc32c/level=1/encode/f8_walk/8MiB".into(), "crc32c/level=1/encode/f8_walk/8MiB".into()),
                ("crc32c/level=1/decode/f8_walk/8MiB".into(), "crc32c/level=1/decode_borrowed/f8_walk/8MiB".into()),
            ]
        );
        assert_eq!(
            exact_ids_regex([r#"astype/a="<f8"/decode/x/8MiB"#, "b.c/[1]"].into_iter()),
            r#"^(astype/a="<f8"/decode/x/8MiB|b\.c/\[1\])$"#
        );
        assert!((median(&[3.0, 1.0, 2.0]) - 2.0).abs() < 1e-12);
        assert!((median(&[1.0, 2.0]) - 1.5).abs() < 1e-12);
    }

    /// A check below target counts as met when the median of its alternated reruns is
    /// at or above it, and the report says so; otherwise the rerun is shown beside it.
    #[test]
    fn reruns_settle_or_confirm_misses() {
        let rows = [row("zstd", 64 << 10, 90.0, 100.0), row("lz4", 64 << 10, 80.0, 100.0)];
        let manifest = Manifest::default();
        let python = Python::default();
        let opts = test_options();
        let allocations: Result<Allocations> = Err("none".into());
        let arrays_versions: Result<String> = Err("none".into());
        let rust = HashMap::new();
        let mut report = Report {
            opts: &opts,
            manifest: &manifest,
            rust: &rust,
            missing: (0, 0),
            python: &python,
            python_note: None,
            allocations: &allocations,
            load: (String::new(), String::new()),
            secs: (0.0, 0.0, 0.0),
            arrays: &[],
            arrays_versions: &arrays_versions,
            reruns: HashMap::new(),
            loop_reruns: HashMap::new(),
        };
        for r in &rows {
            for op in ["encode", "decode"] {
                let q = if r.codec == "zstd" { vec![1.02, 0.97, 1.05] } else { vec![0.8, 0.82, 0.79] };
                report.reruns.insert(check_key(r, op), q);
            }
        }
        let mut md = String::new();
        report.targets(&mut md, &rows, &[]);
        let line = md.lines().find(|l| l.contains("Every codec")).unwrap();
        assert!(line.contains("missed in 2 of 4 checks (2 more checks were below 1×"), "{line}");
        assert!(md.contains("measured again, alternated: 0.80× (rounds 0.79×–0.82×)"), "{md}");
    }

    /// A checksum's decode is checked (and shown) as `decode_borrowed` where measured,
    /// with `decode`'s copy still in the JSON.
    #[test]
    fn borrowed_decode_is_what_is_compared() {
        let mut r = row("crc32c", 8 << 20, 10_000.0, 20_000.0);
        assert_eq!(r.rust_decode_like_python(), Some(10_000.0));
        r.rust_decode_borrowed = Some(60_000.0);
        assert_eq!(r.rust_decode_like_python(), Some(60_000.0));
        let v = json_rows(std::slice::from_ref(&r), &[], &[]);
        assert_eq!(v[0]["rust_decode_mbps"], 10_000.0);
        assert_eq!(v[0]["rust_decode_borrowed_mbps"], 60_000.0);
    }

    fn loop_row(size: u64, decode: f64, decode_into: f64) -> LoopRow {
        LoopRow {
            codec: "lz4".into(),
            label: "lz4/acceleration=1".into(),
            config: json!({"id": "lz4", "acceleration": 1}),
            kind: "f8_walk".into(),
            size,
            size_label: if size == 8 << 20 { "8MiB" } else { "64KiB" }.into(),
            rust_decode: Some(decode),
            rust_decode_into: Some(decode_into),
            python_decode: Some(500.0),
        }
    }

    #[test]
    fn loop_rows_in_json_and_markdown() {
        let loops = [loop_row(64 << 10, 1000.0, 1050.0), loop_row(8 << 20, 800.0, 1000.0)];
        let v = json_rows(&[row("zstd", 64 << 10, 200.0, 100.0)], &loops, &[]);
        assert_eq!(v.as_array().unwrap().len(), 3);
        assert!(v[0].get("kind").is_none(), "codec rows have no kind");
        let l = &v[1];
        let mut keys: Vec<&str> = l.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["codec", "config", "kind", "python_decode_mbps", "rust_decode_into_mbps", "rust_decode_mbps", "size"]
        );
        assert_eq!(l["kind"], "loop");
        assert_eq!(l["codec"], "lz4");
        assert_eq!(l["config"]["acceleration"], 1);
        assert_eq!(l["size"], 65536);
        assert_eq!(l["rust_decode_mbps"], 1000.0);
        assert_eq!(l["rust_decode_into_mbps"], 1050.0);
        assert_eq!(l["python_decode_mbps"], 500.0);

        // 8 MiB: decode_into 1000 MB/s, decode 800: decode takes 25% longer, a miss.
        let gap = loops[1].gap().unwrap();
        assert!((gap - 0.25).abs() < 1e-9, "{gap}");
        let mut md = String::new();
        encode_decode_loop(&mut md, &loops);
        assert!(md.contains("## Decode in an encode/decode loop"), "{md}");
        assert!(
            md.contains("| `lz4/acceleration=1` | f8_walk | 64KiB | 1000 | 1050 | +5.0% ✅ | 500 | 2.00× |"),
            "{md}"
        );
        assert!(
            md.contains("| `lz4/acceleration=1` | f8_walk | 8MiB | 800 | 1000 | +25.0% ❌ | 500 | 1.60× |"),
            "{md}"
        );
        let none = HashMap::new();
        let mut t = String::new();
        loop_target(&mut t, &loops, &none);
        assert!(t.contains("❌ missed in 1 of 2 checks") && t.contains("`lz4/acceleration=1` f8_walk 8MiB"), "{t}");
        assert!(t.contains("not measured again"), "{t}");
        assert!(!t.contains("64KiB"), "{t}");
        let mut t = String::new();
        loop_target(&mut t, &loops[..1], &none);
        assert!(t.contains("✅ met (1 of 1 checks)."), "{t}");
        let mut t = String::new();
        loop_target(&mut t, &[], &none);
        assert!(t.contains("not measured"), "{t}");
        // Reruns whose median gap is within target settle the miss; others confirm it.
        assert_eq!(loop_key(&loops[1]), "lz4/acceleration=1/f8_walk/8MiB");
        assert_eq!(loops[1].bench_id("decode_into"), "loop/lz4/acceleration=1/decode_into/f8_walk/8MiB");
        let settled = HashMap::from([(loop_key(&loops[1]), vec![0.12, 0.04, 0.08])]);
        let mut t = String::new();
        loop_target(&mut t, &loops, &settled);
        assert!(
            t.contains(
                "✅ met (2 of 2 checks; 1 of them above it on the first pass and within it in the median of 3 reruns)."
            ),
            "{t}"
        );
        let confirmed = HashMap::from([(loop_key(&loops[1]), vec![0.3, 0.2, 0.25])]);
        let mut t = String::new();
        loop_target(&mut t, &loops, &confirmed);
        assert!(t.contains("❌ missed in 1 of 2 checks:"), "{t}");
        assert!(t.contains("measured again: +25.0% (rounds +20.0%–+30.0%), so a miss"), "{t}");
    }

    #[test]
    fn manifest_has_what_bench_py_reads() {
        let manifest = Manifest {
            sizes: vec![manifest::Size { size: 65536, label: "64KiB".into() }],
            cases: vec![manifest::CaseEntry {
                label: "zstd/level=3".into(),
                config: json!({"id": "zstd", "level": 3}),
                exact: true,
                items: vec![manifest::Item {
                    kind: "f8_walk".into(),
                    size: 65536,
                    size_label: "64KiB".into(),
                    encoded_len: 60000,
                    file: "f8_walk_65536.npy".into(),
                }],
            }],
            pipelines: vec![],
            loops: vec![],
            loop_inputs: 4,
            bench_ids: vec![BenchId::new("zstd/level=3", "decode/f8_walk", "64KiB")],
        };
        let v = serde_json::to_value(&manifest).unwrap();
        // xtask/python/bench.py: case["label"], case["config"], case.get("exact"),
        // item["kind"], item["size"], item["size_label"], item["file"].
        let case = &v["cases"][0];
        assert_eq!(case["label"], "zstd/level=3");
        assert_eq!(case["config"]["id"], "zstd");
        assert_eq!(case["exact"], true);
        for key in ["kind", "size", "size_label", "file"] {
            assert!(case["items"][0].get(key).is_some(), "{key}");
        }
        // bench.py: manifest.get("loops"), manifest.get("loop_inputs").
        assert!(v["loops"].is_array());
        assert_eq!(v["loop_inputs"], 4);
        let back: Manifest = serde_json::from_value(v).unwrap();
        assert_eq!(back, manifest);
        assert_eq!(back.bench_ids[0].full(), "zstd/level=3/decode/f8_walk/64KiB");
        assert_eq!(back.cases[0].codec_id(), "zstd");
    }

    #[test]
    fn allocation_rows() {
        let count = |calls, bytes| manifest::AllocationCount { calls, bytes };
        let pipeline = manifest::AllocationEntry {
            what: "pipeline zstd1+zlib1+gzip1".into(),
            kind: "f8_walk".into(),
            size_label: "64KiB".into(),
            encode: None,
            decode: count(12, 370_840),
            decode_into: Some(count(11, 305_304)),
        };
        assert_eq!(allocation_counts(&pipeline), "decode 12 (370840 bytes), decode_into 11 (305304 bytes)");
        let objects = manifest::AllocationEntry {
            what: r#"{"id": "vlen-utf8"}"#.into(),
            kind: "strings".into(),
            size_label: "64KiB".into(),
            encode: Some(count(3, 100)),
            decode: count(2, 50),
            decode_into: None,
        };
        assert_eq!(allocation_counts(&objects), "encode 3 (100 bytes), decode 2 (50 bytes), decode_into - (objects)");
        // A garbled file is an error, not a panic.
        let garbled: std::result::Result<Allocations, _> = serde_json::from_str(r#"{"entries": [{"what": 1}]}"#);
        assert!(garbled.is_err());
    }

    #[test]
    fn misses_say_why() {
        let r = row("crc32", 8 << 20, 20_000.0, 25_000.0);
        let m = Miss { ratio: 0.8, row: &r, op: "decode", rust_ns: r.ns[1], python_ns: r.ns[3], rerun: None };
        assert!(why(&m, 3.0, false, Some(27_000.0)).contains("memcpy"));
        let r = row("zstd", 64 << 10, 120.0, 100.0);
        let m = Miss { ratio: 1.2, row: &r, op: "encode", rust_ns: r.ns[0], python_ns: r.ns[2], rerun: None };
        assert!(why(&m, 1.5, true, None).contains("faster implementation"));
        // Below 1x after the reruns: confirmed, and no cause is named unless measured.
        let m =
            Miss { ratio: 0.9, row: &r, op: "encode", rust_ns: r.ns[0], python_ns: r.ns[2], rerun: Some(vec![0.9]) };
        let note = why(&m, 1.0, true, None);
        assert!(note.contains("confirm") && note.contains("not yet profiled") && !note.contains("noise"), "{note}");
        let r = row("pcodec", 8 << 20, 100.0, 150.0);
        let m =
            Miss { ratio: 0.66, row: &r, op: "decode", rust_ns: r.ns[1], python_ns: r.ns[3], rerun: Some(vec![0.66]) };
        assert!(why(&m, 1.0, false, None).contains("bmi2"));
        let m = Miss { ratio: 1.2, row: &r, op: "decode", rust_ns: r.ns[1], python_ns: r.ns[3], rerun: None };
        assert!(!why(&m, 1.5, false, None).contains("bmi2"), "a cause of a row below 1x is not one of a row at 1.2x");
        let mut r = row("zlib", 8 << 20, 100.0, 110.0);
        r.kind = "f8_walk".into();
        let m =
            Miss { ratio: 0.9, row: &r, op: "encode", rust_ns: r.ns[0], python_ns: r.ns[2], rerun: Some(vec![0.9]) };
        assert!(why(&m, 1.0, true, None).contains("UNALIGNED_OK"));
        r.kind = "i4_ramp".into();
        let m =
            Miss { ratio: 0.9, row: &r, op: "encode", rust_ns: r.ns[0], python_ns: r.ns[2], rerun: Some(vec![0.9]) };
        assert!(!why(&m, 1.0, true, None).contains("UNALIGNED_OK"), "the zlib cause was not measured on ramps");
        // A cause may be of one configuration (by its label) rather than of a codec.
        let mut r = row("blosc", 64 << 10, 100.0, 120.0);
        r.kind = "text".into();
        r.label = r#"blosc/blocksize=0,clevel=5,cname="lz4",shuffle=1"#.into();
        let m =
            Miss { ratio: 0.83, row: &r, op: "encode", rust_ns: r.ns[0], python_ns: r.ns[2], rerun: Some(vec![0.83]) };
        assert!(why(&m, 1.0, true, None).contains("frame pointers"));
        r.label = r#"blosc/blocksize=0,clevel=5,cname="zstd",shuffle=2"#.into();
        let m =
            Miss { ratio: 0.83, row: &r, op: "encode", rust_ns: r.ns[0], python_ns: r.ns[2], rerun: Some(vec![0.83]) };
        assert!(!why(&m, 1.0, true, None).contains("frame pointers"));
        // The same configuration, another data kind: another cause.
        r.label = r#"blosc/blocksize=0,clevel=5,cname="lz4",shuffle=1"#.into();
        r.kind = "i4_ramp".into();
        let m =
            Miss { ratio: 0.9, row: &r, op: "encode", rust_ns: r.ns[0], python_ns: r.ns[2], rerun: Some(vec![0.9]) };
        let note = why(&m, 1.0, true, None);
        assert!(note.contains("shuffle_sse2") && !note.contains("frame pointers"), "{note}");
        // A measured limit names why a row above 1x stays short of a higher target.
        let r = row("jenkins_lookup3", 64 << 10, 20.0, 27.0);
        let m = Miss { ratio: 1.35, row: &r, op: "encode", rust_ns: r.ns[0], python_ns: r.ns[2], rerun: None };
        let note = why(&m, 3.0, false, None);
        assert!(note.contains("dependency") && !note.contains("not yet profiled"), "{note}");
        let r = row("fletcher32", 64 << 10, 20.0, 27.0);
        let m = Miss { ratio: 1.35, row: &r, op: "encode", rust_ns: r.ns[0], python_ns: r.ns[2], rerun: None };
        assert!(why(&m, 3.0, false, None).contains("not yet profiled"));
    }
}
