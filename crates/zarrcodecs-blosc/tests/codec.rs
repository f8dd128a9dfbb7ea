//! Behaviour tests: round trips, configurations, hostile chunks, partial decompression.

#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

use serde_json::json;
use zarrcodecs_blosc::{
    cbuffer_complib, cbuffer_metainfo, cbuffer_sizes, compname_to_compcode, compress, decompress, decompress_into,
    decompress_partial, header, list_compressors, version, Blosc, BloscConfig, Cname, Shuffle, AUTOSHUFFLE, BITSHUFFLE,
    MAX_BUFFERSIZE, NOSHUFFLE, SHUFFLE,
};
use zarrcodecs_core::testing;
use zarrcodecs_core::{Codec, CodecExt, DataRef, DecodeOptions, DynCodec, Error, NdArray, StaticCodec};

fn ramp(n: u32) -> Vec<u8> {
    (0..n).flat_map(|i| (i / 5).to_le_bytes()).collect()
}

fn chunk(data: &[u8]) -> Vec<u8> {
    compress(data, 4, Cname::Lz4, 5, SHUFFLE, 0).unwrap().to_vec()
}

#[test]
fn library_facts() {
    assert_eq!(version(), "1.21.6");
    assert_eq!(list_compressors(), ["blosclz", "lz4", "lz4hc", "zlib", "zstd"]);
    assert_eq!(compname_to_compcode("blosclz"), Some(0));
    assert_eq!(compname_to_compcode("zstd"), Some(5));
    assert_eq!(compname_to_compcode("snappy"), None);
    assert_eq!(compname_to_compcode("nope"), None);
    assert_eq!(compname_to_compcode("lz\0"), None);
}

#[test]
fn round_trips_every_compressor_and_shuffle() {
    for cname in [Cname::BloscLz, Cname::Lz4, Cname::Lz4hc, Cname::Zlib, Cname::Zstd] {
        for shuffle in [AUTOSHUFFLE, NOSHUFFLE, SHUFFLE, BITSHUFFLE] {
            testing::assert_bytes_round_trip(&Blosc::new(cname, 5, shuffle, 0));
        }
    }
    for clevel in [0, 1, 9] {
        testing::assert_bytes_round_trip(&Blosc::new(Cname::Zstd, clevel, SHUFFLE, 0));
    }
    testing::assert_bytes_round_trip(&Blosc::new(Cname::Lz4, 5, BITSHUFFLE, 1 << 14));
    testing::assert_bytes_round_trip(&Blosc::new(Cname::BloscLz, 9, SHUFFLE, 100));
}

#[test]
fn typesize_is_the_item_size_and_autoshuffle_follows_numcodecs() {
    let codec = Blosc::new(Cname::Lz4, 5, AUTOSHUFFLE, 0);
    let bytes = ramp(1000);
    for (dtype, typesize, shuffle) in
        [("<u4", 4, SHUFFLE), ("|u1", 1, BITSHUFFLE), ("<f8", 8, SHUFFLE), ("|S7", 7, SHUFFLE)]
    {
        let dtype: zarrcodecs_core::DType = dtype.parse().unwrap();
        let n = bytes.len() / dtype.itemsize();
        let a = NdArray::from_bytes(&bytes[..n * dtype.itemsize()], dtype, vec![n]).unwrap();
        let e = codec.encode(DataRef::from(&a)).unwrap().into_array().unwrap();
        let (t, s, _memcpyed) = cbuffer_metainfo(e.as_bytes()).unwrap();
        assert_eq!((t, s), (typesize, shuffle), "{dtype}");
    }
    // A configured typesize (newer numcodecs) wins over the item size.
    let c = Blosc::from_json(&json!({"id": "blosc", "typesize": 2})).unwrap();
    let e = c.encode_bytes(&bytes).unwrap();
    assert_eq!(cbuffer_metainfo(e.as_bytes()).unwrap().0, 2);
    assert_eq!(c.decode_bytes(e.as_bytes()).unwrap().as_bytes(), &bytes[..]);
}

