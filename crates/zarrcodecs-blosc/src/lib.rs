#![doc = include_str!("../README.md")]

mod ffi;
mod header;

use std::ffi::{c_int, CString};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    AlignedBuf, ArrayViewMut, Codec, Data, DataRef, DecodeOptions, Error, NdArray, Result, StaticCodec,
    DEFAULT_DECODED_SIZE_LIMIT,
};

pub use header::{Header, VERSION_FORMAT};

/// The numcodecs id of this codec.
const CODEC_ID: &str = "blosc";

/// No shuffle filter: numcodecs' `NOSHUFFLE` (0), [`Shuffle::No`].
pub const NOSHUFFLE: Shuffle = Shuffle::No;
/// Byte shuffle (numcodecs' default): numcodecs' `SHUFFLE` (1), [`Shuffle::Byte`].
pub const SHUFFLE: Shuffle = Shuffle::Byte;
/// Bit shuffle: numcodecs' `BITSHUFFLE` (2), [`Shuffle::Bit`].
pub const BITSHUFFLE: Shuffle = Shuffle::Bit;
/// numcodecs' automatic choice (`AUTOSHUFFLE`, -1): [`BITSHUFFLE`] for 1-byte items,
/// [`SHUFFLE`] otherwise. [`Shuffle::Auto`].
pub const AUTOSHUFFLE: Shuffle = Shuffle::Auto;
/// Block size 0: C-Blosc chooses it.
pub const AUTOBLOCKS: usize = 0;
/// The most a chunk adds to its data: the 16-byte header.
pub const MAX_OVERHEAD: usize = 16;
/// The largest input C-Blosc 1.x compresses: 2^31 - 1 - 16 bytes.
pub const MAX_BUFFERSIZE: usize = (i32::MAX as usize) - MAX_OVERHEAD;
/// The largest item size the shuffle filters use; larger items are compressed as
/// 1-byte items (by C-Blosc itself, as in numcodecs).
pub const MAX_TYPESIZE: usize = 255;
/// The most threads C-Blosc uses for one call.
pub const MAX_THREADS: usize = 256;

/// A C-Blosc 1.x compressor: numcodecs' `cname`.
///
/// Every name numcodecs writes parses ([`FromStr`], exactly as written: `"lz4"`, not
/// `"LZ4"`), `snappy` included, although this build of C-Blosc (like numcodecs'
/// wheels) cannot compress with it: [`Blosc::new`] accepts it (decoding reads the
/// compressor from each chunk), encoding and [`compress`] refuse it with
/// [`Error::InvalidConfig`]. [`Display`](fmt::Display) writes the numcodecs name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cname {
    /// `blosclz` (code 0).
    BloscLz,
    /// `lz4` (code 1), numcodecs' default.
    #[default]
    Lz4,
    /// `lz4hc` (code 2).
    Lz4hc,
    /// `snappy` (code 3): parses, but this build of C-Blosc cannot use it.
    Snappy,
    /// `zlib` (code 4).
    Zlib,
    /// `zstd` (code 5).
    Zstd,
}

impl Cname {
    /// Every compressor C-Blosc 1.x knows, in its order (that of the codes).
    pub const ALL: [Cname; 6] = [Cname::BloscLz, Cname::Lz4, Cname::Lz4hc, Cname::Snappy, Cname::Zlib, Cname::Zstd];

    /// The name numcodecs writes in its configuration, e.g. `"lz4"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Cname::BloscLz => "blosclz",
            Cname::Lz4 => "lz4",
            Cname::Lz4hc => "lz4hc",
            Cname::Snappy => "snappy",
            Cname::Zlib => "zlib",
            Cname::Zstd => "zstd",
        }
    }

    /// C-Blosc's code of the compressor (`blosclz` 0 to `zstd` 5), whether or not it
    /// is in this build.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// Whether this build of C-Blosc can compress with it (all but `snappy`).
    pub fn is_available(self) -> bool {
        compname_to_compcode(self.as_str()).is_some()
    }
}

impl fmt::Display for Cname {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Cname {
    type Err = Error;

