//! `array-read DIR ROUNDS [THREADS]`: reads the whole zarr array in the directory store
//! `DIR` ROUNDS times with `zarrcodecs::read::ArrayReader::read`, a new array each time
//! as zarr-python's `z[...]` (into one reused buffer with `ARRAY_READ_REUSE` set), and
//! prints one JSON line: `{"bytes": <decoded bytes>, "seconds": [<each round>]}`.
//! `cargo xtask bench` runs it against zarr-python's `z[...]` on the same stores.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use zarrcodecs::read::{ArrayReader, DirectoryStore};
use zarrcodecs::ZarrPipeline;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(Ok(rounds))) = (args.first(), args.get(1).map(|r| r.parse::<usize>())) else {
        eprintln!("usage: array-read DIR ROUNDS [THREADS]");
        return ExitCode::from(2);
    };
    let threads = args.get(2).and_then(|t| t.parse::<usize>().ok()).unwrap_or(0);
    match run(&PathBuf::from(dir), rounds, threads) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("array-read: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(dir: &std::path::Path, rounds: usize, threads: usize) -> Result<(), String> {
    let zarray = std::fs::read(dir.join(".zarray")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let zarray = serde_json::from_slice(&zarray).map_err(|e| e.to_string())?;
    let pipeline = ZarrPipeline::from_zarray(&zarray).map_err(|e| e.display_chain())?;
    let meta = pipeline.array();
    let bytes = meta.dtype.nbytes(&meta.shape).ok_or("the array does not fit in memory")?;
    let store = DirectoryStore::new(dir);
    let reader = ArrayReader::new(&pipeline, &store);
    let fresh = std::env::var_os("ARRAY_READ_REUSE").is_none();
    let mut out = if fresh { Vec::new() } else { vec![0u8; bytes] };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| e.to_string())?;
    let start = vec![0; meta.shape.len()];
    let mut seconds = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        if fresh {
            // As zarr-python's z[...]: a new array each time.
            let array = pool.install(|| reader.read()).map_err(|e| e.display_chain())?;
            seconds.push(t.elapsed().as_secs_f64());
            drop(std::hint::black_box(array));
        } else {
            pool.install(|| reader.read_region_into(&start, &meta.shape, &mut out)).map_err(|e| e.display_chain())?;
            seconds.push(t.elapsed().as_secs_f64());
        }
    }
    println!("{}", serde_json::json!({"bytes": bytes, "seconds": seconds}));
    Ok(())
}
