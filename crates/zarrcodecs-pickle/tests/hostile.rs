//! Hostile, corrupt and random pickles: always a typed error, never a panic, never a
//! large allocation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)]

use zarrcodecs_core::testing::{assert_rejects_truncation, Rng};
use zarrcodecs_core::{Codec, CodecExt, Data, DataRef, DecodeOptions, Error, NdArray, Object, ObjectArray};
use zarrcodecs_pickle::Pickle;

fn decode(bytes: &[u8]) -> Result<Data, Error> {
    Pickle::default().decode(DataRef::from(bytes))
}

fn assert_unsupported(bytes: &[u8], needle: &str) {
    match decode(bytes) {
        Err(Error::UnsupportedInput { reason, .. }) => {
            assert!(reason.contains(needle), "{reason:?} should mention {needle:?}");
        }
        other => panic!("{bytes:?}: expected UnsupportedInput mentioning {needle:?}, got {other:?}"),
    }
}

fn assert_corrupt(bytes: &[u8]) {
    match decode(bytes) {
        Err(Error::Corrupt { .. }) => {}
        other => panic!("{bytes:?}: expected Corrupt, got {other:?}"),
    }
}

fn sample_objects() -> ObjectArray {
    ObjectArray::new(
        vec![
            Object::Str("hello".into()),
            Object::Bytes(b"a\0b".to_vec().into()),
            Object::Int(-5),
            Object::Int(1 << 40),
            Object::Float(f64::NAN),
            Object::None,
            Object::Bool(true),
            Object::List(vec![Object::Str(String::new().into()), Object::List(vec![Object::Int(1)])]),
        ],
        vec![2, 4],
    )
    .unwrap()
}

/// Real pickles of every protocol, object and numeric.
fn real_pickles() -> Vec<Vec<u8>> {
    let objects = sample_objects();
    let numeric = NdArray::from_bytes(&[1, 0, 2, 0, 3, 0], "<i2".parse().unwrap(), vec![3]).unwrap();
    let mut out = Vec::new();
    for p in 0..=5 {
        let codec = Pickle::new(p).unwrap();
        out.push(codec.encode(DataRef::from(&objects)).unwrap().as_bytes().unwrap().to_vec());
        out.push(codec.encode(DataRef::from(&numeric)).unwrap().as_bytes().unwrap().to_vec());
    }
    out
}

