//! Round trips, configurations, errors and the flipped-bit property of every codec.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)] // test helpers outside #[test] functions

use serde_json::json;
use zarrcodecs_checksum32::{
    adler32, crc32, crc32c, fletcher32, jenkins_lookup3, Adler32, Crc32, Crc32c, Fletcher32, JenkinsLookup3, Location,
};
use zarrcodecs_core::testing::{self, Rng};
use zarrcodecs_core::{Codec, CodecExt, DataRef, DynCodec, Error, NdArray, StaticCodec};

fn all_codecs() -> Vec<Box<dyn Codec>> {
    vec![
        Box::new(Crc32::new()),
        Box::new(Crc32::new().with_location(Location::End)),
        Box::new(Crc32c::new()),
        Box::new(Crc32c::new().with_location(Location::Start)),
        Box::new(Adler32::new()),
        Box::new(Adler32::new().with_location(Location::End)),
        Box::new(Fletcher32::new()),
        Box::new(JenkinsLookup3::default()),
        Box::new(JenkinsLookup3::new(12345, None)),
        Box::new(JenkinsLookup3::new(u32::MAX, Some(b"prefix".to_vec()))),
    ]
}

#[test]
fn round_trips() {
    for codec in all_codecs() {
        testing::assert_bytes_round_trip(codec.as_ref());
    }
}

#[test]
fn formats() {
    let data = b"hello world!";
    let sum_first = |v: u32| [&v.to_le_bytes()[..], data].concat();
    let sum_last = |v: u32| [&data[..], &v.to_le_bytes()].concat();
    let enc = |c: &dyn Codec| c.encode_bytes(data).unwrap().as_bytes().to_vec();
    // Values from Python: zlib.crc32, crc32c.crc32c, zlib.adler32, numcodecs.
    assert_eq!(enc(&Crc32::new()), sum_first(0x03b4_c26d));
    assert_eq!(enc(&Crc32::new().with_location(Location::End)), sum_last(0x03b4_c26d));
    assert_eq!(enc(&Crc32c::new()), sum_last(0x49cb_5777));
    assert_eq!(enc(&Crc32c::new().with_location(Location::Start)), sum_first(0x49cb_5777));
    assert_eq!(enc(&Adler32::new()), sum_first(0x1e89_047e));
    assert_eq!(enc(&Fletcher32), sum_last(0xfc48_91ef));
    assert_eq!(enc(&JenkinsLookup3::default()), sum_last(0x4b89_46db));
    assert_eq!(enc(&JenkinsLookup3::new(12345, None)), sum_last(0xa165_6e24));
    assert_eq!(enc(&JenkinsLookup3::new(0, Some(b"abc".to_vec()))), sum_last(0xa54a_bdfd));
    assert_eq!(crc32(data), Crc32::checksum(data));
    assert_eq!(crc32c(data), Crc32c::checksum(data));
    assert_eq!(adler32(data), Adler32::checksum(data));
    assert_eq!(fletcher32(data), 0xfc48_91ef);
    assert_eq!(jenkins_lookup3(b"abchello world!", 0), 0xa54a_bdfd);
    // Typed arrays are checksummed as their raw bytes.
    let a = NdArray::from_bytes(&[1, 0, 0, 0, 2, 0, 0, 0], "<i4".parse().unwrap(), vec![2]).unwrap();
    let e = Crc32::new().encode(DataRef::from(&a)).unwrap();
    assert_eq!(e.as_bytes().unwrap(), Crc32::new().encode_bytes(a.as_bytes()).unwrap().as_bytes());
    assert_eq!(e.dtype().to_string(), "|u1");
}

