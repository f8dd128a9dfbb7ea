//! `numcodecs read`: a whole zarr array, or a region of it, from a directory store
//! into a `.npy` file, its chunks decoded in parallel.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use zarrcodecs::read::{ArrayReader, DirectoryStore};
use zarrcodecs::zarr3::ZarrV3Array;
use zarrcodecs::{npy, AlignedBuf, Order as ZarrOrder};

use crate::{decode_options, is_v3, read_array_doc, write_parts, zarr_pipeline, CliResult, Failure, Order};

#[derive(Debug, Args)]
pub(crate) struct ReadArgs {
    /// The array's directory in a directory store (holding its .zarray, or zarr.json for zarr v3).
    #[arg(value_name = "ARRAY")]
    array: PathBuf,
    /// Output .npy file [default: stdout].
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// The region to read, START:STOP per axis, comma-separated; either end may be left
    /// out and a bare N is N:N+1 (e.g. '0:100,:,5') [default: the whole array].
    #[arg(long, value_name = "REGION", allow_hyphen_values = true)]
    region: Option<String>,
    /// Memory order of the .npy file: C (row-major) or F (Fortran, column-major).
    #[arg(long, value_enum, default_value = "C")]
    order: Order,
    /// Threads that decode chunks [default: one per core].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Progress on stderr: auto (when stderr is a terminal), always or never.
    #[arg(long, value_enum, default_value = "auto")]
    progress: When,
    /// Refuse chunks whose header claims more than this many bytes [default: 2 GiB].
    #[arg(long, value_name = "BYTES")]
    max_decoded_size: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum When {
    Auto,
    Always,
    Never,
}

/// Parses `--region` for an array of `shape`: (start, shape) of the box.
fn parse_region(text: &str, shape: &[usize]) -> CliResult<(Vec<usize>, Vec<usize>)> {
    let parts: Vec<&str> = if text.trim().is_empty() { Vec::new() } else { text.split(',').collect() };
    if parts.len() != shape.len() {
        return Err(Failure(format!(
            "--region {text:?} has {} axes, the array {} (shape {shape:?})",
            parts.len(),
            shape.len()
        )));
    }
    let number = |s: &str, default: usize| -> CliResult<usize> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(default);
        }
        s.parse().map_err(|_| Failure(format!("--region {text:?}: {s:?} is not an index")))
    };
    let mut start = Vec::new();
    let mut extent = Vec::new();
    for (part, &n) in parts.iter().zip(shape) {
        let (a, b) = match part.split_once(':') {
            Some((a, b)) => (number(a, 0)?, number(b, n)?),
            None => {
                let a = number(part, 0)?;
                (a, a.saturating_add(1))
            }
        };
        if a > b || b > n {
            return Err(Failure(format!("--region {text:?}: {part:?} is not within 0..{n}")));
        }
        start.push(a);
        extent.push(b - a);
    }
    Ok((start, extent))
}

/// A progress line on stderr, at most ten times a second.
struct Progress {
    began: Instant,
    last: Mutex<Option<Instant>>,
    bytes_per_chunk: f64,
}

impl Progress {
    fn show(&self, done: usize, total: usize) {
        let Ok(mut last) = self.last.lock() else { return };
        let now = Instant::now();
        if done < total && last.is_some_and(|t| now.duration_since(t) < Duration::from_millis(100)) {
            return;
        }
        *last = Some(now);
        let seconds = now.duration_since(self.began).as_secs_f64().max(1e-9);
        #[allow(clippy::cast_precision_loss)]
        let (percent, mbps) =
            (100.0 * done as f64 / total.max(1) as f64, done as f64 * self.bytes_per_chunk / seconds / 1e6);
        let end = if done == total { "\n" } else { "" };
        let _ = write!(io::stderr().lock(), "\rread {done}/{total} chunks ({percent:.0}%), {mbps:.0} MB/s{end}");
    }
}

pub(crate) fn read(args: &ReadArgs) -> CliResult<()> {
    let doc = read_array_doc(&args.array)?;
    let v3 = if is_v3(&doc) { Some(ZarrV3Array::from_json(&doc)?) } else { None };
    let pipeline = zarr_pipeline(&doc)?.with_decode_options(decode_options(args.max_decoded_size));
    let meta = pipeline.array();
    let (start, shape) = match &args.region {
        Some(text) => parse_region(text, &meta.shape)?,
        None => (vec![0; meta.shape.len()], meta.shape.clone()),
    };
    let nbytes = meta
        .dtype
        .nbytes(&shape)
        .ok_or_else(|| Failure(format!("a region of shape {shape:?} of {} does not fit in memory", meta.dtype)))?;
    // AlignedBuf: fresh zeroed pages (no fill pass), with huge pages asked for.
    let mut out =
        AlignedBuf::zeroed(nbytes).map_err(|_| Failure(format!("cannot allocate the {nbytes} bytes of the output")))?;

    #[allow(clippy::cast_precision_loss)]
    let progress =
        Progress { began: Instant::now(), last: Mutex::new(None), bytes_per_chunk: meta.chunk_nbytes() as f64 };
    let store = DirectoryStore::new(&args.array);
    let order = if args.order == Order::F { ZarrOrder::F } else { ZarrOrder::C };
    let mut reader = ArrayReader::new(&pipeline, &store).with_order(order);
    if let Some(v3) = &v3 {
        reader = reader.with_chunk_keys(|index| v3.chunk_key(index));
    }
    let show = match args.progress {
        When::Always => true,
        When::Never => false,
        When::Auto => io::stderr().is_terminal(),
    };
    if show {
        reader = reader.with_progress(|done, total| progress.show(done, total));
    }
    let result = match args.threads {
        None => reader.read_region_into(&start, &shape, out.as_mut_slice()),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Failure(format!("cannot start {n} threads: {e}")))?
            .install(|| reader.read_region_into(&start, &shape, out.as_mut_slice())),
    };
    result?;
    let header = npy::header(meta.dtype, &shape, order == ZarrOrder::F);
    write_parts(args.output.as_deref(), &[&header, out.as_slice()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert_eq!(parse_region("0:10,:,5", &[20, 7, 9]).ok(), Some((vec![0, 0, 5], vec![10, 7, 1])));
        assert_eq!(parse_region(" 3: , :2", &[5, 4]).ok(), Some((vec![3, 0], vec![2, 2])));
        assert_eq!(parse_region("", &[]).ok(), Some((vec![], vec![])));
        assert_eq!(parse_region("4:4", &[5]).ok(), Some((vec![4], vec![0])));
        for bad in ["0:10", "0:10,1,2", "5:3,:", "0:21,:", "x,:", "-1:2,:", "20,:"] {
            assert!(parse_region(bad, &[20, 7]).is_err(), "{bad}");
        }
    }
}
