//! `cargo xtask`: the project's automation, a plain binary (`cargo xtask --help`).
//!
//! - `test`: creates the two Python venvs (numcodecs from PyPI: the reference anchor
//!   0.15.2 and the newest release), then runs `cargo test --workspace --all-features`
//!   with the interop tests required.
//! - `interop`: the venvs, then only the interop tests (numcodecs and the zarr v2
//!   arrays); writes docs/compatibility.md.
//! - `bench`: the criterion bench suite and the same cases through Python numcodecs;
//!   writes `docs/benchmarks.md` and `.svg` (see `bench.rs`).
//! - `fuzz`: seeds, builds and runs every cargo-fuzz target (see `fuzz.rs`).
//! - `venv`: creates or updates the venvs and prints their Pythons.
//! - `names`, `package`, `no-cmake`, `readme`: the release checks (see `release.rs`).
//! - `ci`: everything CI runs, in CI's order; `.ci/run` installs the tools and calls it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod fuzz;
mod release;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};

type Result<T = ()> = std::result::Result<T, String>;

/// The project's automation: tests against Python numcodecs, benchmarks, fuzzing and
/// the release checks.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// The venv with numcodecs from PyPI, then `cargo test --workspace --all-features`
    /// with the interop tests required (the README's test command).
    Test {
        /// Arguments handed to `cargo test` as they are, after `--`.
        #[arg(last = true, value_name = "CARGO_TEST_ARGS")]
        extra: Vec<String>,
    },
    /// The venv, then only the interop tests against Python numcodecs and zarr;
    /// writes docs/compatibility.md.
    Interop,
    /// The criterion benches and the same cases through Python numcodecs; writes
    /// docs/benchmarks.md and .svg (a filtered run: target/bench/).
    Bench(bench::Options),
    /// Seeds fuzz/corpus, builds the cargo-fuzz targets and runs each for N seconds;
    /// fails on any crash (needs cargo-fuzz).
    Fuzz(fuzz::Options),
    /// Creates or updates target/interop-venv (numcodecs 0.15.2) and
    /// target/interop-venv-newest (the newest numcodecs) and prints their Pythons.
    Venv,
    /// Every publishable package name is free on the registry (or already ours).
    Names,
    /// `cargo package` of every publishable crate, each built from its packaged files.
    Package,
    /// No crate of the dependency graph (all features) builds with CMake or bindgen.
    NoCmake,
    /// The README's Cargo snippets and Rust examples build and run in a scratch project
    /// that depends on the workspace by path.
    Readme,
    /// Everything CI runs, in CI's order (`.ci/run` installs the tools, then runs this).
    Ci,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.task {
        Task::Test { extra } => test(extra),
        Task::Interop => interop(),
        Task::Bench(opts) => bench::bench(opts),
        Task::Fuzz(opts) => fuzz::fuzz(opts),
        Task::Venv => venvs().map(|(reference, newest)| println!("{}\n{}", reference.display(), newest.display())),
        Task::Names => release::names(),
        Task::Package => release::package(),
        Task::NoCmake => release::no_cmake(),
        Task::Readme => release::readme(),
        Task::Ci => ci(),
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
    cargo_in(&root())
}

/// Cargo, run in `dir` (a scratch project outside the workspace, say).
fn cargo_in(dir: &Path) -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(dir);
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

/// The two Python anchors the interop tests run against.
#[derive(Clone, Copy)]
enum Anchor {
    /// numcodecs 0.15.2, the version zarr 2.18 pins: the machine's `python3` (or
    /// `$PYTHON`), `xtask/python/requirements.txt`, `target/interop-venv`.
    Reference,
    /// The newest numcodecs with zarr-python 3: a Python 3.12 or later (`$PYTHON_NEWEST`,
    /// else found on PATH or under pyenv), `xtask/python/requirements-newest.txt`,
    /// `target/interop-venv-newest`.
    Newest,
}

/// Creates the venv of `anchor` with its pinned Python packages (once per change of its
/// requirements file) and returns its Python.
fn venv(anchor: Anchor) -> Result<PathBuf> {
    let (name, requirements) = match anchor {
        Anchor::Reference => ("interop-venv", "requirements.txt"),
        Anchor::Newest => ("interop-venv-newest", "requirements-newest.txt"),
    };
    let dir = target_dir().join(name);
    let python = dir.join("bin").join("python");
    let requirements = root().join("xtask/python").join(requirements);
    let wanted = std::fs::read_to_string(&requirements).map_err(|e| format!("{}: {e}", requirements.display()))?;
    let stamp = dir.join("requirements.installed");
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(python);
    }
    let host = match anchor {
        Anchor::Reference => PathBuf::from(std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into())),
        Anchor::Newest => newest_host_python()?,
    };
    let mut create = Command::new(&host);
    create.args(["-m", "venv", "--clear"]).arg(&dir);
    run(create).map_err(|e| format!("{e} (is Python 3 with the venv module installed?)"))?;
    let mut pip = Command::new(&python);
    pip.args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"]).arg(&requirements);
    run(pip)?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(python)
}

/// Both venvs: (reference, newest).
fn venvs() -> Result<(PathBuf, PathBuf)> {
    Ok((venv(Anchor::Reference)?, venv(Anchor::Newest)?))
}

