//! `decode` against `decode_into` in a loop that encodes and decodes chunk after chunk,
//! as an application does (criterion's loop, which decodes the same input again and
//! again with nothing in between, hid the difference): each iteration encodes an
//! 8 MiB (or 64 KiB) f8 random walk, times `decode` (a new buffer per chunk), drops
//! it, and times `decode_into` (one buffer reused). Prints the medians.
//!
//! ```text
//! cargo run --release -p zarrcodecs-benches --example decode_loop            # every case, 8 MiB
//! cargo run --release -p zarrcodecs-benches --example decode_loop -- lz4 64  # one case, 64 KiB
//! ```
//!
//! Run each case in its own process to compare `decode` with `decode_into`: in one
//! process the cases leave each other's buffers in the thread's cache.
//!
//! The cases are `LOOP_CASES`, those of the `codec_loop` bench, which measures the same
//! loop under criterion (and `cargo xtask bench` reports, next to numcodecs).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cast_precision_loss, missing_docs)]

use std::time::Instant;

use zarrcodecs::{CodecExt, DataRef};
use zarrcodecs_benches::{DataKind, LOOP_CASES};

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "all".into());
    let kib: usize = args.next().map_or(8192, |s| s.parse().expect("a size in KiB"));
    let array = DataKind::F8Walk.generate(kib << 10).unwrap();
    let data = array.as_bytes();
    for case in LOOP_CASES {
        let config = case.config_json().unwrap();
        let name = config["id"].as_str().unwrap();
        if which != "all" && which != name {
            continue;
        }
        let codec = case.codec().unwrap();
        let iters = if data.len() > 1 << 20 { 200 } else { 20_000 };
        let mut out = vec![0u8; data.len()];
        let (mut decode, mut decode_into) = (Vec::with_capacity(iters), Vec::with_capacity(iters));
        for _ in 0..iters {
            // The `<f8` array, not its bytes: blosc shuffles by the item size.
            let encoded = codec.encode(DataRef::from(&array)).unwrap();
            let t = Instant::now();
            let decoded = codec.decode(encoded.view()).unwrap();
            decode.push(t.elapsed().as_secs_f64() * 1e6);
            assert_eq!(decoded.as_bytes(), Some(data));
            drop(decoded);
            let t = Instant::now();
            codec.decode_bytes_into(encoded.as_bytes().unwrap(), &mut out).unwrap();
            decode_into.push(t.elapsed().as_secs_f64() * 1e6);
        }
        decode.sort_by(f64::total_cmp);
        decode_into.sort_by(f64::total_cmp);
        let (d, i) = (decode[iters / 2], decode_into[iters / 2]);
        println!(
            "{name:7} {} KiB: decode {d:8.1} us, decode_into {i:8.1} us, decode/decode_into {:.2}",
            data.len() >> 10,
            d / i
        );
    }
}