    /// Parses a numcodecs compressor name (case-sensitive, as C-Blosc compares them).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a name C-Blosc does not know.
    fn from_str(s: &str) -> Result<Self> {
        Cname::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| {
            let available = list_compressors().join(", ");
            Error::invalid_config(CODEC_ID, format_args!("unknown compressor {s:?} (available: {available})"))
        })
    }
}

/// The shuffle filter: numcodecs' `shuffle`, an integer in its configuration
/// ([`TryFrom<i32>`], [`From<Shuffle> for i32`](Shuffle#impl-From<Shuffle>-for-i32)).
///
/// The constants [`NOSHUFFLE`], [`SHUFFLE`], [`BITSHUFFLE`] and [`AUTOSHUFFLE`] are
/// numcodecs' names for the variants. [`Display`](fmt::Display) writes those names;
/// [`FromStr`] reads them (in any case) or the integer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Shuffle {
    /// `AUTOSHUFFLE` (-1): bit shuffle for 1-byte items, byte shuffle otherwise.
    Auto = -1,
    /// `NOSHUFFLE` (0): no shuffle filter.
    No = 0,
    /// `SHUFFLE` (1): byte shuffle, numcodecs' default.
    #[default]
    Byte = 1,
    /// `BITSHUFFLE` (2): bit shuffle.
    Bit = 2,
}

impl Shuffle {
    /// numcodecs' name of the value, e.g. `"SHUFFLE"`.
    pub const fn name(self) -> &'static str {
        match self {
            Shuffle::Auto => "AUTOSHUFFLE",
            Shuffle::No => "NOSHUFFLE",
            Shuffle::Byte => "SHUFFLE",
            Shuffle::Bit => "BITSHUFFLE",
        }
    }

    /// The integer numcodecs writes in its configuration (-1 to 2).
    pub const fn as_i32(self) -> i32 {
        self as i32
    }
}

impl From<Shuffle> for i32 {
    fn from(shuffle: Shuffle) -> i32 {
        shuffle.as_i32()
    }
}

impl TryFrom<i32> for Shuffle {
    type Error = Error;

    /// # Errors
    /// [`Error::InvalidConfig`] for anything but -1, 0, 1 or 2.
    fn try_from(shuffle: i32) -> Result<Self> {
        match shuffle {
            -1 => Ok(Shuffle::Auto),
            0 => Ok(Shuffle::No),
            1 => Ok(Shuffle::Byte),
            2 => Ok(Shuffle::Bit),
            _ => Err(Error::invalid_config(CODEC_ID, format_args!("shuffle must be -1, 0, 1 or 2, got {shuffle}"))),
        }
    }
}

impl fmt::Display for Shuffle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Shuffle {
    type Err = Error;

    /// Parses `NOSHUFFLE`, `SHUFFLE`, `BITSHUFFLE` or `AUTOSHUFFLE` (in any case), or
    /// the integer (-1 to 2).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for anything else.
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        if let Ok(n) = t.parse::<i32>() {
            return Shuffle::try_from(n);
        }
        [Shuffle::Auto, Shuffle::No, Shuffle::Byte, Shuffle::Bit]
            .into_iter()
            .find(|v| v.name().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                Error::invalid_config(
                    CODEC_ID,
                    format_args!("unknown shuffle {s:?} (NOSHUFFLE, SHUFFLE, BITSHUFFLE, AUTOSHUFFLE or -1 to 2)"),
                )
            })
    }
}

/// The version of the linked C-Blosc, e.g. `"1.21.6"` (numcodecs' `VERSION_STRING`).
pub fn version() -> String {
    ffi::version_string()
}