/// A Python of version 3.12 or later for the newest numcodecs (which needs it):
/// `$PYTHON_NEWEST`, else `python3.13`/`python3.12` on PATH, else the newest 3.12+
/// under `$PYENV_ROOT/versions` (default `~/.pyenv/versions`).
fn newest_host_python() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("PYTHON_NEWEST") {
        return Ok(PathBuf::from(p));
    }
    let is_new_enough = |python: &Path| {
        Command::new(python)
            .args(["-c", "import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    for name in ["python3.14", "python3.13", "python3.12"] {
        if is_new_enough(Path::new(name)) {
            return Ok(PathBuf::from(name));
        }
    }
    let pyenv = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")));
    let mut found: Vec<((u32, u32, u32), PathBuf)> = Vec::new();
    if let Some(versions) = pyenv.map(|p| p.join("versions")) {
        for entry in std::fs::read_dir(&versions).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let parts: Vec<u32> = name.split('.').map_while(|p| p.parse().ok()).collect();
            let python = entry.path().join("bin").join("python3");
            if let [3, minor, patch, ..] = parts[..] {
                if minor >= 12 && is_new_enough(&python) {
                    found.push(((3, minor, patch), python));
                }
            }
        }
    }
    found.sort();
    found.pop().map(|(_, p)| p).ok_or_else(|| {
        "the newest numcodecs needs Python 3.12 or later, and none was found (python3.12/python3.13 on PATH, \
         or under ~/.pyenv/versions): install one, or name it with PYTHON_NEWEST=/path/to/python3.12"
            .to_string()
    })
}

fn test(extra: &[String]) -> Result {
    let (python, newest) = venvs()?;
    let mut cmd = cargo();
    cmd.args(["test", "--workspace", "--all-features"]).args(extra);
    cmd.env("NUMCODECS_PYTHON", &python).env("NUMCODECS_PYTHON_NEWEST", &newest);
    cmd.env("NUMCODECS_REQUIRE_PYTHON", "1");
    run(cmd)
}

fn interop() -> Result {
    let (python, newest) = venvs()?;
    let mut cmd = cargo();
    // The codec suite (which writes docs/compatibility.md), the zarr v2 arrays and the
    // zarr v3 arrays.
    cmd.args(["test", "-p", "zarrcodecs", "-p", "zarrcodecs-cli", "--all-features"]);
    cmd.args(["--test", "interop", "--test", "zarr", "--test", "zarr_v3", "--", "--nocapture", "--test-threads", "1"]);
    cmd.env("NUMCODECS_PYTHON", &python).env("NUMCODECS_PYTHON_NEWEST", &newest);
    cmd.env("NUMCODECS_REQUIRE_PYTHON", "1");
    cmd.env("NUMCODECS_COMPAT_OUT", root().join("docs/compatibility.md"));
    run(cmd)
}

/// One step of `ci`: its name and what it runs.
type Step = (&'static str, fn() -> Result);

/// What CI runs, in order: the cheap checks first, then the builds that share the most.
const CI_STEPS: &[Step] = &[
    ("cargo fmt --check", || {
        let mut c = cargo();
        c.args(["fmt", "--all", "--check"]);
        run(c)
    }),
    ("cargo clippy -D warnings", || {
        let mut c = cargo();
        c.args(["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"]);
        run(c)
    }),
    ("rustdoc -D warnings", || {
        let mut c = cargo();
        c.args(["doc", "--workspace", "--no-deps", "--all-features"]).env("RUSTDOCFLAGS", "-D warnings");
        run(c)
    }),
    ("cargo deny check licenses bans sources", || {
        // The advisories check needs the advisory database from the network, which CI
        // does not have: it is left out here (run `cargo deny check advisories` by hand).
        let installed = cargo().args(["deny", "--version"]).output().is_ok_and(|o| o.status.success());
        if !installed {
            return Err("cargo-deny is not installed: cargo install cargo-deny --locked".into());
        }
        let mut c = cargo();
        c.args(["deny", "check", "licenses", "bans", "sources"]);
        run(c)
    }),
    ("no CMake, no bindgen", release::no_cmake),
    ("package names are free", release::names),
    ("cargo package", release::package),
    ("the bench suite, each benchmark once", || {
        let mut c = cargo();
        c.args(["xtask", "bench", "--test"]);
        run(c)
    }),
    ("the interop suite against numcodecs from PyPI", interop),
    ("fuzz smoke: every target for 10 s", || {
        let mut c = cargo();
        c.args(["xtask", "fuzz", "--seconds", "10"]);
        run(c)
    }),
    ("the README's snippets in a scratch project", release::readme),
    ("the README's test command", || test(&[])),
];

fn ci() -> Result {
    let started = std::time::Instant::now();
    for (i, (name, step)) in CI_STEPS.iter().enumerate() {
        eprintln!("ci: [{}/{}] {name} ({:.0} s so far)", i + 1, CI_STEPS.len(), started.elapsed().as_secs_f64());
        step().map_err(|e| format!("ci step `{name}` failed: {e}"))?;
    }
    eprintln!("ci: all {} steps passed in {:.0} s", CI_STEPS.len(), started.elapsed().as_secs_f64());
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn unknown_flags_are_refused() {
        use clap::Parser as _;
        assert!(super::Cli::try_parse_from(["xtask", "fuzz", "--second", "3"]).is_err());
        assert!(super::Cli::try_parse_from(["xtask", "ci", "--quick"]).is_err());
        assert!(super::Cli::try_parse_from(["xtask", "fuzz", "--seconds", "3", "decode_zlib"]).is_ok());
    }
}
