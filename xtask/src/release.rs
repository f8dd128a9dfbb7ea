//! The release checks: what must hold before (and after) a publish.
//!
//! - `names`: every publishable package name is free on the registry, or already holds
//!   our crate (the registry's description is ours). `cargo info` answers "could not
//!   find" for a free name.
//! - `package`: `cargo package` of every publishable package together (they depend on
//!   each other, so cargo resolves them from the packages it just made), each built
//!   from its packaged files alone.
//! - `no_cmake`: no crate of the dependency graph, with every feature, builds with
//!   CMake or bindgen (a fresh machine has neither CMake nor libclang).
//! - `readme`: the Cargo snippets of README.md, with their versions turned into paths
//!   to this workspace, make a scratch project; every Rust example of README.md is one
//!   of its examples, built and run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::{cargo, cargo_in, root, run, target_dir, Result};

/// A package of the workspace, as `cargo metadata` describes it.
#[derive(Debug, Clone)]
struct Package {
    name: String,
    description: String,
    dir: PathBuf,
    publish: bool,
    /// It has a library target (the CLI has only a binary).
    lib: bool,
}

/// The workspace's packages.
fn packages() -> Result<Vec<Package>> {
    let out = cargo()
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let meta: Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let list = meta["packages"].as_array().ok_or("cargo metadata: no packages")?;
    list.iter()
        .map(|p| {
            let manifest = p["manifest_path"].as_str().ok_or("cargo metadata: no manifest_path")?;
            Ok(Package {
                name: p["name"].as_str().ok_or("cargo metadata: no name")?.to_string(),
                description: p["description"].as_str().unwrap_or_default().to_string(),
                dir: Path::new(manifest).parent().map(Path::to_path_buf).unwrap_or_default(),
                // `publish = false` is an empty list of registries; absent is null.
                publish: !p["publish"].as_array().is_some_and(Vec::is_empty),
                lib: p["targets"].as_array().is_some_and(|t| {
                    t.iter().any(|t| t["kind"].as_array().is_some_and(|k| k.iter().any(|k| k == "lib")))
                }),
            })
        })
        .collect()
}

/// What the registry says of a name.
#[derive(Debug, PartialEq, Eq)]
enum Registry {
    /// No crate has this name.
    Free,
    /// A crate has it, with this description.
    Taken(String),
}

/// Reads `cargo info`'s answer: "could not find" is a free name; a package's details
/// start with its name, then its description. Anything else is an error (no network,
/// say), never taken for "free".
fn parse_info(name: &str, success: bool, stdout: &str, stderr: &str) -> Result<Registry> {
    if !success {
        if stderr.contains("could not find") {
            return Ok(Registry::Free);
        }
        return Err(format!("cargo info {name} failed: {}", stderr.trim()));
    }
    let mut lines = stdout.lines().map(str::trim).filter(|l| !l.is_empty());
    match lines.next() {
        Some(first) if first.split_whitespace().next() == Some(name) => {
            Ok(Registry::Taken(lines.next().unwrap_or_default().to_string()))
        }
        _ => Err(format!("cargo info {name}: unexpected answer: {}", stdout.trim())),
    }
}

pub(crate) fn names() -> Result {
    // Outside the workspace, so that `cargo info` asks the registry, not our manifests.
    let scratch = std::env::temp_dir();
    let mut taken = vec![];
    for p in packages()?.into_iter().filter(|p| p.publish) {
        let out = cargo_in(&scratch)
            .args(["info", "--registry", "crates-io", &p.name])
            .output()
            .map_err(|e| format!("cannot run cargo info: {e}"))?;
        let answer = parse_info(
            &p.name,
            out.status.success(),
            &String::from_utf8_lossy(&out.stdout),
            &String::from_utf8_lossy(&out.stderr),
        )?;
        match answer {
            Registry::Free => eprintln!("xtask: {:<32} free", p.name),
            Registry::Taken(d) if d == p.description => eprintln!("xtask: {:<32} ours (published)", p.name),
            Registry::Taken(d) => {
                eprintln!("xtask: {:<32} TAKEN: {d}", p.name);
                taken.push(p.name);
            }
        }
    }
    if taken.is_empty() {
        Ok(())
    } else {
        Err(format!("package names taken on the registry by another crate: {}", taken.join(", ")))
    }
}