/// The compressors this build of C-Blosc supports, as numcodecs' `list_compressors()`:
/// `["blosclz", "lz4", "lz4hc", "zlib", "zstd"]` (no snappy, like numcodecs' wheels).
pub fn list_compressors() -> Vec<String> {
    ffi::list_compressors().split(',').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// The C-Blosc code of a compressor (`blosclz` 0, `lz4` 1, `lz4hc` 2, `snappy` 3,
/// `zlib` 4, `zstd` 5), or `None` if it is unknown or not in this build (numcodecs'
/// `compname_to_compcode` returns -1 then).
pub fn compname_to_compcode(cname: &str) -> Option<i32> {
    let code = ffi::compname_to_compcode(cname);
    (code >= 0).then_some(code)
}

/// Reads and checks the header of the chunk `src` (see [`Header`]).
///
/// # Errors
/// [`Error::Corrupt`] if `src` is shorter than 16 bytes, the version is not 2, the
/// header's cbytes is not `src.len()`, or its sizes are inconsistent.
pub fn header(src: &[u8]) -> Result<Header> {
    Header::parse(src)
}

/// `(nbytes, cbytes, blocksize)` of a chunk: numcodecs' `cbuffer_sizes`.
///
/// # Errors
/// As [`header()`].
pub fn cbuffer_sizes(src: &[u8]) -> Result<(usize, usize, usize)> {
    let h = Header::parse(src)?;
    Ok((h.nbytes as usize, h.cbytes as usize, h.blocksize as usize))
}

/// The compressor library of a chunk (`"BloscLZ"`, `"LZ4"`, `"Snappy"`, `"Zlib"` or
/// `"Zstd"`): numcodecs' `cbuffer_complib`.
///
/// # Errors
/// As [`header()`]; [`Error::Corrupt`] for an unknown library code.
pub fn cbuffer_complib(src: &[u8]) -> Result<&'static str> {
    let h = Header::parse(src)?;
    h.complib()
        .ok_or_else(|| Error::corrupt(CODEC_ID, format_args!("unknown compressor library code {}", h.complib_code())))
}

/// `(typesize, shuffle, memcpyed)` of a chunk: numcodecs' `cbuffer_metainfo`
/// (`shuffle` is [`NOSHUFFLE`], [`SHUFFLE`] or [`BITSHUFFLE`]; `i32::from` gives
/// numcodecs' integer).
///
/// # Errors
/// As [`header()`].
pub fn cbuffer_metainfo(src: &[u8]) -> Result<(usize, Shuffle, bool)> {
    let h = Header::parse(src)?;
    Ok((usize::from(h.typesize), h.shuffle(), h.memcpyed()))
}

/// A setting numcodecs passes to a C `int` parameter when it encodes (Cython raises
/// `OverflowError` there for a value outside `int`).
fn c_int_setting(key: &str, value: i64) -> Result<c_int> {
    c_int::try_from(value).map_err(|_| {
        Error::invalid_config(
            CODEC_ID,
            format_args!("{key} {value} does not fit a C int: cannot encode (numcodecs raises OverflowError)"),
        )
    })
}

/// Everything one compression needs, as the configuration holds it: numcodecs checks
/// these values only when it encodes, and so does [`compress_with`].
struct Params<'a> {
    cname: &'a str,
    clevel: i64,
    shuffle: i64,
    blocksize: i64,
    typesize: usize,
    nthreads: usize,
}

