//! `cargo xtask`: the project's automation, a plain binary (one dependency: serde_json, for the bench report).
//!
//! - `cargo xtask test`: creates the Python venv (numcodecs from PyPI), then runs
//!   `cargo test --workspace --all-features` with the interop tests required.
//! - `cargo xtask interop`: the venv, then only the interop tests (numcodecs and the
//!   zarr v2 arrays); writes docs/compatibility.md.
//! - `cargo xtask bench [--quick] [--json PATH] [FILTER]`: the criterion bench suite and
//!   the same cases through Python numcodecs; writes `docs/benchmarks.md` and `.svg`.
//! - `cargo xtask fuzz [--seconds N] [--cmin] [--report PATH] [TARGET...]`: seeds,
//!   builds and runs every cargo-fuzz target for N seconds (see `fuzz.rs`).
//! - `cargo xtask venv`: creates or updates the venv and prints its Python.
//! - `cargo xtask ci`: what CI runs: fmt, clippy, cargo deny (if installed), test.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod fuzz;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  test               venv + cargo test --workspace --all-features (interop required)
  interop            venv + the interop tests against Python numcodecs and zarr only;
                     writes docs/compatibility.md
  bench [--quick] [--json PATH] [--no-python] [--note TEXT] [FILTER...]
                     Rust benches + the same cases in Python numcodecs; writes
                     docs/benchmarks.md and .svg (a filtered run: target/bench/);
                     --test: each bench once, no Python, no report (CI)
  fuzz [--seconds N] [--cmin] [--report PATH] [TARGET...]
                     seed fuzz/corpus, build the cargo-fuzz targets, run each for N s
                     (default 60); fails on any crash (needs cargo-fuzz)
  venv               create/update target/interop-venv and print its python
  ci                 cargo fmt --check, clippy -D warnings, cargo deny (if installed), test";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(&args[1..]),
        Some("interop") => interop(),
        Some("bench") => bench::bench(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("venv") => venv().map(|py| println!("{}", py.display())),
        Some("ci") => ci(),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(root());
    c
}

fn run(mut cmd: Command) -> Result {
    eprintln!("xtask: running {cmd:?}");
    let status = cmd.status().map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed with {status}"))
    }
}

/// Creates `target/interop-venv` with the pinned Python packages (once per change of
/// `xtask/python/requirements.txt`) and returns its Python.
fn venv() -> Result<PathBuf> {
    let dir = target_dir().join("interop-venv");
    let python = dir.join("bin").join("python");
    let requirements = root().join("xtask/python/requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).map_err(|e| format!("{}: {e}", requirements.display()))?;
    let stamp = dir.join("requirements.installed");
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(python);
    }
    let host = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let mut create = Command::new(&host);
    create.args(["-m", "venv"]).arg(&dir);
    run(create).map_err(|e| format!("{e} (is Python 3 with the venv module installed?)"))?;
    let mut pip = Command::new(&python);
    pip.args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"]).arg(&requirements);
    run(pip)?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(python)
}

fn test(extra: &[String]) -> Result {
    let python = venv()?;
    let mut cmd = cargo();
    cmd.args(["test", "--workspace", "--all-features"]).args(extra);
    cmd.env("NUMCODECS_PYTHON", &python).env("NUMCODECS_REQUIRE_PYTHON", "1");
    run(cmd)
}

fn interop() -> Result {
    let python = venv()?;
    let mut cmd = cargo();
    // The codec suite (which writes docs/compatibility.md) and the zarr v2 arrays.
    cmd.args(["test", "-p", "zarrcodecs", "-p", "zarrcodecs-cli", "--all-features"]);
    cmd.args(["--test", "interop", "--test", "zarr", "--", "--nocapture", "--test-threads", "1"]);
    cmd.env("NUMCODECS_PYTHON", &python).env("NUMCODECS_REQUIRE_PYTHON", "1");
    cmd.env("NUMCODECS_COMPAT_OUT", root().join("docs/compatibility.md"));
    run(cmd)
}

fn ci() -> Result {
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    run(fmt)?;
    let mut clippy = cargo();
    clippy.args(["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"]);
    run(clippy)?;
    let deny_installed = cargo().args(["deny", "--version"]).output().is_ok_and(|o| o.status.success());
    if deny_installed {
        let mut deny = cargo();
        deny.args(["deny", "check"]);
        run(deny)?;
    } else {
        eprintln!("xtask: cargo-deny is not installed; skipping `cargo deny check`");
    }
    test(&[])
}
