//! A restricted unpickler: it reads the pickles numcodecs writes for numpy arrays and
//! nothing else. It never imports or calls anything: the few globals it knows are
//! names for built-in Rust behaviour, and every other global, every class-instantiating
//! opcode and every out-of-band buffer is an error.

use std::collections::HashMap;

use zarrcodecs_core::{
    AlignedBuf, BigInt, ByteOrder, DType, DTypeKind, Error, NdArray, Object, ObjectArray, PyBytes, PyStr, Result,
    TimeUnit,
};

use crate::dict_key::dedupe;
use crate::int_text::{parse_int_line, parse_long_line, IntText, IntTextError};
use crate::opcodes::{self, Opcode};
use crate::CODEC_ID;

/// How deep lists and dicts may nest inside the decoded array.
pub(crate) const MAX_NESTING: usize = 256;

/// numpy's limit on the number of dimensions.
const MAX_DIMS: usize = 64;

/// Bytes charged per stack slot, list item, memo entry and arena node.
const SLOT_COST: usize = 32;

/// The input bytes per item that [`Unpickler::reserve_for_items`] makes room for. A
/// str or bytes item takes 3 bytes of opcodes (an opcode, a length, a MEMOIZE) and its
/// text, so 12 covers items of 9 bytes and more without growing (the benchmark's
/// items are 12 to 14 bytes; a room of one per 16 bytes was outgrown, one per 8
/// reserved more than 32 MiB of arena for an 8 MiB chunk, which glibc always maps
/// afresh, page faults and all).
const BYTES_PER_ITEM: usize = 12;

/// The items of a full `MARK ... APPENDS` batch (`pickle.py`'s `_BATCHSIZE`).
const BATCHSIZE: usize = 1000;

/// The globals the unpickler accepts, as behaviour of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Global {
    Reconstruct,
    Ndarray,
    DType,
    Scalar,
    CodecsEncode,
    Bytes,
    FromBuffer,
}

fn resolve_global(module: &str, name: &str) -> Result<Global> {
    const NUMPY_MULTIARRAY: [&str; 2] = ["numpy._core.multiarray", "numpy.core.multiarray"];
    let g = match name {
        "_reconstruct" if NUMPY_MULTIARRAY.contains(&module) => Global::Reconstruct,
        "scalar" if NUMPY_MULTIARRAY.contains(&module) => Global::Scalar,
        "ndarray" if module == "numpy" || NUMPY_MULTIARRAY.contains(&module) => Global::Ndarray,
        "dtype" if module == "numpy" || NUMPY_MULTIARRAY.contains(&module) => Global::DType,
        "encode" if module == "_codecs" || module == "codecs" => Global::CodecsEncode,
        "bytes" if module == "builtins" || module == "__builtin__" => Global::Bytes,
        "_frombuffer" if module == "numpy._core.numeric" || module == "numpy.core.numeric" => Global::FromBuffer,
        _ => {
            return Err(Error::unsupported_input(
                CODEC_ID,
                format_args!(
                    "the pickle refers to the global {}.{}, which the restricted unpickler does not allow \
                     (it only rebuilds numpy arrays; it never imports or calls anything)",
                    truncate(module),
                    truncate(name)
                ),
            ))
        }
    };
    Ok(g)
}

fn truncate(s: &str) -> String {
    if s.len() <= 80 {
        s.to_string()
    } else {
        let mut end = 80;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    }
}

/// Byte payloads: a range of the input, or owned.
#[derive(Clone, Debug)]
enum Blob {
    Input(usize, usize),
    Owned(Vec<u8>),
}

/// A value on the stack, in the memo or in a container.
#[derive(Clone, Copy, Debug)]
enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// An arena node.
    Node(u32),
}

#[derive(Clone, Debug)]
struct DTypeNode {
    /// The constructor's argument, e.g. `"f8"`, `"O8"`, `"U3"`.
    name: String,
    dtype: Option<DType>,
}

#[derive(Clone, Debug, Default)]
struct ArrayNode {
    shape: Vec<usize>,
    dtype: Option<usize>,
    fortran: bool,
    data: Option<Value>,
    /// Set by `__setstate__`, which makes byte-swapped numeric data native.
    from_setstate: bool,
}

#[derive(Clone, Debug)]
enum Node {
    Str(PyStr),
    Bytes(Blob),
    ByteArray(Blob),
    Tuple(Vec<Value>),
    List(Vec<Value>),
    /// A dict's `SETITEM`s in order; a repeated key is resolved (as Python's dict
    /// does it) when the dict is converted.
    Dict(Vec<(Value, Value)>),
    /// An int beyond `i64` (those that fit are [`Value::Int`]).
    BigInt(BigInt),
    Global(Global),
    DType(Box<DTypeNode>),
    Array(Box<ArrayNode>),
}

fn corrupt(reason: impl std::fmt::Display) -> Error {
    Error::corrupt(CODEC_ID, reason)
}

fn unsupported(reason: impl std::fmt::Display) -> Error {
    Error::unsupported_input(CODEC_ID, reason)
}

/// The error of an `INT` or `LONG` text Python's `int()` refuses (`ValueError`).
fn int_text_error(e: IntTextError) -> Error {
    match e {
        IntTextError::Invalid => corrupt("could not convert string to int"),
        IntTextError::TooManyDigits(n) => unsupported(format_args!(
            "an integer of {n} decimal digits exceeds the limit of {} that CPython applies to int/str conversion \
             (pickle.loads refuses it too)",
            zarrcodecs_core::MAX_DECIMAL_DIGITS
        )),
    }
}

/// The error of an opcode given to a family method that does not handle it: never
/// reached, as [`Unpickler::run`] gives each method only its own opcodes.
fn misrouted(op: Opcode) -> Error {
    corrupt(format_args!("internal error: the {op} opcode reached the wrong handler"))
}

struct Unpickler<'a> {
    input: &'a [u8],
    pos: usize,
    stack: Vec<Value>,
    marks: Vec<usize>,
    /// The memo: dense indices (what picklers write) in a vector, others in a map.
    memo: Vec<Option<Value>>,
    sparse_memo: HashMap<u32, Value>,
    memo_count: usize,
    /// Nodes referenced more than once (through GET or DUP): copied, not moved, when
    /// converted.
    shared: Vec<bool>,
    arena: Vec<Node>,
    /// The lists and dicts being converted, by arena index: meeting one again is a
    /// cycle (a list or dict that contains itself), which an `Object` cannot hold.
    on_path: Vec<bool>,
    /// An empty vector with room (see [`Scratch::list`]).
    spare_list: Vec<Value>,
    limit: usize,
    used: usize,
}

/// The decoded array, before conversion.
pub(crate) enum Decoded {
    Objects(ObjectArray),
    Numeric(NdArray),
}

/// The unpickler's working vectors, kept per thread between decodes (cleared) when
/// they hold at most [`MAX_SCRATCH_BYTES`]: fresh ones were allocated for every decode,
/// and at 64 KiB of short strings the arena, list and memo (a few hundred KiB, above
/// glibc's mmap threshold) were mapped and page-faulted anew each time, about a
/// quarter of the decode.
#[derive(Default)]
struct Scratch {
    stack: Vec<Value>,
    marks: Vec<usize>,
    memo: Vec<Option<Value>>,
    shared: Vec<bool>,
    arena: Vec<Node>,
    on_path: Vec<bool>,
    /// An empty vector with room, for the first large list (an object array's items).
    list: Vec<Value>,
}

/// The most bytes of working vectors a thread keeps between decodes: enough for
/// chunks of about a MiB of short items; larger ones allocate afresh.
const MAX_SCRATCH_BYTES: usize = 16 << 20;

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

impl Scratch {
    /// This thread's kept vectors (empty), or new ones.
    fn take() -> Scratch {
        SCRATCH
            .try_with(|s| s.try_borrow_mut().map(|mut s| std::mem::take(&mut *s)).unwrap_or_default())
            .unwrap_or_default()
    }

    /// Clears the vectors and keeps them for this thread's next decode, if they are
    /// small enough.
    fn give(mut self) {
        fn bytes<T>(v: &Vec<T>) -> usize {
            v.capacity().saturating_mul(std::mem::size_of::<T>())
        }
        let total = [
            bytes(&self.stack),
            bytes(&self.marks),
            bytes(&self.memo),
            bytes(&self.shared),
            bytes(&self.arena),
            bytes(&self.on_path),
            bytes(&self.list),
        ]
        .iter()
        .fold(0usize, |a, &b| a.saturating_add(b));
        if total > MAX_SCRATCH_BYTES {
            return;
        }
        self.stack.clear();
        self.marks.clear();
        self.memo.clear();
        self.shared.clear();
        self.arena.clear();
        self.on_path.clear();
        self.list.clear();
        let _ = SCRATCH.try_with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                *s = self;
            }
        });
    }
}

impl<'a> Unpickler<'a> {
    fn new(input: &'a [u8], limit: usize) -> Self {
        let Scratch { stack, marks, memo, shared, arena, on_path, list } = Scratch::take();
        Unpickler {
            input,
            pos: 0,
            stack,
            marks,
            memo,
            sparse_memo: HashMap::new(),
            memo_count: 0,
            shared,
            arena,
            on_path,
            spare_list: list,
            limit,
            used: 0,
        }
    }

