//! The pickler: writes, opcode for opcode, what CPython 3.11's C pickler (`_pickle.c`)
//! writes for `pickle.dumps(array, protocol)` with numpy 2's reductions.
//!
//! Python memoizes objects by identity. The Rust values have none, so this pickler
//! shares exactly what CPython shares for data read from anywhere: its singletons (the
//! empty `str`, one-character latin-1 `str`s, `bytes` of length 0 and 1), numpy's
//! built-in dtype objects, and the globals and module names. Every other object is
//! written afresh (and memoized, as Python memoizes it).

use std::collections::HashMap;
use std::fmt;
use std::io::Write as _;

use zarrcodecs_core::{AlignedBuf, BigInt, ByteOrder, DType, DTypeKind, Error, Object, Result, TimeUnit};

use crate::opcodes::Opcode;
use crate::unpickler::MAX_NESTING;
use crate::CODEC_ID;

const FRAME_SIZE_MIN: usize = 4;
const FRAME_SIZE_TARGET: usize = 64 * 1024;
const FRAME_HEADER_SIZE: usize = 9;
const BATCHSIZE: usize = 1000;

/// The globals numpy's reductions name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Global {
    Reconstruct,
    Ndarray,
    DType,
    CodecsEncode,
    Bytes,
    FromBuffer,
}

impl Global {
    fn module(self, proto: u8) -> &'static str {
        match self {
            Global::Reconstruct => "numpy._core.multiarray",
            Global::Ndarray | Global::DType => "numpy",
            Global::CodecsEncode => "_codecs",
            // fix_imports maps builtins to Python 2's name below protocol 3.
            Global::Bytes if proto < 3 => "__builtin__",
            Global::Bytes => "builtins",
            Global::FromBuffer => "numpy._core.numeric",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Global::Reconstruct => "_reconstruct",
            Global::Ndarray => "ndarray",
            Global::DType => "dtype",
            Global::CodecsEncode => "encode",
            Global::Bytes => "bytes",
            Global::FromBuffer => "_frombuffer",
        }
    }
}

/// Identities CPython shares between objects of equal value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Global(Global),
    ModuleName(&'static str),
    /// The interned `"latin1"` of `_codecs.encode(s, "latin1")`.
    Latin1,
    EmptyStr,
    /// A one-character `str` below U+0100.
    Char(u8),
    EmptyBytes,
    Byte(u8),
    /// A numpy built-in dtype (native or no byte order).
    DType(DType),
}

fn str_key(s: &str) -> Option<Key> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (None, _) => Some(Key::EmptyStr),
        (Some(c), None) => u8::try_from(u32::from(c)).ok().map(Key::Char),
        _ => None,
    }
}

fn latin1_key(b: &[u8]) -> Option<Key> {
    match b {
        [] => Some(Key::EmptyStr),
        [c] => Some(Key::Char(*c)),
        _ => None,
    }
}

fn bytes_key(b: &[u8]) -> Option<Key> {
    match b {
        [] => Some(Key::EmptyBytes),
        [c] => Some(Key::Byte(*c)),
        _ => None,
    }
}

/// The text of a `str`: Rust UTF-8 or the latin-1 decoding of bytes (protocols 0-2
/// write `bytes` as `_codecs.encode(bytes.decode("latin1"), "latin1")`).
#[derive(Clone, Copy)]
enum Text<'a> {
    Utf8(&'a str),
    Latin1(&'a [u8]),
}

/// A numeric array's parts.
#[derive(Clone, Copy)]
pub(crate) struct Numeric<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) dtype: DType,
    pub(crate) shape: &'a [usize],
}

/// The data of an array to pickle.
#[derive(Clone, Copy)]
pub(crate) enum ArrayData<'a> {
    /// Items in C order, the shape, and numpy's Fortran flag (the items stay in C
    /// order: numpy pickles an F-ordered object array's items in logical order).
    Objects(&'a [Object], &'a [usize], bool),
    Numeric(Numeric<'a>),
}

pub(crate) struct Pickler<'a> {
    out: Vec<u8>,
    /// A large payload written by reference: it belongs at `out[.0]`, between the
    /// bytes before and after it (see [`Pickled`]).
    hole: Option<(usize, &'a [u8])>,
    proto: u8,
    framing: bool,
    frame_start: Option<usize>,
    memo_len: u64,
    memo: HashMap<Key, u64>,
    /// More than 2**32 memo entries (Python raises too).
    memo_overflow: bool,
}

/// `n` as a byte, where the caller has checked `n <= 255`.
fn byte(n: usize) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}

/// An opcode and its 4-byte little-endian argument.
fn with_u32(op: Opcode, n: u32) -> [u8; 5] {
    let mut h = [op.code(), 0, 0, 0, 0];
    h[1..].copy_from_slice(&n.to_le_bytes());
    h
}

