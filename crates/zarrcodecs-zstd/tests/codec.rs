//! Tests of the zstd codec: round trips, configurations, Python's bytes, and every kind
//! of zstd stream the decoder must take or refuse.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] functions

use std::sync::Arc;

use serde_json::json;
use zarrcodecs_core::registry::get_codec;
use zarrcodecs_core::testing::{self, KnownAnswer, Rng};
use zarrcodecs_core::{ArrayViewMut, Codec, CodecExt, DataRef, DecodeOptions, DynCodec, Error, StaticCodec};
use zarrcodecs_zstd::{frame_info, FrameInfo, Zstd};
use zstd_safe::CParameter;

/// The input of the known answers: `(np.arange(1000, dtype='<i4') % 37).tobytes()`.
fn known_input() -> Vec<u8> {
    (0..1000u32).flat_map(|i| (i % 37).to_le_bytes()).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    let text = text.trim();
    assert!(text.len().is_multiple_of(2), "odd hex length");
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

/// Compressible but not trivial data.
fn sample(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    (0..n).map(|i| if i % 5 == 0 { (rng.next_u64() >> 60) as u8 } else { (i / 11).to_le_bytes()[0] }).collect()
}

/// One frame, as a streaming compressor writes it: no content size in the header.
fn frame_without_size(data: &[u8], level: i32, checksum: bool) -> Vec<u8> {
    let mut cctx = zstd_safe::CCtx::create();
    cctx.set_parameter(CParameter::CompressionLevel(level)).unwrap();
    cctx.set_parameter(CParameter::ContentSizeFlag(false)).unwrap();
    cctx.set_parameter(CParameter::ChecksumFlag(checksum)).unwrap();
    let mut out = Vec::with_capacity(zstd_safe::compress_bound(data.len()));
    cctx.compress2(&mut out, data).unwrap();
    let info = frame_info(&out).unwrap();
    assert_eq!(info[0].content_size, None, "the test frame must not declare its size");
    out
}

/// A skippable frame (magic 0x184D2A5?) carrying `payload`.
fn skippable_frame(nibble: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0x50 | nibble, 0x2a, 0x4d, 0x18];
    f.extend_from_slice(&u32::try_from(payload.len()).unwrap().to_le_bytes());
    f.extend_from_slice(payload);
    f
}

/// A complete, well-formed frame that declares `content_size` bytes but holds one empty
/// raw block: a few bytes claiming anything.
fn frame_claiming(content_size: u64) -> Vec<u8> {
    let mut f = vec![0x28, 0xb5, 0x2f, 0xfd];
    // Frame_Header_Descriptor: 8-byte Frame_Content_Size (0b11 << 6), single segment
    // (so no Window_Descriptor), no checksum, no dictionary id.
    f.push(0b1110_0000);
    f.extend_from_slice(&content_size.to_le_bytes());
    // Block header: Last_Block = 1, Block_Type = Raw, Block_Size = 0.
    f.extend_from_slice(&[0x01, 0x00, 0x00]);
    f
}

fn decode(codec: &Zstd, bytes: &[u8]) -> Result<Vec<u8>, Error> {
    codec.decode_bytes(bytes).map(|a| a.as_bytes().to_vec())
}

fn decode_into(codec: &Zstd, bytes: &[u8], len: usize) -> Result<Vec<u8>, Error> {
    let mut out = vec![0xA5u8; len];
    codec.decode_into(DataRef::from(bytes), &mut ArrayViewMut::from_bytes(&mut out))?;
    Ok(out)
}