#[test]
fn configs() {
    let default = Blosc::default();
    assert_eq!(
        default.get_config().unwrap(),
        json!({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0})
    );
    assert_eq!(Blosc::from_json(&json!({"id": "blosc"})).unwrap(), default);
    assert_eq!(BloscConfig::default(), default.config());
    testing::assert_config_round_trip(&default);
    testing::assert_config_round_trip(&Blosc::new(Cname::Zstd, 9, AUTOSHUFFLE, 1 << 14));
    testing::assert_config_round_trip(&Blosc::new(Cname::BloscLz, 0, NOSHUFFLE, 0).with_typesize(Some(8)).unwrap());
    let t = Blosc::from_json(&json!({"id": "blosc", "cname": "zlib", "typesize": null})).unwrap();
    assert_eq!(t.typesize(), None);
    assert_eq!(
        t.get_config().unwrap(),
        json!({"id": "blosc", "cname": "zlib", "clevel": 5, "shuffle": 1, "blocksize": 0})
    );
    let t = Blosc::from_json(&json!({"id": "blosc", "typesize": 4})).unwrap();
    assert_eq!(t.get_config().unwrap()["typesize"], 4);
    testing::assert_configs_rejected::<Blosc>(&[
        // Not integers or strings (numcodecs stores these too; see the README).
        json!({"id": "blosc", "cname": 1}),
        json!({"id": "blosc", "clevel": "5"}),
        json!({"id": "blosc", "clevel": 5.5}),
        json!({"id": "blosc", "shuffle": true}),
        json!({"id": "blosc", "blocksize": "0"}),
        json!({"id": "blosc", "typesize": 0}),
        json!({"id": "blosc", "typesize": -4}),
        json!({"id": "blosc", "nthreads": 4}),
        json!({"id": "blosc", "level": 5}),
        json!({"id": "zstd", "clevel": 5}),
        json!("blosc"),
    ]);
    // numcodecs builds these and refuses them only when it encodes: so do we.
    for (config, says) in [
        (json!({"id": "blosc", "cname": "snappy"}), "not built into"),
        (json!({"id": "blosc", "cname": "nope"}), "\"nope\""),
        (json!({"id": "blosc", "clevel": 10}), "clevel 10"),
        (json!({"id": "blosc", "clevel": -1}), "clevel -1"),
        (json!({"id": "blosc", "shuffle": 3}), "shuffle 3"),
        (json!({"id": "blosc", "blocksize": 1u64 << 31}), "blocksize 2147483648"),
    ] {
        let codec = Blosc::from_json(&config).unwrap();
        assert_eq!(codec.get_config().unwrap()["cname"], config.get("cname").cloned().unwrap_or(json!("lz4")));
        match codec.encode_bytes(&ramp(10)) {
            Err(Error::InvalidConfig { reason, .. }) => assert!(reason.contains(says), "{config}: {reason}"),
            other => panic!("{config}: {other:?}"),
        }
        assert_eq!(codec.decode_bytes(&chunk(&ramp(10))).unwrap().as_bytes(), &ramp(10)[..], "{config}");
    }
}

