//! The whole-array rows of `cargo xtask bench`: zarr v2 directory stores written by
//! zarr-python 2.18 (`xtask/python/array_bench.py write`), each read whole by the
//! `array-read` binary of zarrcodecs-benches (`zarrcodecs::read::ArrayReader`, a new
//! array per read) and by zarr-python's `z[...]`, the two alternating round after
//! round. A store whose median falls below the target is measured again in the same
//! run, and both measurements are reported. zarrs reads the same stores too, through
//! `benches/zarrs-read` (built here on first use; skipped, with the reason, if it cannot
//! be built).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde::Deserialize;
use serde_json::{json, Value};

use super::{f, read_json, x, Options};
use crate::{cargo, root, run, Result};

/// The target: Rust at least this many times zarr-python's MB/s.
pub(super) const TARGET: f64 = 1.8;

/// One store, measured.
pub(super) struct ArrayRow {
    name: String,
    compressor: Value,
    filters: Vec<Value>,
    bytes: u64,
    chunks: Vec<u64>,
    /// MB/s per round (each the median of one process's reads), first measurement.
    rust: Vec<f64>,
    python: Vec<f64>,
    /// The second measurement, for a store below target in the first.
    rerun: Option<(Vec<f64>, Vec<f64>)>,
    /// zarrs' MB/s per round, if it was measured.
    zarrs: Vec<f64>,
}

fn median(v: &[f64]) -> Option<f64> {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

fn spread(v: &[f64]) -> String {
    let (lo, hi) = v.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &m| (lo.min(m), hi.max(m)));
    if v.is_empty() {
        "–".into()
    } else {
        format!("{lo:.0}–{hi:.0}")
    }
}

impl ArrayRow {
    fn ratio(rust: &[f64], python: &[f64]) -> Option<f64> {
        Some(median(rust)? / median(python)?).filter(|r| r.is_finite())
    }

    /// The measurement that counts: the rerun if there is one.
    fn last(&self) -> (&[f64], &[f64]) {
        self.rerun.as_ref().map_or((&self.rust, &self.python), |(r, p)| (r, p))
    }

    fn met(&self) -> Option<bool> {
        let (r, p) = self.last();
        Self::ratio(r, p).map(|ratio| ratio >= TARGET)
    }
}

#[derive(Deserialize)]
struct StoreIndex {
    zarr: String,
    numcodecs: String,
    stores: Vec<Store>,
}

#[derive(Deserialize)]
struct Store {
    name: String,
    path: String,
    compressor: Value,
    filters: Vec<Value>,
    bytes: u64,
    chunks: Vec<u64>,
}

#[derive(Deserialize)]
struct Reads {
    bytes: u64,
    seconds: Vec<f64>,
}

/// MB/s of one process's reads: the median of its rounds.
fn reads_mbps(mut cmd: Command) -> Result<f64> {
    let out = cmd.output().map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    let reads: Reads = serde_json::from_slice(&out.stdout).map_err(|e| format!("{cmd:?}: {e}"))?;
    let seconds = median(&reads.seconds).ok_or("no reads")?;
    #[allow(clippy::cast_precision_loss)]
    Ok(reads.bytes as f64 / seconds / 1e6)
}