/// Compresses with numcodecs' checks, in numcodecs' order: the C `int` arguments, the
/// compressor (one this build has), the shuffle (-1 to 2), then the level (0 to 9,
/// which C-Blosc itself refuses, with error -10, in numcodecs).
fn compress_with(src: &[u8], p: &Params<'_>) -> Result<AlignedBuf> {
    let clevel = c_int_setting("clevel", p.clevel)?;
    let shuffle = c_int_setting("shuffle", p.shuffle)?;
    let blocksize = c_int_setting("blocksize", p.blocksize)?;
    if compname_to_compcode(p.cname).is_none() {
        let available = list_compressors().join(", ");
        return Err(Error::invalid_config(
            CODEC_ID,
            format_args!(
                "cannot encode with compressor {:?}: unknown, or not built into this C-Blosc (available: {available})",
                p.cname
            ),
        ));
    }
    let shuffle = Shuffle::try_from(shuffle).map_err(|_| {
        Error::invalid_config(
            CODEC_ID,
            format_args!("cannot encode with shuffle {shuffle}: expected -1, 0, 1 or 2 (numcodecs raises ValueError)"),
        )
    })?;
    if !(0..=9).contains(&clevel) {
        return Err(Error::invalid_config(
            CODEC_ID,
            format_args!("cannot encode with clevel {clevel}: C-Blosc takes 0 to 9 (numcodecs raises RuntimeError)"),
        ));
    }
    if src.len() > MAX_BUFFERSIZE {
        return Err(Error::unsupported_input(
            CODEC_ID,
            format_args!("{} bytes are more than blosc's limit of {MAX_BUFFERSIZE} bytes per chunk", src.len()),
        ));
    }
    let typesize = p.typesize.max(1);
    // numcodecs' rule for AUTOSHUFFLE.
    let shuffle = match shuffle {
        Shuffle::Auto if typesize == 1 => Shuffle::Bit,
        Shuffle::Auto => Shuffle::Byte,
        s => s,
    }
    .as_i32();
    let compressor =
        CString::new(p.cname).map_err(|e| Error::invalid_config_from(CODEC_ID, "cname holds a NUL byte", e))?;
    let params = ffi::CompressParams {
        clevel,
        shuffle,
        typesize,
        compressor: &compressor,
        // C's conversion of numcodecs' `int blocksize` to C-Blosc's `size_t`: a
        // negative value wraps (C-Blosc then uses its smallest block, 128 bytes, as
        // numcodecs does).
        #[allow(clippy::cast_sign_loss)]
        blocksize: blocksize as isize as usize,
        nthreads: c_int::try_from(p.nthreads.clamp(1, MAX_THREADS)).unwrap_or(1),
    };
    // Written in place, not zero-filled first.
    match ffi::compress_ctx_new(src, src.len() + MAX_OVERHEAD, &params)? {
        Ok(dest) => Ok(dest),
        Err(rc) => Err(Error::library(CODEC_ID, format_args!("blosc_compress_ctx failed with {rc}"))),
    }
}

/// Compresses `src` into one C-Blosc 1.x chunk, single-threaded: numcodecs'
/// `compress(source, cname, clevel, shuffle, blocksize)` with `use_threads = False`.
/// `typesize` is the item size of the data (numcodecs takes the source's itemsize);
/// `shuffle` may be [`AUTOSHUFFLE`].
///
/// # Errors
/// [`Error::InvalidConfig`] for a compressor this build lacks (`snappy`), a clevel
/// outside 0 to 9 or a blocksize above 2^31 - 1; [`Error::UnsupportedInput`] for more
/// than [`MAX_BUFFERSIZE`] bytes; [`Error::Library`] if C-Blosc fails.
pub fn compress(
    src: &[u8],
    typesize: usize,
    cname: Cname,
    clevel: i32,
    shuffle: Shuffle,
    blocksize: usize,
) -> Result<AlignedBuf> {
    compress_with(
        src,
        &Params {
            cname: cname.as_str(),
            clevel: i64::from(clevel),
            shuffle: i64::from(shuffle.as_i32()),
            blocksize: i64::try_from(blocksize).unwrap_or(i64::MAX),
            typesize,
            nthreads: 1,
        },
    )
}

/// The compressor library a chunk names in its header, if this C-Blosc lacks it (snappy:
/// neither this build nor numcodecs' wheels include it). Such a chunk fails as corrupt
/// input would; this says why.
fn missing_complib(src: &[u8]) -> Option<&'static str> {
    let h = header::Header::parse(src).ok().filter(|h| !h.memcpyed())?;
    let lib = h.complib()?;
    let built = ffi::list_compressors();
    let name = if lib == "LZ4" { "lz4" } else { lib };
    (!built.split(',').any(|c| c.eq_ignore_ascii_case(name))).then_some(lib)
}