fn corrupt_reason(r: Result<Vec<u8>, Error>) -> String {
    match r {
        Err(Error::Corrupt { codec, reason }) => {
            assert_eq!(codec, "zstd");
            reason
        }
        other => panic!("expected Error::Corrupt, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Round trips and configuration.

#[test]
fn bytes_round_trip() {
    for codec in [
        Zstd::default(),
        Zstd::new(1).unwrap(),
        Zstd::new(3).unwrap().with_checksum(true),
        Zstd::new(-1).unwrap(),
        Zstd::new(-50).unwrap().with_checksum(true),
    ] {
        testing::assert_bytes_round_trip(&codec);
    }
}

#[test]
fn high_levels_round_trip() {
    // Level 19 and a level above 22 on a few arrays (the full sample set is slow there).
    for codec in [Zstd::new(19).unwrap().with_checksum(true), Zstd::new(100).unwrap()] {
        for n in [0, 1, 1000, 300_000] {
            let data = sample(n, n as u64);
            let e = codec.encode_bytes(&data).unwrap();
            assert_eq!(decode(&codec, e.as_bytes()).unwrap(), data);
            assert_eq!(decode_into(&codec, e.as_bytes(), n).unwrap(), data);
        }
    }
}

#[test]
fn config_round_trip() {
    for codec in [
        Zstd::default(),
        Zstd::new(3).unwrap().with_checksum(true),
        Zstd::new(-1).unwrap(),
        Zstd::new(22).unwrap(),
        Zstd::new(100).unwrap(),
        Zstd::new(zarrcodecs_zstd::min_level()).unwrap(),
        Zstd::new(-200_000).unwrap(),
        Zstd::new(i32::MIN).unwrap(),
    ] {
        testing::assert_config_round_trip(&codec);
    }
    assert_eq!(Zstd::default().get_config().unwrap(), json!({"id": "zstd", "level": 0, "checksum": false}));
    assert_eq!(
        Zstd::new(-7).unwrap().with_checksum(true).get_config().unwrap(),
        json!({"id": "zstd", "level": -7, "checksum": true})
    );
}

#[test]
fn levels_below_the_lowest_compress_as_it() {
    // numcodecs 0.15.2 writes the same bytes for -200000, -2^31 and -131072.
    let data: Vec<u8> = (0..1000u32).flat_map(u32::to_le_bytes).collect();
    let lowest = Zstd::new(zarrcodecs_zstd::min_level()).unwrap().encode_bytes(&data).unwrap();
    for level in [-200_000, i32::MIN] {
        let codec = Zstd::from_json(&json!({"id": "zstd", "level": level})).unwrap();
        assert_eq!(codec.get_config().unwrap()["level"], level);
        assert_eq!(codec.encode_bytes(&data).unwrap().as_bytes(), lowest.as_bytes(), "{level}");
    }
}

#[test]
fn bad_configs_are_rejected() {
    testing::assert_configs_rejected::<Zstd>(&[
        json!({"id": "zstd", "level": 3, "checksum": false, "extra": 1}),
        json!({"id": "zstd", "lvl": 3}),
        json!({"id": "zstd", "level": "3"}),
        json!({"id": "zstd", "level": 3.5}),
        json!({"id": "zstd", "level": null}),
        json!({"id": "zstd", "level": 1e12}),
        json!({"id": "zstd", "level": 3, "checksum": 1}),
        json!({"id": "zstd", "level": 3, "checksum": "true"}),
        json!({"id": "zlib", "level": 3}),
        json!({"id": 7, "level": 3}),
        json!([{"id": "zstd"}]),
        json!("zstd"),
        json!(3),
    ]);
}

#[test]
fn old_config_without_checksum_key() {
    let codec = Zstd::from_json(&json!({"id": "zstd", "level": 5})).unwrap();
    assert_eq!((codec.level(), codec.checksum()), (5, false));
    assert_eq!(codec.get_config().unwrap(), json!({"id": "zstd", "level": 5, "checksum": false}));
    // numcodecs.Zstd() takes no arguments at all either.
    let codec = Zstd::from_json(&json!({"id": "zstd"})).unwrap();
    assert_eq!((codec.level(), codec.checksum()), (0, false));
}

#[test]
fn level_above_max_is_echoed_and_compresses_as_22() {
    let data = sample(50_000, 1);
    let high = Zstd::new(1000).unwrap();
    assert_eq!(high.get_config().unwrap()["level"], 1000);
    let max = Zstd::new(zarrcodecs_zstd::max_level()).unwrap();
    assert_eq!(zarrcodecs_zstd::max_level(), 22);
    assert_eq!(high.encode_bytes(&data).unwrap(), max.encode_bytes(&data).unwrap());
    // ... while level 0 is zstd's default level 3.
    assert_eq!(Zstd::new(0).unwrap().encode_bytes(&data).unwrap(), Zstd::new(3).unwrap().encode_bytes(&data).unwrap());
}

#[test]
fn registry_builds_the_codec() {
    let codec = get_codec(&json!({"id": "zstd", "level": 4, "checksum": true})).unwrap();
    assert_eq!(codec.codec_id(), "zstd");
    assert_eq!(codec.get_config().unwrap(), json!({"id": "zstd", "level": 4, "checksum": true}));
    let v3 = get_codec(&json!({"name": "numcodecs.zstd", "configuration": {"level": 2}})).unwrap();
    assert_eq!(v3.get_config().unwrap(), json!({"id": "zstd", "level": 2, "checksum": false}));
    assert_eq!(get_codec(&json!({"id": "zstd", "level": -200000})).unwrap().get_config().unwrap()["level"], -200_000);
    assert!(matches!(get_codec(&json!({"id": "zstd", "level": "1"})), Err(Error::InvalidConfig { .. })));
    assert!(zarrcodecs_core::registry::registered_ids().contains(&"zstd".to_string()));
}

#[test]
fn versions() {
    assert_eq!(zarrcodecs_zstd::zstd_version(), "1.5.6", "Cargo.lock must pin zstd-sys 2.0.13+zstd.1.5.6");
    assert_eq!(zarrcodecs_zstd::min_level(), -131_072);
}

// ---------------------------------------------------------------------------
// Python's bytes.

fn check_known_answer(name: &str, config: &str, encoded_hex: &str) {
    let input = known_input();
    let encoded = unhex(encoded_hex);
    testing::assert_known_answer(
        |c| Ok(Box::new(Zstd::from_json(c)?)),
        &KnownAnswer { name, config, input: &input, encoded: &encoded, ignore: &[] },
    );
    // The registry builds the same codec.
    testing::assert_known_answer(
        get_codec,
        &KnownAnswer { name, config, input: &input, encoded: &encoded, ignore: &[] },
    );
}

#[test]
fn known_answer_level3_checksum() {
    check_known_answer(
        "level 3, checksum",
        r#"{"id": "zstd", "level": 3, "checksum": true}"#,
        include_str!("data/level3_checksum.hex"),
    );
    let info = frame_info(&unhex(include_str!("data/level3_checksum.hex"))).unwrap();
    assert_eq!(info.len(), 1);
    assert_eq!((info[0].content_size, info[0].has_checksum, info[0].skippable), (Some(4000), true, false));
}

#[test]
fn known_answer_level_minus_1() {
    check_known_answer(
        "level -1",
        r#"{"id": "zstd", "level": -1, "checksum": false}"#,
        include_str!("data/level-1.hex"),
    );
}

#[test]
fn known_answer_level22() {
    check_known_answer(
        "level 22",
        r#"{"id": "zstd", "level": 22, "checksum": false}"#,
        include_str!("data/level22.hex"),
    );
}

#[test]
fn known_answer_old_config() {
    check_known_answer(
        "level 1, old config",
        r#"{"id": "zstd", "level": 1}"#,
        include_str!("data/level1_old_config.hex"),
    );
}

#[test]
fn known_answer_empty_input() {
    // numcodecs.Zstd(level=3, checksum=True).encode(b'') (Python cannot decode it back).
    let python = unhex("28b52ffd240001000099e9d851");
    testing::assert_known_answer(
        |c| Ok(Box::new(Zstd::from_json(c)?)),
        &KnownAnswer {
            name: "empty input",
            config: r#"{"id": "zstd", "level": 3, "checksum": true}"#,
            input: &[],
            encoded: &python,
            ignore: &[],
        },
    );
    let codec = Zstd::default();
    let e = codec.encode_bytes(&[]).unwrap();
    assert_eq!(frame_info(e.as_bytes()).unwrap()[0].content_size, Some(0));
    assert_eq!(decode(&codec, e.as_bytes()).unwrap(), Vec::<u8>::new());
    assert_eq!(decode_into(&codec, e.as_bytes(), 0).unwrap(), Vec::<u8>::new());
}

// ---------------------------------------------------------------------------
// Streams numcodecs does not write but we read.

#[test]
fn concatenated_frames() {
    let codec = Zstd::new(3).unwrap();
    let (a, b) = (sample(70_000, 1), sample(5_000, 2));
    let mut stream = codec.encode_bytes(&a).unwrap().as_bytes().to_vec();
    let first_len = stream.len();
    stream.extend_from_slice(Zstd::new(-5).unwrap().with_checksum(true).encode_bytes(&b).unwrap().as_bytes());
    let whole: Vec<u8> = [a.clone(), b.clone()].concat();
    assert_eq!(decode(&codec, &stream).unwrap(), whole);
    assert_eq!(decode_into(&codec, &stream, whole.len()).unwrap(), whole);
    let info = frame_info(&stream).unwrap();
    assert_eq!(info.len(), 2);
    assert_eq!(info[0].compressed_size, first_len);
    assert_eq!(info[0].compressed_size + info[1].compressed_size, stream.len());
    assert_eq!((info[0].content_size, info[0].has_checksum), (Some(70_000), false));
    assert_eq!((info[1].content_size, info[1].has_checksum), (Some(5_000), true));
    // The declared total is checked against the limit, and against decode_into's buffer.
    let r = codec.decode_with(DataRef::from(&stream[..]), &limit(whole.len() - 1));
    assert!(matches!(r, Err(Error::DecodedSizeLimit { size: 75_000, .. })), "{r:?}");
    assert!(codec.decode_with(DataRef::from(&stream[..]), &limit(whole.len())).is_ok());
    let r = decode_into(&codec, &stream, 70_000);
    assert!(matches!(r, Err(Error::OutputSizeMismatch { expected: 70_000, actual: 75_000, .. })), "{r:?}");
}

#[test]
fn frame_without_content_size() {
    let codec = Zstd::default();
    for (n, checksum) in [(0, false), (1, true), (10_000, false), (1_000_000, true)] {
        let data = sample(n, 3);
        let frame = frame_without_size(&data, 3, checksum);
        assert_eq!(frame_info(&frame).unwrap()[0].has_checksum, checksum);
        assert_eq!(decode(&codec, &frame).unwrap(), data, "{n} bytes");
        assert_eq!(decode_into(&codec, &frame, n).unwrap(), data, "{n} bytes into a buffer");
        if n > 0 {
            let r = decode_into(&codec, &frame, n - 1);
            assert!(matches!(r, Err(Error::OutputSizeMismatch { actual, .. }) if actual == n), "{r:?}");
            // Far too small: the output fills up with frames still to come.
            let r = decode_into(&codec, &frame, n / 2);
            assert!(matches!(r, Err(Error::OutputSizeMismatch { actual, .. }) if actual > n / 2), "{r:?}");
            let r = decode_into(&codec, &frame, n + 1);
            assert!(matches!(r, Err(Error::OutputSizeMismatch { actual, .. }) if actual == n), "{r:?}");
            // The limit: exactly the size passes, one byte less is refused.
            let exact = codec.decode_with(DataRef::from(&frame[..]), &limit(n)).unwrap();
            assert_eq!(exact.as_bytes().expect("bytes"), &data[..]);
            let r = codec.decode_with(DataRef::from(&frame[..]), &limit(n - 1));
            assert!(matches!(r, Err(Error::DecodedSizeLimit { .. })), "{n}: {r:?}");
        }
    }
}

#[test]
fn frames_with_and_without_size_mixed() {
    let codec = Zstd::new(1).unwrap();
    let (a, b, c) = (sample(20_000, 4), sample(300_000, 5), sample(7, 6));
    let mut stream = codec.encode_bytes(&a).unwrap().as_bytes().to_vec();
    stream.extend(frame_without_size(&b, 5, true));
    stream.extend(skippable_frame(0xF, b"metadata"));
    stream.extend(codec.encode_bytes(&c).unwrap().as_bytes());
    let whole = [a, b, c].concat();
    assert_eq!(decode(&codec, &stream).unwrap(), whole);
    assert_eq!(decode_into(&codec, &stream, whole.len()).unwrap(), whole);
    assert!(matches!(decode_into(&codec, &stream, whole.len() + 1), Err(Error::OutputSizeMismatch { .. })));
}

#[test]
fn skippable_frames() {
    let codec = Zstd::new(3).unwrap();
    let data = sample(1234, 7);
    let real = codec.encode_bytes(&data).unwrap().as_bytes().to_vec();
    let skip = skippable_frame(0, b"some user data");
    for stream in [[skip.clone(), real.clone()].concat(), [real.clone(), skip.clone()].concat()] {
        assert_eq!(decode(&codec, &stream).unwrap(), data);
        assert_eq!(decode_into(&codec, &stream, data.len()).unwrap(), data);
        let info = frame_info(&stream).unwrap();
        assert_eq!(info.iter().filter(|f| f.skippable).count(), 1);
        let s = info.iter().find(|f| f.skippable).unwrap();
        assert_eq!((s.compressed_size, s.content_size, s.has_checksum), (8 + 14, Some(0), false));
    }
    // An empty skippable frame before the data, and a stream of skippable frames only.
    let stream = [skippable_frame(3, b""), real].concat();
    assert_eq!(decode(&codec, &stream).unwrap(), data);
    assert_eq!(decode(&codec, &skip).unwrap(), Vec::<u8>::new());
    // A skippable frame whose declared size runs past the end.
    let r = decode(&codec, &skip[..skip.len() - 1]);
    corrupt_reason(r);
}

// ---------------------------------------------------------------------------
// Limits and hostile input.

#[test]
fn huge_declared_size_is_refused_before_allocating() {
    let codec = Zstd::default();
    let bomb = frame_claiming(4 << 30);
    assert_eq!(bomb.len(), 16);
    let info = frame_info(&bomb).unwrap();
    assert_eq!(info, vec![info[0]]);
    assert_eq!(info[0].content_size, Some(4 << 30));
    let r = decode(&codec, &bomb);
    assert!(
        matches!(r, Err(Error::DecodedSizeLimit { size, limit, .. }) if size == 4 << 30 && limit == 2 << 30),
        "{r:?}"
    );
    let r = decode_into(&codec, &bomb, 16);
    assert!(matches!(r, Err(Error::OutputSizeMismatch { expected: 16, .. })), "{r:?}");
    // Two frames whose sizes overflow a u64 when added.
    let two = [frame_claiming(u64::MAX / 2 + 1), frame_claiming(u64::MAX / 2 + 1)].concat();
    assert!(matches!(decode(&codec, &two), Err(Error::DecodedSizeLimit { .. })));
    // With no limit at all, an absurd size is an allocation error, not an abort.
    let r = codec.decode_with(DataRef::from(&frame_claiming(u64::MAX - 16)[..]), &limit(usize::MAX));
    assert!(matches!(r, Err(Error::Allocation { .. } | Error::DecodedSizeLimit { .. })), "{r:?}");
    // A frame claiming a size its blocks do not hold is corrupt.
    let r = decode(&codec, &frame_claiming(100));
    assert!(!corrupt_reason(r).is_empty());
}

#[test]
fn empty_and_garbage_input() {
    let codec = Zstd::default();
    assert!(corrupt_reason(decode(&codec, &[])).contains("empty"));
    assert!(matches!(decode_into(&codec, &[], 0), Err(Error::Corrupt { .. })));
    let r = corrupt_reason(decode(&codec, b"this is not zstd at all"));
    assert!(r.contains("magic"), "{r}");
    let r = corrupt_reason(decode(&codec, &[0x28, 0xb5, 0x2f, 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff]));
    assert!(!r.is_empty());
    // A valid frame followed by garbage, or by a few stray bytes.
    let good = codec.encode_bytes(&sample(100, 8)).unwrap().as_bytes().to_vec();
    for tail in [&b"garbage!"[..], &[0], &[0x28, 0xb5, 0x2f]] {
        let r = corrupt_reason(decode(&codec, &[&good[..], tail].concat()));
        assert!(r.contains("frame 1"), "{r}");
    }
    // A legacy (v0.7) magic number: not supported.
    corrupt_reason(decode(&codec, &[0x27, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));
}

#[test]
fn truncation_and_corruption() {
    let codec = Zstd::new(3).unwrap().with_checksum(true);
    let data = sample(200_000, 9);
    let with_size = codec.encode_bytes(&data).unwrap().as_bytes().to_vec();
    testing::assert_rejects_truncation(&codec, &with_size);
    let no_checksum = Zstd::new(-1).unwrap().encode_bytes(&data).unwrap().as_bytes().to_vec();
    testing::assert_rejects_truncation(&codec, &no_checksum);
    // The streaming path: frames without a declared size.
    let without_size = frame_without_size(&data, 3, true);
    testing::assert_rejects_truncation(&codec, &without_size);
    let without_size = frame_without_size(&data, 1, false);
    testing::assert_rejects_truncation(&codec, &without_size);
    // zstd's own error name, found while walking the frames before decoding.
    let r = corrupt_reason(decode(&codec, &without_size[..without_size.len() / 2]));
    assert!(r.contains("Src size is incorrect"), "{r}");
    // Prefixes into decode_into too.
    for n in [0, 5, 20, without_size.len() / 2, without_size.len() - 1] {
        assert!(decode_into(&codec, &without_size[..n], data.len()).is_err(), "{n}-byte prefix");
    }
}

#[test]
fn checksum_mismatch_is_detected() {
    let codec = Zstd::new(3).unwrap().with_checksum(true);
    let data = sample(10_000, 10);
    for frame in [codec.encode_bytes(&data).unwrap().as_bytes().to_vec(), frame_without_size(&data, 3, true)] {
        let mut bad = frame.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0x40;
        let r = corrupt_reason(decode(&codec, &bad));
        assert!(r.contains("checksum"), "{r}");
        assert!(matches!(decode_into(&codec, &bad, data.len()), Err(Error::Corrupt { .. })));
    }
}

#[test]
fn decode_into_wrong_size() {
    let codec = Zstd::default();
    let data = sample(4096, 11);
    let e = codec.encode_bytes(&data).unwrap();
    for len in [0, 1, 4095, 4097, 100_000] {
        let r = decode_into(&codec, e.as_bytes(), len);
        assert!(
            matches!(r, Err(Error::OutputSizeMismatch { expected, actual: 4096, .. }) if expected == len),
            "{len}: {r:?}"
        );
    }
    // The caller's buffer is left untouched when the size is known to be wrong.
    let mut out = vec![0xA5u8; 4095];
    assert!(codec.decode_bytes_into(e.as_bytes(), &mut out).is_err());
    assert!(out.iter().all(|&b| b == 0xA5));
}

#[test]
fn object_arrays_are_refused() {
    let codec = Zstd::default();
    let objects = zarrcodecs_core::ObjectArray::from_items(vec![zarrcodecs_core::Object::None]);
    assert!(matches!(codec.encode(DataRef::from(&objects)), Err(Error::UnsupportedInput { .. })));
    assert!(matches!(codec.decode(DataRef::from(&objects)), Err(Error::UnsupportedInput { .. })));
}

#[test]
fn frame_info_errors() {
    assert!(matches!(frame_info(&[]), Err(Error::Corrupt { .. })));
    assert!(matches!(frame_info(b"nope"), Err(Error::Corrupt { .. })));
    let e = Zstd::default().encode_bytes(&sample(1000, 12)).unwrap().as_bytes().to_vec();
    let frames: Vec<FrameInfo> = frame_info(&e).unwrap();
    assert_eq!(frames.len(), 1);
    let f = frames[0];
    assert_eq!((f.compressed_size, f.content_size, f.has_checksum, f.skippable), (e.len(), Some(1000), false, false));
    for n in 1..e.len() {
        assert!(frame_info(&e[..n]).is_err(), "{n}-byte prefix");
    }
}

// ---------------------------------------------------------------------------
// Context reuse.

#[test]
fn pooled_contexts_carry_no_state() {
    let codec = Zstd::new(19).unwrap().with_checksum(true);
    let small = sample(3000, 13);
    let fresh = Zstd::new(19).unwrap().with_checksum(true).encode_bytes(&small).unwrap();
    // Use the codec's contexts on something else first (a large input, a failed and an
    // abandoned streaming decode), then compare with a fresh codec.
    let big = sample(500_000, 14);
    let e = codec.encode_bytes(&big).unwrap();
    assert_eq!(codec.encode_bytes(&small).unwrap(), fresh);
    let streamed = frame_without_size(&big, 1, true);
    assert!(decode(&codec, &streamed[..streamed.len() / 2]).is_err());
    assert!(decode_into(&codec, &streamed, 10).is_err());
    assert!(decode(&codec, b"garbage garbage").is_err());
    assert_eq!(decode(&codec, &streamed).unwrap(), big);
    assert_eq!(decode(&codec, e.as_bytes()).unwrap(), big);
    assert_eq!(codec.encode_bytes(&small).unwrap(), fresh);
}

#[test]
fn one_codec_many_threads() {
    let codec = Arc::new(Zstd::new(3).unwrap().with_checksum(true));
    let inputs: Vec<Vec<u8>> = (0..16).map(|i| sample(65_536 + i * 1000, i as u64)).collect();
    let expected: Vec<_> =
        inputs.iter().map(|d| Zstd::new(3).unwrap().with_checksum(true).encode_bytes(d).unwrap()).collect();
    let inputs = Arc::new(inputs);
    let expected = Arc::new(expected);
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let (codec, inputs, expected) = (codec.clone(), inputs.clone(), expected.clone());
            std::thread::spawn(move || {
                for round in 0..20 {
                    let i = (t * 7 + round) % inputs.len();
                    let e = codec.encode_bytes(&inputs[i]).unwrap();
                    assert_eq!(e, expected[i]);
                    assert_eq!(codec.decode_bytes(e.as_bytes()).unwrap().as_bytes(), &inputs[i][..]);
                    let streamed = frame_without_size(&inputs[i], 1, false);
                    assert_eq!(codec.decode_bytes(&streamed).unwrap().as_bytes(), &inputs[i][..]);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn encoded_frames_declare_size_and_checksum() {
    for checksum in [false, true] {
        let codec = Zstd::new(2).unwrap().with_checksum(checksum);
        let data = sample(300_000, 15);
        let e = codec.encode_bytes(&data).unwrap();
        let info = frame_info(e.as_bytes()).unwrap();
        assert_eq!(info.len(), 1);
        assert_eq!((info[0].content_size, info[0].has_checksum), (Some(300_000), checksum));
    }
}

/// Decode options with the given decoded-size limit.
fn limit(n: usize) -> DecodeOptions {
    DecodeOptions::default().with_decoded_size_limit(n)
}
