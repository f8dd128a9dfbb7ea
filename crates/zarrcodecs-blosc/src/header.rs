//! The 16-byte header of a C-Blosc 1.x chunk, parsed and checked in Rust before any
//! C code sees the chunk.

use zarrcodecs_core::{Error, Result};

use crate::{Shuffle, BITSHUFFLE, CODEC_ID, MAX_BUFFERSIZE, NOSHUFFLE, SHUFFLE};

/// The header length (and the most a chunk adds to its data: `MAX_OVERHEAD`).
pub(crate) const HEADER_LEN: usize = 16;

/// The format version C-Blosc 1.x writes (and the only one it reads back).
pub const VERSION_FORMAT: u8 = 2;

const DOSHUFFLE: u8 = 0x1;
const MEMCPYED: u8 = 0x2;
const DOBITSHUFFLE: u8 = 0x4;

/// The header of a C-Blosc 1.x chunk: 16 bytes, all sizes little-endian.
///
/// Returned only for headers consistent with the length of the chunk they came from
/// (see [`header`](crate::header())).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Byte 0: the format version (2 for every C-Blosc 1.x release since 1.0).
    pub version: u8,
    /// Byte 1: the version of the inner compressor's format.
    pub versionlz: u8,
    /// Byte 2: flags: bit 0 byte shuffle, bit 1 stored uncompressed (memcpyed), bit 2
    /// bit shuffle, bit 4 blocks not split, bits 5 to 7 the compressor library.
    pub flags: u8,
    /// Byte 3: the item size the shuffle filter used.
    pub typesize: u8,
    /// Bytes 4..8: the size of the decompressed data.
    pub nbytes: u32,
    /// Bytes 8..12: the size of the blocks the data was cut into.
    pub blocksize: u32,
    /// Bytes 12..16: the size of the whole chunk, header included.
    pub cbytes: u32,
}

impl Header {
    /// Reads the header of `src` and checks it against `src.len()`: version 2, cbytes
    /// equal to the input length, nbytes at most [`MAX_BUFFERSIZE`], a block size within
    /// the data, and room for the block offsets (or, for a stored chunk, exactly the data).
    pub(crate) fn parse(src: &[u8]) -> Result<Self> {
        let Some(h) = src.get(..HEADER_LEN) else {
            return Err(corrupt(format_args!("{} bytes are fewer than the 16-byte blosc header", src.len())));
        };
        let word = |i: usize| u32::from_le_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
        let header = Header {
            version: h[0],
            versionlz: h[1],
            flags: h[2],
            typesize: h[3],
            nbytes: word(4),
            blocksize: word(8),
            cbytes: word(12),
        };
        if header.version != VERSION_FORMAT {
            return Err(corrupt(format_args!(
                "format version {} is not C-Blosc 1.x's version {VERSION_FORMAT}",
                header.version
            )));
        }
        let cbytes = header.cbytes as usize;
        if cbytes != src.len() {
            return Err(corrupt(format_args!(
                "the header says the chunk has {cbytes} bytes, but it has {}",
                src.len()
            )));
        }
        let nbytes = header.nbytes as usize;
        if nbytes > MAX_BUFFERSIZE {
            return Err(corrupt(format_args!("the header claims {nbytes} bytes, more than blosc's {MAX_BUFFERSIZE}")));
        }
        if nbytes == 0 {
            if cbytes != HEADER_LEN {
                return Err(corrupt("an empty chunk must be just its header"));
            }
            return Ok(header);
        }
        if header.memcpyed() {
            if cbytes != nbytes + HEADER_LEN {
                return Err(corrupt(format_args!(
                    "a stored chunk of {nbytes} bytes must have {} bytes, not {cbytes}",
                    nbytes + HEADER_LEN
                )));
            }
        } else {
            let blocksize = header.blocksize as usize;
            if blocksize == 0 || blocksize > nbytes {
                return Err(corrupt(format_args!("block size {blocksize} for {nbytes} bytes of data")));
            }
            let nblocks = nbytes.div_ceil(blocksize);
            if nblocks.saturating_mul(4).saturating_add(HEADER_LEN) > cbytes {
                return Err(corrupt(format_args!("{cbytes} bytes cannot hold the offsets of {nblocks} blocks")));
            }
        }
        Ok(header)
    }

    /// Whether the data is stored uncompressed after the header.
    pub fn memcpyed(&self) -> bool {
        self.flags & MEMCPYED != 0
    }

    /// The shuffle filter, as numcodecs' `cbuffer_metainfo` reports it: [`SHUFFLE`],
    /// [`BITSHUFFLE`] or [`NOSHUFFLE`].
    pub fn shuffle(&self) -> Shuffle {
        if self.flags & DOSHUFFLE != 0 {
            SHUFFLE
        } else if self.flags & DOBITSHUFFLE != 0 {
            BITSHUFFLE
        } else {
            NOSHUFFLE
        }
    }

    /// The compressor library's code (flag bits 5 to 7).
    pub fn complib_code(&self) -> u8 {
        self.flags >> 5
    }

    /// The name of the compressor library, as C-Blosc's `blosc_cbuffer_complib` gives
    /// it (`"BloscLZ"`, `"LZ4"`, `"Snappy"`, `"Zlib"`, `"Zstd"`), or `None` for a code
    /// C-Blosc does not know.
    pub fn complib(&self) -> Option<&'static str> {
        match self.complib_code() {
            0 => Some("BloscLZ"),
            1 => Some("LZ4"),
            2 => Some("Snappy"),
            3 => Some("Zlib"),
            4 => Some("Zstd"),
            _ => None,
        }
    }
}

fn corrupt(reason: impl std::fmt::Display) -> Error {
    Error::corrupt(CODEC_ID, reason)
}