/// An opcode and its 8-byte little-endian argument.
fn with_u64(op: Opcode, n: u64) -> [u8; 9] {
    let mut h = [op.code(), 0, 0, 0, 0, 0, 0, 0, 0];
    h[1..].copy_from_slice(&n.to_le_bytes());
    h
}

/// A pickle: `out`, with a borrowed payload inserted at a position when there is one
/// (a numeric array's data, not copied until the pickle is assembled).
pub(crate) struct Pickled<'a> {
    out: Vec<u8>,
    hole: Option<(usize, &'a [u8])>,
}

impl Pickled<'_> {
    /// The pickle in an aligned buffer, every byte copied once.
    pub(crate) fn into_buf(self) -> Result<AlignedBuf> {
        match self.hole {
            Some((at, data)) => {
                let (head, tail) = self.out.split_at(at.min(self.out.len()));
                AlignedBuf::concat(&[head, data, tail])
            }
            None => AlignedBuf::from_slice(&self.out),
        }
    }
}

/// Pickles an array as `pickle.dumps(array, protocol)` does (`proto` 0 to 5).
pub(crate) fn dumps(data: ArrayData<'_>, proto: u8) -> Result<Pickled<'_>> {
    if let ArrayData::Numeric(n) = data {
        check_numeric_dtype(n.dtype)?;
    }
    // Room for the data and the header, or about 16 bytes per object.
    let estimate = match data {
        // Protocols 3 to 5 leave a numeric array's data out of `out` (see `Pickled`).
        ArrayData::Numeric(_) if proto >= 3 => 512,
        ArrayData::Numeric(n) => n.bytes.len().saturating_add(512),
        ArrayData::Objects(items, _, _) => items.len().saturating_mul(16).saturating_add(512),
    };
    let mut p = Pickler {
        out: Vec::with_capacity(estimate.min(1 << 30)),
        hole: None,
        proto,
        framing: false,
        frame_start: None,
        memo_len: 0,
        memo: HashMap::new(),
        memo_overflow: false,
    };
    if proto >= 2 {
        p.write(&[Opcode::PROTO.code(), proto]);
        if proto >= 4 {
            p.framing = true;
        }
    }
    p.save_array(data)?;
    p.op(Opcode::STOP);
    p.commit_frame();
    if p.memo_overflow {
        return Err(Error::unsupported_input(CODEC_ID, "more than 2**32 objects to memoize"));
    }
    Ok(Pickled { out: p.out, hole: p.hole })
}

fn check_numeric_dtype(dtype: DType) -> Result<()> {
    if dtype.is_object() {
        return Err(Error::unsupported_input(CODEC_ID, "object data must be an ObjectArray"));
    }
    Ok(())
}

fn is_datetime(dtype: DType) -> bool {
    matches!(dtype.kind(), DTypeKind::Datetime { .. } | DTypeKind::Timedelta { .. })
}

impl<'a> Pickler<'a> {
    fn write(&mut self, data: &[u8]) {
        // A frame starts with a placeholder header, made a FRAME or removed when the
        // frame is committed.
        if self.framing && self.frame_start.is_none() {
            self.frame_start = Some(self.out.len());
            self.out.extend_from_slice(&[0xfe; FRAME_HEADER_SIZE]);
        }
        self.out.extend_from_slice(data);
    }

    /// An opcode without an argument.
    fn op(&mut self, op: Opcode) {
        self.write(&[op.code()]);
    }

    /// An opcode with a text argument and its newline (protocol 0's opcodes).
    fn op_line(&mut self, op: Opcode, arg: impl fmt::Display) {
        let mut line = vec![op.code()];
        // Writing to a Vec cannot fail.
        let _ = writeln!(line, "{arg}");
        self.write(&line);
    }

    fn commit_frame(&mut self) {
        if !self.framing {
            return;
        }
        if let Some(start) = self.frame_start.take() {
            let len = self.out.len() - start - FRAME_HEADER_SIZE;
            if len >= FRAME_SIZE_MIN {
                self.out[start] = Opcode::FRAME.code();
                self.out[start + 1..start + FRAME_HEADER_SIZE].copy_from_slice(&(len as u64).to_le_bytes());
            } else {
                self.out.drain(start..start + FRAME_HEADER_SIZE);
            }
        }
    }

    /// `_Pickler_OpcodeBoundary`, at the start of every `save()`.
    fn boundary(&mut self) {
        if let (true, Some(start)) = (self.framing, self.frame_start) {
            if self.out.len() - start - FRAME_HEADER_SIZE >= FRAME_SIZE_TARGET {
                self.commit_frame();
            }
        }
    }

    /// `_Pickler_write_bytes`: large payloads go outside any frame.
    fn write_bytes(&mut self, header: &[u8], data: &[u8]) {
        let bypass = data.len() >= FRAME_SIZE_TARGET;
        let framing = self.framing;
        if bypass {
            self.commit_frame();
            self.framing = false;
        }
        self.write(header);
        self.write(data);
        self.framing = framing;
    }

    /// [`Pickler::write_bytes`] for a payload that outlives the pickler: a large one is
    /// not copied here but recorded as the pickle's hole (there is at most one: an
    /// array's data). What follows it only appends to `out` or patches frames that
    /// start after it, so positions in `out` stay valid.
    fn write_bytes_borrowed(&mut self, header: &[u8], data: &'a [u8]) {
        if data.len() < FRAME_SIZE_TARGET || self.hole.is_some() {
            return self.write_bytes(header, data);
        }
        let framing = self.framing;
        self.commit_frame();
        self.framing = false;
        self.write(header);
        self.hole = Some((self.out.len(), data));
        self.framing = framing;
    }

    fn memo_put(&mut self, key: Option<Key>) {
        let idx = self.memo_len;
        self.memo_len += 1;
        if let Some(k) = key {
            self.memo.insert(k, idx);
        }
        if self.proto >= 4 {
            self.op(Opcode::MEMOIZE);
        } else if self.proto == 0 {
            self.op_line(Opcode::PUT, idx);
        } else if let Ok(i) = u8::try_from(idx) {
            self.write(&[Opcode::BINPUT.code(), i]);
        } else {
            let idx32 = u32::try_from(idx).unwrap_or_else(|_| {
                self.memo_overflow = true;
                u32::MAX
            });
            self.write(&with_u32(Opcode::LONG_BINPUT, idx32));
        }
    }

    /// Writes a GET if `key` is memoized.
    fn memo_get(&mut self, key: Option<&Key>) -> bool {
        let Some(&idx) = key.and_then(|k| self.memo.get(k)) else { return false };
        if self.proto == 0 {
            self.op_line(Opcode::GET, idx);
        } else if let Ok(i) = u8::try_from(idx) {
            self.write(&[Opcode::BINGET.code(), i]);
        } else {
            let idx32 = u32::try_from(idx).unwrap_or_else(|_| {
                self.memo_overflow = true;
                u32::MAX
            });
            self.write(&with_u32(Opcode::LONG_BINGET, idx32));
        }
        true
    }

    fn save_none(&mut self) {
        self.boundary();
        self.op(Opcode::NONE);
    }

    fn save_bool(&mut self, v: bool) {
        self.boundary();
        match (self.proto >= 2, v) {
            (true, true) => self.op(Opcode::NEWTRUE),
            (true, false) => self.op(Opcode::NEWFALSE),
            // Protocols 0 and 1: INT's special forms of True and False.
            (false, true) => self.op_line(Opcode::INT, "01"),
            (false, false) => self.op_line(Opcode::INT, "00"),
        }
    }

    fn save_int(&mut self, v: i64) {
        self.boundary();
        if let Ok(small) = i32::try_from(v) {
            if self.proto == 0 {
                self.op_line(Opcode::INT, small);
            } else if let Ok(b) = u8::try_from(small) {
                self.write(&[Opcode::BININT1.code(), b]);
            } else if let Ok(b) = u16::try_from(small) {
                let [lo, hi] = b.to_le_bytes();
                self.write(&[Opcode::BININT2.code(), lo, hi]);
            } else {
                let mut op = [Opcode::BININT.code(), 0, 0, 0, 0];
                op[1..].copy_from_slice(&small.to_le_bytes());
                self.write(&op);
            }
        } else if self.proto >= 2 {
            // LONG1: little-endian two's complement, one byte more than the magnitude's
            // bits need, less one for -(2**(8j-1)).
            let nbits = 64 - v.unsigned_abs().leading_zeros() as usize;
            let mut nbytes = (nbits >> 3) + 1;
            let all = i128::from(v).to_le_bytes();
            if v < 0 && nbytes > 1 && all[nbytes - 1] == 0xff && all[nbytes - 2] & 0x80 != 0 {
                nbytes -= 1;
            }
            self.write(&[Opcode::LONG1.code(), byte(nbytes)]);
            self.write(&all[..nbytes]);
        } else {
            self.op_line(Opcode::LONG, format_args!("{v}L"));
        }
    }

    /// CPython's `save_long` beyond 32 bits: LONG1 or LONG4 (the shortest two's
    /// complement bytes) at protocol 2+, else `L<decimal>L` (Python's `repr`, bounded
    /// by the 4300-digit int/str conversion limit, beyond which Python raises too).
    fn save_big_int(&mut self, n: &BigInt) -> Result<()> {
        if let Some(v) = n.to_i64() {
            self.save_int(v);
            return Ok(());
        }
        if self.proto >= 2 {
            self.boundary();
            let bytes = n.as_le_bytes();
            if bytes.len() <= 0xff {
                self.write(&[Opcode::LONG1.code(), byte(bytes.len())]);
            } else {
                let len = i32::try_from(bytes.len())
                    .map_err(|_| Error::unsupported_input(CODEC_ID, "int too large to pickle"))?;
                self.write(&with_u32(Opcode::LONG4, len.unsigned_abs()));
            }
            // Inside the frame, however long (`_Pickler_Write`, not `_Pickler_write_bytes`).
            self.write(bytes);
        } else {
            // The magnitude's digits: `BigInt::to_decimal`'s early size check counts
            // one byte too many for some negative values just below the limit.
            let text = if n.is_negative() {
                crate::int_text::negate(n).to_decimal().map(|t| format!("-{t}"))
            } else {
                n.to_decimal()
            };
            let text = text.map_err(|e| {
                Error::unsupported_input(CODEC_ID, format_args!("protocols 0 and 1 write ints as text: {e}"))
            })?;
            self.boundary();
            self.op_line(Opcode::LONG, format_args!("{text}L"));
        }
        Ok(())
    }

    fn save_float(&mut self, v: f64) {
        self.boundary();
        if self.proto == 0 {
            self.op_line(Opcode::FLOAT, py_float_repr(v));
        } else {
            // BINFLOAT's argument is big-endian, unlike every other.
            let mut op = [Opcode::BINFLOAT.code(), 0, 0, 0, 0, 0, 0, 0, 0];
            op[1..].copy_from_slice(&v.to_be_bytes());
            self.write(&op);
        }
    }

    fn save_str(&mut self, text: Text<'_>, key: Option<Key>) {
        self.boundary();
        if self.memo_get(key.as_ref()) {
            return;
        }
        if self.proto == 0 {
            let mut line = vec![Opcode::UNICODE.code()];
            match text {
                Text::Utf8(s) => s.chars().for_each(|c| raw_unicode_escape(u32::from(c), &mut line)),
                Text::Latin1(b) => b.iter().for_each(|&c| raw_unicode_escape(u32::from(c), &mut line)),
            }
            line.push(b'\n');
            self.write(&line);
        } else {
            let converted;
            let utf8: &[u8] = match text {
                Text::Utf8(s) => s.as_bytes(),
                Text::Latin1(b) => {
                    converted = latin1_to_utf8(b);
                    &converted
                }
            };
            let n = utf8.len();
            if n <= 0xff && self.proto >= 4 {
                self.write_bytes(&[Opcode::SHORT_BINUNICODE.code(), byte(n)], utf8);
            } else if let Ok(n32) = u32::try_from(n) {
                self.write_bytes(&with_u32(Opcode::BINUNICODE, n32), utf8);
            } else {
                self.write_bytes(&with_u64(Opcode::BINUNICODE8, n as u64), utf8);
            }
        }
        self.memo_put(key);
    }

    fn save_bytes(&mut self, b: &'a [u8]) -> Result<()> {
        self.boundary();
        let key = bytes_key(b);
        if self.memo_get(key.as_ref()) {
            return Ok(());
        }
        if self.proto >= 3 {
            let n = b.len();
            if n <= 0xff {
                self.write_bytes(&[Opcode::SHORT_BINBYTES.code(), byte(n)], b);
            } else if let Ok(n32) = u32::try_from(n) {
                self.write_bytes_borrowed(&with_u32(Opcode::BINBYTES, n32), b);
            } else {
                self.write_bytes_borrowed(&with_u64(Opcode::BINBYTES8, n as u64), b);
            }
        } else if b.is_empty() {
            // bytes(): a reduce of the type with no arguments.
            self.save_global(Global::Bytes);
            self.save_empty_tuple();
            self.op(Opcode::REDUCE);
        } else {
            if b.len() > u32::MAX as usize / 2 {
                return Err(Error::unsupported_input(CODEC_ID, "bytes over 2 GiB need protocol 3 or later"));
            }
            self.save_global(Global::CodecsEncode);
            self.tuple_begin(2);
            self.save_str(Text::Latin1(b), latin1_key(b));
            self.save_str(Text::Utf8("latin1"), Some(Key::Latin1));
            self.tuple_end(2);
            self.op(Opcode::REDUCE);
        }
        self.memo_put(key);
        Ok(())
    }

    fn save_global(&mut self, g: Global) {
        self.boundary();
        let key = Key::Global(g);
        if self.memo_get(Some(&key)) {
            return;
        }
        let module = g.module(self.proto);
        if self.proto >= 4 {
            self.save_str(Text::Utf8(module), Some(Key::ModuleName(module)));
            self.save_str(Text::Utf8(g.name()), None);
            self.op(Opcode::STACK_GLOBAL);
        } else {
            self.op_line(Opcode::GLOBAL, format_args!("{module}\n{}", g.name()));
        }
        self.memo_put(Some(key));
    }

    fn save_empty_tuple(&mut self) {
        self.boundary();
        if self.proto == 0 {
            self.write(&[Opcode::MARK.code(), Opcode::TUPLE.code()]);
        } else {
            self.op(Opcode::EMPTY_TUPLE);
        }
    }

    /// Starts a non-empty tuple (its `save()`): a MARK unless TUPLE1-3 will close it.
    fn tuple_begin(&mut self, len: usize) {
        self.boundary();
        if len > 3 || self.proto < 2 {
            self.op(Opcode::MARK);
        }
    }

    fn tuple_end(&mut self, len: usize) {
        match (self.proto >= 2, len) {
            (true, 1) => self.op(Opcode::TUPLE1),
            (true, 2) => self.op(Opcode::TUPLE2),
            (true, 3) => self.op(Opcode::TUPLE3),
            _ => self.op(Opcode::TUPLE),
        }
        self.memo_put(None);
    }

    fn save_shape(&mut self, shape: &[usize]) -> Result<()> {
        if shape.is_empty() {
            self.save_empty_tuple();
            return Ok(());
        }
        self.tuple_begin(shape.len());
        for &d in shape {
            let d = i64::try_from(d).map_err(|_| Error::unsupported_input(CODEC_ID, "dimension too large"))?;
            self.save_int(d);
        }
        self.tuple_end(shape.len());
        Ok(())
    }

    fn save_dtype(&mut self, dtype: DType) -> Result<()> {
        self.boundary();
        // numpy's built-in descriptors are shared; byte-swapped and datetime ones are
        // new objects.
        let key =
            (dtype.byte_order() != ByteOrder::NATIVE.swapped() && !is_datetime(dtype)).then_some(Key::DType(dtype));
        if self.memo_get(key.as_ref()) {
            return Ok(());
        }
        let (name, elsize, align, flags, unit) = dtype_reduce(dtype);
        self.save_global(Global::DType);
        self.tuple_begin(3);
        self.save_str(Text::Utf8(&name), None);
        self.save_bool(false);
        self.save_bool(true);
        self.tuple_end(3);
        self.op(Opcode::REDUCE);
        self.memo_put(key);
        let state_len = if unit.is_some() { 9 } else { 8 };
        self.tuple_begin(state_len);
        self.save_int(if unit.is_some() { 4 } else { 3 });
        let order = [dtype.byte_order().as_char() as u8];
        self.save_str(Text::Latin1(&order), latin1_key(&order));
        self.save_none();
        self.save_none();
        self.save_none();
        self.save_int(elsize);
        self.save_int(align);
        self.save_int(flags);
        if let Some((unit, multiplier)) = unit {
            // The metadata: (None, (unit, multiplier, 1, 1)).
            self.tuple_begin(2);
            self.save_none();
            self.tuple_begin(4);
            self.save_bytes(unit.as_bytes())?;
            self.save_int(i64::from(multiplier));
            self.save_int(1);
            self.save_int(1);
            self.tuple_end(4);
            self.tuple_end(2);
        }
        self.tuple_end(state_len);
        self.op(Opcode::BUILD);
        Ok(())
    }

    /// Saves an item nested `depth` containers deep.
    fn save_object(&mut self, o: &'a Object, depth: usize) -> Result<()> {
        if depth > MAX_NESTING {
            return Err(Error::unsupported_input(
                CODEC_ID,
                format_args!("objects nested more than {MAX_NESTING} deep (the unpickler reads no deeper)"),
            ));
        }
        match o {
            Object::None => self.save_none(),
            Object::Bool(b) => self.save_bool(*b),
            Object::Int(i) => self.save_int(*i),
            Object::Float(f) => self.save_float(*f),
            Object::Str(s) => self.save_str(Text::Utf8(s), str_key(s)),
            Object::Bytes(b) => self.save_bytes(b)?,
            Object::List(items) => self.save_list(items, depth)?,
            Object::BigInt(n) => self.save_big_int(n)?,
            Object::Dict(pairs) => self.save_dict(pairs, depth)?,
            Object::Array(a) => {
                check_numeric_dtype(a.dtype())?;
                self.save_array(ArrayData::Numeric(Numeric {
                    bytes: a.as_bytes(),
                    dtype: a.dtype(),
                    shape: a.shape(),
                }))?;
            }
        }
        Ok(())
    }

    /// CPython's `save_dict`: an empty dict, memoized, then its items: one
    /// `SETITEM` each at protocol 0; one `SETITEM` for a single item; else
    /// `MARK ... SETITEMS` batches of 1000 (`batch_dict_exact`, which ends a dict of
    /// a multiple of 1000 items with an empty batch).
    fn save_dict(&mut self, pairs: &'a [(Object, Object)], depth: usize) -> Result<()> {
        crate::dict_key::check_keys(pairs)?;
        self.boundary();
        if self.proto == 0 {
            self.write(&[Opcode::MARK.code(), Opcode::DICT.code()]);
        } else {
            self.op(Opcode::EMPTY_DICT);
        }
        self.memo_put(None);
        if pairs.is_empty() {
            return Ok(());
        }
        if self.proto == 0 || pairs.len() == 1 {
            for (k, v) in pairs {
                self.save_object(k, depth + 1)?;
                self.save_object(v, depth + 1)?;
                self.op(Opcode::SETITEM);
            }
            return Ok(());
        }
        let mut rest = pairs;
        loop {
            let (batch, tail) = rest.split_at(rest.len().min(BATCHSIZE));
            self.op(Opcode::MARK);
            for (k, v) in batch {
                self.save_object(k, depth + 1)?;
                self.save_object(v, depth + 1)?;
            }
            self.op(Opcode::SETITEMS);
            rest = tail;
            if batch.len() < BATCHSIZE {
                return Ok(());
            }
        }
    }

    fn save_list(&mut self, items: &'a [Object], depth: usize) -> Result<()> {
        self.boundary();
        if self.proto == 0 {
            self.write(&[Opcode::MARK.code(), Opcode::LIST.code()]);
        } else {
            self.op(Opcode::EMPTY_LIST);
        }
        self.memo_put(None);
        if items.is_empty() {
            return Ok(());
        }
        if self.proto == 0 {
            for o in items {
                self.save_object(o, depth + 1)?;
                self.op(Opcode::APPEND);
            }
        } else if items.len() == 1 {
            self.save_object(&items[0], depth + 1)?;
            self.op(Opcode::APPEND);
        } else {
            for batch in items.chunks(BATCHSIZE) {
                self.op(Opcode::MARK);
                for o in batch {
                    self.save_object(o, depth + 1)?;
                }
                self.op(Opcode::APPENDS);
            }
        }
        Ok(())
    }

    /// numpy's `ndarray.__reduce_ex__(protocol)`.
    fn save_array(&mut self, data: ArrayData<'a>) -> Result<()> {
        self.boundary();
        if let ArrayData::Numeric(n) = data {
            if self.proto >= 5 && n.dtype.itemsize() > 0 && !is_datetime(n.dtype) {
                // _frombuffer(PickleBuffer(a), a.dtype, a.shape, 'C'), the buffer in-band.
                self.save_global(Global::FromBuffer);
                self.tuple_begin(4);
                self.boundary();
                self.write_bytes_borrowed(&with_u64(Opcode::BYTEARRAY8, n.bytes.len() as u64), n.bytes);
                self.memo_put(None);
                self.save_dtype(n.dtype)?;
                self.save_shape(n.shape)?;
                self.save_str(Text::Utf8("C"), str_key("C"));
                self.tuple_end(4);
                self.op(Opcode::REDUCE);
                self.memo_put(None);
                return Ok(());
            }
        }
        // _reconstruct(ndarray, (0,), b'b'), then __setstate__((1, shape, dtype, is_fortran, data)).
        self.save_global(Global::Reconstruct);
        self.tuple_begin(3);
        self.save_global(Global::Ndarray);
        self.tuple_begin(1);
        self.save_int(0);
        self.tuple_end(1);
        self.save_bytes(b"b")?;
        self.tuple_end(3);
        self.op(Opcode::REDUCE);
        self.memo_put(None);
        self.tuple_begin(5);
        self.save_int(1);
        match data {
            ArrayData::Objects(items, shape, fortran) => {
                self.save_shape(shape)?;
                self.save_dtype(DType::OBJECT)?;
                self.save_bool(fortran);
                self.save_list(items, 0)?;
            }
            ArrayData::Numeric(n) => {
                self.save_shape(n.shape)?;
                self.save_dtype(n.dtype)?;
                self.save_bool(false);
                self.save_bytes(n.bytes)?;
            }
        }
        self.tuple_end(5);
        self.op(Opcode::BUILD);
        Ok(())
    }
}

trait Swapped {
    fn swapped(self) -> Self;
}

impl Swapped for ByteOrder {
    fn swapped(self) -> Self {
        match self {
            ByteOrder::Little => ByteOrder::Big,
            ByteOrder::Big => ByteOrder::Little,
            ByteOrder::NotApplicable => ByteOrder::NotApplicable,
        }
    }
}

/// `dtype.__reduce__()`: the constructor's name, the state's elsize, alignment and
/// flags, and a datetime's unit and multiplier.
fn dtype_reduce(dtype: DType) -> (String, i64, i64, i64, Option<(&'static str, u32)>) {
    let n = dtype.itemsize();
    let ni = i64::try_from(n).unwrap_or(i64::MAX);
    match dtype.kind() {
        DTypeKind::Bool => ("b1".into(), -1, -1, 0, None),
        DTypeKind::Int => (format!("i{n}"), -1, -1, 0, None),
        DTypeKind::UInt => (format!("u{n}"), -1, -1, 0, None),
        DTypeKind::Float => (format!("f{n}"), -1, -1, 0, None),
        DTypeKind::Complex => (format!("c{n}"), -1, -1, 0, None),
        DTypeKind::Object => ("O8".into(), -1, -1, 63, None),
        DTypeKind::Bytes => (format!("S{n}"), ni, 1, 0, None),
        DTypeKind::Void => (format!("V{n}"), ni, 1, 0, None),
        DTypeKind::Unicode => (format!("U{}", n / 4), ni, 4, 8, None),
        DTypeKind::Datetime { unit, multiplier } => ("M8".into(), -1, -1, 0, Some((unit_name(unit), multiplier))),
        DTypeKind::Timedelta { unit, multiplier } => ("m8".into(), -1, -1, 0, Some((unit_name(unit), multiplier))),
    }
}

/// numpy's names of the datetime units, as in a dtype's pickled metadata.
pub(crate) const TIME_UNITS: [(TimeUnit, &str); 14] = [
    (TimeUnit::Generic, "generic"),
    (TimeUnit::Year, "Y"),
    (TimeUnit::Month, "M"),
    (TimeUnit::Week, "W"),
    (TimeUnit::Day, "D"),
    (TimeUnit::Hour, "h"),
    (TimeUnit::Minute, "m"),
    (TimeUnit::Second, "s"),
    (TimeUnit::Millisecond, "ms"),
    (TimeUnit::Microsecond, "us"),
    (TimeUnit::Nanosecond, "ns"),
    (TimeUnit::Picosecond, "ps"),
    (TimeUnit::Femtosecond, "fs"),
    (TimeUnit::Attosecond, "as"),
];

fn unit_name(unit: TimeUnit) -> &'static str {
    TIME_UNITS.iter().find(|(u, _)| *u == unit).map_or("generic", |(_, s)| s)
}

fn latin1_to_utf8(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() + b.iter().filter(|&&c| c >= 0x80).count());
    for &c in b {
        if c < 0x80 {
            out.push(c);
        } else {
            out.push(0xc0 | (c >> 6));
            out.push(0x80 | (c & 0x3f));
        }
    }
    out
}

