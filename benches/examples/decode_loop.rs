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

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cast_precision_loss, missing_docs)]

use std::time::Instant;

use zarrcodecs::serde_json::json;
use zarrcodecs::{get_codec, CodecExt, DataRef};
use zarrcodecs_benches::DataKind;

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "all".into());
    let kib: usize = args.next().map_or(8192, |s| s.parse().expect("a size in KiB"));
    let data = DataKind::F8Walk.generate(kib << 10).unwrap();
    let data = data.as_bytes();
    let cases = [
        ("lz4", json!({"id": "lz4", "acceleration": 1})),
        ("zstd", json!({"id": "zstd", "level": 3})),
        ("blosc", json!({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1})),
        ("crc32c", json!({"id": "crc32c"})),
    ];
    for (name, config) in cases {
        if which != "all" && which != name {
            continue;
        }
        let codec = get_codec(&config).unwrap();
        let iters = if data.len() > 1 << 20 { 200 } else { 20_000 };
        let mut out = vec![0u8; data.len()];
        let (mut decode, mut decode_into) = (Vec::with_capacity(iters), Vec::with_capacity(iters));
        for _ in 0..iters {
            let encoded = codec.encode_bytes(data).unwrap();
            let t = Instant::now();
            let decoded = codec.decode(DataRef::from(&encoded)).unwrap();
            decode.push(t.elapsed().as_secs_f64() * 1e6);
            assert_eq!(decoded.as_bytes(), Some(data));
            drop(decoded);
            let t = Instant::now();
            codec.decode_bytes_into(encoded.as_bytes(), &mut out).unwrap();
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