fn decompress_checked(src: &[u8], dest: &mut [u8], nthreads: usize) -> Result<()> {
    if dest.is_empty() {
        // C-Blosc returns 0 for an empty chunk, which numcodecs takes for an error;
        // the header was checked: there is nothing to do.
        return Ok(());
    }
    let nthreads = c_int::try_from(nthreads.clamp(1, MAX_THREADS)).unwrap_or(1);
    let rc = ffi::decompress_ctx(src, dest, nthreads);
    if usize::try_from(rc).ok() == Some(dest.len()) {
        Ok(())
    } else if let Some(lib) = missing_complib(src) {
        Err(Error::Library {
            codec: CODEC_ID.into(),
            reason: format!(
                "the chunk was compressed with {lib}, which this C-Blosc does not include (nor do numcodecs' \
                 wheels, which cannot decode it either; available: {})",
                ffi::list_compressors()
            ),
        })
    } else {
        Err(Error::corrupt(CODEC_ID, format_args!("C-Blosc could not decompress the chunk (error {rc})")))
    }
}

fn decompress_new(src: &[u8], limit: usize, nthreads: usize) -> Result<AlignedBuf> {
    let h = Header::parse(src)?;
    let nbytes = h.nbytes as usize;
    if nbytes > limit {
        return Err(Error::DecodedSizeLimit { codec: CODEC_ID.into(), size: u64::from(h.nbytes), limit: limit as u64 });
    }
    // C-Blosc writes every byte or the chunk is refused (`decompress_checked` wants
    // exactly `nbytes`): no zero-fill needed.
    let mut out = AlignedBuf::for_overwrite(nbytes)?;
    decompress_checked(src, out.as_mut_slice(), nthreads)?;
    Ok(out)
}

fn decompress_into_with(src: &[u8], out: &mut [u8], nthreads: usize) -> Result<()> {
    let h = Header::parse(src)?;
    if h.nbytes as usize != out.len() {
        return Err(Error::OutputSizeMismatch {
            codec: CODEC_ID.into(),
            expected: out.len(),
            actual: h.nbytes as usize,
        });
    }
    decompress_checked(src, out, nthreads)
}

/// Decompresses a chunk into a new buffer (numcodecs' `decompress(source)`), refusing
/// chunks that claim more than [`DEFAULT_DECODED_SIZE_LIMIT`] bytes before allocating.
/// The empty chunk decodes to nothing (numcodecs 0.15.2 raises there).
///
/// # Errors
/// As [`header()`]; [`Error::DecodedSizeLimit`]; [`Error::Corrupt`] if C-Blosc
/// rejects the compressed data.
pub fn decompress(src: &[u8]) -> Result<AlignedBuf> {
    decompress_new(src, DEFAULT_DECODED_SIZE_LIMIT, 1)
}

/// Decompresses a chunk straight into `out` (numcodecs' `decompress(source, dest)`),
/// which must have exactly the decoded size.
///
/// # Errors
/// As [`decompress`]; [`Error::OutputSizeMismatch`] if `out.len()` is not the size
/// in the header (checked before decompressing).
pub fn decompress_into(src: &[u8], out: &mut [u8]) -> Result<()> {
    decompress_into_with(src, out, 1)
}

/// Decompresses items `start..start + nitems` of a chunk (items of the header's
/// typesize), through C-Blosc's `blosc_getitem`: numcodecs' `decompress_partial`.
/// Only the blocks holding those items are decompressed.
///
/// # Errors
/// As [`header()`]; [`Error::UnsupportedInput`] if the range is not within the chunk;
/// [`Error::Corrupt`] if the header's typesize is 0 or C-Blosc rejects the data.
pub fn decompress_partial(src: &[u8], start: usize, nitems: usize) -> Result<AlignedBuf> {
    let h = Header::parse(src)?;
    let typesize = usize::from(h.typesize);
    if typesize == 0 {
        return Err(Error::corrupt(CODEC_ID, "the header's typesize is 0"));
    }
    let items = h.nbytes as usize / typesize;
    let end = start.checked_add(nitems).filter(|&end| end <= items).ok_or_else(|| {
        Error::unsupported_input(
            CODEC_ID,
            format_args!("items {start}..{start}+{nitems} are out of the chunk's {items} items"),
        )
    })?;
    let mut out = AlignedBuf::zeroed(nitems * typesize)?;
    if nitems == 0 {
        return Ok(out);
    }
    // Both fit: end * typesize <= nbytes < 2^31.
    let (Ok(c_start), Ok(c_nitems)) = (c_int::try_from(start), c_int::try_from(end - start)) else {
        return Err(Error::unsupported_input(CODEC_ID, "item range too large"));
    };
    let rc = ffi::getitem(src, c_start, c_nitems, out.as_mut_slice(), typesize);
    if usize::try_from(rc).ok() == Some(out.len()) {
        Ok(out)
    } else {
        Err(Error::corrupt(CODEC_ID, format_args!("blosc_getitem failed with {rc}")))
    }
}

