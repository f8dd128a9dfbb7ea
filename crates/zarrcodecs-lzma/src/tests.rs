#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

use super::*;
use serde_json::json;
use zarrcodecs_core::testing;
use zarrcodecs_core::{CodecExt, DynCodec, DEFAULT_DECODED_SIZE_LIMIT};

fn lzma(config: Value) -> Lzma {
    Lzma::from_json(&config).unwrap()
}

fn delta_lzma2() -> Value {
    json!([{"id": 3, "dist": 4}, {"id": 33, "preset": 1}])
}

#[test]
fn round_trips() {
    let configs = [
        json!({"id": "lzma"}),
        json!({"id": "lzma", "check": 0}),
        json!({"id": "lzma", "check": 1}),
        json!({"id": "lzma", "check": 4, "preset": 1}),
        json!({"id": "lzma", "check": 10, "preset": 0}),
        json!({"id": "lzma", "preset": 9 | PRESET_EXTREME}),
        json!({"id": "lzma", "format": 2, "preset": 1}),
        json!({"id": "lzma", "format": 2, "check": 0, "filters": [{"id": FILTER_LZMA1, "preset": 0}]}),
        json!({"id": "lzma", "format": 3, "filters": delta_lzma2()}),
        json!({"id": "lzma", "format": 3, "filters": [{"id": FILTER_LZMA1, "preset": 1}]}),
        json!({"id": "lzma", "format": 1, "filters": [{"id": 4}, {"id": 33, "preset": 0}]}),
    ];
    for c in configs {
        testing::assert_bytes_round_trip(&lzma(c));
    }
}