#[test]
fn configs() {
    testing::assert_config_round_trip(&Crc32::new());
    testing::assert_config_round_trip(&Crc32::new().with_location(Location::Start));
    testing::assert_config_round_trip(&Crc32c::new().with_location(Location::End));
    testing::assert_config_round_trip(&Adler32::new().with_location(Location::End));
    testing::assert_config_round_trip(&Fletcher32);
    testing::assert_config_round_trip(&JenkinsLookup3::new(12345, Some(vec![0, 255, 7])));
    // `location` is written only when it was given, as numcodecs does.
    assert_eq!(Crc32::new().get_config().unwrap(), json!({"id": "crc32"}));
    assert_eq!(Crc32c::new().get_config().unwrap(), json!({"id": "crc32c"}));
    assert_eq!(
        Adler32::new().with_location(Location::Start).get_config().unwrap(),
        json!({"id": "adler32", "location": "start"})
    );
    assert_eq!(
        Crc32::from_json(&json!({"id": "crc32", "location": null})).unwrap().get_config().unwrap(),
        json!({"id": "crc32"})
    );
    assert_eq!(Crc32::new().location(), Location::Start);
    assert_eq!(Crc32c::new().location(), Location::End);
    assert_eq!(Adler32::new().location(), Location::Start);
    assert_eq!(Fletcher32.get_config().unwrap(), json!({"id": "fletcher32"}));
    assert_eq!(
        JenkinsLookup3::default().get_config().unwrap(),
        json!({"id": "jenkins_lookup3", "initval": 0, "prefix": null})
    );
    let j = JenkinsLookup3::from_json(&json!({"id": "jenkins_lookup3"})).unwrap();
    assert_eq!((j.initval(), j.prefix()), (0, None));
    let j = JenkinsLookup3::from_json(&json!({"initval": 4_294_967_295_u64, "prefix": [1, 2]})).unwrap();
    assert_eq!((j.initval(), j.prefix()), (u32::MAX, Some(&[1u8, 2][..])));

    testing::assert_configs_rejected::<Crc32>(&[
        json!({"id": "crc32", "location": "middle"}),
        json!({"id": "crc32", "location": "START"}),
        json!({"id": "crc32", "location": 0}),
        json!({"id": "crc32", "location": true}),
        json!({"id": "crc32", "foo": 1}),
        json!({"id": "crc32c"}),
        json!(["crc32"]),
    ]);
    testing::assert_configs_rejected::<Crc32c>(&[json!({"location": "both"}), json!({"checksum": 1})]);
    testing::assert_configs_rejected::<Adler32>(&[json!({"location": ["start"]})]);
    testing::assert_configs_rejected::<Fletcher32>(&[json!({"location": "end"}), json!({"id": "fletcher16"})]);
    testing::assert_configs_rejected::<JenkinsLookup3>(&[
        json!({"initval": 4_294_967_296_u64}),
        json!({"initval": -1}),
        json!({"initval": 1.5}),
        json!({"initval": "1"}),
        json!({"prefix": "abc"}),
        json!({"prefix": [256]}),
        json!({"prefix": [-1]}),
        json!({"prefix": 3}),
        json!({"initval": 0, "prefix": null, "location": "end"}),
    ]);
}

#[test]
fn mismatch_names_both_values_and_returns_nothing() {
    let data = b"hello world!";
    let mut bad = Crc32::new().encode_bytes(data).unwrap().as_bytes().to_vec();
    bad[4] ^= 0x01; // 'h' -> 'i'
    let computed = crc32(b"iello world!");
    match Crc32::new().decode_bytes(&bad) {
        Err(Error::ChecksumMismatch { codec, stored, computed: c }) => {
            assert_eq!(codec, "crc32");
            assert_eq!(stored, 0x03b4_c26d);
            assert_eq!(c, u64::from(computed));
            let msg = Crc32::new().decode_bytes(&bad).unwrap_err().to_string();
            assert!(msg.contains("0x03b4c26d") && msg.contains(&format!("{computed:#010x}")), "{msg}");
        }
        other => panic!("{other:?}"),
    }
    // decode_into leaves the caller's buffer alone on a mismatch.
    for codec in all_codecs() {
        let mut bad = codec.encode_bytes(data).unwrap().as_bytes().to_vec();
        bad[5] ^= 0x80;
        let mut out = [0xaau8; 12];
        let r = codec.decode_bytes_into(&bad, &mut out);
        assert!(matches!(r, Err(Error::ChecksumMismatch { .. })), "{}: {r:?}", codec.codec_id());
        assert_eq!(out, [0xaa; 12], "{}", codec.codec_id());
    }
}