/// The configuration of [`Blosc`], as numcodecs' `get_config()` writes it (without
/// `"id"`): `{"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}`.
///
/// As numcodecs 0.15.2's `Blosc.__init__`, which only stores its arguments, every
/// compressor name and every integer `clevel`, `shuffle` and `blocksize` builds a
/// codec: decoding reads everything it needs from the chunk's header, and encoding
/// refuses what numcodecs' encode refuses (a compressor this build lacks, such as
/// `snappy`, a shuffle outside -1 to 2, a level outside 0 to 9, a value outside a C
/// `int`). A negative `blocksize` encodes as in numcodecs (C-Blosc's smallest block).
///
/// Newer numcodecs versions also know a `typesize` key: it is accepted (an integer
/// from 1, or `null`) and, when set, used instead of the input's item size. It is
/// written back only when set, so the default configuration is numcodecs 0.15.2's.
///
/// The fields keep numcodecs' JSON types (so that what is read is written back
/// unchanged); [`BloscConfig::cname`] and [`BloscConfig::shuffle`] give them typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BloscConfig {
    /// The compressor: `blosclz`, `lz4`, `lz4hc`, `zlib` or `zstd` encode; any other
    /// name (`snappy`, which neither this crate nor numcodecs' wheels build) is kept
    /// and only refused when encoding.
    #[serde(default = "default_cname")]
    pub cname: String,
    /// Compression level, 0 (stored) to 9 to encode.
    #[serde(default = "default_clevel")]
    pub clevel: i64,
    /// [`AUTOSHUFFLE`] (-1), [`NOSHUFFLE`] (0), [`SHUFFLE`] (1) or [`BITSHUFFLE`] (2)
    /// to encode.
    #[serde(default = "default_shuffle")]
    pub shuffle: i64,
    /// Block size in bytes, 0 (automatic) or up to 2^31 - 1 to encode (negative: the
    /// smallest block, as in numcodecs).
    #[serde(default)]
    pub blocksize: i64,
    /// The item size to shuffle with, instead of the input's (newer numcodecs only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typesize: Option<i64>,
}

fn default_cname() -> String {
    Cname::default().as_str().into()
}

fn default_clevel() -> i64 {
    5
}

fn default_shuffle() -> i64 {
    i64::from(Shuffle::default().as_i32())
}

/// The typed shuffle of a configuration value.
fn shuffle_of(shuffle: i64) -> Result<Shuffle> {
    i32::try_from(shuffle)
        .map_err(|_| Error::invalid_config(CODEC_ID, format_args!("shuffle must be -1, 0, 1 or 2, got {shuffle}")))
        .and_then(Shuffle::try_from)
}

impl BloscConfig {
    /// The compressor, typed.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a name C-Blosc does not know (see
    /// [`Cname::from_str`]).
    pub fn cname(&self) -> Result<Cname> {
        self.cname.parse()
    }

    /// The shuffle filter, typed.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] outside -1 to 2.
    pub fn shuffle(&self) -> Result<Shuffle> {
        shuffle_of(self.shuffle)
    }
}

impl Default for BloscConfig {
    fn default() -> Self {
        BloscConfig {
            cname: default_cname(),
            clevel: default_clevel(),
            shuffle: default_shuffle(),
            blocksize: 0,
            typesize: None,
        }
    }
}