#[test]
fn threads_are_not_configuration() {
    let mut codec = Blosc::default();
    assert_eq!(codec.get_nthreads(), 1);
    assert_eq!(codec.set_nthreads(4), 1);
    assert_eq!(codec.get_nthreads(), 4);
    assert_eq!(codec.get_config().unwrap(), Blosc::default().get_config().unwrap());
    let data = ramp(300_000);
    let e = codec.encode_bytes(&data).unwrap();
    assert_eq!(codec.decode_bytes(e.as_bytes()).unwrap().as_bytes(), &data[..]);
    assert_eq!(Blosc::default().decode_bytes(e.as_bytes()).unwrap().as_bytes(), &data[..]);
    // One codec shared by several threads.
    let codec = std::sync::Arc::new(Blosc::new(Cname::Zstd, 3, BITSHUFFLE, 0));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let codec = codec.clone();
            std::thread::spawn(move || {
                let data = ramp(10_000 + i * 1000);
                let e = codec.encode_bytes(&data).unwrap();
                assert_eq!(codec.decode_bytes(e.as_bytes()).unwrap().as_bytes(), &data[..]);
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn empty_input_round_trips() {
    let codec = Blosc::default();
    let e = codec.encode_bytes(&[]).unwrap();
    // C-Blosc's empty chunk, exactly as numcodecs writes it (numcodecs cannot read it back).
    assert_eq!(e.as_bytes(), &testing::hex("02013301000000000100000010000000")[..]);
    assert!(codec.decode_bytes(e.as_bytes()).unwrap().as_bytes().is_empty());
    codec.decode_bytes_into(e.as_bytes(), &mut []).unwrap();
    assert_eq!(cbuffer_sizes(e.as_bytes()).unwrap(), (0, 16, 1));
    assert!(decompress_partial(e.as_bytes(), 0, 0).unwrap().is_empty());
}

#[test]
fn truncated_and_corrupt_chunks_are_errors() {
    let data = ramp(20_000);
    for cname in [Cname::BloscLz, Cname::Lz4, Cname::Lz4hc, Cname::Zlib, Cname::Zstd] {
        let codec = Blosc::new(cname, 5, SHUFFLE, 4096);
        let e = codec.encode_bytes(&data).unwrap();
        testing::assert_rejects_truncation(&codec, e.as_bytes());
        // Random byte flips in the data must not crash partial decompression either.
        let mut rng = testing::Rng::new(3);
        for _ in 0..300 {
            let mut bad = e.as_bytes().to_vec();
            let i = 16 + (rng.next_u64() as usize % (bad.len() - 16));
            bad[i] ^= 1 << (rng.next_u64() % 8);
            let _ = decompress_partial(&bad, 100, 1000);
            let _ = codec.decode_bytes(&bad);
        }
    }
    let codec = Blosc::default();
    for bad in [&b""[..], b"\x02", b"not a blosc chunk at all"] {
        assert!(matches!(codec.decode_bytes(bad), Err(Error::Corrupt { .. })), "{bad:?}");
    }
}

fn with_header(chunk: &[u8], at: usize, value: u32) -> Vec<u8> {
    let mut c = chunk.to_vec();
    c[at..at + 4].copy_from_slice(&value.to_le_bytes());
    c
}

#[test]
fn lying_headers_are_typed_errors() {
    let data = ramp(5000);
    let good = chunk(&data);
    let n = good.len() as u32;
    let codec = Blosc::default();
    let corrupt = |c: &[u8]| {
        let r = codec.decode_bytes(c);
        assert!(matches!(r, Err(Error::Corrupt { .. })), "{r:?}");
        let mut out = vec![0u8; data.len()];
        assert!(codec.decode_bytes_into(c, &mut out).is_err());
        assert!(cbuffer_sizes(c).is_err());
        assert!(cbuffer_metainfo(c).is_err());
        assert!(cbuffer_complib(c).is_err());
        assert!(decompress_partial(c, 0, 1).is_err());
    };
    // A 16-byte header claiming 2^31 bytes.
    let mut h = good[..16].to_vec();
    h[12..16].copy_from_slice(&16u32.to_le_bytes());
    corrupt(&with_header(&h, 4, 1 << 31));
    // nbytes = 2^31 - 17 (allowed by blosc) with 16 bytes of input: no room for blocks.
    corrupt(&with_header(&h, 4, MAX_BUFFERSIZE as u32));
    // cbytes larger than the input, smaller than the header, smaller than the input.
    corrupt(&with_header(&good, 12, n + 1));
    corrupt(&with_header(&good, 12, 8));
    corrupt(&with_header(&good, 12, n - 1));
    // Wrong version bytes.
    for v in [0u8, 1, 3, 255] {
        let mut c = good.clone();
        c[0] = v;
        corrupt(&c);
    }
    // Block size 0 or larger than the data.
    corrupt(&with_header(&good, 8, 0));
    corrupt(&with_header(&good, 8, data.len() as u32 + 1));
    // Block size 1: far more block offsets than the chunk holds.
    corrupt(&with_header(&good, 8, 1));
    // A "stored" chunk whose size does not match its data.
    let mut c = good.clone();
    c[2] |= 0x2;
    corrupt(&c);
    // A compressor library this build lacks (snappy): a library error that names it;
    // one that does not exist: corrupt.
    for (lib, snappy) in [(2u8, true), (7, false)] {
        let mut c = good.clone();
        c[2] = (c[2] & 0x1f) | (lib << 5);
        match codec.decode_bytes(&c) {
            Err(Error::Library { reason, .. }) if snappy => assert!(reason.contains("Snappy"), "{reason}"),
            Err(Error::Corrupt { .. }) if !snappy => {}
            other => panic!("complib {lib}: {other:?}"),
        }
        assert!(decompress_partial(&c, 0, 1).is_err());
    }
    let mut c = good.clone();
    c[2] |= 7 << 5;
    assert!(matches!(cbuffer_complib(&c), Err(Error::Corrupt { .. })));
    // Trailing bytes after the chunk.
    let mut c = good.clone();
    c.push(0);
    corrupt(&c);
    // nbytes changed: C-Blosc's checks catch what the header check cannot.
    for lie in [data.len() as u32 - 1, data.len() as u32 + 1, 2 * data.len() as u32] {
        assert!(codec.decode_bytes(&with_header(&good, 4, lie)).is_err());
    }
}

#[test]
fn inputs_above_blosc_limit_are_refused() {
    // calloc'd and never touched: the length is checked before C-Blosc reads anything.
    let huge = vec![0u8; MAX_BUFFERSIZE + 1];
    let r = Blosc::default().encode_bytes(&huge);
    assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{r:?}");
    let r = compress(&huge, 1, Cname::Lz4, 5, SHUFFLE, 0);
    assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{r:?}");
}

#[test]
fn decoded_size_limit() {
    let data = ramp(100_000);
    let e = chunk(&data);
    let codec = Blosc::default();
    let below = DecodeOptions::default().with_decoded_size_limit(data.len() - 1);
    match codec.decode_with(DataRef::from(&e[..]), &below) {
        Err(Error::DecodedSizeLimit { size, limit, .. }) => {
            assert_eq!((size, limit), (data.len() as u64, data.len() as u64 - 1));
        }
        other => panic!("{other:?}"),
    }
    match codec.decompress(&e, &below) {
        Err(Error::DecodedSizeLimit { size, .. }) => assert_eq!(size, data.len() as u64),
        other => panic!("{other:?}"),
    }
    // decode_into allocates nothing and takes no options: the caller's buffer is the
    // limit.
    let mut out = vec![0u8; data.len()];
    codec.decode_bytes_into(&e, &mut out).unwrap();
    assert_eq!(out, data);
    let exact = DecodeOptions::default().with_decoded_size_limit(data.len());
    assert_eq!(codec.decode_with(DataRef::from(&e[..]), &exact).unwrap().as_bytes(), Some(&data[..]));
    assert_eq!(codec.decompress(&e, &exact).unwrap().as_slice(), &data[..]);
    // The default limit accepts it.
    assert!(codec.decode_bytes(&e).is_ok());
}

#[test]
fn module_functions() {
    let data = ramp(10_000);
    let e = compress(&data, 4, Cname::Zstd, 5, BITSHUFFLE, 4096).unwrap();
    let h = header(e.as_slice()).unwrap();
    assert_eq!((h.version, h.typesize, h.nbytes, h.blocksize), (2, 4, 40_000, 4096));
    assert_eq!(cbuffer_sizes(e.as_slice()).unwrap(), (40_000, e.len(), 4096));
    assert_eq!(cbuffer_complib(e.as_slice()).unwrap(), "Zstd");
    assert_eq!(cbuffer_metainfo(e.as_slice()).unwrap(), (4, BITSHUFFLE, false));
    assert_eq!(decompress(e.as_slice()).unwrap().as_slice(), &data[..]);
    let mut out = vec![0u8; data.len()];
    decompress_into(e.as_slice(), &mut out).unwrap();
    assert_eq!(out, data);
    let mut short = vec![0u8; data.len() - 4];
    assert!(matches!(decompress_into(e.as_slice(), &mut short), Err(Error::OutputSizeMismatch { .. })));
    // Stored (clevel 0): memcpyed.
    let stored = compress(&data, 4, Cname::Lz4, 0, SHUFFLE, 0).unwrap();
    assert_eq!(cbuffer_metainfo(stored.as_slice()).unwrap(), (4, SHUFFLE, true));
    assert_eq!(stored.len(), data.len() + 16);
    assert_eq!(decompress_partial(stored.as_slice(), 7, 3).unwrap().as_slice(), &data[28..40]);
    for (cname, lib) in [
        (Cname::BloscLz, "BloscLZ"),
        (Cname::Lz4, "LZ4"),
        (Cname::Lz4hc, "LZ4"),
        (Cname::Zlib, "Zlib"),
        (Cname::Zstd, "Zstd"),
    ] {
        assert_eq!(cbuffer_complib(compress(&data, 4, cname, 5, SHUFFLE, 0).unwrap().as_slice()).unwrap(), lib);
    }
    assert!(matches!(compress(&data, 4, Cname::Snappy, 5, SHUFFLE, 0), Err(Error::InvalidConfig { .. })));
    assert!(matches!(compress(&data, 4, Cname::Lz4, 10, SHUFFLE, 0), Err(Error::InvalidConfig { .. })));
    assert!(matches!(compress(&data, 4, Cname::Lz4, -1, SHUFFLE, 0), Err(Error::InvalidConfig { .. })));
}

#[test]
fn decompress_partial_ranges() {
    let data = ramp(10_000); // 10 000 items of 4 bytes
    for blocksize in [0, 256, 4096] {
        let e = compress(&data, 4, Cname::Lz4, 5, SHUFFLE, blocksize).unwrap();
        let e = e.as_slice();
        for (start, n) in [(0, 1), (0, 10_000), (63, 2), (64, 64), (9_999, 1), (5_000, 5_000), (1234, 0), (10_000, 0)] {
            let got = decompress_partial(e, start, n).unwrap();
            assert_eq!(got.as_slice(), &data[start * 4..(start + n) * 4], "{blocksize} {start}+{n}");
        }
        for (start, n) in [(0, 10_001), (9_999, 2), (10_000, 1), (10_001, 0), (usize::MAX, 2), (1, usize::MAX)] {
            let r = decompress_partial(e, start, n);
            assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{start}+{n}: {r:?}");
        }
    }
}

#[test]
fn typed_parameters() {
    // Every name numcodecs writes parses, snappy included; Display gives it back.
    for (name, cname) in [
        ("blosclz", Cname::BloscLz),
        ("lz4", Cname::Lz4),
        ("lz4hc", Cname::Lz4hc),
        ("snappy", Cname::Snappy),
        ("zlib", Cname::Zlib),
        ("zstd", Cname::Zstd),
    ] {
        assert_eq!(name.parse::<Cname>().unwrap(), cname);
        assert_eq!(cname.to_string(), name);
        assert_eq!(compname_to_compcode(name), cname.is_available().then_some(cname.code()));
    }
    assert_eq!(Cname::ALL.iter().filter(|c| c.is_available()).count(), list_compressors().len());
    for bad in ["LZ4", "nope", "", " lz4", "lz\0"] {
        assert!(matches!(bad.parse::<Cname>(), Err(Error::InvalidConfig { .. })), "{bad:?}");
    }
    // snappy parses and builds a codec (which decodes), but this build cannot encode
    // with it.
    let snappy = Blosc::new(Cname::Snappy, 5, SHUFFLE, 0);
    assert_eq!(snappy.cname().unwrap(), Cname::Snappy);
    match snappy.encode_bytes(&ramp(10)) {
        Err(Error::InvalidConfig { reason, .. }) => assert!(reason.contains("not built into"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(snappy.decode_bytes(&chunk(&ramp(10))).unwrap().as_bytes(), &ramp(10)[..]);
    for (n, s, name) in [
        (-1, AUTOSHUFFLE, "AUTOSHUFFLE"),
        (0, NOSHUFFLE, "NOSHUFFLE"),
        (1, SHUFFLE, "SHUFFLE"),
        (2, BITSHUFFLE, "BITSHUFFLE"),
    ] {
        assert_eq!(Shuffle::try_from(n).unwrap(), s);
        assert_eq!(i32::from(s), n);
        assert_eq!(s.to_string(), name);
        assert_eq!(name.parse::<Shuffle>().unwrap(), s);
        assert_eq!(name.to_lowercase().parse::<Shuffle>().unwrap(), s);
        assert_eq!(n.to_string().parse::<Shuffle>().unwrap(), s);
    }
    for bad in [-2, 3, i32::MAX, i32::MIN] {
        assert!(matches!(Shuffle::try_from(bad), Err(Error::InvalidConfig { .. })), "{bad}");
    }
    assert!("bytes".parse::<Shuffle>().is_err());
    assert_eq!((Cname::default(), Shuffle::default()), (Cname::Lz4, Shuffle::Byte));
    // The config's typed accessors.
    let c = BloscConfig { cname: "zstd".into(), shuffle: -1, ..BloscConfig::default() };
    assert_eq!((c.cname().unwrap(), c.shuffle().unwrap()), (Cname::Zstd, Shuffle::Auto));
    let c = BloscConfig { cname: "Zstd".into(), shuffle: 7, ..BloscConfig::default() };
    assert!(c.cname().is_err() && c.shuffle().is_err());
    let codec = Blosc::new(Cname::Zlib, 1, Shuffle::Bit, 0);
    assert_eq!((codec.cname().unwrap(), codec.shuffle().unwrap()), (Cname::Zlib, Shuffle::Bit));
    assert_eq!((codec.cname_str(), codec.clevel(), codec.blocksize()), ("zlib", 1, 0));
    let odd = Blosc::from_json(&json!({"id": "blosc", "cname": "LZ4", "shuffle": 7})).unwrap();
    assert!(odd.cname().is_err() && odd.shuffle().is_err());
    assert_eq!(odd.cname_str(), "LZ4");
    assert_eq!(
        codec.get_config().unwrap(),
        json!({"id": "blosc", "cname": "zlib", "clevel": 1, "shuffle": 2, "blocksize": 0})
    );
}

#[test]
fn a_chunk_of_a_compressor_this_build_lacks_says_which() {
    // Header: version 2, versionlz 1, flags = snappy (code 2 in bits 5 to 7) with byte
    // shuffle, typesize 1, nbytes 32, blocksize 32, cbytes 16 + 20; then one block offset
    // and bytes that are no snappy stream (numcodecs' corpus has real ones, and
    // benches/tests/numcodecs_fixture.rs decodes them).
    let mut c = vec![2u8, 1, (2 << 5) | 1, 1];
    for v in [32u32, 32, 36] {
        c.extend(v.to_le_bytes());
    }
    c.extend(20u32.to_le_bytes());
    c.extend([0xAB; 16]);
    let codec = Blosc::default();
    let err = codec.decode(DataRef::from(&c[..])).unwrap_err();
    assert!(matches!(err, Error::Library { .. }), "{err:?}");
    assert!(err.to_string().contains("compressed with Snappy, which this C-Blosc does not include"), "{err}");
    // A stored (memcpyed) chunk names snappy too, but needs no compressor: it decodes.
    let mut stored = vec![2u8, 1, (2 << 5) | 2, 1];
    for v in [4u32, 4, 20] {
        stored.extend(v.to_le_bytes());
    }
    stored.extend([1, 2, 3, 4]);
    assert_eq!(codec.decode(DataRef::from(&stored[..])).unwrap().as_bytes(), Some(&[1u8, 2, 3, 4][..]));
}