#[test]
fn configs() {
    let full = json!({"id": "lzma", "format": 1, "check": -1, "preset": null, "filters": null});
    assert_eq!(Lzma::default().get_config().unwrap(), full);
    assert_eq!(lzma(json!({"id": "lzma"})).get_config().unwrap(), full);
    testing::assert_config_round_trip(&Lzma::default());
    testing::assert_config_round_trip(&Lzma::xz(9 | PRESET_EXTREME).unwrap());
    let raw = lzma(json!({"id": "lzma", "format": 3, "check": -1, "preset": null, "filters": delta_lzma2()}));
    testing::assert_config_round_trip(&raw);
    assert_eq!(raw.get_config().unwrap()["filters"], delta_lzma2());
    testing::assert_config_round_trip(&lzma(json!({"id": "lzma", "format": 0})));
    // numcodecs 0.15.2 builds all of these (its __init__ stores them unchecked) and
    // refuses them when it encodes (Python's lzma.compress): so do we, and get_config
    // writes them back as given.
    let encode_refused = [
        json!({"id": "lzma", "format": 4}),
        json!({"id": "lzma", "format": -1}),
        json!({"id": "lzma", "format": 1u64 << 40}),
        json!({"id": "lzma", "check": 2}),
        json!({"id": "lzma", "check": 15}),
        json!({"id": "lzma", "check": -2}),
        json!({"id": "lzma", "format": 2, "check": 1}),
        json!({"id": "lzma", "format": 3, "check": 4, "filters": delta_lzma2()}),
        json!({"id": "lzma", "preset": 10}),
        json!({"id": "lzma", "preset": -1}),
        json!({"id": "lzma", "preset": 0x4000_0001u32}),
        json!({"id": "lzma", "preset": 1u64 << 32}),
        json!({"id": "lzma", "preset": 1, "filters": [{"id": 33}]}),
        json!({"id": "lzma", "format": 3}),
        json!({"id": "lzma", "filters": []}),
        json!({"id": "lzma", "filters": [{"id": 99}]}),
        json!({"id": "lzma", "filters": [{"dist": 1}]}),
        json!({"id": "lzma", "filters": [{"id": 33, "foo": 1}]}),
        json!({"id": "lzma", "filters": [{"id": 3, "start_offset": 1}, {"id": 33}]}),
        json!({"id": "lzma", "filters": [{"id": 33, "dict_size": 100}]}),
        json!({"id": "lzma", "filters": [{"id": 33, "preset": 10}]}),
        json!({"id": "lzma", "filters": [{"id": 3, "dist": 0}, {"id": 33}]}),
        json!({"id": "lzma", "filters": [{"id": 3}]}),
        json!({"id": "lzma", "filters": [{"id": 33}, {"id": 3}]}),
        json!({"id": "lzma", "filters": [{"id": 3}, {"id": 3}, {"id": 3}, {"id": 4}, {"id": 33}]}),
        json!({"id": "lzma", "filters": [{"id": FILTER_LZMA1}]}),
        json!({"id": "lzma", "format": 2, "filters": [{"id": 33}]}),
        json!({"id": "lzma", "format": 2, "filters": [{"id": 3}, {"id": FILTER_LZMA1}]}),
        json!({"id": "lzma", "filters": {"id": 33}}),
        json!({"id": "lzma", "filters": [33]}),
        json!({"id": "lzma", "filters": [{"id": "33"}]}),
        json!({"id": "lzma", "filters": [{"id": 33, "preset": 1.5}]}),
        json!({"id": "lzma", "filters": [{"id": 33, "dict_size": 4_294_967_296u64}]}),
        json!({"id": "lzma", "filters": [{"id": 33, "lc": true}]}),
        json!({"id": "lzma", "format": 0}),
    ];
    let data = b"lzma lzma lzma".repeat(20);
    let xz = Lzma::default().encode_bytes(&data).unwrap();
    for c in encode_refused {
        let codec = Lzma::from_json(&c).unwrap_or_else(|e| panic!("{c}: {e}"));
        let written = codec.get_config().unwrap();
        for (k, v) in c.as_object().unwrap() {
            assert_eq!(&written[k], v, "{c}: {k} written back");
        }
        testing::assert_config_round_trip(&codec);
        let r = codec.encode_bytes(&data);
        assert!(matches!(r, Err(Error::InvalidConfig { .. })), "{c}: {r:?}");
        // Decode uses only format (and filters for raw), as numcodecs' decode.
        let format = c["format"].as_i64().unwrap_or(1);
        if (0..=1).contains(&format) {
            assert_eq!(codec.decode_bytes(xz.as_bytes()).unwrap().as_bytes(), &data[..], "{c}");
        } else if format == 2 || (format == 3 && c["filters"] == delta_lzma2()) {
            let r = codec.decode_bytes(xz.as_bytes());
            assert!(matches!(r, Err(Error::Corrupt { .. })), "{c}: an .xz stream is neither .lzma nor raw: {r:?}");
        } else {
            let r = codec.decode_bytes(xz.as_bytes());
            assert!(matches!(r, Err(Error::InvalidConfig { .. })), "{c}: {r:?}");
        }
    }
    // What numcodecs' __init__ refuses (unknown keyword arguments), and JSON types that
    // are not integers where integers are expected (numcodecs stores those too; Python's
    // lzma then raises TypeError).
    let bad = [
        json!({"id": "lzma", "format": "1"}),
        json!({"id": "lzma", "format": 1.0}),
        json!({"id": "lzma", "check": true}),
        json!({"id": "lzma", "preset": "6"}),
        json!({"id": "lzma", "level": 1}),
        json!({"id": "lzma", "memlimit": 1}),
        json!({"id": "zlib"}),
        json!([1]),
    ];
    testing::assert_configs_rejected::<Lzma>(&bad);
}

#[test]
fn auto_format_decodes_xz_and_alone_but_does_not_encode() {
    let auto = lzma(json!({"id": "lzma", "format": 0}));
    let data = b"auto auto auto".repeat(50);
    for format in [1, 2] {
        let e = lzma(json!({"id": "lzma", "format": format})).encode_bytes(&data).unwrap();
        assert_eq!(auto.decode_bytes(e.as_bytes()).unwrap().as_bytes(), &data[..]);
    }
    assert!(matches!(auto.encode_bytes(&data), Err(Error::InvalidConfig { .. })));
}

#[test]
fn filtered_xz_and_alone_decode_without_the_filters() {
    // numcodecs cannot decode these (Python refuses filters outside FORMAT_RAW); we can.
    let data: Vec<u8> = (0..4000u32).flat_map(|i| (i / 3).to_le_bytes()).collect();
    let xz = lzma(json!({"id": "lzma", "filters": delta_lzma2()}));
    let e = xz.encode_bytes(&data).unwrap();
    assert_eq!(xz.decode_bytes(e.as_bytes()).unwrap().as_bytes(), &data[..]);
    assert_eq!(Lzma::default().decode_bytes(e.as_bytes()).unwrap().as_bytes(), &data[..]);
}

