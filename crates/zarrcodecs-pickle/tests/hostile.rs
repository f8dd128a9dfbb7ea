//! Hostile, corrupt and random pickles: always a typed error, never a panic, never a
//! large allocation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)]

use zarrcodecs_core::testing::{assert_rejects_truncation, Rng};
use zarrcodecs_core::{BigInt, Codec, CodecExt, Data, DataRef, DecodeOptions, Error, NdArray, Object, ObjectArray};
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
            Object::Dict(vec![
                (Object::from("k"), Object::List(vec![])),
                (Object::Int(2), Object::Dict(vec![(Object::None, Object::Float(0.5))])),
            ]),
            Object::from(BigInt::from(-(1i128 << 70))),
            Object::Dict(vec![]),
            Object::Bool(false),
        ],
        vec![3, 4],
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
    assert_unsupported(b"\x80\x02}.", "numpy array");
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

/// A protocol 2 pickle of an object array whose one item is `item` (opcodes that
/// leave one value on the stack).
fn with_item(item: &[u8]) -> Vec<u8> {
    let one = ObjectArray::from_items(vec![Object::Int(0x0102_0304)]);
    let base = Pickle::new(2).unwrap().encode(DataRef::from(&one)).unwrap().into_array().unwrap();
    let base = base.as_bytes();
    let at = base.windows(5).position(|w| w == b"J\x04\x03\x02\x01").unwrap();
    let mut v = base[..at].to_vec();
    v.extend_from_slice(item);
    v.extend_from_slice(&base[at + 5..]);
    v
}

/// The one item of a decoded object array.
fn decode_item(item: &[u8]) -> Result<Object, Error> {
    let d = decode(&with_item(item))?.into_object().unwrap();
    Ok(d.items()[0].clone())
}