/// `_pickle.c`'s `raw_unicode_escape`: latin-1 bytes as they are, except backslash,
/// NUL, newline, carriage return and 0x1a, and everything above U+00FF, as `\uXXXX`
/// or `\UXXXXXXXX`.
fn raw_unicode_escape(c: u32, out: &mut Vec<u8>) {
    if c >= 0x10000 {
        out.extend_from_slice(format!("\\U{c:08x}").as_bytes());
    } else if c >= 256 || matches!(c, 0x5c | 0 | 0x0a | 0x0d | 0x1a) {
        out.extend_from_slice(format!("\\u{c:04x}").as_bytes());
    } else {
        out.push(u8::try_from(c).unwrap_or(b'?'));
    }
}

/// Python's `repr(float)`: the shortest round-trip digits, in exponent form when the
/// decimal exponent is below -4 or above 15, with `.0` on whole numbers.
pub(crate) fn py_float_repr(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let decpt = exp + 1;
    let nd = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if !(-4 < decpt && decpt <= 16) {
        let rest = &digits[1..];
        let dot = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let e = decpt - 1;
        let esign = if e < 0 { '-' } else { '+' };
        format!("{sign}{}{dot}e{esign}{:02}", &digits[..1], e.unsigned_abs())
    } else if decpt <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat(decpt.unsigned_abs() as usize))
    } else if decpt >= nd {
        format!("{sign}{digits}{}.0", "0".repeat((decpt - nd) as usize))
    } else {
        let (a, b) = digits.split_at(decpt as usize);
        format!("{sign}{a}.{b}")
    }
}