#[test]
fn code_execution_globals_are_refused() {
    // GLOBAL + REDUCE (protocol 0), as in every pickle exploit.
    assert_unsupported(b"cos\nsystem\n(S'echo pwned'\ntR.", "os.system");
    assert_unsupported(b"cposix\nsystem\n(S'id'\ntR.", "posix.system");
    assert_unsupported(b"c__builtin__\neval\n(S'1+1'\ntR.", "__builtin__.eval");
    assert_unsupported(b"\x80\x02cbuiltins\nexec\nX\x01\x00\x00\x00x\x85R.", "builtins.exec");
    assert_unsupported(b"\x80\x02csubprocess\nPopen\n]\x85R.", "subprocess.Popen");
    assert_unsupported(b"\x80\x02cbuiltins\ngetattr\n.", "builtins.getattr");
    // STACK_GLOBAL (protocol 4+).
    assert_unsupported(
        b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R.",
        "os.system",
    );
    assert_unsupported(b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93.", "builtins.eval");
    // numpy functions other than the reconstructors are refused too.
    assert_unsupported(b"\x80\x02cnumpy\nload\n.", "numpy.load");
    assert_unsupported(b"\x80\x02cnumpy.core.multiarray\n_reconstruct_evil\n.", "_reconstruct_evil");
    // Very long names are shortened in the message.
    let mut long = b"c".to_vec();
    long.extend(std::iter::repeat_n(b'm', 10_000));
    long.extend_from_slice(b"\nf\n.");
    assert_unsupported(&long, "...");
}

#[test]
fn instantiating_opcodes_are_refused() {
    assert_unsupported(b"(S'id'\nios\nsystem\n.", "INST");
    assert_unsupported(b"(c_codecs\nencode\nS'x'\no.", "OBJ");
    assert_unsupported(b"\x80\x02cnumpy\nndarray\n)\x81.", "NEWOBJ");
    assert_unsupported(b"\x80\x04cnumpy\nndarray\n))\x92.", "NEWOBJ_EX");
    assert_unsupported(b"\x80\x02\x82\x01.", "EXT");
    assert_unsupported(b"\x80\x02\x83\x01\x00.", "EXT");
    assert_unsupported(b"Pid\n.", "persistent");
    assert_unsupported(b"\x80\x02N\x51.", "persistent");
    assert_unsupported(b"\x80\x05\x97.", "out-of-band");
    assert_unsupported(b"\x80\x02}.", "dict");
    assert_unsupported(b"\x80\x04\x8f.", "set");
}

#[test]
fn build_and_reduce_on_other_things_are_refused() {
    // BUILD on a global, a list, None.
    assert_unsupported(b"\x80\x02c_codecs\nencode\nNb.", "BUILD");
    assert_unsupported(b"\x80\x02]Nb.", "BUILD");
    assert_unsupported(b"\x80\x02NNb.", "BUILD");
    // REDUCE on a list, on numpy.ndarray itself, _reconstruct of another type.
    assert_unsupported(b"\x80\x02])R.", "REDUCE");
    assert_unsupported(b"\x80\x02cnumpy\nndarray\n)R.", "numpy.ndarray");
    assert_unsupported(
        b"\x80\x02cnumpy.core.multiarray\n_reconstruct\nc_codecs\nencode\nK\x00\x85C\x01b\x87R.",
        "ndarray",
    );
    // A pickle that is not an array at all.
    assert_unsupported(b"\x80\x02]q\x00.", "numpy array");
    assert_unsupported(b"\x80\x02K\x01.", "numpy array");
    // Integers beyond 64 bits.
    assert_unsupported(b"\x80\x02\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01.", "64 bits");
    assert_unsupported(b"L100000000000000000000L\n.", "64 bits");
    // codecs.encode to anything but latin-1 / UTF-8 / ASCII.
    assert_unsupported(b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00xX\x06\x00\x00\x00rot_13\x86R.", "rot_13");
}

#[test]
fn huge_lengths_and_counts_are_errors_without_allocating() {
    assert_corrupt(b"\x80\x02X\xff\xff\xff\xff.");
    assert_corrupt(b"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\x7f.");
    assert_corrupt(b"\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\xff.");
    assert_corrupt(b"\x80\x05\x96\x00\x00\x00\x00\x00\x00\x00\x80.");
    assert_corrupt(b"\x80\x03B\x00\x00\x00\x80.");
    assert_corrupt(b"\x80\x02\x8b\xff\xff\xff\x7f.");
    assert_corrupt(b"\x80\x02\x8b\xff\xff\xff\xff.");
    assert_corrupt(b"T\xff\xff\xff\x7f.");
    assert_corrupt(b"\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xff.");
    // Memo references to nothing, stack underflows, a missing STOP, an unknown opcode.
    assert_corrupt(b"\x80\x02h\x05.");
    assert_corrupt(b"\x80\x02j\xff\xff\xff\xff.");
    assert_corrupt(b"g99999999999999999999\n.");
    assert_corrupt(b"\x80\x02.");
    assert_corrupt(b"\x80\x02t.");
    assert_corrupt(b"\x80\x02(\x85.");
    assert_corrupt(b"\x80\x02N");
    assert_corrupt(b"\x80\x02\xff.");
    assert_corrupt(b"");
    // An array whose shape claims far more than its data holds.
    let numeric = NdArray::from_bytes(&[7; 77], "|u1".parse().unwrap(), vec![77]).unwrap();
    for p in [2, 5] {
        let good = Pickle::new(p).unwrap().encode(DataRef::from(&numeric)).unwrap().into_array().unwrap();
        let bad: Vec<u8> = good.as_bytes().to_vec();
        // The shape's BININT1 77 is the only "K\x4d".
        let i = bad.windows(2).position(|w| w == b"K\x4d").unwrap();
        let mut huge = bad.clone();
        huge.splice(i..i + 2, *b"J\xff\xff\xff\x7f");
        let r = decode(&fix_frame(&huge, p));
        assert!(matches!(r, Err(Error::Corrupt { .. })), "protocol {p}: {r:?}");
    }
}

/// Re-computes the length of a protocol 4+ pickle's only frame after an edit.
fn fix_frame(p: &[u8], proto: i64) -> Vec<u8> {
    let mut v = p.to_vec();
    if proto >= 4 && v.get(2) == Some(&0x95) {
        let len = (v.len() - 11) as u64;
        v[3..11].copy_from_slice(&len.to_le_bytes());
    }
    v
}

#[test]
fn shared_and_cyclic_lists_are_bounded() {
    // An object array holding one list; we swap that item for hostile list graphs.
    let one = ObjectArray::from_items(vec![Object::Int(0x0102_0304)]);
    let base = Pickle::new(2).unwrap().encode(DataRef::from(&one)).unwrap().into_array().unwrap();
    let base = base.as_bytes();
    let at = base.windows(5).position(|w| w == b"J\x04\x03\x02\x01").unwrap();
    let with_item = |item: &[u8]| -> Vec<u8> {
        let mut v = base[..at].to_vec();
        v.extend_from_slice(item);
        v.extend_from_slice(&base[at + 5..]);
        v
    };
    // A list that contains itself: nesting is bounded, a typed error.
    let cyclic = with_item(b"]r\x00\x10\x00\x00j\x00\x10\x00\x00a");
    assert!(matches!(decode(&cyclic), Err(Error::UnsupportedInput { .. })), "{:?}", decode(&cyclic));
    // Billion laughs: L(i) = [L(i-1), L(i-1)], 60 levels, 2**60 leaves.
    let mut laughs = b"]r\x00\x10\x00\x000".to_vec();
    for i in 1u32..60 {
        let prev = (0x1000 + i - 1).to_le_bytes();
        laughs.extend_from_slice(b"](j");
        laughs.extend_from_slice(&prev);
        laughs.push(b'j');
        laughs.extend_from_slice(&prev);
        laughs.extend_from_slice(b"er");
        laughs.extend_from_slice(&(0x1000 + i).to_le_bytes());
        laughs.push(b'0'); // pop it; the memo keeps it
    }
    laughs.push(b'j');
    laughs.extend_from_slice(&(0x1000u32 + 59).to_le_bytes());
    let bomb = with_item(&laughs);
    let options = DecodeOptions::default().with_decoded_size_limit(1 << 20);
    let r = Pickle::default().decode_with(DataRef::from(&bomb[..]), &options);
    assert!(matches!(r, Err(Error::DecodedSizeLimit { .. })), "{r:?}");
    // Deep nesting (no cycle): 10,000 levels.
    let mut deep = vec![b']'; 10_000];
    deep.extend(std::iter::repeat_n(b'a', 9_999));
    let r = decode(&with_item(&deep));
    assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{r:?}");
}

#[test]
fn decoded_size_limit_applies() {
    let big = ObjectArray::from_items((0..10_000).map(|i| Object::Str((format!("string {i}")).into())).collect());
    let codec = Pickle::default();
    let options = DecodeOptions::default().with_decoded_size_limit(100_000);
    let enc = codec.encode(DataRef::from(&big)).unwrap().into_array().unwrap();
    let r = codec.decode_with(DataRef::from(enc.as_bytes()), &options);
    assert!(matches!(r, Err(Error::DecodedSizeLimit { limit: 100_000, .. })), "{r:?}");
    assert!(codec.decode(DataRef::from(enc.as_bytes())).is_ok());
    // Numeric data: the array's own size counts.
    let numeric = NdArray::zeros("<f8".parse().unwrap(), vec![100_000]).unwrap();
    let enc = codec.encode_bytes(numeric.as_bytes()).unwrap();
    let r = codec.decode_with(DataRef::from(enc.as_bytes()), &options);
    assert!(matches!(r, Err(Error::DecodedSizeLimit { .. })), "{r:?}");
    assert!(codec.decode(DataRef::from(enc.as_bytes())).is_ok());
    // `decode_into` has no options: it decodes with the default limit.
    let mut out = vec![0u8; numeric.as_bytes().len()];
    codec.decode_bytes_into(enc.as_bytes(), &mut out).unwrap();
    assert_eq!(out, numeric.as_bytes());
    // Through the dyn interface.
    let dynamic: Box<dyn Codec> = Box::new(Pickle::default());
    let tiny = DecodeOptions::default().with_decoded_size_limit(10);
    assert!(matches!(
        dynamic.decode_with(DataRef::from(enc.as_bytes()), &tiny),
        Err(Error::DecodedSizeLimit { limit: 10, .. })
    ));
    assert!(dynamic.decode(DataRef::from(enc.as_bytes())).is_ok());
}

#[test]
fn truncations_and_bit_flips_never_panic() {
    for p in real_pickles() {
        assert_rejects_truncation(&Pickle::default(), &p);
    }
}

#[test]
fn random_mutations_never_panic() {
    let pickles = real_pickles();
    let mut rng = Rng::new(1234);
    for round in 0..20_000 {
        let base = &pickles[round % pickles.len()];
        let mut v = base.clone();
        let edits = 1 + (rng.next_u64() % 4) as usize;
        for _ in 0..edits {
            let i = (rng.next_u64() % v.len() as u64) as usize;
            match rng.next_u64() % 4 {
                0 => v[i] ^= 1 << (rng.next_u64() % 8),
                1 => v[i] = rng.next_u64() as u8,
                2 => {
                    v.remove(i);
                }
                _ => v.insert(i, rng.next_u64() as u8),
            }
            if v.is_empty() {
                break;
            }
        }
        let _ = decode(&v);
    }
}

#[test]
fn random_bytes_and_opcode_soup_never_panic() {
    let mut rng = Rng::new(99);
    for _ in 0..5_000 {
        let n = (rng.next_u64() % 200) as usize;
        let _ = decode(&rng.bytes(n));
    }
    // Sequences of valid opcodes with small arguments reach deeper states.
    let pieces: &[&[u8]] = &[
        b"(",
        b")",
        b"]",
        b"N",
        b"\x88",
        b"\x89",
        b"K\x01",
        b"K\x00",
        b"J\xff\xff\xff\xff",
        b"\x85",
        b"\x86",
        b"\x87",
        b"t",
        b"l",
        b"a",
        b"e",
        b"0",
        b"1",
        b"2",
        b"R",
        b"b",
        b"q\x00",
        b"q\x01",
        b"h\x00",
        b"h\x01",
        b"\x94",
        b"X\x01\x00\x00\x00|",
        b"X\x02\x00\x00\x00O8",
        b"X\x02\x00\x00\x00f8",
        b"X\x01\x00\x00\x00C",
        b"C\x01b",
        b"C\x08\x00\x00\x00\x00\x00\x00\xf0?",
        b"\x96\x02\x00\x00\x00\x00\x00\x00\x00ab",
        b"G\x00\x00\x00\x00\x00\x00\x00\x00",
        b"cnumpy.core.multiarray\n_reconstruct\n",
        b"cnumpy\nndarray\n",
        b"cnumpy\ndtype\n",
        b"c_codecs\nencode\n",
        b"cnumpy._core.numeric\n_frombuffer\n",
        b"cnumpy._core.multiarray\nscalar\n",
        b"c__builtin__\nbytes\n",
        b"X\x06\x00\x00\x00latin1",
        b"\x8a\x01\xff",
        b"V\\u00e9\n",
        b"I01\n",
        b"F1.5\n",
        b"\x98",
    ];
    for _ in 0..30_000 {
        let mut v = b"\x80\x02".to_vec();
        for _ in 0..(rng.next_u64() % 40) {
            v.extend_from_slice(pieces[(rng.next_u64() % pieces.len() as u64) as usize]);
        }
        v.push(b'.');
        let _ = decode(&v);
    }
}