#[test]
fn shared_and_cyclic_lists_are_bounded() {
    assert_eq!(decode_item(b"J\x04\x03\x02\x01").unwrap(), Object::Int(0x0102_0304));
    // A list that contains itself: a typed error.
    assert_unsupported(&with_item(b"]r\x00\x10\x00\x00j\x00\x10\x00\x00a"), "contains itself");
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
fn malformed_dicts_are_typed_errors() {
    // SETITEMS without a MARK, SETITEM without a dict and key and value above the mark.
    assert_corrupt(&with_item(b"}K\x01K\x02u"));
    assert_corrupt(b"\x80\x02K\x01K\x02s.");
    assert_corrupt(b"\x80\x02}K\x01s.");
    assert_corrupt(&with_item(b"}(K\x01K\x02s"));
    // A MARK with nothing below it to fill.
    assert_corrupt(b"\x80\x02(K\x01K\x02u.");
    // Odd counts.
    assert_corrupt(&with_item(b"}(K\x01u"));
    assert_corrupt(&with_item(b"(K\x01K\x02K\x03d"));
    // Unhashable keys (Python's TypeError).
    for item in [&b"}(]K\x01u"[..], b"}(}K\x01u", b"(]K\x01d", b"}\x96\x01\x00\x00\x00\x00\x00\x00\x00xK\x01s"] {
        match decode(&with_item(item)) {
            Err(Error::Corrupt { reason, .. }) => assert!(reason.contains("unhashable"), "{reason}"),
            other => panic!("{item:?}: {other:?}"),
        }
    }
    // SETITEM on a list (Python's list.__setitem__): refused.
    assert_unsupported(&with_item(b"]K\x00K\x01s"), "not a dict");
    assert_unsupported(&with_item(b"N(K\x00K\x01u"), "not a dict");
    // An empty SETITEMS does nothing, whatever is below (as in CPython).
    assert_eq!(decode_item(b"K\x05(u").unwrap(), Object::Int(5));
    // Keys Python hashes but an Object cannot hold.
    assert_unsupported(&with_item(b"}(K\x01K\x02\x86K\x01u"), "tuple");
    // A dict that contains itself, directly or through a list; two dicts in a ring.
    let put = |i: u8| [b'r', i, 0x10, 0, 0];
    let get = |i: u8| [b'j', i, 0x10, 0, 0];
    let mut me = b"}".to_vec();
    me.extend(put(0));
    me.extend(b"X\x04\x00\x00\x00self");
    me.extend(get(0));
    me.push(b's');
    assert_unsupported(&with_item(&me), "contains itself");
    let mut via_list = b"}".to_vec();
    via_list.extend(put(0));
    via_list.extend(b"K\x01]");
    via_list.extend(get(0));
    via_list.extend(b"as");
    assert_unsupported(&with_item(&via_list), "contains itself");
    let mut ring = b"}".to_vec();
    ring.extend(put(0));
    ring.extend(b"K\x01}");
    ring.extend(put(1));
    ring.extend(b"K\x02");
    ring.extend(get(0));
    ring.extend(b"ss");
    assert_unsupported(&with_item(&ring), "contains itself");
    // Dicts nested 10,000 deep: a typed error, no stack overflow.
    let mut deep = b"}K\x01".repeat(10_000);
    deep.push(b'}');
    deep.extend(std::iter::repeat_n(b's', 10_000));
    assert_unsupported(&with_item(&deep), "nested");
    // Billion laughs with dicts: D(i) = {1: D(i-1), 2: D(i-1)}, 2**60 leaves.
    let mut laughs = b"}".to_vec();
    laughs.extend(put(0));
    laughs.push(b'0');
    for i in 1u8..60 {
        laughs.extend(b"}(K\x01");
        laughs.extend(get(i - 1));
        laughs.extend(b"K\x02");
        laughs.extend(get(i - 1));
        laughs.push(b'u');
        laughs.extend(put(i));
        laughs.push(b'0');
    }
    laughs.extend(get(59));
    let options = DecodeOptions::default().with_decoded_size_limit(1 << 20);
    let r = Pickle::default().decode_with(DataRef::from(&with_item(&laughs)[..]), &options);
    assert!(matches!(r, Err(Error::DecodedSizeLimit { .. })), "{r:?}");
    // A million SETITEMs of one key: bounded by the limit while reading.
    let mut repeat = b"}(".to_vec();
    for _ in 0..100_000 {
        repeat.extend(b"K\x01K\x02");
    }
    repeat.push(b'u');
    let r = Pickle::default().decode_with(DataRef::from(&with_item(&repeat)[..]), &options);
    assert!(matches!(r, Err(Error::DecodedSizeLimit { .. })), "{r:?}");
    let Object::Dict(d) = decode_item(&repeat).unwrap() else { panic!() };
    assert_eq!(d, vec![(Object::Int(1), Object::Int(2))]);
}

#[test]
fn malformed_and_huge_ints_are_typed_errors() {
    // LONG4 lengths beyond the input, negative, or absurd: nothing is allocated.
    assert_corrupt(&with_item(b"\x8b\xff\xff\xff\x7f"));
    assert_corrupt(&with_item(b"\x8b\x00\x00\x00\x80"));
    assert_corrupt(&with_item(b"\x8b\x10\x00\x00\x00\x01\x02"));
    assert_corrupt(&with_item(b"\x8a\xff\x01"));
    // Text ints Python's int() refuses.
    for item in [&b"I12a\n"[..], b"I\n", b"I08\n", b"I1__0\n", b"L\n", b"L010L\n", b"L12LL\n", b"I0x\n", b"I\xff\n"] {
        match decode(&with_item(item)) {
            Err(Error::Corrupt { reason, .. }) => assert!(reason.contains("int"), "{item:?}: {reason}"),
            other => panic!("{item:?}: {other:?}"),
        }
    }
    // No newline at all.
    assert_corrupt(b"\x80\x02L1234");
    // Decimal text beyond CPython's 4300 digits (quadratic to convert): refused as Python
    // refuses it; power-of-two bases have no such limit and are linear.
    let mut long = b"L".to_vec();
    long.extend(std::iter::repeat_n(b'9', 4301));
    long.extend(b"L\n");
    assert_unsupported(&with_item(&long), "4300");
    assert_unsupported(&with_item(&[b"I", &b"7".repeat(100_000)[..], b"\n"].concat()), "4300");
    let hex_digits = [b"L0x", &b"f".repeat(200_000)[..], b"L\n"].concat();
    let Object::BigInt(n) = decode_item(&hex_digits).unwrap() else { panic!() };
    assert_eq!(n.as_le_bytes().len(), 100_001);
    // Big ints count against the decoded-size limit.
    let options = DecodeOptions::default().with_decoded_size_limit(50_000);
    let r = Pickle::default().decode_with(DataRef::from(&with_item(&hex_digits)[..]), &options);
    assert!(matches!(r, Err(Error::DecodedSizeLimit { .. })), "{r:?}");
    let mut long4 = b"\x8b\xa0\x86\x01\x00".to_vec();
    long4.extend(std::iter::repeat_n(0x5a, 100_000));
    let r = Pickle::default().decode_with(DataRef::from(&with_item(&long4)[..]), &options);
    assert!(matches!(r, Err(Error::DecodedSizeLimit { .. })), "{r:?}");
    assert!(matches!(decode_item(&long4), Ok(Object::BigInt(_))));
    // Ints that fit in 64 bits are Object::Int however they are written.
    for item in [&b"\x8a\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"[..], b"L-1L\n", b"I-1\n"]
    {
        assert_eq!(decode_item(item).unwrap(), Object::Int(-1), "{item:?}");
    }
    // A big int where the array needs a small one: a typed error.
    let numeric = NdArray::from_bytes(&[7; 77], "|u1".parse().unwrap(), vec![77]).unwrap();
    let good = Pickle::new(2).unwrap().encode(DataRef::from(&numeric)).unwrap().into_array().unwrap();
    let i = good.as_bytes().windows(2).position(|w| w == b"K\x4d").unwrap();
    let mut bad = good.as_bytes().to_vec();
    bad.splice(i..i + 2, *b"\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01");
    assert_corrupt(&bad);
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
        b"}",
        b"d",
        b"s",
        b"u",
        b"\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01",
        b"\x8b\x01\x00\x00\x00\x80",
        b"L18446744073709551616L\n",
        b"I0x10\n",
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