    /// Room in the arena, the memo and the list being filled, for one item per
    /// [`BYTES_PER_ITEM`] bytes of the input left (within the decoded-size limit), when
    /// the pickle turns out to hold many objects (at its first full `APPENDS` batch):
    /// growing these vectors by doubling copied and page-faulted a large part of a
    /// decode. Only a hint: a failed reservation is left to the charged growth later
    /// (which fails with a typed error), and memory not touched is not committed.
    /// Returns the room.
    fn reserve_for_items(&mut self) -> usize {
        let room = ((self.input.len() - self.pos) / BYTES_PER_ITEM).min(self.limit / SLOT_COST);
        let _ = (self.memo.try_reserve(room), self.shared.try_reserve(room), self.arena.try_reserve(room));
        room
    }
}

impl Drop for Unpickler<'_> {
    fn drop(&mut self) {
        Scratch {
            stack: std::mem::take(&mut self.stack),
            marks: std::mem::take(&mut self.marks),
            memo: std::mem::take(&mut self.memo),
            shared: std::mem::take(&mut self.shared),
            arena: std::mem::take(&mut self.arena),
            on_path: std::mem::take(&mut self.on_path),
            list: std::mem::take(&mut self.spare_list),
        }
        .give();
    }
}

/// Unpickles `input`, which must be a numpy array as numcodecs pickles it.
pub(crate) fn loads(input: &[u8], limit: usize) -> Result<Decoded> {
    let mut u = Unpickler::new(input, limit);
    let top = u.run()?;
    u.finish(top)
}

/// Unpickles a numeric array straight into `out`, which must have its exact size.
///
/// numpy's `__setstate__` makes byte-swapped data native; numcodecs then copies the
/// values into `out` (`np.copyto`), so an `out` of the pickled byte order gets the
/// pickled bytes back.
pub(crate) fn loads_into(input: &[u8], limit: usize, out: &mut [u8], out_dtype: DType) -> Result<()> {
    let mut u = Unpickler::new(input, limit);
    let top = u.run()?;
    let written = u.finish_into(top, out)?;
    if out_dtype.kind() == written.kind()
        && out_dtype.itemsize() == written.itemsize()
        && out_dtype.byte_order() != written.byte_order()
        && out_dtype.byte_order() != ByteOrder::NotApplicable
        && written.byte_order() != ByteOrder::NotApplicable
    {
        swap_units(out, written);
    }
    Ok(())
}

/// `v.push(x)`, with the growth out of line: pushing a value built just before (an
/// enum, stored in parts) through `Vec::push`, whose growth path is a call, spilled
/// it to the stack and loaded it back whole, a store-forwarding stall on every item.
#[inline(always)]
fn push_fast<T>(v: &mut Vec<T>, x: T) {
    push_with(v, || x);
}

/// `v.push(make())`, with the value made in each branch (see [`push_fast`]), so that
/// it is written straight into place.
#[inline(always)]
fn push_with<T>(v: &mut Vec<T>, make: impl FnOnce() -> T) {
    if v.len() < v.capacity() {
        v.push(make());
    } else {
        push_grow(v, make());
    }
}

#[cold]
#[inline(never)]
fn push_grow<T>(v: &mut Vec<T>, x: T) {
    v.push(x);
}

/// Reverses the byte order of every number in `data`.
fn swap_units(data: &mut [u8], dtype: DType) {
    let unit = match dtype.kind() {
        DTypeKind::Complex => dtype.itemsize() / 2,
        DTypeKind::Unicode => 4,
        _ => dtype.itemsize(),
    };
    if unit > 1 {
        data.chunks_exact_mut(unit).for_each(<[u8]>::reverse);
    }
}

impl<'a> Unpickler<'a> {
    // The per-item paths (charge, read, push, new_node, memo_put) are inlined and
    // their errors built out of line: at 64 KiB of short strings or bytes, calls and
    // the moves of their large `Result`s were a good part of the decode.

