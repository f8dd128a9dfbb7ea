//! `zarrs-read DIR ROUNDS`: reads the whole zarr array in the directory store `DIR`
//! ROUNDS times with zarrs (`retrieve_array_subset` of the whole array, zarrs' default
//! concurrency), a new array each time, and prints one JSON line:
//! `{"bytes": <decoded bytes>, "seconds": [<each round>]}`, as the `array-read` binary
//! of zarrcodecs-benches does.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use zarrs::array::Array;
use zarrs::filesystem::FilesystemStore;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(Ok(rounds))) = (args.first(), args.get(1).map(|r| r.parse::<usize>())) else {
        eprintln!("usage: zarrs-read DIR ROUNDS");
        return ExitCode::from(2);
    };
    match run(dir, rounds) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zarrs-read: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(dir: &str, rounds: usize) -> Result<(), Box<dyn std::error::Error>> {
    let store = Arc::new(FilesystemStore::new(dir)?);
    let array = Array::open(store, "/")?;
    let subset = array.subset_all();
    let mut seconds = Vec::with_capacity(rounds);
    let mut bytes = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        let data: Vec<f64> = array.retrieve_array_subset(&subset)?;
        seconds.push(t.elapsed().as_secs_f64());
        bytes = data.len() * 8;
        drop(std::hint::black_box(data));
    }
    println!("{}", serde_json::json!({"bytes": bytes, "seconds": seconds}));
    Ok(())
}