#[cfg(test)]
mod tests {
    use zarrcodecs_core::testing::sample_arrays;
    use zarrcodecs_core::NdArray;

    use super::*;

    /// The opcodes of a pickle, in order, skipping their arguments.
    fn opcodes_of(p: &[u8]) -> Vec<Opcode> {
        let le = |at: usize, n: usize| p[at..at + n].iter().rev().fold(0, |a, &b| a << 8 | usize::from(b));
        let line = |at: usize| p[at..].iter().position(|&c| c == b'\n').unwrap() + 1;
        let mut ops = Vec::new();
        let mut i = 0;
        while i < p.len() {
            let op = Opcode::try_from(p[i]).unwrap_or_else(|e| panic!("{e:?} at {i}"));
            i += 1;
            i += match op {
                Opcode::PROTO | Opcode::BININT1 | Opcode::BINPUT | Opcode::BINGET => 1,
                Opcode::BININT2 => 2,
                Opcode::BININT | Opcode::LONG_BINPUT | Opcode::LONG_BINGET => 4,
                Opcode::LONG4 => 4 + le(i, 4),
                Opcode::FRAME | Opcode::BINFLOAT => 8,
                Opcode::LONG1 | Opcode::SHORT_BINUNICODE | Opcode::SHORT_BINBYTES => 1 + le(i, 1),
                Opcode::BINUNICODE | Opcode::BINBYTES => 4 + le(i, 4),
                Opcode::BINUNICODE8 | Opcode::BINBYTES8 | Opcode::BYTEARRAY8 => 8 + le(i, 8),
                Opcode::INT | Opcode::LONG | Opcode::FLOAT | Opcode::UNICODE | Opcode::PUT | Opcode::GET => line(i),
                Opcode::GLOBAL => line(i) + line(i + line(i)),
                _ => 0,
            };
            ops.push(op);
        }
        ops
    }