    #[inline(always)]
    fn charge(&mut self, bytes: usize) -> Result<()> {
        self.used = self.used.saturating_add(bytes);
        if self.used > self.limit {
            return Err(self.over_limit());
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn over_limit(&self) -> Error {
        Error::DecodedSizeLimit { codec: CODEC_ID.into(), size: self.used as u64, limit: self.limit as u64 }
    }

    #[inline(always)]
    fn read(&mut self, n: usize) -> Result<&'a [u8]> {
        match self.input.get(self.pos..).and_then(|rest| rest.get(..n)) {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => Err(self.truncated(n)),
        }
    }

    #[cold]
    #[inline(never)]
    fn truncated(&self, n: usize) -> Error {
        corrupt(format_args!(
            "truncated pickle: {n} bytes wanted at offset {}, {} left",
            self.pos,
            self.input.len() - self.pos
        ))
    }

    fn read_range(&mut self, n: u64) -> Result<(usize, usize)> {
        let n = usize::try_from(n).map_err(|_| corrupt("length does not fit in memory"))?;
        let start = self.pos;
        self.read(n)?;
        Ok((start, start + n))
    }

    fn read_u8(&mut self) -> Result<u8> {
        Ok(self.read(1)?[0])
    }

    fn read_u16(&mut self) -> Result<u16> {
        let b = self.read(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn read_u32(&mut self) -> Result<u32> {
        let b = self.read(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn read_u64(&mut self) -> Result<u64> {
        let b = self.read(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// A text argument up to (not including) the next newline.
    fn read_line(&mut self) -> Result<&'a [u8]> {
        let rest = &self.input[self.pos..];
        let n = rest.iter().position(|&c| c == b'\n').ok_or_else(|| corrupt("truncated pickle: no end of line"))?;
        self.pos += n + 1;
        Ok(&rest[..n])
    }

    fn read_line_str(&mut self) -> Result<&'a str> {
        let line = self.read_line()?;
        std::str::from_utf8(line).map_err(|_| corrupt("a text argument is not UTF-8"))
    }

    #[inline(always)]
    fn push(&mut self, v: Value) -> Result<()> {
        self.charge(SLOT_COST)?;
        push_fast(&mut self.stack, v);
        Ok(())
    }

    #[inline(always)]
    fn new_node(&mut self, n: Node) -> Result<Value> {
        self.new_node_with(|| n).map(Value::Node)
    }

    /// A new node, made in place; its index.
    #[inline(always)]
    fn new_node_with(&mut self, make: impl FnOnce() -> Node) -> Result<u32> {
        self.charge(SLOT_COST)?;
        let Ok(idx) = u32::try_from(self.arena.len()) else { return Err(corrupt("too many objects")) };
        push_with(&mut self.arena, make);
        push_fast(&mut self.shared, false);
        Ok(idx)
    }

    #[inline(always)]
    fn push_node(&mut self, n: Node) -> Result<()> {
        let v = self.new_node(n)?;
        self.push(v)
    }

    fn fence(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn pop(&mut self) -> Result<Value> {
        if self.stack.len() <= self.fence() {
            return Err(corrupt("unpickling stack underflow"));
        }
        self.stack.pop().ok_or_else(|| corrupt("unpickling stack underflow"))
    }

    fn top(&self) -> Result<Value> {
        if self.stack.len() <= self.fence() {
            return Err(corrupt("unpickling stack underflow"));
        }
        self.stack.last().copied().ok_or_else(|| corrupt("unpickling stack underflow"))
    }

    fn pop_mark(&mut self) -> Result<Vec<Value>> {
        let m = self.marks.pop().ok_or_else(|| corrupt("could not find MARK"))?;
        if m > self.stack.len() {
            return Err(corrupt("unpickling stack underflow"));
        }
        Ok(self.stack.split_off(m))
    }

    fn node(&self, v: Value) -> Option<&Node> {
        match v {
            Value::Node(i) => self.arena.get(i as usize),
            _ => None,
        }
    }

    fn node_index(v: Value) -> Option<usize> {
        match v {
            Value::Node(i) => Some(i as usize),
            _ => None,
        }
    }

    fn blob<'s>(&'s self, b: &'s Blob) -> &'s [u8] {
        match b {
            Blob::Input(s, e) => &self.input[*s..*e],
            Blob::Owned(v) => v,
        }
    }

    fn str_of(&self, v: Value) -> Option<&str> {
        match self.node(v) {
            Some(Node::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// PUT, BINPUT, LONG_BINPUT and MEMOIZE: the usual case, the next index, inline.
    #[inline(always)]
    fn memo_put(&mut self, idx: u64, v: Value) -> Result<()> {
        if idx == self.memo.len() as u64 && idx <= u64::from(u32::MAX) {
            self.charge(SLOT_COST)?;
            push_fast(&mut self.memo, Some(v));
            self.memo_count += 1;
            return Ok(());
        }
        self.memo_put_any(idx, v)
    }

    fn memo_put_any(&mut self, idx: u64, v: Value) -> Result<()> {
        let idx = usize::try_from(u32::try_from(idx).map_err(|_| corrupt("memo index out of range"))?)
            .map_err(|_| corrupt("memo index out of range"))?;
        let new = if idx < self.memo.len() {
            self.memo[idx].replace(v).is_none()
        } else if idx <= self.memo.len() + 1024 {
            self.charge(SLOT_COST.saturating_mul(idx + 1 - self.memo.len()))?;
            self.memo.resize(idx + 1, None);
            self.memo[idx] = Some(v);
            true
        } else {
            let key = u32::try_from(idx).map_err(|_| corrupt("memo index out of range"))?;
            let new = self.sparse_memo.insert(key, v).is_none();
            if new {
                self.charge(SLOT_COST)?;
            }
            new
        };
        if new {
            self.memo_count += 1;
        }
        Ok(())
    }

    fn memo_get(&mut self, idx: u64) -> Result<()> {
        let v = usize::try_from(idx)
            .ok()
            .and_then(|i| match self.memo.get(i) {
                Some(v) => *v,
                None => u32::try_from(i).ok().and_then(|k| self.sparse_memo.get(&k).copied()),
            })
            .ok_or_else(|| corrupt(format_args!("memo key {idx} is not defined")))?;
        self.mark_shared(v);
        self.push(v)
    }

    /// Marks a node referenced again, and the items of a tuple (immutable, so they are
    /// shared with it); a list's items inherit its flag when converted. Each node is
    /// marked at most once, so this is linear overall.
    fn mark_shared(&mut self, v: Value) {
        // The common case, without allocating: a node that is not a tuple.
        if let Some(i) = Self::node_index(v) {
            if !matches!(self.arena.get(i), Some(Node::Tuple(_))) {
                if let Some(s) = self.shared.get_mut(i) {
                    *s = true;
                }
                return;
            }
        }
        let mut todo = vec![v];
        while let Some(v) = todo.pop() {
            let Some(i) = Self::node_index(v) else { continue };
            match self.shared.get_mut(i) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            if let Some(Node::Tuple(items)) = self.arena.get(i) {
                todo.extend(items.iter().copied());
            }
        }
    }

    fn is_shared(&self, v: Value) -> bool {
        Self::node_index(v).is_none_or(|i| self.shared.get(i).copied().unwrap_or(true))
    }

    fn push_str(&mut self, s: impl Into<PyStr>) -> Result<()> {
        let s = s.into();
        self.charge(s.len())?;
        self.push_item(|| Node::Str(s))
    }

    /// Pushes a str or bytes node and runs the MEMOIZE that picklers write after one,
    /// if it comes next, here (as the MEMOIZE opcode would): MEMOIZE reading back the
    /// value just pushed (stored in parts, loaded whole) stalled on store forwarding,
    /// a good part of a decode of short items. The node and values are made where
    /// they are stored, for the same reason (see [`push_fast`]).
    #[inline(always)]
    fn push_item(&mut self, make: impl FnOnce() -> Node) -> Result<()> {
        let node = self.new_node_with(make)?;
        self.charge(SLOT_COST)?;
        push_with(&mut self.stack, || Value::Node(node));
        if self.input.get(self.pos) == Some(&opcodes::byte::MEMOIZE) {
            self.pos += 1;
            let idx = self.memo_count as u64;
            if idx == self.memo.len() as u64 && idx <= u64::from(u32::MAX) {
                self.charge(SLOT_COST)?;
                push_with(&mut self.memo, || Some(Value::Node(node)));
                self.memo_count += 1;
            } else {
                self.memo_put_any(idx, Value::Node(node))?;
            }
        }
        Ok(())
    }

    fn push_utf8(&mut self, (s, e): (usize, usize)) -> Result<()> {
        let text = std::str::from_utf8(&self.input[s..e])
            .map_err(|_| unsupported("a string is not valid UTF-8 (lone surrogates are not supported)"))?;
        self.push_str(PyStr::new(text))
    }

    /// Python 2 `str` (STRING, BINSTRING, SHORT_BINSTRING): decoded as ASCII, as
    /// `pickle.loads` does by default.
    fn push_py2_str(&mut self, b: &[u8]) -> Result<()> {
        if !b.is_ascii() {
            return Err(unsupported("a Python 2 str holds non-ASCII bytes (pickle.loads refuses it too)"));
        }
        self.push_str(String::from_utf8_lossy(b).as_ref())
    }

    /// Pushes an int: [`Value::Int`] when it fits in 64 bits, else a big-int node
    /// (charged its bytes).
    fn push_int(&mut self, n: BigInt) -> Result<()> {
        match n.to_i64() {
            Some(v) => self.push(Value::Int(v)),
            None => {
                self.charge(n.as_le_bytes().len())?;
                self.push_node(Node::BigInt(n))
            }
        }
    }

    /// LONG1 and LONG4's payload: little-endian two's complement, any length.
    fn push_long_bytes(&mut self, b: &[u8]) -> Result<()> {
        self.push_int(BigInt::from_le_bytes(b))
    }

    /// The interpreter: runs opcodes until STOP and returns the value it pops.
    ///
    /// Every opcode belongs to one family, whose method below runs it; the opcodes
    /// the restricted unpickler refuses are all in [`Unpickler::refuse`]. A byte that
    /// is no opcode is an error.
    fn run(&mut self) -> Result<Value> {
        /// `match` on the opcode byte, with one arm per opcode calling its family's
        /// method with the opcode as a constant: the method, inlined, keeps only that
        /// opcode's code, so an opcode costs one jump, as in a flat `match`. Also
        /// checks, at compile time, that every opcode is in exactly one family.
        macro_rules! dispatch {
            ($self:ident, $byte:ident, STOP => $stop:expr; $($family:ident: $($name:ident)|+;)+) => {{
                // An exhaustive match: an opcode in no family does not compile, and
                // neither does one in two (an unreachable pattern).
                #[deny(unreachable_patterns)]
                const _: fn(Opcode) = |op| match op {
                    Opcode::STOP $($(| Opcode::$name)+)+ => {}
                };
                match $byte {
                    opcodes::byte::STOP => $stop,
                    $($(opcodes::byte::$name => $self.$family(Opcode::$name)?,)+)+
                    _ => {
                        let at = $self.pos - 1;
                        return Err(corrupt(format_args!("invalid opcode 0x{:02x} at offset {at}", $byte)));
                    }
                }
            }};
        }
        loop {
            let byte = self.read_u8().map_err(|_| corrupt("truncated pickle: no STOP opcode"))?;
            dispatch!(self, byte,
                STOP => return self.pop();
                framing: PROTO | FRAME;
                stack_op: MARK | POP | POP_MARK | DUP;
                memo_op: GET | BINGET | LONG_BINGET | PUT | BINPUT | LONG_BINPUT | MEMOIZE;
                number: NONE | NEWTRUE | NEWFALSE | INT | BININT | BININT1 | BININT2 | LONG | LONG1 | LONG4 | FLOAT
                    | BINFLOAT;
                string_or_bytes: STRING | BINSTRING | SHORT_BINSTRING | UNICODE | BINUNICODE | SHORT_BINUNICODE
                    | BINUNICODE8 | BINBYTES | SHORT_BINBYTES | BINBYTES8 | BYTEARRAY8 | READONLY_BUFFER;
                container: EMPTY_TUPLE | TUPLE | TUPLE1 | TUPLE2 | TUPLE3 | EMPTY_LIST | LIST | APPEND | APPENDS;
                dict: EMPTY_DICT | DICT | SETITEM | SETITEMS;
                global_or_call: GLOBAL | STACK_GLOBAL | REDUCE | BUILD;
                refuse: EMPTY_SET | ADDITEMS | FROZENSET | INST | OBJ | NEWOBJ | NEWOBJ_EX | EXT1 | EXT2 | EXT4
                    | PERSID | BINPERSID | NEXT_BUFFER;
            );
        }
    }

    /// PROTO and FRAME. Frames are only checked against the input: the opcodes in
    /// them are read as if there were none.
    #[inline(always)]
    fn framing(&mut self, op: Opcode) -> Result<()> {
        match op {
            Opcode::PROTO => {
                let p = self.read_u8()?;
                if p > 5 {
                    return Err(unsupported(format_args!("pickle protocol {p} is not supported")));
                }
            }
            Opcode::FRAME => {
                let n = self.read_u64()?;
                if n > (self.input.len() - self.pos) as u64 {
                    return Err(corrupt("truncated pickle: frame longer than the input"));
                }
            }
            _ => return Err(misrouted(op)),
        }
        Ok(())
    }

    /// MARK, POP, POP_MARK and DUP.
    #[inline(always)]
    fn stack_op(&mut self, op: Opcode) -> Result<()> {
        match op {
            Opcode::MARK => {
                self.charge(SLOT_COST)?;
                self.marks.push(self.stack.len());
            }
            Opcode::POP => {
                if self.stack.len() > self.fence() {
                    self.stack.pop();
                } else if self.marks.pop().is_none() {
                    return Err(corrupt("unpickling stack underflow"));
                }
            }
            Opcode::POP_MARK => {
                self.pop_mark()?;
            }
            Opcode::DUP => {
                let v = self.top()?;
                self.mark_shared(v);
                self.push(v)?;
            }
            _ => return Err(misrouted(op)),
        }
        Ok(())
    }

    /// GET, BINGET, LONG_BINGET, PUT, BINPUT, LONG_BINPUT and MEMOIZE.
    #[inline(always)]
    fn memo_op(&mut self, op: Opcode) -> Result<()> {
        match op {
            Opcode::GET => {
                let line = self.read_line_str()?;
                let idx = line.trim().parse().map_err(|_| corrupt("invalid GET index"))?;
                self.memo_get(idx)
            }
            Opcode::BINGET => {
                let idx = self.read_u8()?;
                self.memo_get(u64::from(idx))
            }
            Opcode::LONG_BINGET => {
                let idx = self.read_u32()?;
                self.memo_get(u64::from(idx))
            }
            Opcode::PUT => {
                let line = self.read_line_str()?;
                let idx = line.trim().parse().map_err(|_| corrupt("invalid PUT index"))?;
                let v = self.top()?;
                self.memo_put(idx, v)
            }
            Opcode::BINPUT => {
                let idx = self.read_u8()?;
                let v = self.top()?;
                self.memo_put(u64::from(idx), v)
            }
            Opcode::LONG_BINPUT => {
                let idx = self.read_u32()?;
                let v = self.top()?;
                self.memo_put(u64::from(idx), v)
            }
            Opcode::MEMOIZE => {
                let v = self.top()?;
                let idx = self.memo_count as u64;
                self.memo_put(idx, v)
            }
            _ => Err(misrouted(op)),
        }
    }

    /// None, bools, ints and floats: NONE, NEWTRUE, NEWFALSE, INT, BININT, BININT1,
    /// BININT2, LONG, LONG1, LONG4, FLOAT and BINFLOAT.
    #[inline(always)]
    fn number(&mut self, op: Opcode) -> Result<()> {
        match op {
            Opcode::NONE => self.push(Value::None),
            Opcode::NEWTRUE => self.push(Value::Bool(true)),
            Opcode::NEWFALSE => self.push(Value::Bool(false)),
            Opcode::INT => match parse_int_line(self.read_line()?).map_err(int_text_error)? {
                IntText::Bool(b) => self.push(Value::Bool(b)),
                IntText::Int(n) => self.push_int(n),
            },
            Opcode::BININT => {
                let v = self.read_u32()? as i32;
                self.push(Value::Int(i64::from(v)))
            }
            Opcode::BININT1 => {
                let v = self.read_u8()?;
                self.push(Value::Int(i64::from(v)))
            }
            Opcode::BININT2 => {
                let v = self.read_u16()?;
                self.push(Value::Int(i64::from(v)))
            }
            Opcode::LONG => {
                let n = parse_long_line(self.read_line()?).map_err(int_text_error)?;
                self.push_int(n)
            }
            Opcode::LONG1 => {
                let n = self.read_u8()?;
                let b = self.read(usize::from(n))?;
                self.push_long_bytes(b)
            }
            Opcode::LONG4 => {
                let n = self.read_u32()? as i32;
                let n = usize::try_from(n).map_err(|_| corrupt("LONG4 with a negative byte count"))?;
                // Checked against the input before anything is read or allocated.
                let b = self.read(n)?;
                self.push_long_bytes(b)
            }
            Opcode::FLOAT => {
                let line = self.read_line_str()?;
                let v: f64 = line.trim().parse().map_err(|_| corrupt("invalid float literal"))?;
                self.push(Value::Float(v))
            }
            Opcode::BINFLOAT => {
                let b = self.read(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                self.push(Value::Float(f64::from_be_bytes(a)))
            }
            _ => Err(misrouted(op)),
        }
    }

    /// Strings and bytes: STRING, BINSTRING, SHORT_BINSTRING (Python 2 `str`),
    /// UNICODE, BINUNICODE, SHORT_BINUNICODE, BINUNICODE8, BINBYTES, SHORT_BINBYTES,
    /// BINBYTES8, BYTEARRAY8 and READONLY_BUFFER. Binary payloads stay in the input
    /// (a range), read once its length is checked against what is left.
    #[inline(always)]
    fn string_or_bytes(&mut self, op: Opcode) -> Result<()> {
        match op {
            Opcode::STRING => {
                let line = self.read_line()?;
                let s = parse_py2_string_literal(line)?;
                self.push_py2_str(&s)
            }
            Opcode::BINSTRING => {
                let n = self.read_u32()? as i32;
                let n = usize::try_from(n).map_err(|_| corrupt("BINSTRING with a negative length"))?;
                let b = self.read(n)?;
                self.push_py2_str(b)
            }
            Opcode::SHORT_BINSTRING => {
                let n = self.read_u8()?;
                let b = self.read(usize::from(n))?;
                self.push_py2_str(b)
            }
            Opcode::UNICODE => {
                let line = self.read_line()?;
                let s = raw_unicode_unescape(line)?;
                self.push_str(s)
            }
            Opcode::BINUNICODE => {
                let n = self.read_u32()?;
                let r = self.read_range(u64::from(n))?;
                self.push_utf8(r)
            }
            Opcode::SHORT_BINUNICODE => {
                let n = self.read_u8()?;
                let r = self.read_range(u64::from(n))?;
                self.push_utf8(r)
            }
            Opcode::BINUNICODE8 => {
                let n = self.read_u64()?;
                let r = self.read_range(n)?;
                self.push_utf8(r)
            }
            Opcode::BINBYTES => {
                let n = self.read_u32()?;
                let (s, e) = self.read_range(u64::from(n))?;
                self.push_item(|| Node::Bytes(Blob::Input(s, e)))
            }
            Opcode::SHORT_BINBYTES => {
                let n = self.read_u8()?;
                let (s, e) = self.read_range(u64::from(n))?;
                self.push_item(|| Node::Bytes(Blob::Input(s, e)))
            }
            Opcode::BINBYTES8 => {
                let n = self.read_u64()?;
                let (s, e) = self.read_range(n)?;
                self.push_item(|| Node::Bytes(Blob::Input(s, e)))
            }
            Opcode::BYTEARRAY8 => {
                let n = self.read_u64()?;
                let (s, e) = self.read_range(n)?;
                self.push_node(Node::ByteArray(Blob::Input(s, e)))
            }
            // Nothing here is writable: only checks that the top is a buffer.
            Opcode::READONLY_BUFFER => match self.node(self.top()?) {
                Some(Node::Bytes(_) | Node::ByteArray(_)) => Ok(()),
                _ => Err(corrupt("READONLY_BUFFER on something that is not a buffer")),
            },
            _ => Err(misrouted(op)),
        }
    }

    /// Tuples and lists: EMPTY_TUPLE, TUPLE, TUPLE1, TUPLE2, TUPLE3, EMPTY_LIST, LIST,
    /// APPEND and APPENDS.
    #[inline(always)]
    fn container(&mut self, op: Opcode) -> Result<()> {
        match op {
            Opcode::EMPTY_TUPLE => self.push_node(Node::Tuple(Vec::new())),
            Opcode::TUPLE => {
                let items = self.pop_mark()?;
                self.push_node(Node::Tuple(items))
            }
            Opcode::TUPLE1 => self.push_tuple_of_top(1),
            Opcode::TUPLE2 => self.push_tuple_of_top(2),
            Opcode::TUPLE3 => self.push_tuple_of_top(3),
            Opcode::EMPTY_LIST => self.push_node(Node::List(Vec::new())),
            Opcode::LIST => {
                let items = self.pop_mark()?;
                self.push_node(Node::List(items))
            }
            Opcode::APPEND => {
                let v = self.pop()?;
                let list = self.top()?;
                self.list_extend(list, vec![v])
            }
            Opcode::APPENDS => self.appends(),
            _ => Err(misrouted(op)),
        }
    }

    /// TUPLE1 to TUPLE3: the top `n` items (above the topmost mark) as a tuple.
    fn push_tuple_of_top(&mut self, n: usize) -> Result<()> {
        if self.stack.len() < self.fence() + n {
            return Err(corrupt("unpickling stack underflow"));
        }
        let items = self.stack.split_off(self.stack.len() - n);
        self.push_node(Node::Tuple(items))
    }

    /// GLOBAL, STACK_GLOBAL, REDUCE and BUILD: only the globals of [`resolve_global`],
    /// called (REDUCE) and given state (BUILD) by Rust code of their own.
    #[inline(always)]
    fn global_or_call(&mut self, op: Opcode) -> Result<()> {
        match op {
            Opcode::GLOBAL => {
                let module = self.read_line_str()?;
                let name = self.read_line_str()?;
                let g = resolve_global(module, name)?;
                self.push_node(Node::Global(g))
            }
            Opcode::STACK_GLOBAL => {
                let name = self.pop()?;
                let module = self.pop()?;
                let (Some(module), Some(name)) = (self.str_of(module), self.str_of(name)) else {
                    return Err(corrupt("STACK_GLOBAL requires str module and name"));
                };
                let g = resolve_global(module, name)?;
                self.push_node(Node::Global(g))
            }
            Opcode::REDUCE => {
                let args = self.pop()?;
                let func = self.pop()?;
                let v = self.reduce(func, args)?;
                self.push(v)
            }
            Opcode::BUILD => {
                let state = self.pop()?;
                let obj = self.top()?;
                self.build(obj, state)
            }
            _ => Err(misrouted(op)),
        }
    }

    /// Dicts: EMPTY_DICT, DICT (protocol 0's `MARK ... DICT`), SETITEM and
    /// SETITEMS, as CPython's `load_dict` and `do_setitems` run them.
    #[inline(always)]
    fn dict(&mut self, op: Opcode) -> Result<()> {
        match op {
            Opcode::EMPTY_DICT => self.push_node(Node::Dict(Vec::new())),
            Opcode::DICT => {
                let items = self.pop_mark()?;
                if !items.len().is_multiple_of(2) {
                    return Err(corrupt("odd number of items for DICT"));
                }
                let pairs = self.pairs(&items)?;
                self.push_node(Node::Dict(pairs))
            }
            Opcode::SETITEM => {
                // The key and value above the dict, all three above the topmost mark.
                if self.stack.len() < self.fence() + 3 {
                    return Err(corrupt("unpickling stack underflow"));
                }
                let at = self.stack.len() - 2;
                self.set_items(at)
            }
            Opcode::SETITEMS => {
                let at = self.marks.pop().ok_or_else(|| corrupt("could not find MARK"))?;
                if at > self.stack.len() || at <= self.fence() {
                    return Err(corrupt("unpickling stack underflow"));
                }
                self.set_items(at)
            }
            _ => Err(misrouted(op)),
        }
    }

    /// `do_setitems`: the key-value pairs from `stack[at..]` into the dict at
    /// `stack[at - 1]` (the caller checked `0 < at <= len`), then popped.
    fn set_items(&mut self, at: usize) -> Result<()> {
        let n = self.stack.len() - at;
        if n == 0 {
            // Nothing to do, whatever is below (as in CPython).
            return Ok(());
        }
        if !n.is_multiple_of(2) {
            return Err(corrupt("odd number of items for SETITEMS"));
        }
        let items = self.stack.split_off(at);
        let pairs = self.pairs(&items)?;
        let dict = self.stack[at - 1];
        match Self::node_index(dict).and_then(|i| self.arena.get_mut(i)) {
            Some(Node::Dict(d)) => {
                d.extend(pairs);
                Ok(())
            }
            _ => Err(unsupported("SETITEM/SETITEMS on something that is not a dict")),
        }
    }

    /// Key-value pairs from alternating items, each key checked hashable (Python
    /// raises `TypeError` on a list, dict or bytearray key); charged per pair.
    fn pairs(&mut self, items: &[Value]) -> Result<Vec<(Value, Value)>> {
        self.charge(SLOT_COST.saturating_mul(items.len()))?;
        let mut pairs = Vec::with_capacity(items.len() / 2);
        for kv in items.chunks_exact(2) {
            let unhashable = match self.node(kv[0]) {
                Some(Node::List(_)) => Some("list"),
                Some(Node::Dict(_)) => Some("dict"),
                Some(Node::ByteArray(_)) => Some("bytearray"),
                Some(Node::Array(_)) => Some("numpy.ndarray"),
                _ => None,
            };
            if let Some(kind) = unhashable {
                return Err(corrupt(format_args!("unhashable type {kind:?} as a dict key (Python refuses it too)")));
            }
            pairs.push((kv[0], kv[1]));
        }
        Ok(pairs)
    }

    /// The opcodes the restricted unpickler refuses, always an error: sets,
    /// class instantiation (INST, OBJ, NEWOBJ, NEWOBJ_EX), the extension registry,
    /// persistent ids and out-of-band buffers.
    #[cold]
    fn refuse(&mut self, op: Opcode) -> Result<()> {
        Err(match op {
            Opcode::EMPTY_SET | Opcode::ADDITEMS | Opcode::FROZENSET => {
                unsupported("set objects are not supported in pickled arrays")
            }
            Opcode::INST => {
                // Only read to name the class in the message.
                let module = self.read_line_str().unwrap_or("?");
                let name = self.read_line_str().unwrap_or("?");
                unsupported(format_args!(
                    "the INST opcode (instantiating {}.{}) is not allowed",
                    truncate(module),
                    truncate(name)
                ))
            }
            Opcode::OBJ => unsupported("the OBJ opcode (instantiating a class) is not allowed"),
            Opcode::NEWOBJ => unsupported("the NEWOBJ opcode (instantiating a class) is not allowed"),
            Opcode::NEWOBJ_EX => unsupported("the NEWOBJ_EX opcode (instantiating a class) is not allowed"),
            Opcode::EXT1 | Opcode::EXT2 | Opcode::EXT4 => {
                unsupported("extension registry opcodes (EXT1/2/4) are not allowed")
            }
            Opcode::PERSID | Opcode::BINPERSID => unsupported("persistent ids (PERSID/BINPERSID) are not allowed"),
            Opcode::NEXT_BUFFER => unsupported("out-of-band buffers (NEXT_BUFFER) are not supported"),
            _ => misrouted(op),
        })
    }

    /// APPENDS: the items above the topmost mark, moved into the list below it
    /// without an intermediate vector (as `pop_mark`, `top` and `list_extend` would,
    /// with their errors). A list that gets a full batch while empty (more batches may
    /// follow: an object array's items) gets the kept spare vector and room for the
    /// rest of the input's items, as the arena (see
    /// [`Unpickler::reserve_for_items`]).
    fn appends(&mut self) -> Result<()> {
        let m = self.marks.pop().ok_or_else(|| corrupt("could not find MARK"))?;
        // The list is below the mark, above the mark before it.
        if m > self.stack.len() || m <= self.fence() {
            return Err(corrupt("unpickling stack underflow"));
        }
        let list = Self::node_index(self.stack[m - 1]);
        let n = self.stack.len() - m;
        self.charge(SLOT_COST.saturating_mul(n))?;
        if !matches!(list.and_then(|i| self.arena.get(i)), Some(Node::List(_))) {
            return Err(unsupported("APPEND/APPENDS on something that is not a list"));
        }
        let first_batch =
            n >= BATCHSIZE && matches!(list.and_then(|i| self.arena.get(i)), Some(Node::List(l)) if l.is_empty());
        let room = if first_batch { self.reserve_for_items() } else { 0 };
        if let Some(Node::List(l)) = list.and_then(|i| self.arena.get_mut(i)) {
            if first_batch {
                if self.spare_list.capacity() > 0 {
                    *l = std::mem::take(&mut self.spare_list);
                }
                let _ = l.try_reserve(room.saturating_add(n));
            }
            // Copied as a slice: `Vec::drain` went item by item through an
            // `Option<Value>` on the stack, stored in parts and loaded whole.
            l.extend_from_slice(self.stack.get(m..).unwrap_or_default());
            self.stack.truncate(m);
        }
        Ok(())
    }

    fn list_extend(&mut self, list: Value, items: Vec<Value>) -> Result<()> {
        self.charge(SLOT_COST.saturating_mul(items.len()))?;
        match Self::node_index(list).and_then(|i| self.arena.get_mut(i)) {
            Some(Node::List(l)) => {
                l.extend(items);
                Ok(())
            }
            _ => Err(unsupported("APPEND/APPENDS on something that is not a list")),
        }
    }

    /// The items of a small tuple (at most `max`: longer ones are refused before
    /// anything is copied).
    fn tuple_items(&self, v: Value, max: usize, what: &str) -> Result<Vec<Value>> {
        match self.node(v) {
            Some(Node::Tuple(t)) if t.len() <= max => Ok(t.clone()),
            Some(Node::Tuple(_)) => Err(corrupt(format_args!("{what} has too many items"))),
            _ => Err(corrupt(format_args!("{what} must be a tuple"))),
        }
    }

    fn global_of(&self, v: Value) -> Option<Global> {
        match self.node(v) {
            Some(Node::Global(g)) => Some(*g),
            _ => None,
        }
    }

    fn shape_of(&self, v: Value) -> Result<Vec<usize>> {
        let items = match self.node(v) {
            Some(Node::Tuple(t) | Node::List(t)) if t.len() <= MAX_DIMS => t.clone(),
            Some(Node::Tuple(_) | Node::List(_)) => {
                return Err(unsupported(format_args!("arrays of more than {MAX_DIMS} dimensions")))
            }
            _ => match v {
                Value::Int(_) => vec![v],
                _ => return Err(corrupt("an array shape must be a tuple of integers")),
            },
        };
        items
            .iter()
            .map(|d| match d {
                Value::Int(n) => usize::try_from(*n).map_err(|_| corrupt("negative array dimension")),
                _ => Err(corrupt("an array shape must be a tuple of integers")),
            })
            .collect()
    }

    fn bytes_like(&self, v: Value) -> Option<&[u8]> {
        match self.node(v) {
            Some(Node::Bytes(b) | Node::ByteArray(b)) => Some(self.blob(b)),
            _ => None,
        }
    }

    fn reduce(&mut self, func: Value, args: Value) -> Result<Value> {
        let Some(g) = self.global_of(func) else {
            return Err(unsupported("REDUCE on something that is not an allowed global"));
        };
        let args = self.tuple_items(args, 4, "REDUCE's arguments")?;
        match g {
            Global::Reconstruct => {
                let [cls, _shape, _dtype] = args[..] else {
                    return Err(corrupt("_reconstruct takes 3 arguments"));
                };
                if self.global_of(cls) != Some(Global::Ndarray) {
                    return Err(unsupported("_reconstruct of a type other than numpy.ndarray"));
                }
                self.new_node(Node::Array(Box::default()))
            }
            Global::DType => {
                let (name, rest) = args.split_first().ok_or_else(|| corrupt("dtype() needs an argument"))?;
                if rest.len() > 2 {
                    return Err(corrupt("dtype() takes at most 3 arguments"));
                }
                let name = self.str_of(*name).ok_or_else(|| unsupported("dtype() of something other than a str"))?;
                let node =
                    DTypeNode { name: name.to_string(), dtype: Some(dtype_from_name(name, ByteOrder::NATIVE, None)?) };
                self.new_node(Node::DType(Box::new(node)))
            }
            Global::CodecsEncode => {
                let (Some(text), enc) = (args.first().and_then(|&v| self.str_of(v)), args.get(1)) else {
                    return Err(corrupt("_codecs.encode needs a str"));
                };
                let enc = match enc {
                    Some(&e) => self.str_of(e).ok_or_else(|| corrupt("_codecs.encode's encoding must be a str"))?,
                    None => "utf-8",
                };
                if args.len() > 2 {
                    return Err(unsupported("_codecs.encode with an error handler"));
                }
                let bytes = match enc.to_ascii_lowercase().replace('_', "-").as_str() {
                    "latin1" | "latin-1" | "iso-8859-1" | "iso8859-1" | "l1" => text
                        .chars()
                        .map(|c| u8::try_from(u32::from(c)).map_err(|_| corrupt("latin-1 cannot encode the text")))
                        .collect::<Result<Vec<u8>>>()?,
                    "utf-8" | "utf8" => text.as_bytes().to_vec(),
                    "ascii" if text.is_ascii() => text.as_bytes().to_vec(),
                    _ => return Err(unsupported(format_args!("_codecs.encode to {:?}", truncate(enc)))),
                };
                self.charge(bytes.len())?;
                self.new_node(Node::Bytes(Blob::Owned(bytes)))
            }
            Global::Bytes => {
                if !args.is_empty() {
                    return Err(unsupported("bytes() with arguments"));
                }
                self.new_node(Node::Bytes(Blob::Owned(Vec::new())))
            }
            Global::FromBuffer => {
                let [buf, dtype, shape, order] = args[..] else {
                    return Err(corrupt("_frombuffer takes 4 arguments"));
                };
                if self.bytes_like(buf).is_none() {
                    return Err(corrupt("_frombuffer's buffer must be bytes"));
                }
                let Some(Node::DType(_)) = self.node(dtype) else {
                    return Err(corrupt("_frombuffer's dtype must be a dtype"));
                };
                let shape = self.shape_of(shape)?;
                let fortran = match self.str_of(order) {
                    Some("C") => false,
                    Some("F") => true,
                    _ => return Err(corrupt("_frombuffer's order must be 'C' or 'F'")),
                };
                let node =
                    ArrayNode { shape, dtype: Self::node_index(dtype), fortran, data: Some(buf), from_setstate: false };
                self.new_node(Node::Array(Box::new(node)))
            }
            Global::Scalar => {
                let (Some(&dtype), data) = (args.first(), args.get(1)) else {
                    return Err(corrupt("scalar() takes 2 arguments"));
                };
                let Some(Node::DType(d)) = self.node(dtype) else {
                    return Err(corrupt("scalar()'s first argument must be a dtype"));
                };
                let dt = d.dtype.ok_or_else(|| corrupt("scalar() of an unknown dtype"))?;
                if dt.is_object() {
                    return data.copied().ok_or_else(|| corrupt("scalar() of the object dtype needs an object"));
                }
                let bytes = match data.map(|&v| (self.bytes_like(v), self.str_of(v))) {
                    Some((Some(b), _)) => b.to_vec(),
                    Some((None, Some(s))) => latin1_bytes(s)?,
                    _ => return Err(corrupt("scalar()'s data must be bytes")),
                };
                match scalar_value(dt, &bytes)? {
                    Scalar::Value(v) => Ok(v),
                    Scalar::Big(n) => self.new_node(Node::BigInt(n)),
                }
            }
            Global::Ndarray => Err(unsupported("calling numpy.ndarray directly is not supported")),
        }
    }

    fn build(&mut self, obj: Value, state: Value) -> Result<()> {
        let idx =
            Self::node_index(obj).ok_or_else(|| unsupported("BUILD on something that is not an array or dtype"))?;
        match self.arena.get(idx) {
            Some(Node::DType(d)) => {
                let name = d.name.clone();
                let st = self.tuple_items(state, 9, "a dtype's state")?;
                let version = match st.first() {
                    Some(Value::Int(v)) => *v,
                    _ => return Err(corrupt("a dtype's state must start with its version")),
                };
                if !(st.len() == 8 || st.len() == 9) || !(3..=4).contains(&version) {
                    return Err(unsupported("a dtype state other than numpy's version 3 or 4"));
                }
                let order = match self.str_of(st[1]) {
                    Some("<") => ByteOrder::Little,
                    Some(">") => ByteOrder::Big,
                    Some("|") => ByteOrder::NotApplicable,
                    Some("=") => ByteOrder::NATIVE,
                    _ => return Err(corrupt("a dtype's byte order must be '<', '>', '|' or '='")),
                };
                if !matches!(st[2], Value::None) || !matches!(st[3], Value::None) || !matches!(st[4], Value::None) {
                    return Err(unsupported("structured and sub-array dtypes are not supported"));
                }
                let unit = match st.get(8) {
                    None | Some(Value::None) => None,
                    Some(&m) => Some(self.datetime_metadata(m)?),
                };
                let elsize = match st[5] {
                    Value::Int(-1) => None,
                    Value::Int(n) => Some(usize::try_from(n).map_err(|_| corrupt("negative dtype item size"))?),
                    _ => return Err(corrupt("a dtype's item size must be an integer")),
                };
                let dtype = match (name.as_str(), unit) {
                    ("M8", Some((unit, multiplier))) => DType::new(DTypeKind::Datetime { unit, multiplier }, order, 8)?,
                    ("m8", Some((unit, multiplier))) => {
                        DType::new(DTypeKind::Timedelta { unit, multiplier }, order, 8)?
                    }
                    (_, Some(_)) => return Err(unsupported(format_args!("dtype {:?} with metadata", truncate(&name)))),
                    _ => dtype_from_name(&name, order, elsize)?,
                };
                if let Some(Node::DType(d)) = self.arena.get_mut(idx) {
                    d.dtype = Some(dtype);
                }
                Ok(())
            }
            Some(Node::Array(_)) => {
                let st = self.tuple_items(state, 5, "an array's state")?;
                let st = match st.len() {
                    5 => &st[1..],
                    4 => &st[..],
                    _ => return Err(corrupt("an array's state must have 4 or 5 items")),
                };
                let shape = self.shape_of(st[0])?;
                let dtype = match self.node(st[1]) {
                    Some(Node::DType(_)) => Self::node_index(st[1]),
                    _ => return Err(corrupt("an array's dtype must be a dtype")),
                };
                let fortran = match st[2] {
                    Value::Bool(b) => b,
                    Value::Int(i) => i != 0,
                    _ => return Err(corrupt("an array's is_fortran must be a bool")),
                };
                let node = ArrayNode { shape, dtype, fortran, data: Some(st[3]), from_setstate: true };
                if let Some(Node::Array(a)) = self.arena.get_mut(idx) {
                    **a = node;
                }
                Ok(())
            }
            _ => Err(unsupported("BUILD on something that is not an array or dtype")),
        }
    }

    /// A datetime dtype's metadata: `(None, (unit, multiplier, 1, 1))`.
    fn datetime_metadata(&self, m: Value) -> Result<(TimeUnit, u32)> {
        let bad = || unsupported("dtype metadata other than a datetime unit");
        let outer = self.tuple_items(m, 2, "a dtype's metadata").map_err(|_| bad())?;
        let [Value::None, inner] = outer[..] else { return Err(bad()) };
        let inner = self.tuple_items(inner, 4, "a dtype's datetime metadata").map_err(|_| bad())?;
        let [unit, Value::Int(multiplier), Value::Int(1), Value::Int(1)] = inner[..] else { return Err(bad()) };
        let unit: &[u8] = match (self.bytes_like(unit), self.str_of(unit)) {
            (Some(b), _) => b,
            (None, Some(s)) => s.as_bytes(),
            _ => return Err(bad()),
        };
        let unit = crate::pickler::TIME_UNITS
            .iter()
            .find(|(_, name)| name.as_bytes() == unit)
            .map(|(u, _)| *u)
            .ok_or_else(|| unsupported("an unknown datetime unit"))?;
        let multiplier = u32::try_from(multiplier).ok().filter(|&m| m > 0).ok_or_else(bad)?;
        Ok((unit, multiplier))
    }

    fn finish(&mut self, top: Value) -> Result<Decoded> {
        let Some(Node::Array(a)) = self.node(top) else {
            return Err(unsupported("the pickle does not hold a numpy array"));
        };
        let a = a.clone();
        let shared = self.is_shared(top);
        match self.array(&a, 0, shared)? {
            Object::Array(nd) => Ok(Decoded::Numeric(*nd)),
            Object::List(items) => Ok(Decoded::Objects(ObjectArray::new(items, a.shape)?)),
            _ => Err(corrupt("unexpected array contents")),
        }
    }

    /// Converts an array node: numeric data as `Object::Array`, object data as the
    /// `Object::List` of its items in C order.
    /// `shared`: whether the array is reachable more than once (then its items are
    /// copied, not moved, out of the arena).
    fn array(&mut self, a: &ArrayNode, depth: usize, shared: bool) -> Result<Object> {
        let dtype = match a.dtype.and_then(|i| self.arena.get(i)) {
            Some(Node::DType(d)) => d.dtype.ok_or_else(|| corrupt("an array's dtype is incomplete"))?,
            _ => return Err(corrupt("an array was never given its state")),
        };
        let data = a.data.ok_or_else(|| corrupt("an array was never given its state"))?;
        let count =
            a.shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d)).ok_or_else(|| corrupt("array too large"))?;
        if dtype.is_object() {
            let len = match self.node(data) {
                Some(Node::List(l)) => l.len(),
                _ => return Err(corrupt("an object array's data must be a list")),
            };
            if len != count {
                return Err(corrupt(format_args!("an object array of shape {:?} holds {len} items", a.shape)));
            }
            self.charge(std::mem::size_of::<Object>().saturating_mul(count))?;
            let shared = shared || self.is_shared(data);
            let mut items = match (shared, Self::node_index(data).and_then(|i| self.arena.get_mut(i))) {
                (false, Some(Node::List(l))) => std::mem::take(l),
                (true, Some(Node::List(l))) => l.clone(),
                _ => Vec::new(),
            };
            let list = Self::node_index(data).ok_or_else(|| corrupt("an object array's data must be a list"))?;
            self.enter(list)?;
            let mut out = Vec::with_capacity(count);
            for &v in &items {
                // Numbers, strs and bytes as `object` converts them, inline: its call
                // and large `Result` were a third of a 64 KiB decode of short items.
                // `object` for the rest, and for the error of items nested too deep.
                if depth + 1 > MAX_NESTING {
                    out.push(self.object(v, depth + 1, shared)?);
                    continue;
                }
                let o = match v {
                    Value::None => Object::None,
                    Value::Bool(b) => Object::Bool(b),
                    Value::Int(i) => Object::Int(i),
                    Value::Float(f) => Object::Float(f),
                    Value::Node(i) => {
                        let i = i as usize;
                        let own = !shared && !self.shared.get(i).copied().unwrap_or(true);
                        match self.arena.get_mut(i) {
                            Some(Node::Str(s)) if own => {
                                let s = std::mem::take(s);
                                self.charge(s.len())?;
                                Object::Str(s)
                            }
                            Some(&mut Node::Bytes(Blob::Input(start, end))) => {
                                let len = end.saturating_sub(start);
                                self.charge(len)?;
                                match self.input.get(start..).and_then(|rest| PyBytes::from_prefix(rest, len)) {
                                    Some(b) => Object::Bytes(b),
                                    None => return Err(corrupt("a bytes object outside the input")),
                                }
                            }
                            _ => self.object(v, depth + 1, shared)?,
                        }
                    }
                };
                push_fast(&mut out, o);
            }
            self.leave(list);
            // The vector is kept for the next decode (see `Scratch`).
            if items.capacity() > self.spare_list.capacity() {
                items.clear();
                self.spare_list = items;
            }
            // numpy lists object items in C order even for Fortran-ordered arrays.
            return Ok(Object::List(out));
        }
        let nbytes = self.numeric_size(a, dtype)?;
        self.charge(nbytes)?;
        let data = a.data.and_then(|d| self.bytes_like(d)).filter(|b| b.len() == nbytes);
        let (buf, native) = if let Some(b) = data {
            // The usual case: copied once, then reordered in place if need be.
            let mut buf = AlignedBuf::from_slice(b)?;
            let native = Self::reorder_numeric(a, dtype, buf.as_mut_slice());
            (buf, native)
        } else {
            let mut buf = AlignedBuf::zeroed(nbytes)?;
            let native = self.write_numeric(a, dtype, buf.as_mut_slice())?;
            (buf, native)
        };
        Ok(Object::Array(Box::new(NdArray::new(buf, native, a.shape.clone())?)))
    }

    /// The byte size of a numeric array node, checked against its data.
    fn numeric_size(&self, a: &ArrayNode, dtype: DType) -> Result<usize> {
        let data = a.data.ok_or_else(|| corrupt("an array was never given its state"))?;
        let nbytes = dtype.nbytes(&a.shape).ok_or_else(|| corrupt("array too large"))?;
        let have = match (self.bytes_like(data), self.str_of(data)) {
            (Some(b), _) => b.len(),
            (None, Some(s)) => s.chars().count(),
            _ => return Err(corrupt("a numeric array's data must be bytes")),
        };
        if have != nbytes {
            return Err(corrupt(format_args!(
                "an array of shape {:?} and dtype {dtype} needs {nbytes} bytes, the pickle holds {have}",
                a.shape
            )));
        }
        Ok(nbytes)
    }

    /// Writes a numeric array node's data into `out` (exactly its size) in C order and
    /// returns the dtype of what was written: numpy's `__setstate__` makes byte-swapped
    /// data native.
    fn write_numeric(&self, a: &ArrayNode, dtype: DType, out: &mut [u8]) -> Result<DType> {
        let data = a.data.ok_or_else(|| corrupt("an array was never given its state"))?;
        match (self.bytes_like(data), self.str_of(data)) {
            (Some(b), _) if b.len() == out.len() => out.copy_from_slice(b),
            (None, Some(s)) if s.chars().count() == out.len() => {
                for (o, c) in out.iter_mut().zip(s.chars()) {
                    *o =
                        u8::try_from(u32::from(c)).map_err(|_| corrupt("array data given as a str must be latin-1"))?;
                }
            }
            _ => return Err(corrupt("a numeric array's data does not match its shape and dtype")),
        }
        Ok(Self::reorder_numeric(a, dtype, out))
    }

    /// Puts a numeric array node's data, already in `out`, in C order and native byte
    /// order (what numpy's `__setstate__` does), and returns the dtype of the result.
    fn reorder_numeric(a: &ArrayNode, dtype: DType, out: &mut [u8]) -> DType {
        let size = dtype.itemsize();
        if a.fortran && a.shape.len() > 1 && size > 0 {
            let reordered = fortran_to_c(out.chunks_exact(size).collect(), &a.shape).concat();
            out.copy_from_slice(&reordered);
        }
        if a.from_setstate && dtype.byte_order() != ByteOrder::NotApplicable && dtype.byte_order() != ByteOrder::NATIVE
        {
            swap_units(out, dtype);
            return dtype.with_byte_order(ByteOrder::NATIVE);
        }
        dtype
    }

    /// The top-level numeric array, written straight into `out`.
    fn finish_into(&mut self, top: Value, out: &mut [u8]) -> Result<DType> {
        let Some(Node::Array(a)) = self.node(top) else {
            return Err(unsupported("the pickle does not hold a numpy array"));
        };
        let a = a.clone();
        let dtype = match a.dtype.and_then(|i| self.arena.get(i)) {
            Some(Node::DType(d)) => d.dtype.ok_or_else(|| corrupt("an array's dtype is incomplete"))?,
            _ => return Err(corrupt("an array was never given its state")),
        };
        if dtype.is_object() {
            return Err(unsupported("an object array cannot be decoded into a byte buffer"));
        }
        let nbytes = self.numeric_size(&a, dtype)?;
        if nbytes != out.len() {
            return Err(Error::OutputSizeMismatch { codec: CODEC_ID.into(), expected: out.len(), actual: nbytes });
        }
        self.write_numeric(&a, dtype, out)
    }

    /// Starts converting the container at arena index `idx`; an error if it is already
    /// being converted (it contains itself).
    fn enter(&mut self, idx: usize) -> Result<()> {
        if self.on_path.len() <= idx {
            self.on_path.resize(self.arena.len().max(idx + 1), false);
        }
        if std::mem::replace(&mut self.on_path[idx], true) {
            return Err(unsupported(
                "a list or dict that contains itself (a reference cycle, which an Object cannot hold)",
            ));
        }
        Ok(())
    }

    /// Ends converting the container at arena index `idx`.
    fn leave(&mut self, idx: usize) {
        if let Some(on) = self.on_path.get_mut(idx) {
            *on = false;
        }
    }

    /// Converts a value; `shared`: whether its container is reachable more than once.
    fn object(&mut self, v: Value, depth: usize, shared: bool) -> Result<Object> {
        if depth > MAX_NESTING {
            return Err(unsupported(format_args!("objects nested more than {MAX_NESTING} deep")));
        }
        let idx = match v {
            Value::None => return Ok(Object::None),
            Value::Bool(b) => return Ok(Object::Bool(b)),
            Value::Int(i) => return Ok(Object::Int(i)),
            Value::Float(f) => return Ok(Object::Float(f)),
            Value::Node(i) => i as usize,
        };
        let cost = match self.arena.get(idx) {
            Some(Node::Str(s)) => s.len(),
            Some(Node::Bytes(b)) => self.blob(b).len(),
            Some(Node::List(items)) => std::mem::size_of::<Object>().saturating_mul(items.len()),
            // The pairs, and the index that finds repeated keys.
            Some(Node::Dict(pairs)) => (3 * std::mem::size_of::<Object>()).saturating_mul(pairs.len()),
            Some(Node::BigInt(n)) => n.as_le_bytes().len(),
            _ => 0,
        };
        self.charge(cost)?;
        let shared = shared || self.is_shared(v);
        if !shared {
            // Referenced once: move the payload out.
            match self.arena.get_mut(idx) {
                Some(Node::Str(s)) => return Ok(Object::Str(std::mem::take(s))),
                Some(Node::Bytes(Blob::Owned(b))) => return Ok(Object::Bytes(std::mem::take(b).into())),
                _ => {}
            }
        }
        let node = self.arena.get(idx).ok_or_else(|| corrupt("dangling reference"))?;
        match node {
            Node::Str(s) => Ok(Object::Str(s.clone())),
            Node::Bytes(Blob::Input(s, e)) => self
                .input
                .get(*s..)
                .and_then(|rest| PyBytes::from_prefix(rest, e.saturating_sub(*s)))
                .map(Object::Bytes)
                .ok_or_else(|| corrupt("a bytes object outside the input")),
            Node::Bytes(b) => Ok(Object::Bytes(PyBytes::new(self.blob(b)))),
            Node::List(items) => {
                let items = items.clone();
                self.enter(idx)?;
                let mut out = Vec::with_capacity(items.len());
                for v in items {
                    out.push(self.object(v, depth + 1, shared)?);
                }
                self.leave(idx);
                Ok(Object::List(out))
            }
            Node::Dict(pairs) => {
                let pairs = pairs.clone();
                self.enter(idx)?;
                let mut out = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    let k = self.object(k, depth + 1, shared)?;
                    out.push((k, self.object(v, depth + 1, shared)?));
                }
                self.leave(idx);
                Ok(Object::Dict(dedupe(out)?))
            }
            Node::BigInt(n) => Ok(Object::from(n.clone())),
            Node::Array(a) => {
                let a = a.clone();
                match self.array(&a, depth, shared)? {
                    Object::Array(nd) => Ok(Object::Array(nd)),
                    _ => Err(unsupported("object arrays nested in object arrays are not supported")),
                }
            }
            Node::Tuple(_) => Err(unsupported("tuple items are not supported (the Rust Object has no tuple)")),
            Node::ByteArray(_) => Err(unsupported("bytearray items are not supported")),
            Node::Global(_) => Err(unsupported("a global is not a supported array item")),
            Node::DType(_) => Err(unsupported("a dtype is not a supported array item")),
        }
    }
}

fn latin1_bytes(s: &str) -> Result<Vec<u8>> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).map_err(|_| corrupt("array data given as a str must be latin-1")))
        .collect()
}

/// The dtype `numpy.dtype(name)` gives, with the state's byte order and item size.
fn dtype_from_name(name: &str, order: ByteOrder, elsize: Option<usize>) -> Result<DType> {
    let bad = || unsupported(format_args!("dtype {:?} is not supported", truncate(name)));
    let mut chars = name.chars();
    let kind = chars.next().ok_or_else(bad)?;
    let digits = chars.as_str();
    let num: Option<usize> = if digits.is_empty() { None } else { Some(digits.parse().map_err(|_| bad())?) };
    let (kind, itemsize) = match kind {
        'b' | '?' => (DTypeKind::Bool, num.unwrap_or(1)),
        'i' => (DTypeKind::Int, num.ok_or_else(bad)?),
        'u' => (DTypeKind::UInt, num.ok_or_else(bad)?),
        'f' => (DTypeKind::Float, num.ok_or_else(bad)?),
        'c' => (DTypeKind::Complex, num.ok_or_else(bad)?),
        'O' => (DTypeKind::Object, num.unwrap_or(8)),
        'S' | 'a' => (DTypeKind::Bytes, elsize.or(num).unwrap_or(0)),
        'V' => (DTypeKind::Void, elsize.or(num).unwrap_or(0)),
        'U' => (DTypeKind::Unicode, elsize.or(num.and_then(|n| n.checked_mul(4))).unwrap_or(0)),
        // The unit comes with the state's metadata.
        'M' => (DTypeKind::Datetime { unit: TimeUnit::Generic, multiplier: 1 }, num.unwrap_or(8)),
        'm' => (DTypeKind::Timedelta { unit: TimeUnit::Generic, multiplier: 1 }, num.unwrap_or(8)),
        _ => return Err(bad()),
    };
    DType::new(kind, order, itemsize).map_err(|_| bad())
}

/// A numpy scalar's value: a uint64 beyond `i64::MAX` is a big int.
enum Scalar {
    Value(Value),
    Big(BigInt),
}

fn scalar_value(dt: DType, b: &[u8]) -> Result<Scalar> {
    if b.len() != dt.itemsize() {
        return Err(corrupt("a numpy scalar's data does not match its dtype"));
    }
    let mut le = b.to_vec();
    if dt.byte_order() == ByteOrder::Big {
        le.reverse();
    }
    let mut w = [0u8; 8];
    let n = le.len().min(8);
    w[..n].copy_from_slice(&le[..n]);
    let v = match (dt.kind(), dt.itemsize()) {
        (DTypeKind::Bool, 1) => Value::Bool(b[0] != 0),
        (DTypeKind::Int, 1) => Value::Int(i64::from(le[0] as i8)),
        (DTypeKind::Int, 2) => Value::Int(i64::from(i16::from_le_bytes([le[0], le[1]]))),
        (DTypeKind::Int, 4) => Value::Int(i64::from(i32::from_le_bytes([le[0], le[1], le[2], le[3]]))),
        (DTypeKind::Int, 8) => Value::Int(i64::from_le_bytes(w)),
        (DTypeKind::UInt, 1..=8) => {
            let u = u64::from_le_bytes(w);
            match i64::try_from(u) {
                Ok(i) => Value::Int(i),
                Err(_) => return Ok(Scalar::Big(BigInt::from(u))),
            }
        }
        (DTypeKind::Float, 2) => Value::Float(f16_to_f64(u16::from_le_bytes([le[0], le[1]]))),
        (DTypeKind::Float, 4) => Value::Float(f64::from(f32::from_le_bytes([le[0], le[1], le[2], le[3]]))),
        (DTypeKind::Float, 8) => Value::Float(f64::from_le_bytes(w)),
        _ => return Err(unsupported(format_args!("numpy scalars of dtype {dt} are not supported"))),
    };
    Ok(Scalar::Value(v))
}

fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((h >> 10) & 0x1f);
    let frac = f64::from(h & 0x3ff);
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + frac / 1024.0) * 2f64.powi(e - 15),
    }
}

/// Reorders items stored in Fortran order into C order.
fn fortran_to_c<T: Clone>(items: Vec<T>, shape: &[usize]) -> Vec<T> {
    if shape.len() < 2 {
        return items;
    }
    let n = items.len();
    let mut out = Vec::with_capacity(n);
    let mut idx = vec![0usize; shape.len()];
    for _ in 0..n {
        // Fortran offset of the C-order multi-index `idx`.
        let mut off = 0;
        let mut stride = 1;
        for (d, &i) in shape.iter().zip(&idx) {
            off += i * stride;
            stride *= d;
        }
        out.push(items[off].clone());
        for k in (0..shape.len()).rev() {
            idx[k] += 1;
            if idx[k] < shape[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    out
}

/// Python 2's `STRING` argument: a quoted `repr` of a byte string.
fn parse_py2_string_literal(line: &[u8]) -> Result<Vec<u8>> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let inner = match line {
        [q, inner @ .., q2] if (q == &b'\'' || q == &b'"') && q == q2 => inner,
        _ => return Err(corrupt("the STRING opcode argument must be quoted")),
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let c = inner[i];
        i += 1;
        if c != b'\\' {
            out.push(c);
            continue;
        }
        let e = *inner.get(i).ok_or_else(|| corrupt("bad escape in STRING"))?;
        i += 1;
        match e {
            b'\\' | b'\'' | b'"' => out.push(e),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'x' => {
                let h = inner.get(i..i + 2).ok_or_else(|| corrupt("bad escape in STRING"))?;
                let h = std::str::from_utf8(h).map_err(|_| corrupt("bad escape in STRING"))?;
                out.push(u8::from_str_radix(h, 16).map_err(|_| corrupt("bad escape in STRING"))?);
                i += 2;
            }
            _ => return Err(unsupported("this escape sequence in a Python 2 STRING is not supported")),
        }
    }
    Ok(out)
}

/// Decodes the `UNICODE` opcode's raw-unicode-escape text: bytes are latin-1, except
/// `\uXXXX` and `\UXXXXXXXX` after an even number of other backslashes.
fn raw_unicode_unescape(line: &[u8]) -> Result<String> {
    let mut out = String::with_capacity(line.len());
    let mut run = 0usize;
    let mut i = 0;
    while i < line.len() {
        let c = line[i];
        if c == b'\\' && run.is_multiple_of(2) && matches!(line.get(i + 1), Some(b'u' | b'U')) {
            let n = if line[i + 1] == b'u' { 4 } else { 8 };
            let hex = line.get(i + 2..i + 2 + n).ok_or_else(|| corrupt("truncated \\u escape in UNICODE"))?;
            let hex = std::str::from_utf8(hex).map_err(|_| corrupt("bad \\u escape in UNICODE"))?;
            let code = u32::from_str_radix(hex, 16).map_err(|_| corrupt("bad \\u escape in UNICODE"))?;
            let ch = char::from_u32(code)
                .ok_or_else(|| unsupported("a string holds a lone surrogate or an invalid code point"))?;
            out.push(ch);
            i += 2 + n;
            run = 0;
            continue;
        }
        run = if c == b'\\' { run + 1 } else { 0 };
        out.push(char::from(c));
        i += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_unicode_escape_round_trip() {
        assert_eq!(raw_unicode_unescape(b"a\\u005cb\\U0001f600\xe9").unwrap(), "a\\b\u{1f600}\u{e9}");
        assert!(raw_unicode_unescape(b"\\u12").is_err());
        assert!(raw_unicode_unescape(b"\\ud800").is_err());
    }

    #[test]
    fn fortran_order() {
        // 2x3 stored column-major: [[0,1,2],[3,4,5]] is 0,3,1,4,2,5.
        assert_eq!(fortran_to_c(vec![0, 3, 1, 4, 2, 5], &[2, 3]), vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn half_floats() {
        assert_eq!(f16_to_f64(0x3c00), 1.0);
        assert_eq!(f16_to_f64(0xc000), -2.0);
        assert!(f16_to_f64(0x7e00).is_nan());
        assert_eq!(f16_to_f64(0x0001), 2f64.powi(-24));
    }
}