#[test]
fn short_input_is_a_typed_error() {
    for codec in all_codecs() {
        for n in 0..4 {
            let r = codec.decode_bytes(&b"abcd"[..n]);
            assert!(matches!(r, Err(Error::Corrupt { .. })), "{} on {n} bytes: {r:?}", codec.codec_id());
            let r = codec.decode_bytes_into(&b"abcd"[..n], &mut []);
            assert!(matches!(r, Err(Error::Corrupt { .. })), "{} on {n} bytes: {r:?}", codec.codec_id());
        }
        // A bare checksum of empty data decodes to nothing.
        let empty = codec.encode_bytes(&[]).unwrap();
        assert_eq!(empty.as_bytes().len(), 4);
        assert!(codec.decode_bytes(empty.as_bytes()).unwrap().as_bytes().is_empty());
        let encoded = codec.encode_bytes(&Rng::new(5).bytes(300)).unwrap();
        testing::assert_rejects_truncation(codec.as_ref(), encoded.as_bytes());
    }
}

#[test]
fn object_arrays_are_refused() {
    let objects = zarrcodecs_core::ObjectArray::from_items(vec![zarrcodecs_core::Object::None]);
    for codec in all_codecs() {
        assert!(matches!(codec.encode(DataRef::from(&objects)), Err(Error::UnsupportedInput { .. })));
    }
}

/// Every flipped bit, in the payload or in the checksum, is detected: for every bit
/// of a small buffer, and at random places in a larger one.
#[test]
fn every_flipped_bit_is_detected() {
    let mut rng = Rng::new(1234);
    let small = rng.bytes(61);
    let large = rng.bytes(300_001);
    for codec in all_codecs() {
        let id = codec.codec_id().to_string();
        let encoded = codec.encode_bytes(&small).unwrap().as_bytes().to_vec();
        for bit in 0..encoded.len() * 8 {
            let mut bad = encoded.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            let r = codec.decode_bytes(&bad);
            assert!(matches!(r, Err(Error::ChecksumMismatch { .. })), "{id}: bit {bit} of {}", encoded.len());
        }
        let encoded = codec.encode_bytes(&large).unwrap().as_bytes().to_vec();
        let mut positions: Vec<usize> =
            (0..200).map(|_| (rng.next_u64() % (encoded.len() as u64 * 8)) as usize).collect();
        // The checksum's own bits, wherever it is.
        positions.extend(0..32);
        positions.extend((encoded.len() - 4) * 8..encoded.len() * 8);
        for bit in positions {
            let mut bad = encoded.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            let r = codec.decode_bytes(&bad);
            assert!(matches!(r, Err(Error::ChecksumMismatch { .. })), "{id}: bit {bit} of {}", encoded.len());
        }
    }
}

/// `decode_borrowed` returns the payload as a slice of the input (no copy), equal to
/// what `decode` returns, and refuses what `decode` refuses.
#[test]
fn decode_borrowed_is_the_verified_payload_in_place() {
    let data = Rng::new(77).bytes(100_003);
    for codec in all_codecs() {
        let id = codec.codec_id().to_string();
        let encoded = codec.encode_bytes(&data).unwrap();
        let input = encoded.as_bytes();
        let decoded = codec.decode_borrowed(DataRef::from(input)).unwrap();
        assert!(decoded.is_borrowed(), "{id}");
        let bytes = decoded.as_bytes().unwrap();
        assert_eq!(bytes, &data[..], "{id}");
        // The payload is where the input holds it: right after or before the checksum.
        let offset = bytes.as_ptr() as usize - input.as_ptr() as usize;
        assert!(offset == 0 || offset == 4, "{id}: offset {offset}");
        assert_eq!(decoded.view().as_array().unwrap().dtype().to_string(), "|u1");
        assert_eq!(decoded.clone().into_owned().unwrap(), codec.decode(DataRef::from(input)).unwrap(), "{id}");

        let mut bad = input.to_vec();
        bad[input.len() / 2] ^= 0x04;
        let r = codec.decode_borrowed(DataRef::from(&bad[..]));
        assert!(matches!(r, Err(Error::ChecksumMismatch { .. })), "{id}: {r:?}");
        for n in 0..4 {
            let r = codec.decode_borrowed(DataRef::from(&input[..n]));
            assert!(matches!(r, Err(Error::Corrupt { .. })), "{id} on {n} bytes: {r:?}");
        }
        let objects = zarrcodecs_core::ObjectArray::from_items(vec![zarrcodecs_core::Object::None]);
        let r = codec.decode_borrowed(DataRef::from(&objects));
        assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{id}: {r:?}");
    }
}