/// The `blosc` codec: C-Blosc 1.x chunks, byte-compatible with Python numcodecs.
///
/// The input's item size (its dtype's) is the typesize the shuffle filters use, as in
/// numcodecs. Every call goes through C-Blosc's context API, so the codec is
/// `Send + Sync` and one instance serves many threads at once.
///
/// Decoding reads the compressor, shuffle, typesize and block size from the chunk's
/// header, never from the codec's settings, as numcodecs does: a codec whose settings
/// cannot encode (say `"cname": "snappy"`, an old chunk's configuration) still
/// decodes every chunk.
///
/// Threads: by default each call compresses or decompresses on the calling thread
/// only, which is numcodecs' `use_threads = False` path (`blosc_compress_ctx` with one
/// thread) and gives numcodecs' bytes exactly. [`Blosc::set_nthreads`] lets C-Blosc
/// use more threads inside each call; the chunks stay valid for every reader, but with
/// several threads the order of blocks in a chunk can vary. numcodecs' default
/// (`use_threads = None`) uses C-Blosc's global, locked, multi-threaded path when called
/// from the main thread; that global state does not exist here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blosc {
    cname: String,
    clevel: i64,
    shuffle: i64,
    blocksize: i64,
    typesize: Option<usize>,
    nthreads: usize,
}

impl Blosc {
    /// A codec with the given compressor, level, shuffle and block size (0,
    /// [`AUTOBLOCKS`], for automatic), as numcodecs' `Blosc(cname, clevel, shuffle,
    /// blocksize)`, which checks nothing: values that cannot encode ([`Cname::Snappy`],
    /// a level outside 0 to 9, a block size above 2^31 - 1) are refused by
    /// [`Blosc::compress`] and `encode`, with [`Error::InvalidConfig`]. Decoding needs
    /// none of them.
    ///
    /// ```
    /// use zarrcodecs_blosc::{Blosc, Cname, Shuffle};
    /// let codec = Blosc::new(Cname::Zstd, 5, Shuffle::Bit, 0);
    /// assert_eq!(codec, Blosc::new("zstd".parse()?, 5, Shuffle::try_from(2)?, 0));
    /// # Ok::<(), zarrcodecs_core::Error>(())
    /// ```
    pub fn new(cname: Cname, clevel: i32, shuffle: Shuffle, blocksize: usize) -> Self {
        Blosc {
            cname: cname.as_str().to_string(),
            clevel: i64::from(clevel),
            shuffle: i64::from(shuffle.as_i32()),
            blocksize: i64::try_from(blocksize).unwrap_or(i64::MAX),
            typesize: None,
            nthreads: 1,
        }
    }

    /// Shuffles with this item size instead of the input's (numcodecs' newer
    /// `typesize` option; `None` restores the default).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for `Some(0)`.
    pub fn with_typesize(mut self, typesize: Option<usize>) -> Result<Self> {
        if typesize == Some(0) {
            return Err(Error::invalid_config(CODEC_ID, "typesize must be at least 1"));
        }
        self.typesize = typesize;
        Ok(self)
    }

    /// Sets the number of threads C-Blosc uses inside each call (1 to
    /// [`MAX_THREADS`]; 0 counts as 1) and returns the previous number, like
    /// numcodecs' `set_nthreads`. Not part of the JSON configuration.
    pub fn set_nthreads(&mut self, nthreads: usize) -> usize {
        std::mem::replace(&mut self.nthreads, nthreads.clamp(1, MAX_THREADS))
    }

    /// The number of threads C-Blosc uses inside each call (default 1).
    pub fn get_nthreads(&self) -> usize {
        self.nthreads
    }

    /// The compressor, typed.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a name C-Blosc does not know (the codec keeps it:
    /// see [`Blosc::cname_str`]).
    pub fn cname(&self) -> Result<Cname> {
        self.cname.parse()
    }

    /// The compressor's name as configured, e.g. `"lz4"` (any string numcodecs
    /// accepted).
    pub fn cname_str(&self) -> &str {
        &self.cname
    }

    /// The compression level, as configured.
    pub fn clevel(&self) -> i64 {
        self.clevel
    }

