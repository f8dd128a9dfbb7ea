//! `cargo xtask fuzz [--seconds N] [--cmin] [--report PATH] [TARGET...]`: seeds the
//! corpora (`fuzz/corpus/<target>`, committed) with valid encodings, builds every
//! cargo-fuzz target once and runs each for N seconds (default 60) under libFuzzer with
//! a malloc limit and a per-input timeout, then prints a table of executions, speed,
//! corpus growth and crashes. Any crash fails the command; its input is in
//! `fuzz/artifacts/<target>/`. `--cmin` minimises each corpus afterwards (before a commit).
//!
//! cargo fuzz needs nightly compiler flags: with a nightly toolchain installed it is
//! used, otherwise the stable compiler with `RUSTC_BOOTSTRAP=1`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::{cargo, root, run, Result};

/// libFuzzer options for every run. The fuzz targets give each codec a 64 MiB
/// decoded-size limit; 512 MiB for one allocation is far above what any decoder needs
/// for the inputs of at most `-max_len` bytes, and far below what a lying header claims.
const LIBFUZZER: &[&str] =
    &["-malloc_limit_mb=512", "-rss_limit_mb=2048", "-timeout=10", "-max_len=65536", "-print_final_stats=1"];

/// `cargo xtask fuzz`'s options.
#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// Seconds each target runs.
    #[arg(long, default_value_t = 60, value_name = "N")]
    seconds: u64,
    /// Minimise each corpus afterwards (before a commit).
    #[arg(long)]
    cmin: bool,
    /// Also write the table of results to this path.
    #[arg(long, value_name = "PATH")]
    report: Option<PathBuf>,
    /// The targets to run (default: every target in fuzz/Cargo.toml).
    #[arg(value_name = "TARGET")]
    targets: Vec<String>,
}

/// `cargo fuzz` through nightly if there is one, else stable with RUSTC_BOOTSTRAP.
fn cargo_fuzz() -> Command {
    let nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    let mut c = Command::new("cargo");
    if nightly {
        c.arg("+nightly");
    } else {
        c.env("RUSTC_BOOTSTRAP", "1");
    }
    // cc instruments the C libraries with GCC's AddressSanitizer, linked with rustc's
    // (LLVM) runtime. GCC's use-after-scope checks then report a read of a local
    // array in scope in zstd's optimal parser (zstd_opt.c, level 22; clean under
    // valgrind): a false positive of that pairing. Every other ASan check stays on.
    let mut cflags = std::env::var("CFLAGS").unwrap_or_default();
    cflags.push_str(" -fno-sanitize-address-use-after-scope");
    c.env("CFLAGS", cflags.trim());
    c.arg("fuzz").current_dir(root().join("fuzz"));
    c
}

/// The targets cargo fuzz knows (`cargo fuzz list`).
fn all_targets() -> Result<Vec<String>> {
    let out = cargo_fuzz().arg("list").output().map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`cargo fuzz list` failed (install it with `cargo install cargo-fuzz --locked`): {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}

/// What one run printed: libFuzzer's final stats and whether it crashed.
#[derive(Default)]
struct Outcome {
    execs: u64,
    per_sec: u64,
    new_units: u64,
    peak_rss_mb: u64,
    corpus_before: usize,
    corpus_after: usize,
    crashed: bool,
    secs: f64,
}

fn stat(text: &str, key: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|rest| rest.trim_start_matches(':').trim().parse().ok())
        .unwrap_or(0)
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| d.filter_map(std::result::Result::ok).count())
}

pub(crate) fn fuzz(opts: &Options) -> Result {
    let corpus = root().join("fuzz/corpus");
    eprintln!("xtask: fuzz 1/3: seeding fuzz/corpus with valid encodings");
    let mut seeds = cargo();
    seeds.args(["run", "--quiet", "--release", "-p", "zarrcodecs-benches", "--bin", "fuzz-seeds", "--"]).arg(&corpus);
    run(seeds)?;
    let targets = if opts.targets.is_empty() { all_targets()? } else { opts.targets.clone() };
    eprintln!("xtask: fuzz 2/3: building {} targets", targets.len());
    let mut build = cargo_fuzz();
    build.args(["build", "-O"]);
    run(build)?;
    eprintln!("xtask: fuzz 3/3: {} s per target", opts.seconds);
    let mut rows = vec![];
    for t in &targets {
        let dir = corpus.join(t);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut o = Outcome { corpus_before: count_files(&dir), ..Outcome::default() };
        let mut cmd = cargo_fuzz();
        cmd.args(["run", "-O", t]).arg(&dir).arg("--").args(LIBFUZZER);
        cmd.arg(format!("-max_total_time={}", opts.seconds));
        let started = Instant::now();
        let out = cmd.output().map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
        o.secs = started.elapsed().as_secs_f64();
        let text = String::from_utf8_lossy(&out.stderr);
        o.execs = stat(&text, "stat::number_of_executed_units");
        o.per_sec = stat(&text, "stat::average_exec_per_sec");
        o.new_units = stat(&text, "stat::new_units_added");
        o.peak_rss_mb = stat(&text, "stat::peak_rss_mb");
        o.corpus_after = count_files(&dir);
        o.crashed = !out.status.success();
        if o.crashed {
            let tail: Vec<&str> = text.lines().rev().take(40).collect();
            eprintln!("xtask: {t} FAILED:\n{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
        } else {
            eprintln!("xtask: {t}: {} runs, {}/s, {} new units", o.execs, o.per_sec, o.new_units);
        }
        rows.push((t.clone(), o));
    }
    if opts.cmin {
        for t in &targets {
            let mut cmin = cargo_fuzz();
            cmin.args(["cmin", "-O", t]).arg(corpus.join(t));
            run(cmin)?;
        }
    }
    let table = report(&rows, opts.seconds);
    println!("{table}");
    if let Some(path) = &opts.report {
        std::fs::write(path, &table).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let crashed: Vec<&str> = rows.iter().filter(|(_, o)| o.crashed).map(|(t, _)| t.as_str()).collect();
    if crashed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzz targets crashed: {} (inputs in fuzz/artifacts/)", crashed.join(", ")))
    }
}

fn report(rows: &[(String, Outcome)], seconds: u64) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "| target | seconds | executions | per second | new units | corpus | peak RSS MB | result |");
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---|");
    let mut total = 0;
    for (t, o) in rows {
        total += o.execs;
        let _ = writeln!(
            md,
            "| {t} | {:.0} | {} | {} | {} | {} -> {} | {} | {} |",
            o.secs,
            o.execs,
            o.per_sec,
            o.new_units,
            o.corpus_before,
            o.corpus_after,
            o.peak_rss_mb,
            if o.crashed { "CRASH" } else { "ok" }
        );
    }
    let _ = writeln!(md, "\n{} targets, {seconds} s each, {total} executions in all.", rows.len());
    md
}