pub(crate) fn package() -> Result {
    let all = packages()?;
    let published: Vec<&Package> = all.iter().filter(|p| p.publish).collect();
    let mut cmd = cargo();
    // --allow-dirty: CI's earlier steps rewrite docs/compatibility.md; this checks the
    // packages, it does not publish them. --no-verify: cargo would build each of the
    // packages in a workspace of its own (one full build per crate, half an hour on
    // two cores); the packages are built together below instead.
    cmd.args(["package", "--allow-dirty", "--no-verify"]);
    for p in &published {
        cmd.args(["-p", &p.name]);
    }
    run(cmd)?;
    let version = env!("CARGO_PKG_VERSION");
    let crates_dir = target_dir().join("package");
    let check = target_dir().join("package-check");
    let sources = check.join("packages");
    let _ = std::fs::remove_dir_all(&sources);
    std::fs::create_dir_all(&sources).map_err(|e| format!("{}: {e}", sources.display()))?;
    let mut report = String::new();
    for p in &published {
        let file = crates_dir.join(format!("{}-{version}.crate", p.name));
        let size = std::fs::metadata(&file).map_err(|e| format!("{}: {e}", file.display()))?.len();
        let _ = writeln!(report, "  {:<32} {:>8.1} KiB", p.name, size as f64 / 1024.0);
        // `m`: the files get the time of extraction. cargo writes a fixed, old mtime
        // into every .crate, so with the archive's times a rerun would find the
        // previous run's build newer than the sources and check stale code.
        let mut untar = Command::new("tar");
        untar.arg("xzmf").arg(&file).arg("-C").arg(&sources);
        run(untar)?;
    }
    eprint!("xtask: {} packages:\n{report}", published.len());
    for p in all.iter().filter(|p| !p.publish) {
        eprintln!("xtask: {} is not published (publish = false)", p.name);
    }

    // Build from the packaged files alone: a project that depends on the umbrella crate
    // (default features: every codec) and on one codec crate, with every one of our
    // crates patched to its unpacked package, so nothing comes from the workspace.
    let mut manifest = String::from(
        "[package]\nname = \"package-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n",
    );
    let _ = writeln!(manifest, "zarrcodecs = \"={version}\"\nzarrcodecs-zlib = \"={version}\"\n\n[patch.crates-io]");
    for p in published.iter().filter(|p| p.lib) {
        let dir = sources.join(format!("{}-{version}", p.name));
        let _ = writeln!(manifest, "{} = {{ path = {:?} }}", p.name, dir.display().to_string());
    }
    manifest.push_str("\n[workspace]\n");
    scratch_project(
        &check,
        &manifest,
        "//! Builds the packaged crates.\npub use zarrcodecs::get_codec;\npub use zarrcodecs_zlib::Zlib;\n",
    )?;
    let mut build = cargo_in(&check);
    build.arg("build").env("CARGO_TARGET_DIR", check.join("target"));
    run(build).map_err(|e| format!("the packaged crates do not build on their own: {e}"))?;
    let patched = check.join("Cargo.lock");
    let text = std::fs::read_to_string(&patched).map_err(|e| format!("{}: {e}", patched.display()))?;
    for p in published.iter().filter(|p| p.lib) {
        if !text.contains(&format!("name = \"{}\"", p.name)) {
            return Err(format!("{} was not built by the package check", p.name));
        }
    }
    eprintln!(
        "xtask: every library crate builds from its package alone (the umbrella with every codec, and zarrcodecs-zlib)"
    );
    for p in published.iter().filter(|p| !p.lib) {
        eprintln!("xtask: {} is packaged but not built here (a binary: its dependencies are the crates above)", p.name);
    }
    Ok(())
}

