//! The pickle opcodes of protocols 0 to 5, shared by the pickler and the unpickler.
//!
//! Every opcode is named exactly as CPython's `pickletools` (and `pickle.py`, and
//! `_pickle.c`) names it, with its byte and the protocol that introduced it, in the
//! order `pickletools.opcodes` lists them. The table is checked against CPython's in
//! this module's tests. Whether the unpickler accepts an opcode is its own business
//! (see `unpickler.rs`): this table only names them.

use std::fmt;

/// Defines [`Opcode`] and its lookups from one table of
/// `NAME = byte, protocol;` rows, each with its doc comment.
macro_rules! opcodes {
    ($($(#[$doc:meta])* $name:ident = $code:literal, $proto:literal;)*) => {
        /// A pickle opcode: its discriminant is its byte.
        ///
        /// The variants keep CPython's upper-case names, so that they read (and grep)
        /// as in `pickletools`, `pickle.py` and `_pickle.c`.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub(crate) enum Opcode {
            $($(#[$doc])* $name = $code,)*
        }

        impl Opcode {
            /// Every opcode, in `pickletools.opcodes` order.
            #[cfg_attr(not(test), allow(dead_code))] // the table's data, read by the tests
            pub(crate) const ALL: [Opcode; [$(Opcode::$name),*].len()] = [$(Opcode::$name),*];

            /// CPython's name, e.g. `"SHORT_BINUNICODE"`.
            pub(crate) const fn name(self) -> &'static str {
                match self {
                    $(Opcode::$name => stringify!($name),)*
                }
            }

            /// The pickle protocol that introduced the opcode (`pickletools`' `proto`).
            #[cfg_attr(not(test), allow(dead_code))] // the table's data, read by the tests
            pub(crate) const fn proto(self) -> u8 {
                match self {
                    $(Opcode::$name => $proto,)*
                }
            }
        }

        /// Each opcode's byte as a constant named like it, to `match` raw bytes on.
        pub(crate) mod byte {
            $(#[doc = concat!("[`Opcode::", stringify!($name), "`]'s byte.")]
            pub(crate) const $name: u8 = super::Opcode::$name.code();)*
        }

        impl TryFrom<u8> for Opcode {
            type Error = UnknownOpcode;

            /// The opcode a byte stands for; a byte no protocol defines is an
            /// [`UnknownOpcode`].
            #[inline]
            fn try_from(byte: u8) -> Result<Self, UnknownOpcode> {
                match byte {
                    $(byte::$name => Ok(Opcode::$name),)*
                    _ => Err(UnknownOpcode(byte)),
                }
            }
        }
    };
}

opcodes! {
    // Integers.
    /// Push an int (or a bool, for `01`/`00`), a decimal line argument.
    INT = b'I', 0;
    /// Push a 4-byte little-endian signed int.
    BININT = b'J', 1;
    /// Push a 1-byte unsigned int.
    BININT1 = b'K', 1;
    /// Push a 2-byte little-endian unsigned int.
    BININT2 = b'M', 1;
    /// Push a long int, a decimal line argument ending in `L`.
    LONG = b'L', 0;
    /// Push a long int: 1-byte length, then little-endian two's complement bytes.
    LONG1 = 0x8a, 2;
    /// Push a long int: 4-byte signed length, then little-endian two's complement bytes.
    LONG4 = 0x8b, 2;

    // Python 2 strings.
    /// Push a Python 2 `str`, a quoted `repr` line argument.
    STRING = b'S', 0;
    /// Push a Python 2 `str`: 4-byte signed length, then the bytes.
    BINSTRING = b'T', 1;
    /// Push a Python 2 `str`: 1-byte length, then the bytes.
    SHORT_BINSTRING = b'U', 1;

    // Bytes and buffers.
    /// Push `bytes`: 4-byte length, then the bytes.
    BINBYTES = b'B', 3;
    /// Push `bytes`: 1-byte length, then the bytes.
    SHORT_BINBYTES = b'C', 3;
    /// Push `bytes`: 8-byte length, then the bytes.
    BINBYTES8 = 0x8e, 4;
    /// Push a `bytearray`: 8-byte length, then the bytes.
    BYTEARRAY8 = 0x96, 5;
    /// Push the next out-of-band buffer (`pickle.loads(..., buffers=...)`).
    NEXT_BUFFER = 0x97, 5;
    /// Make the buffer on top of the stack read-only.
    READONLY_BUFFER = 0x98, 5;

    // None and bools.
    /// Push `None`.
    NONE = b'N', 0;
    /// Push `True`.
    NEWTRUE = 0x88, 2;
    /// Push `False`.
    NEWFALSE = 0x89, 2;

    // Unicode strings.
    /// Push a `str`, a raw-unicode-escape line argument.
    UNICODE = b'V', 0;
    /// Push a `str`: 1-byte length, then UTF-8.
    SHORT_BINUNICODE = 0x8c, 4;
    /// Push a `str`: 4-byte length, then UTF-8.
    BINUNICODE = b'X', 1;
    /// Push a `str`: 8-byte length, then UTF-8.
    BINUNICODE8 = 0x8d, 4;

    // Floats.
    /// Push a float, a decimal line argument.
    FLOAT = b'F', 0;
    /// Push a float: 8-byte big-endian IEEE 754 double.
    BINFLOAT = b'G', 1;

    // Lists.
    /// Push an empty list.
    EMPTY_LIST = b']', 1;
    /// Pop an item and append it to the list below it.
    APPEND = b'a', 0;
    /// Pop the items above the topmost mark (and the mark) and extend the list below.
    APPENDS = b'e', 1;
    /// Pop the items above the topmost mark (and the mark) and push them as a list.
    LIST = b'l', 0;

    // Tuples.
    /// Push an empty tuple.
    EMPTY_TUPLE = b')', 1;
    /// Pop the items above the topmost mark (and the mark) and push them as a tuple.
    TUPLE = b't', 0;
    /// Pop the top item and push it as a 1-tuple.
    TUPLE1 = 0x85, 2;
    /// Pop the top two items and push them as a 2-tuple.
    TUPLE2 = 0x86, 2;
    /// Pop the top three items and push them as a 3-tuple.
    TUPLE3 = 0x87, 2;

    // Dicts.
    /// Push an empty dict.
    EMPTY_DICT = b'}', 1;
    /// Pop the key-value pairs above the topmost mark (and the mark) and push a dict.
    DICT = b'd', 0;
    /// Pop a key and a value and set them in the dict below.
    SETITEM = b's', 0;
    /// Pop the key-value pairs above the topmost mark (and the mark) into the dict below.
    SETITEMS = b'u', 1;

    // Sets.
    /// Push an empty set.
    EMPTY_SET = 0x8f, 4;
    /// Pop the items above the topmost mark (and the mark) into the set below.
    ADDITEMS = 0x90, 4;
    /// Pop the items above the topmost mark (and the mark) and push a frozenset.
    FROZENSET = 0x91, 4;

    // Stack manipulation.
    /// Discard the top item (or, with none above it, the topmost mark).
    POP = b'0', 0;
    /// Push the top item again.
    DUP = b'2', 0;
    /// Push a mark: the start of the items the next TUPLE, LIST, APPENDS... take.
    MARK = b'(', 0;
    /// Pop the items above the topmost mark, and the mark.
    POP_MARK = b'1', 1;

    // The memo.
    /// Push the memo entry of a decimal line index.
    GET = b'g', 0;
    /// Push the memo entry of a 1-byte index.
    BINGET = b'h', 1;
    /// Push the memo entry of a 4-byte little-endian index.
    LONG_BINGET = b'j', 1;
    /// Store the top item in the memo at a decimal line index (the stack is not popped).
    PUT = b'p', 0;
    /// Store the top item in the memo at a 1-byte index (the stack is not popped).
    BINPUT = b'q', 1;
    /// Store the top item in the memo at a 4-byte index (the stack is not popped).
    LONG_BINPUT = b'r', 1;
    /// Store the top item in the memo at the next index, the memo's length.
    MEMOIZE = 0x94, 4;

    // The extension registry (`copyreg`).
    /// Push the object registered under a 1-byte extension code.
    EXT1 = 0x82, 2;
    /// Push the object registered under a 2-byte extension code.
    EXT2 = 0x83, 2;
    /// Push the object registered under a 4-byte extension code.
    EXT4 = 0x84, 2;

    // Globals, calls and state.
    /// Push the global `module.name`, two line arguments.
    GLOBAL = b'c', 0;
    /// Pop a name and a module (both `str`) and push the global `module.name`.
    STACK_GLOBAL = 0x93, 4;
    /// Pop an argument tuple and a callable, and push the result of the call.
    REDUCE = b'R', 0;
    /// Pop a state and give it to the object below (`__setstate__` or a dict update).
    BUILD = b'b', 0;

    // Class instances.
    /// Instantiate the class `module.name` (two line arguments) with the items above
    /// the topmost mark.
    INST = b'i', 0;
    /// Instantiate the class above the topmost mark with the items above it.
    OBJ = b'o', 1;
    /// Pop an argument tuple and a class, and push `cls.__new__(cls, *args)`.
    NEWOBJ = 0x81, 2;
    /// Pop keyword arguments, an argument tuple and a class, and push
    /// `cls.__new__(cls, *args, **kwargs)`.
    NEWOBJ_EX = 0x92, 4;

    // Machine control.
    /// The protocol version, a 1-byte argument (the first opcode of protocol 2+ pickles).
    PROTO = 0x80, 2;
    /// The end of the pickle: the top item is its value.
    STOP = b'.', 0;
    /// Start a frame: 8-byte length of the opcodes it holds.
    FRAME = 0x95, 4;

    // Persistent ids.
    /// Push the object of a persistent id, a line argument (`persistent_load`).
    PERSID = b'P', 0;
    /// Pop a persistent id and push its object (`persistent_load`).
    BINPERSID = b'Q', 1;
}

impl Opcode {
    /// The opcode's byte.
    #[inline]
    pub(crate) const fn code(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A byte that is no opcode of protocols 0 to 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UnknownOpcode(pub(crate) u8);

#[cfg(test)]
mod tests {
    use super::*;

    /// `(name, byte, protocol)` of every opcode, in `pickletools.opcodes` order, as
    /// CPython 3.11.7, 3.12.1 and 3.13.0 give them (the three agree, and each name is
    /// also `pickle.<NAME>`):
    ///
    /// ```python
    /// import pickletools
    /// [(o.name, ord(o.code), o.proto) for o in pickletools.opcodes]
    /// ```
    const CPYTHON: [(&str, u8, u8); 68] = [
        ("INT", 0x49, 0),
        ("BININT", 0x4a, 1),
        ("BININT1", 0x4b, 1),
        ("BININT2", 0x4d, 1),
        ("LONG", 0x4c, 0),
        ("LONG1", 0x8a, 2),
        ("LONG4", 0x8b, 2),
        ("STRING", 0x53, 0),
        ("BINSTRING", 0x54, 1),
        ("SHORT_BINSTRING", 0x55, 1),
        ("BINBYTES", 0x42, 3),
        ("SHORT_BINBYTES", 0x43, 3),
        ("BINBYTES8", 0x8e, 4),
        ("BYTEARRAY8", 0x96, 5),
        ("NEXT_BUFFER", 0x97, 5),
        ("READONLY_BUFFER", 0x98, 5),
        ("NONE", 0x4e, 0),
        ("NEWTRUE", 0x88, 2),
        ("NEWFALSE", 0x89, 2),
        ("UNICODE", 0x56, 0),
        ("SHORT_BINUNICODE", 0x8c, 4),
        ("BINUNICODE", 0x58, 1),
        ("BINUNICODE8", 0x8d, 4),
        ("FLOAT", 0x46, 0),
        ("BINFLOAT", 0x47, 1),
        ("EMPTY_LIST", 0x5d, 1),
        ("APPEND", 0x61, 0),
        ("APPENDS", 0x65, 1),
        ("LIST", 0x6c, 0),
        ("EMPTY_TUPLE", 0x29, 1),
        ("TUPLE", 0x74, 0),
        ("TUPLE1", 0x85, 2),
        ("TUPLE2", 0x86, 2),
        ("TUPLE3", 0x87, 2),
        ("EMPTY_DICT", 0x7d, 1),
        ("DICT", 0x64, 0),
        ("SETITEM", 0x73, 0),
        ("SETITEMS", 0x75, 1),
        ("EMPTY_SET", 0x8f, 4),
        ("ADDITEMS", 0x90, 4),
        ("FROZENSET", 0x91, 4),
        ("POP", 0x30, 0),
        ("DUP", 0x32, 0),
        ("MARK", 0x28, 0),
        ("POP_MARK", 0x31, 1),
        ("GET", 0x67, 0),
        ("BINGET", 0x68, 1),
        ("LONG_BINGET", 0x6a, 1),
        ("PUT", 0x70, 0),
        ("BINPUT", 0x71, 1),
        ("LONG_BINPUT", 0x72, 1),
        ("MEMOIZE", 0x94, 4),
        ("EXT1", 0x82, 2),
        ("EXT2", 0x83, 2),
        ("EXT4", 0x84, 2),
        ("GLOBAL", 0x63, 0),
        ("STACK_GLOBAL", 0x93, 4),
        ("REDUCE", 0x52, 0),
        ("BUILD", 0x62, 0),
        ("INST", 0x69, 0),
        ("OBJ", 0x6f, 1),
        ("NEWOBJ", 0x81, 2),
        ("NEWOBJ_EX", 0x92, 4),
        ("PROTO", 0x80, 2),
        ("STOP", 0x2e, 0),
        ("FRAME", 0x95, 4),
        ("PERSID", 0x50, 0),
        ("BINPERSID", 0x51, 1),
    ];

    #[test]
    fn the_table_is_cpythons() {
        let ours: Vec<(&str, u8, u8)> = Opcode::ALL.iter().map(|op| (op.name(), op.code(), op.proto())).collect();
        assert_eq!(ours, CPYTHON);
        for (name, code, proto) in CPYTHON {
            let op = Opcode::try_from(code).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!((op.name(), op.code(), op.proto()), (name, code, proto));
            assert_eq!(op.to_string(), name);
        }
    }

    #[test]
    fn every_other_byte_is_unknown() {
        for byte in 0..=u8::MAX {
            let known = CPYTHON.iter().any(|&(_, code, _)| code == byte);
            match Opcode::try_from(byte) {
                Ok(op) => assert!(known && op.code() == byte, "0x{byte:02x} decoded as {op}"),
                Err(e) => assert!(!known && e == UnknownOpcode(byte), "0x{byte:02x}: {e:?}"),
            }
        }
    }
}
