//! `fuzz-seeds DIR`: writes a starting corpus for every fuzz target into
//! `DIR/<target>/` (run by `cargo xtask fuzz`; a codec's target is `decode_<name>`): valid encodings of the bench data
//! kinds with every configuration of `fuzz/targets.json`, each behind the byte that
//! picks its configuration; the configurations themselves for the `config` target;
//! `.npy` files for `npy`; encoded chunks for `pipeline`. Existing files are kept.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;
use zarrcodecs::{get_codec, npy, Data, Object, ObjectArray, ZarrPipeline};
use zarrcodecs_benches::{DataKind, EVERY_KIND};

/// Each seed's data size: small, so that libFuzzer mutates it quickly.
const SIZE: usize = 1500;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: fuzz-seeds DIR");
        return ExitCode::from(2);
    };
    match seed(Path::new(&dir)) {
        Ok(n) => {
            println!("fuzz-seeds: {n} seeds in {}", Path::new(&dir).display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fuzz-seeds: {e}");
            ExitCode::FAILURE
        }
    }
}

fn seed(dir: &Path) -> Result<usize, String> {
    let table: serde_json::Map<String, Value> =
        serde_json::from_str(include_str!("../../../fuzz/targets.json")).map_err(|e| e.to_string())?;
    let inputs: Vec<(DataKind, Data)> =
        EVERY_KIND.iter().map(|&k| k.generate_data(SIZE).map(|d| (k, d))).collect::<Result<_, _>>().map_err(err)?;
    let mut n = 0;
    for (target, entries) in table.iter().filter(|(name, _)| !name.starts_with('_')) {
        let entries = entries.as_array().ok_or_else(|| format!("{target}: not a list"))?;
        for (i, entry) in entries.iter().enumerate() {
            let pick = u8::try_from(i).map_err(|_| format!("{target}: more than 256 entries"))?;
            n += write(dir, "config", &format!("{target}-{i}"), entry.to_string().as_bytes())?;
            if target == "pipeline" {
                let pipeline = if entry["zarr_format"] == 3 {
                    ZarrPipeline::from_zarr_json(entry)
                } else {
                    ZarrPipeline::from_zarray(entry)
                }
                .map_err(err)?;
                if pipeline.array().is_object() {
                    // A chunk of strings (or the fill value's items, for codecs of any item).
                    let fill = pipeline.decode_object_chunk(None).map_err(err)?;
                    let items = (0..fill.items().len()).map(|j| Object::from(format!("item {j}"))).collect();
                    let chunk = ObjectArray::new(items, fill.shape().to_vec()).map_err(err)?;
                    let chunk = pipeline.encode_object_chunk(&chunk).map_err(err)?;
                    n += write(dir, target, &format!("seed-{i}"), &[&[pick][..], chunk.as_bytes()].concat())?;
                    continue;
                }
                let fill = pipeline.decode_chunk(None).map_err(err)?;
                let bytes: Vec<u8> =
                    (0..fill.as_bytes().len()).map(|j| u8::try_from(j * 7 % 251).unwrap_or(0)).collect();
                let chunk = pipeline.encode_chunk(&bytes).map_err(err)?;
                n += write(dir, target, &format!("seed-{i}"), &[&[pick][..], chunk.as_bytes()].concat())?;
                n += write(dir, "npy", &format!("{target}-{i}"), &npy::write(&fill, false))?;
                continue;
            }
            let codec = get_codec(entry).map_err(err)?;
            let target = format!("decode_{target}");
            for (kind, input) in &inputs {
                // A codec takes only some kinds (a filter its dtype, vlen-utf8 strings).
                if let Ok(encoded) = codec.encode(input.view()) {
                    if let Some(bytes) = encoded.as_bytes() {
                        n += write(dir, &target, &format!("seed-{i}-{kind}"), &[&[pick][..], bytes].concat())?;
                    }
                }
            }
        }
    }
    for (kind, input) in &inputs {
        if let Data::Array(a) = input {
            n += write(dir, "npy", &format!("seed-{kind}"), &npy::write(a, false))?;
        }
    }
    Ok(n)
}

/// Writes `DIR/<target>/<name>` unless it exists; returns 1 if written.
fn write(dir: &Path, target: &str, name: &str, bytes: &[u8]) -> Result<usize, String> {
    let path = dir.join(target).join(name);
    if path.exists() {
        return Ok(0);
    }
    std::fs::create_dir_all(dir.join(target)).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(1)
}

fn err(e: zarrcodecs::Error) -> String {
    e.to_string()
}