pub(crate) fn no_cmake() -> Result {
    for tool in ["cmake", "bindgen"] {
        let out = cargo()
            .args(["tree", "--workspace", "--all-features", "-e", "normal,build", "-i", tool])
            .output()
            .map_err(|e| format!("cannot run cargo tree: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() && !stdout.trim().is_empty() {
            return Err(format!("{tool} is in the dependency graph:\n{stdout}"));
        }
        if !out.status.success() && !stderr.contains("did not match any packages") {
            return Err(format!("cargo tree -i {tool} failed: {}", stderr.trim()));
        }
        eprintln!("xtask: no crate depends on {tool}");
    }
    Ok(())
}

/// A fenced block of README.md: its language and text.
#[derive(Debug, PartialEq, Eq)]
struct Block {
    lang: String,
    text: String,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = vec![];
    let mut current: Option<Block> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("```") {
            match current.take() {
                Some(b) => out.push(b),
                None => current = Some(Block { lang: rest.trim().to_string(), text: String::new() }),
            }
        } else if let Some(b) = current.as_mut() {
            b.text.push_str(line);
            b.text.push('\n');
        }
    }
    out
}

/// The `[dependencies]` of every Cargo snippet, merged: crate name to its TOML value.
/// A crate named in two snippets gets the union of their features.
fn snippet_dependencies(blocks: &[Block]) -> Result<BTreeMap<String, toml_edit::Item>> {
    let mut deps: BTreeMap<String, toml_edit::Item> = BTreeMap::new();
    for b in blocks.iter().filter(|b| b.lang == "toml") {
        let doc: toml_edit::DocumentMut =
            b.text.parse().map_err(|e| format!("README toml snippet: {e}\n{}", b.text))?;
        let Some(table) = doc.get("dependencies").and_then(toml_edit::Item::as_table_like) else { continue };
        for (name, item) in table.iter() {
            match deps.get_mut(name) {
                None => {
                    deps.insert(name.to_string(), item.clone());
                }
                Some(existing) => {
                    let features = |i: &toml_edit::Item| -> Vec<String> {
                        i.get("features")
                            .and_then(toml_edit::Item::as_array)
                            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                            .unwrap_or_default()
                    };
                    let mut all = features(existing);
                    all.extend(features(item));
                    all.sort();
                    all.dedup();
                    if let Some(t) = existing.as_table_like_mut() {
                        t.insert("features", toml_edit::value(toml_edit::Array::from_iter(all)));
                    }
                }
            }
        }
    }
    Ok(deps)
}