/// Builds `benches/zarrs-read` (its own Cargo.lock; needs the crates.io registry the
/// first time), or says why not.
fn zarrs_reader() -> Result<std::path::PathBuf> {
    let target = crate::target_dir().join("zarrs-read");
    let mut build = cargo();
    build
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(root().join("benches/zarrs-read/Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target);
    run(build)?;
    Ok(target.join("release").join(format!("zarrs-read{}", std::env::consts::EXE_SUFFIX)))
}

/// The stores' versions (for the report), and the measured rows.
pub(super) fn measure(opts: &Options, python: &Path, dir: &Path) -> Result<(String, Vec<ArrayRow>)> {
    let mib = opts.array_mib.unwrap_or(if opts.quick { 256 } else { 1024 });
    let stores_dir = dir.join("arrays");
    let mut write = Command::new(python);
    write.arg(root().join("xtask/python/array_bench.py")).arg("write").arg(&stores_dir).arg(mib.to_string());
    run(write)?;
    let mut build = cargo();
    build.args(["build", "--release", "--quiet", "-p", "zarrcodecs-benches", "--bin", "array-read"]);
    run(build)?;
    let reader = crate::target_dir().join("release").join(format!("array-read{}", std::env::consts::EXE_SUFFIX));
    let zarrs =
        if opts.zarrs { zarrs_reader().map_err(|e| eprintln!("xtask: zarrs is not measured: {e}")).ok() } else { None };
    let index: StoreIndex = read_json(&stores_dir.join("stores.json"))?;
    let rounds = if opts.quick { 3 } else { 5 };
    let reads = "3";
    let measure_store = |path: &Path, name: &str| -> Result<(Vec<f64>, Vec<f64>)> {
        let (mut rust, mut py) = (vec![], vec![]);
        for round in 0..rounds {
            let mut r = Command::new(&reader);
            r.arg(path).arg(reads);
            let mut p = Command::new(python);
            p.arg(root().join("xtask/python/array_bench.py")).arg("read").arg(path).arg(reads);
            // Alternate which side goes first.
            if round % 2 == 0 {
                rust.push(reads_mbps(r)?);
                py.push(reads_mbps(p)?);
            } else {
                py.push(reads_mbps(p)?);
                rust.push(reads_mbps(r)?);
            }
            eprintln!(
                "xtask: array {name} round {}/{rounds}: Rust {:.0} MB/s, zarr-python {:.0} MB/s",
                round + 1,
                rust[round],
                py[round]
            );
        }
        Ok((rust, py))
    };
    let mut rows = vec![];
    for store in index.stores {
        let path = stores_dir.join(&store.path);
        let (rust, python) = measure_store(&path, &store.name)?;
        let mut zarrs_mbps = vec![];
        if let Some(zarrs) = &zarrs {
            for round in 0..rounds {
                let mut z = Command::new(zarrs);
                z.arg(&path).arg(reads);
                match reads_mbps(z) {
                    Ok(v) => zarrs_mbps.push(v),
                    Err(e) => {
                        eprintln!("xtask: zarrs cannot read {}: {e}", store.name);
                        zarrs_mbps.clear();
                        break;
                    }
                }
                eprintln!(
                    "xtask: array {} round {}/{rounds}: zarrs {:.0} MB/s",
                    store.name,
                    round + 1,
                    zarrs_mbps[round]
                );
            }
        }
        let mut row = ArrayRow {
            name: store.name,
            compressor: store.compressor,
            filters: store.filters,
            bytes: store.bytes,
            chunks: store.chunks,
            rust,
            python,
            rerun: None,
            zarrs: zarrs_mbps,
        };
        if row.met() == Some(false) {
            eprintln!("xtask: array {} below {TARGET}× zarr-python: measuring it again", row.name);
            row.rerun = Some(measure_store(&path, &row.name)?);
        }
        rows.push(row);
    }
    let versions = format!("zarr {}, numcodecs {}", index.zarr, index.numcodecs);
    Ok((versions, rows))
}

/// The target's line in the Targets section.
pub(super) fn target(w: &mut String, rows: &[ArrayRow]) {
    let title = format!("Whole-array reads at least {TARGET}× zarr-python");
    if rows.is_empty() {
        let _ = writeln!(w, "- **{title}**: not measured in this run.");
        return;
    }
    let missed: Vec<&ArrayRow> = rows.iter().filter(|r| r.met() != Some(true)).collect();
    if missed.is_empty() {
        let noise = rows.iter().filter(|r| r.rerun.is_some()).count();
        let reruns = if noise == 0 { String::new() } else { format!("; {noise} after a rerun in this run") };
        let _ = writeln!(w, "- **{title}**: ✅ met ({} of {} stores{reruns}).", rows.len(), rows.len());
        return;
    }
    let _ = writeln!(w, "- **{title}**: ❌ missed for {} of {} stores:", missed.len(), rows.len());
    for r in missed {
        let (rust, python) = r.last();
        let _ = writeln!(
            w,
            "  - `{}`: {} against {} MB/s ({}), also after a rerun in this run",
            r.name,
            f(median(rust)),
            f(median(python)),
            x(ArrayRow::ratio(rust, python))
        );
    }
}

/// The section "Whole-array reads".
pub(super) fn section(w: &mut String, rows: &[ArrayRow], note: Option<&str>) {
    let _ = writeln!(w, "## Whole-array reads\n");
    let _ = writeln!(
        w,
        "Zarr v2 directory stores of `<f8` random walks written by zarr-python 2.18 \
         ([`xtask/python/array_bench.py`](../xtask/python/array_bench.py)), read whole from the page cache, \
         a new array per read: Rust with `zarrcodecs::read::ArrayReader` on all cores (the `array-read` \
         binary of [`benches/`](../benches)), zarr-python with `z[...]` and numcodecs' Blosc threads off \
         (zarr-python at its fastest on few cores). Each round runs each side once (3 reads, median), the \
         sides alternating; the figure is the median over rounds, the spread the lowest and highest round. \
         MB/s of decoded bytes. A store below {TARGET}× is measured again in the same run; both measurements \
         are shown. zarrs: [`benches/zarrs-read`](../benches/zarrs-read) (not a workspace member; its \
         Cargo.lock pins the zarrs measured), `retrieve_array_subset` of the whole array with zarrs' default \
         concurrency, a new array per read, measured after the other two (3 reads per round, median over \
         rounds); × zarrs is Rust over zarrs.\n"
    );
    if let Some(note) = note {
        let _ = writeln!(w, "Not measured in this run: {note}.\n");
        return;
    }
    let _ = writeln!(
        w,
        "| store | compressor | chunks | MiB | Rust MB/s (spread) | zarr-python MB/s (spread) | × | zarrs MB/s (spread) | × zarrs |"
    );
    let _ = writeln!(w, "|---|---|---|--:|--:|--:|--:|--:|--:|");
    for r in rows {
        let runs = std::iter::once((&r.rust, &r.python, "")).chain(r.rerun.iter().map(|(a, b)| (a, b, " (rerun)")));
        for (rust, python, which) in runs {
            let ratio = ArrayRow::ratio(rust, python);
            let mark = match ratio {
                Some(v) if v >= TARGET => " ✅",
                Some(_) => " ❌",
                None => "",
            };
            let zarrs = if which.is_empty() && !r.zarrs.is_empty() {
                format!("{} ({}) | {}", f(median(&r.zarrs)), spread(&r.zarrs), x(ArrayRow::ratio(rust, &r.zarrs)))
            } else {
                "– | –".to_string()
            };
            let _ = writeln!(
                w,
                "| `{}`{which} | `{}` | {:?} | {} | {} ({}) | {} ({}) | {}{mark} | {zarrs} |",
                r.name,
                r.compressor,
                r.chunks,
                r.bytes >> 20,
                f(median(rust)),
                spread(rust),
                f(median(python)),
                spread(python),
                x(ratio)
            );
        }
    }
    let _ = writeln!(w);
}

/// The rows as the JSON (`"kind": "array"`), the measurement that counts.
pub(super) fn json_rows(rows: &[ArrayRow]) -> impl Iterator<Item = Value> + '_ {
    rows.iter().map(|r| {
        let (rust, python) = r.last();
        json!({
            "kind": "array", "name": r.name, "compressor": r.compressor, "filters": r.filters,
            "bytes": r.bytes, "chunks": r.chunks, "rust_mbps": median(rust), "zarr_python_mbps": median(python),
            "zarrs_mbps": median(&r.zarrs),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(rust: &[f64], python: &[f64], rerun: Option<(&[f64], &[f64])>) -> ArrayRow {
        ArrayRow {
            name: "blosc-lz4".into(),
            compressor: json!({"id": "blosc"}),
            filters: vec![],
            bytes: 1 << 30,
            chunks: vec![1024, 1024],
            rust: rust.to_vec(),
            python: python.to_vec(),
            rerun: rerun.map(|(a, b)| (a.to_vec(), b.to_vec())),
            zarrs: vec![],
        }
    }

    #[test]
    fn medians_targets_and_reruns() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        let met = row(&[2000.0, 1900.0, 2100.0], &[1000.0, 1100.0, 900.0], None);
        assert_eq!(met.met(), Some(true));
        let noise = row(&[1000.0; 3], &[1000.0; 3], Some((&[2000.0; 3], &[1000.0; 3])));
        assert_eq!(noise.met(), Some(true));
        let missed = row(&[1000.0; 3], &[1000.0; 3], Some((&[1500.0; 3], &[1000.0; 3])));
        assert_eq!(missed.met(), Some(false));
        let mut t = String::new();
        target(&mut t, &[met, noise]);
        assert!(t.contains("✅ met (2 of 2 stores; 1 after a rerun"), "{t}");
        let mut t = String::new();
        target(&mut t, &[missed]);
        assert!(t.contains("❌ missed for 1 of 1") && t.contains("1.50×"), "{t}");
        let mut md = String::new();
        section(&mut md, &[row(&[2000.0; 3], &[1000.0; 3], Some((&[2000.0; 3], &[900.0; 3])))], None);
        assert!(md.contains("(rerun)") && md.contains("2.00× ✅") && md.contains("2.22× ✅"), "{md}");
        let v: Vec<Value> = json_rows(&[row(&[2000.0; 3], &[1000.0; 3], None)]).collect();
        assert_eq!(v[0]["kind"], "array");
        assert_eq!(v[0]["rust_mbps"], 2000.0);
        assert!(v[0]["zarrs_mbps"].is_null());
    }
}