    #[test]
    fn writes_only_opcodes_of_its_protocol() {
        let big = "x".repeat(70_000);
        let mut items = vec![
            Object::None,
            Object::Bool(true),
            Object::Bool(false),
            Object::Int(7),
            Object::Int(300),
            Object::Int(-70_000),
            Object::Int(i64::MIN),
            Object::Float(-2.5),
            Object::Str("".into()),
            Object::Str("\u{e9}\n\\".into()),
            Object::Str("y".repeat(300).into()),
            Object::Str(big.as_str().into()),
            Object::Bytes(b"".to_vec().into()),
            Object::Bytes(b"ab".to_vec().into()),
            Object::Bytes(big.as_bytes().to_vec().into()),
            Object::List(vec![Object::Int(1), Object::List(vec![])]),
            Object::Dict(vec![]),
            Object::Dict(vec![(Object::from("k"), Object::Int(1))]),
            Object::Dict((0..1200).map(|i| (Object::Int(i), Object::List(vec![]))).collect()),
            Object::from(BigInt::from(1i128 << 100)),
            Object::from(BigInt::from_le_bytes(&[0x81; 300])),
        ];
        items.extend(sample_arrays().into_iter().filter(|a| a.len() < 100).map(|a| Object::Array(Box::new(a))));
        // Past 256 memo entries: LONG_BINPUT; past 1000 items: several APPENDS.
        items.extend((0..1500).map(|i| Object::Str(format!("item {i}").into())));
        let mut arrays: Vec<NdArray> = sample_arrays();
        arrays.push(NdArray::from_bytes(big.as_bytes(), "|u1".parse().unwrap(), vec![big.len()]).unwrap());
        for proto in 0..=5u8 {
            let mut pickles =
                vec![dumps(ArrayData::Objects(&items, &[items.len()], false), proto).unwrap().into_buf().unwrap()];
            for a in &arrays {
                let data = Numeric { bytes: a.as_bytes(), dtype: a.dtype(), shape: a.shape() };
                pickles.push(dumps(ArrayData::Numeric(data), proto).unwrap().into_buf().unwrap());
            }
            for p in &pickles {
                let ops = opcodes_of(p.as_slice());
                assert_eq!(ops.last(), Some(&Opcode::STOP), "protocol {proto}: the walk ends on STOP, at the end");
                for op in ops {
                    assert!(op.proto() <= proto, "protocol {proto} pickle holds {op} (protocol {})", op.proto());
                }
            }
        }
    }

    #[test]
    fn float_repr_matches_python() {
        // From Python 3.11's repr().
        for (v, r) in [
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (1e-5, "1e-05"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (1e100, "1e+100"),
            (5e-324, "5e-324"),
            (123.456, "123.456"),
            (1.797_693_134_862_315_7e308, "1.7976931348623157e+308"),
            (0.1, "0.1"),
            (-2.5e-7, "-2.5e-07"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(py_float_repr(v), r);
        }
    }
}