/// A README example as a program: hidden lines (`# `) shown, the body in a function
/// returning the error type of its last line (`Ok::<(), E>(())`), as rustdoc runs it.
fn example_program(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            let t = l.trim_start();
            if t == "#" {
                String::new()
            } else if let Some(rest) = t.strip_prefix("# ") {
                rest.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    let error = lines.iter().rev().find_map(|l| {
        let l = l.trim();
        l.strip_prefix("Ok::<(), ").and_then(|r| r.strip_suffix(">(())")).map(str::to_string)
    });
    let body = lines.join("\n");
    match error {
        Some(e) => format!(
            "fn example() -> Result<(), {e}> {{\n{body}\n}}\n\nfn main() {{\n    if let Err(e) = example() {{\n        \
             eprintln!(\"example failed: {{e}}\");\n        std::process::exit(1);\n    }}\n}}\n"
        ),
        None => format!("fn main() {{\n{body}\n}}\n"),
    }
}

pub(crate) fn readme() -> Result {
    let readme_path = root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).map_err(|e| format!("{}: {e}", readme_path.display()))?;
    let blocks = blocks(&readme);
    let mut deps = snippet_dependencies(&blocks)?;
    if deps.is_empty() {
        return Err("README.md has no Cargo snippet with [dependencies]".into());
    }
    // Our crates by path; everything else from the registry, as a user gets it.
    let ours: BTreeMap<String, PathBuf> = packages()?.into_iter().map(|p| (p.name, p.dir)).collect();
    for (name, item) in &mut deps {
        let Some(dir) = ours.get(name) else { continue };
        let mut table = match item.as_table_like() {
            Some(t) => {
                let mut inline = toml_edit::InlineTable::new();
                for (k, v) in t.iter() {
                    if let Some(v) = v.as_value() {
                        inline.insert(k, v.clone());
                    }
                }
                inline
            }
            None => toml_edit::InlineTable::new(),
        };
        table.insert("path", dir.display().to_string().into());
        *item = toml_edit::value(table);
    }
    let examples: Vec<String> = blocks.iter().filter(|b| b.lang == "rust").map(|b| example_program(&b.text)).collect();
    if examples.is_empty() {
        return Err("README.md has no Rust example".into());
    }

    let dir = target_dir().join("readme-check");
    let _ = std::fs::remove_dir_all(dir.join("examples"));
    std::fs::create_dir_all(dir.join("examples")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut manifest = toml_edit::DocumentMut::new();
    let mut package = toml_edit::Table::new();
    package.insert("name", toml_edit::value("readme-check"));
    package.insert("version", toml_edit::value("0.0.0"));
    package.insert("edition", toml_edit::value("2021"));
    package.insert("publish", toml_edit::value(false));
    manifest.insert("package", toml_edit::Item::Table(package));
    let mut dependencies = toml_edit::Table::new();
    for (name, item) in deps {
        dependencies.insert(&name, item);
    }
    manifest.insert("dependencies", toml_edit::Item::Table(dependencies));
    // Its own workspace, not a member of ours.
    manifest.insert("workspace", toml_edit::Item::Table(toml_edit::Table::new()));
    scratch_project(&dir, &manifest.to_string(), "//! The README's examples are in examples/.\n")?;
    for (i, program) in examples.iter().enumerate() {
        write(&dir.join(format!("examples/readme_{}.rs", i + 1)), program)?;
    }
    eprintln!("xtask: {} README examples in {}", examples.len(), dir.display());
    for i in 1..=examples.len() {
        let mut cmd = cargo_in(&dir);
        cmd.args(["run", "--quiet", "--example", &format!("readme_{i}")]);
        // Share the workspace's build of the dependencies.
        cmd.env("CARGO_TARGET_DIR", target_dir());
        run(cmd).map_err(|e| format!("README example {i} (target/readme-check/examples/readme_{i}.rs): {e}"))?;
    }
    eprintln!("xtask: every README example built and ran against the README's Cargo snippets");
    Ok(())
}

/// Writes a scratch project outside the workspace: its manifest, its `src/lib.rs`,
/// and the workspace's lock file as its starting point, so it builds the versions the
/// workspace pins (lz4 1.9.4, zstd 1.5.6: numcodecs' bytes) with no surprise upgrades;
/// cargo drops what the project does not use.
fn scratch_project(dir: &Path, manifest: &str, lib_rs: &str) -> Result {
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    write(&dir.join("Cargo.toml"), manifest)?;
    write(&dir.join("src/lib.rs"), lib_rs)?;
    let lock = root().join("Cargo.lock");
    std::fs::copy(&lock, dir.join("Cargo.lock")).map_err(|e| format!("{}: {e}", lock.display()))?;
    Ok(())
}

fn write(path: &Path, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn cargo_info_answers() {
        let free = parse_info("x", false, "", "error: could not find `x` in registry `crates-io`");
        assert_eq!(free, Ok(Registry::Free));
        let taken = parse_info("numcodecs", true, "numcodecs\nstaticly typed codecs\nversion: 0.3.2\n", "");
        assert_eq!(taken, Ok(Registry::Taken("staticly typed codecs".into())));
        // A failure that is not "not found" (no network, say) is an error, never "free".
        assert!(parse_info("x", false, "", "error: failed to query the index").is_err());
        assert!(parse_info("x", true, "something else\n", "").is_err());
    }

    #[test]
    fn readme_blocks_and_programs() {
        let md = "text\n```toml\n[dependencies]\na = { version = \"0.1\", features = [\"x\"] }\n```\n\
                  ```rust\nuse a::b;\nlet x = b()?;\n# Ok::<(), a::Error>(())\n```\n\
                  ```toml\n[dependencies]\na = { version = \"0.1\", features = [\"y\"] }\nb = \"1\"\n```\n";
        let blocks = blocks(md);
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[1].lang, "rust");
        let deps = snippet_dependencies(&blocks).unwrap();
        assert_eq!(deps.keys().collect::<Vec<_>>(), ["a", "b"]);
        let features: Vec<&str> =
            deps["a"].get("features").unwrap().as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
        assert_eq!(features, ["x", "y"]);
        let program = example_program(&blocks[1].text);
        assert!(program.starts_with("fn example() -> Result<(), a::Error> {\nuse a::b;"));
        assert!(program.contains("\nOk::<(), a::Error>(())\n}"));
    }
}