#[test]
fn truncated_and_corrupt_inputs_are_errors() {
    let data: Vec<u8> = (0..5000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
    for c in [
        json!({"id": "lzma"}),
        json!({"id": "lzma", "check": 10}),
        json!({"id": "lzma", "format": 2}),
        json!({"id": "lzma", "format": 3, "filters": delta_lzma2()}),
    ] {
        let codec = lzma(c);
        let encoded = codec.encode_bytes(&data).unwrap();
        testing::assert_rejects_truncation(&codec, encoded.as_bytes());
        assert!(matches!(codec.decode_bytes(b""), Err(Error::Corrupt { .. })));
        assert!(matches!(codec.decode_bytes(&[0xff; 40]), Err(Error::Corrupt { .. })));
    }
    // A flipped bit in the data of a checked stream.
    let mut e = Lzma::default().encode_bytes(&data).unwrap().as_bytes().to_vec();
    e[40] ^= 4;
    assert!(matches!(Lzma::default().decode_bytes(&e), Err(Error::Corrupt { .. })));
}

#[test]
fn concatenated_streams_and_trailing_bytes_as_python() {
    let x = Lzma::default();
    let a = x.encode_bytes(b"abc").unwrap().as_bytes().to_vec();
    let b = x.encode_bytes(b"def").unwrap().as_bytes().to_vec();
    let cat = [a.clone(), b.clone()].concat();
    assert_eq!(x.decode_bytes(&cat).unwrap().as_bytes(), b"abcdef");
    let mut out = [0u8; 6];
    x.decode_bytes_into(&cat, &mut out).unwrap();
    assert_eq!(&out, b"abcdef");
    x.decode_bytes_into(&[&cat[..], b"xyzxyzxyzxyz"].concat(), &mut out).unwrap();
    assert_eq!(&out, b"abcdef");
    // Python: lzma.decompress(a + tail) for these tails (checked with CPython 3.11).
    let ok: [&[u8]; 4] = [b"xyzxyzxyzxyz", &[0; 12], &[0; 16], b"\xfd7zXZ\0garbage"];
    for tail in ok {
        assert_eq!(x.decode_bytes(&[&a[..], tail].concat()).unwrap().as_bytes(), b"abc", "{tail:?}");
    }
    let bad: [&[u8]; 4] = [b"xyz", &[0], &[0; 5], &b[..20]];
    for tail in bad {
        assert!(matches!(x.decode_bytes(&[&a[..], tail].concat()), Err(Error::Corrupt { .. })), "{tail:?}");
    }
    for c in [json!({"id": "lzma", "format": 2}), json!({"id": "lzma", "format": 3, "filters": [{"id": 33}]})] {
        let codec = lzma(c);
        let a = codec.encode_bytes(b"abc").unwrap().as_bytes().to_vec();
        assert_eq!(codec.decode_bytes(&[&a[..], &a[..]].concat()).unwrap().as_bytes(), b"abcabc");
        assert_eq!(codec.decode_bytes(&[&a[..], b"xyz"].concat()).unwrap().as_bytes(), b"abc");
    }
}

#[test]
fn decoded_size_limit() {
    let data = vec![0u8; 1 << 20];
    for c in [json!({"id": "lzma"}), json!({"id": "lzma", "format": 3, "filters": [{"id": 33}]})] {
        let codec = lzma(c);
        let limited = DecodeOptions::default().with_decoded_size_limit(1000);
        let encoded = codec.encode_bytes(&data).unwrap();
        assert!(matches!(
            codec.decode_with(DataRef::from(encoded.as_bytes()), &limited),
            Err(Error::DecodedSizeLimit { .. })
        ));
        let exact = codec.encode_bytes(&data[..1000]).unwrap();
        let decoded = codec.decode_with(DataRef::from(exact.as_bytes()), &limited).unwrap();
        assert_eq!(decoded.as_bytes().map(<[u8]>::len), Some(1000));
        let over = codec.encode_bytes(&data[..1001]).unwrap();
        assert!(matches!(
            codec.decode_with(DataRef::from(over.as_bytes()), &limited),
            Err(Error::DecodedSizeLimit { .. })
        ));
        // The default limit accepts it all.
        assert_eq!(codec.decode_bytes(encoded.as_bytes()).unwrap().as_bytes(), &data[..]);
    }
}

#[test]
fn lying_sizes_are_errors_without_huge_allocations() {
    let data = b"lying sizes".repeat(20);
    // An .lzma header claiming 2^40 bytes.
    let alone = lzma(json!({"id": "lzma", "format": 2}));
    let mut e = alone.encode_bytes(&data).unwrap().as_bytes().to_vec();
    e[5..13].copy_from_slice(&(1u64 << 40).to_le_bytes());
    assert!(Lzma::first_guess(Format::Alone, &e, DEFAULT_DECODED_SIZE_LIMIT) <= e.len() * MAX_RATIO);
    assert!(matches!(alone.decode_bytes(&e), Err(Error::Corrupt { .. })));
    // An .xz stream whose index (with valid CRCs) claims 2^50 bytes.
    let xz = Lzma::default();
    let e = xz.encode_bytes(&data).unwrap().as_bytes().to_vec();
    assert_eq!(claimed_size(&e), Some(data.len() as u64));
    let lie = lying_xz_index(&e, 1 << 50);
    assert_eq!(claimed_size(&lie), Some(1 << 50));
    assert!(Lzma::first_guess(Format::Xz, &lie, DEFAULT_DECODED_SIZE_LIMIT) <= lie.len() * MAX_RATIO);
    assert!(matches!(xz.decode_bytes(&lie), Err(Error::Corrupt { .. })));
    let mut out = vec![0u8; data.len()];
    assert!(xz.decode_bytes_into(&lie, &mut out).is_err());
    // An .lzma header asking for a 4 GiB dictionary: refused before liblzma allocates
    // it, since the decoder's memory counts against the decoded-size limit (2 GiB).
    let mut huge = vec![0x5d, 0xff, 0xff, 0xff, 0xff];
    huge.extend_from_slice(&[0xff; 8]);
    huge.extend_from_slice(&[0; 32]);
    let r = alone.decode_bytes(&huge);
    assert!(matches!(r, Err(Error::DecodedSizeLimit { size, .. }) if size > 1 << 32), "{r:?}");
    assert!(matches!(alone.decode_bytes_into(&huge, &mut [0u8; 10]), Err(Error::DecodedSizeLimit { .. })));
    // Every preset's dictionary is within the memory floor, whatever the limit: a
    // 64 MiB dictionary (preset 9) decodes with a 1 MiB limit.
    let nine = Lzma::from_json(&serde_json::json!({"format": 2, "preset": 9})).unwrap();
    let e9 = nine.encode_bytes(&data).unwrap().as_bytes().to_vec();
    let small = DecodeOptions::default().with_decoded_size_limit(1 << 20);
    assert_eq!(nine.decode_with(DataRef::from(&e9[..]), &small).unwrap().as_bytes(), Some(&data[..]));
    // A header asking for 1 GiB: within the default limit, beyond the floor.
    let mut gib = vec![0x5d, 0x00, 0x00, 0x00, 0x40];
    gib.extend_from_slice(&[0xff; 8]);
    gib.extend_from_slice(&[0; 32]);
    assert!(matches!(nine.decode_with(DataRef::from(&gib[..]), &small), Err(Error::DecodedSizeLimit { .. })));
    assert!(Lzma::first_guess(Format::Xz, &e, 100) <= 100);
    let limited = DecodeOptions::default().with_decoded_size_limit(1 << 20);
    assert_eq!(xz.decode_with(DataRef::from(&e[..]), &limited).unwrap().as_bytes(), Some(&data[..]));
}

/// CRC-32 (IEEE), bit by bit: for test fixtures only.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn put_vli(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// `xz` (one stream, one block) with its index rewritten to claim `size` bytes, CRCs
/// and backward size fixed up so that only the block contents contradict it.
fn lying_xz_index(xz: &[u8], size: u64) -> Vec<u8> {
    let n = xz.len();
    let backward = (u32::from_le_bytes(xz[n - 8..n - 4].try_into().unwrap()) as usize + 1) * 4;
    let index = &xz[n - 12 - backward..n - 12];
    let mut pos = 1;
    assert_eq!(vli(index, &mut pos), Some(1));
    let unpadded = vli(index, &mut pos).unwrap();
    let mut new = vec![0u8, 1];
    put_vli(&mut new, unpadded);
    put_vli(&mut new, size);
    while new.len() % 4 != 0 {
        new.push(0);
    }
    new.extend_from_slice(&crc32(&new).to_le_bytes());
    let mut out = xz[..n - 12 - backward].to_vec();
    out.extend_from_slice(&new);
    let mut footer = Vec::new();
    footer.extend_from_slice(&((new.len() / 4 - 1) as u32).to_le_bytes());
    footer.extend_from_slice(&xz[n - 4..n - 2]);
    out.extend_from_slice(&crc32(&footer).to_le_bytes());
    out.extend_from_slice(&footer);
    out.extend_from_slice(b"YZ");
    out
}

#[test]
fn decode_into_agrees_with_decode_on_a_bad_later_stream() {
    // A raw stream, then bytes that decode to one byte before liblzma finds them bad:
    // Python (and `decode`) drop them; `decode_into` must agree (a fuzzer input, whose
    // first byte picked the raw delta + LZMA2 configuration).
    let found = &include_bytes!("../tests/data/fuzz-bad-later-stream.bin")[1..];
    let raw = lzma(
        json!({"id": "lzma", "format": 3, "check": -1, "preset": null, "filters": [{"id": 3, "dist": 4}, {"id": 33, "preset": 1}]}),
    );
    let decoded = raw.decode_bytes(found).unwrap();
    let mut out = vec![0u8; decoded.as_bytes().len()];
    raw.decode_bytes_into(found, &mut out).unwrap();
    assert_eq!(out, decoded.as_bytes());
    assert!(raw.decode_bytes_into(found, &mut vec![0u8; out.len() + 1]).is_err());
}

#[test]
fn format_and_check_are_typed() {
    for (n, f) in [(0, Format::Auto), (1, Format::Xz), (2, Format::Alone), (3, Format::Raw)] {
        assert_eq!(Format::try_from(n).unwrap(), f);
        assert_eq!(i32::from(f), n);
    }
    for (n, c) in [(-1, Check::Default), (0, Check::None), (1, Check::Crc32), (4, Check::Crc64), (10, Check::Sha256)] {
        assert_eq!(Check::try_from(n).unwrap(), c);
        assert_eq!(i32::from(c), n);
    }
    assert!(matches!(Format::try_from(4), Err(Error::InvalidConfig { .. })));
    assert!(matches!(Check::try_from(2), Err(Error::InvalidConfig { .. })));
    let alone = Lzma::new(LzmaConfig { format: FORMAT_ALONE.into(), ..LzmaConfig::default() }).unwrap();
    assert_eq!((alone.format().unwrap(), alone.check().unwrap()), (Format::Alone, Check::Default));
    assert_eq!(alone.lzma_config().format().unwrap(), Format::Alone);
    assert_eq!(Lzma::default().format().unwrap(), Format::Xz);
    let odd = lzma(json!({"id": "lzma", "format": 7, "check": 1i64 << 40}));
    assert!(odd.format().is_err() && odd.check().is_err());
}

#[test]
fn encoder_memory_usage_as_liblzma_estimates() {
    let by_preset: Vec<u64> = (0..=9).map(|p| Lzma::xz(p).unwrap().encoder_memory_usage().unwrap()).collect();
    assert!(by_preset.windows(2).all(|w| w[0] <= w[1]), "{by_preset:?}");
    assert!(by_preset[6] > 64 << 20 && by_preset[6] < 128 << 20, "{by_preset:?}");
    assert!(by_preset[9] > 512 << 20, "{by_preset:?}");
    // A filter chain: the LZMA2 dictionary dominates.
    let small = lzma(json!({"id": "lzma", "format": 1, "filters": [{"id": 33, "dict_size": 1 << 16}]}));
    let large = lzma(json!({"id": "lzma", "format": 1, "filters": [{"id": 33, "dict_size": 1 << 28}]}));
    let (small, large) = (small.encoder_memory_usage().unwrap(), large.encoder_memory_usage().unwrap());
    assert!(small < 8 << 20 && large > 1 << 30, "{small} {large}");
    // What encoding refuses, this refuses too.
    for config in [
        json!({"id": "lzma", "preset": 10}),
        json!({"id": "lzma", "format": 0}),
        json!({"id": "lzma", "format": 3}),
        json!({"id": "lzma", "preset": 1, "filters": [{"id": 33}]}),
    ] {
        let codec = lzma(config.clone());
        assert!(codec.encoder_memory_usage().is_err(), "{config}");
        assert!(codec.encode(DataRef::from(&b"x"[..])).is_err(), "{config}");
    }
}

/// The fast presets' encoders are kept per thread, the default preset's is not.
#[test]
fn kept_encoders_are_the_small_ones() {
    let usage = |p: u32| Lzma::xz(p).unwrap().encoder_memory_usage().unwrap();
    assert!(usage(0) <= stream::KEPT_ENCODER_BYTES && usage(1) <= stream::KEPT_ENCODER_BYTES);
    assert!(usage(6) > stream::KEPT_ENCODER_BYTES);
}

/// An encoder stream kept from earlier calls (of any format, preset, check or chain,
/// including a call that failed) writes exactly what a new stream writes.
#[test]
fn a_kept_encoder_writes_what_a_new_one_writes() {
    let configs = [
        json!({"id": "lzma", "preset": 1}),
        json!({"id": "lzma", "format": 2, "preset": 0}),
        json!({"id": "lzma", "format": 1, "check": 0, "preset": 1}),
        json!({"id": "lzma", "format": 3, "filters": delta_lzma2()}),
        json!({"id": "lzma", "format": 1, "check": 10, "preset": 0}),
        json!({"id": "lzma", "format": 1, "filters": [{"id": 33, "preset": 1, "dict_size": 1 << 16}]}),
        json!({"id": "lzma", "preset": 6}),
        json!({"id": "lzma", "preset": 0}),
        json!({"id": "lzma", "format": 2, "filters": [{"id": 0x4000_0000_0000_0001_u64, "preset": 1}]}),
    ];
    let inputs = [testing::Rng::new(3).bytes(70_000), b"abc".repeat(30_000), vec![], b"x".to_vec()];
    // Each encode on a thread of its own: a new stream every time.
    let fresh: Vec<Vec<Vec<u8>>> = configs
        .iter()
        .map(|c| {
            inputs
                .iter()
                .map(|input| {
                    let (c, input) = (c.clone(), input.clone());
                    std::thread::spawn(move || lzma(c).encode_bytes(&input).unwrap().as_bytes().to_vec())
                        .join()
                        .unwrap()
                })
                .collect()
        })
        .collect();
    // All on this thread, twice over, with a refused encode in between.
    for round in 0..2 {
        for (c, expected) in configs.iter().zip(&fresh) {
            for (input, expected) in inputs.iter().zip(expected) {
                assert_eq!(&lzma(c.clone()).encode_bytes(input).unwrap().as_bytes().to_vec(), expected, "{c} {round}");
            }
            assert!(lzma(json!({"id": "lzma", "format": 1, "check": 2, "preset": 1}))
                .encode(DataRef::from(&b"x"[..]))
                .is_err());
        }
    }
}

/// Decodes as `lzma.decompress` with liblzma checking every stream itself (`checked`)
/// or with CRC64 streams checked by us: the message of the error, or the bytes.
fn decode_either(input: &[u8], checked: bool) -> std::result::Result<Vec<u8>, String> {
    stream::FORCE_LIBLZMA_CHECK.set(checked);
    let r = Lzma::default().decode_bytes(input).map(|a| a.as_bytes().to_vec()).map_err(|e| e.to_string());
    let mut out = vec![0u8; r.as_ref().map_or(0, Vec::len)];
    let into = Lzma::default().decode_bytes_into(input, &mut out).map_err(|e| e.to_string());
    stream::FORCE_LIBLZMA_CHECK.set(false);
    if let (Ok(d), Ok(())) = (&r, &into) {
        assert_eq!(d, &out, "decode_into differs");
    }
    r
}

/// CRC64 streams checked with crc-fast (liblzma's CRC64 ignored) decode and fail
/// exactly as with liblzma checking: a four-block stream written by xz 5.4.1
/// (`xz -1 --block-size=5000`), and one-bit changes of it, alone and after another
/// stream; and a stream of ours.
#[test]
fn our_crc64_checks_decide_as_liblzma() {
    let multi = include_bytes!("../tests/data/multi_block_crc64.xz").to_vec();
    let data = decode_either(&multi, true).unwrap();
    assert_eq!(data.len(), 20_000);
    assert_eq!(stream::crc64_checks(&multi, &data), Some(true));
    let ours = Lzma::xz(1).unwrap().encode_bytes(&data).unwrap().as_bytes().to_vec();
    assert_eq!(stream::crc64_checks(&ours, &data), Some(true));
    assert_eq!(decode_either(&ours, false).unwrap(), data);
    let mut other = data.clone();
    other[12_345] ^= 1;
    assert_eq!(stream::crc64_checks(&multi, &other), Some(false));
    let mut mismatches = 0;
    // Every bit of every third byte, and of the last 120 (the last block's check, the
    // index and the footer).
    let tail = multi.len() - 120;
    for bit in (0..multi.len() * 8).filter(|b| (b / 8) % 3 == 0 || b / 8 >= tail) {
        let mut bad = multi.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        let expected = decode_either(&bad, true);
        mismatches += usize::from(expected.is_err());
        assert_eq!(decode_either(&bad, false), expected, "bit {bit}");
        if bit % 7 == 0 {
            // As a later stream: Python keeps the first and drops a bad second one.
            let two = [&ours[..], &bad[..]].concat();
            assert_eq!(decode_either(&two, false), decode_either(&two, true), "bit {bit}, second stream");
        }
    }
    assert!(mismatches > multi.len() * 2, "{mismatches}");
}

/// The CRC64 `.xz` streams we put together around liblzma's raw encoder are, byte for
/// byte, what liblzma's stream encoder writes: for every preset (extreme too), chains
/// of one to four filters (properties of zero, one and four bytes, odd dictionary
/// sizes), and inputs from one byte to past a LZMA2 chunk, that compress or do not.
#[test]
fn own_xz_container_is_liblzmas_stream() {
    let mut rng = testing::Rng::new(25);
    let noise: Vec<u8> = (0..200_000).map(|_| rng.next_u64() as u8).collect();
    let text = b"lzma is a dictionary coder; ".repeat(40_000);
    let mut sparse = vec![0u8; 3 << 20];
    for (i, b) in noise.iter().enumerate().step_by(97) {
        sparse[(i * 13) % (3 << 20)] = *b;
    }
    let inputs: [&[u8]; 5] = [b"x", &text[..100], &noise, &text, &sparse];
    let lzma2 = |preset: u32, dict_size: Option<u32>| {
        Filter::Lzma(FILTER_LZMA2, LzmaOptions { preset, dict_size, ..LzmaOptions::default() })
    };
    let chains: Vec<Vec<Filter>> = vec![
        vec![lzma2(1, None)],
        vec![lzma2(0, Some(12_345))],
        vec![Filter::Delta(4), lzma2(1, None)],
        vec![Filter::Bcj(FILTER_X86, 0), lzma2(2, None)],
        vec![Filter::Bcj(FILTER_X86, 16), lzma2(1, Some(1 << 20))],
        vec![Filter::Delta(1), Filter::Delta(200), Filter::Bcj(FILTER_ARM, 0), lzma2(0, None)],
    ];
    let check = CHECK_CRC64 as u32;
    let before = stream::OWN_XZ_CONTAINERS.get();
    let mut cases = 0;
    for input in inputs {
        let presets = if input.len() > 1 << 20 { vec![0, 1, 6] } else { (0..=9).chain([6 | PRESET_EXTREME]).collect() };
        for preset in presets {
            let how = Encoder::XzPreset { preset, check };
            let ours = stream::encode(ID, &how, input).unwrap();
            let theirs = stream::encode_liblzma(ID, &how, input).unwrap();
            assert!(ours.as_slice() == theirs.as_slice(), "preset {preset:#x}, {} bytes", input.len());
            cases += 1;
        }
        for filters in &chains {
            let chain = Chain::new(filters).unwrap();
            let how = Encoder::XzChain { chain: &chain, check };
            let ours = stream::encode(ID, &how, input).unwrap();
            let theirs = stream::encode_liblzma(ID, &how, input).unwrap();
            assert!(ours.as_slice() == theirs.as_slice(), "{filters:?}, {} bytes", input.len());
            cases += 1;
        }
    }
    assert_eq!(stream::OWN_XZ_CONTAINERS.get() - before, cases, "every case went through our container");
    // Empty input (no block) and other checks stay with liblzma's encoder.
    let how = Encoder::XzPreset { preset: 1, check };
    assert_eq!(
        stream::encode(ID, &how, b"").unwrap().as_slice(),
        stream::encode_liblzma(ID, &how, b"").unwrap().as_slice()
    );
}