    /// The shuffle setting, typed ([`AUTOSHUFFLE`] included).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a configured value outside -1 to 2.
    pub fn shuffle(&self) -> Result<Shuffle> {
        shuffle_of(self.shuffle)
    }

    /// The block size, as configured (0: automatic).
    pub fn blocksize(&self) -> i64 {
        self.blocksize
    }

    /// The configured typesize, if any.
    pub fn typesize(&self) -> Option<usize> {
        self.typesize
    }

    /// Compresses `src`, whose items are `typesize` bytes (unless the codec has a
    /// configured typesize), into one chunk.
    ///
    /// # Errors
    /// As [`compress`]; also [`Error::InvalidConfig`] for a compressor name C-Blosc
    /// does not know, a shuffle outside -1 to 2, or a level, shuffle or block size
    /// outside a C `int` (the checks numcodecs makes when it encodes).
    pub fn compress(&self, src: &[u8], typesize: usize) -> Result<AlignedBuf> {
        compress_with(
            src,
            &Params {
                cname: &self.cname,
                clevel: self.clevel,
                shuffle: self.shuffle,
                blocksize: self.blocksize,
                typesize: self.typesize.unwrap_or(typesize),
                nthreads: self.nthreads,
            },
        )
    }

    /// Decompresses a chunk into a new buffer with the codec's threads, refusing a
    /// chunk that claims more than `options.decoded_size_limit()` bytes before
    /// allocating. The codec's compressor, level, shuffle and block size play no part.
    ///
    /// # Errors
    /// As [`decompress`], with `options`' limit for [`Error::DecodedSizeLimit`].
    pub fn decompress(&self, src: &[u8], options: &DecodeOptions) -> Result<AlignedBuf> {
        decompress_new(src, options.decoded_size_limit(), self.nthreads)
    }
}

impl Default for Blosc {
    /// numcodecs' default: lz4, level 5, byte shuffle, automatic block size.
    fn default() -> Self {
        Blosc {
            cname: default_cname(),
            clevel: default_clevel(),
            shuffle: default_shuffle(),
            blocksize: 0,
            typesize: None,
            nthreads: 1,
        }
    }
}

impl StaticCodec for Blosc {
    const CODEC_ID: &'static str = CODEC_ID;
    type Config = BloscConfig;

    /// Builds the codec from any configuration numcodecs 0.15.2's `Blosc.__init__`
    /// takes (it checks nothing; unknown keys are refused, as its keyword arguments
    /// are). Only the newer `typesize` key is checked here (`null` or at least 1).
    fn from_config(config: BloscConfig) -> Result<Self> {
        let typesize = match config.typesize {
            None => None,
            Some(t) => Some(usize::try_from(t).ok().filter(|&t| t >= 1).ok_or_else(|| {
                Error::invalid_config(CODEC_ID, format_args!("typesize must be at least 1, got {t}"))
            })?),
        };
        Ok(Blosc {
            cname: config.cname,
            clevel: config.clevel,
            shuffle: config.shuffle,
            blocksize: config.blocksize,
            typesize,
            nthreads: 1,
        })
    }

    fn config(&self) -> BloscConfig {
        BloscConfig {
            cname: self.cname.clone(),
            clevel: self.clevel,
            shuffle: self.shuffle,
            blocksize: self.blocksize,
            typesize: self.typesize.map(|t| i64::try_from(t).unwrap_or(i64::MAX)),
        }
    }
}

zarrcodecs_core::register_static_codec!(BLOSC_REGISTRATION: Blosc);

impl Codec for Blosc {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let view = data.require_array(CODEC_ID)?;
        let out = self.compress(view.as_bytes(), view.dtype().itemsize())?;
        Ok(NdArray::from_buf(out).into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let out = self.decompress(encoded.require_bytes(CODEC_ID)?, options)?;
        Ok(NdArray::from_buf(out).into())
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        // No decoded-size limit: nothing is allocated, and the caller's buffer bounds
        // the size (a header declaring another size is an OutputSizeMismatch).
        decompress_into_with(encoded.require_bytes(CODEC_ID)?, out.as_bytes_mut(), self.nthreads)
    }
}
