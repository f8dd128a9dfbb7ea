#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod pipeline;
pub mod zarr;

pub use pipeline::{Pipeline, ZarrPipeline};
pub use zarr::{Order, ZarrArray};
pub use zarrcodecs_core::{
    npy, AlignedBuf, ArrayView, ArrayViewMut, ByteOrder, Codec, CodecExt, CodecRegistration, DType, DTypeKind, Data,
    DataRef, DynCodec, Error, NdArray, Object, ObjectArray, PyBytes, PyStr, Result, StaticCodec, TimeUnit,
    DEFAULT_DECODED_SIZE_LIMIT,
};

/// The core crate: traits and data model, for writing codecs of your own.
pub use zarrcodecs_core as core;

/// `zlib` and `gzip` (feature `zlib`).
#[cfg(feature = "zlib")]
pub use zarrcodecs_zlib as zlib;

/// `zstd` (feature `zstd`).
#[cfg(feature = "zstd")]
pub use zarrcodecs_zstd as zstd;

/// `crc32`, `crc32c`, `adler32`, `fletcher32` and `jenkins_lookup3` (feature `checksum32`).
#[cfg(feature = "checksum32")]
pub use zarrcodecs_checksum32 as checksum32;

/// `base64` (feature `base64`).
#[cfg(feature = "base64")]
pub use zarrcodecs_base64 as base64;

/// `lz4` (feature `lz4`).
#[cfg(feature = "lz4")]
pub use zarrcodecs_lz4 as lz4;

/// `bz2` (feature `bz2`).
#[cfg(feature = "bz2")]
pub use zarrcodecs_bz2 as bz2;

/// `lzma`: `.xz`, `.lzma` and raw LZMA streams (feature `lzma`).
#[cfg(feature = "lzma")]
pub use zarrcodecs_lzma as lzma;

/// `blosc`: C-Blosc 1.x chunks (feature `blosc`).
#[cfg(feature = "blosc")]
pub use zarrcodecs_blosc as blosc;

/// `bitround` (feature `bitround`).
#[cfg(feature = "bitround")]
pub use zarrcodecs_bitround as bitround;

/// `packbits` (feature `packbits`).
#[cfg(feature = "packbits")]
pub use zarrcodecs_packbits as packbits;

/// `shuffle` (feature `shuffle`).
#[cfg(feature = "shuffle")]
pub use zarrcodecs_shuffle as shuffle;

/// `categorize` (feature `categorize`).
#[cfg(feature = "categorize")]
pub use zarrcodecs_categorize as categorize;

/// `pickle`, with a restricted unpickler that never runs code (feature `pickle`).
#[cfg(feature = "pickle")]
pub use zarrcodecs_pickle as pickle;

/// `vlen-utf8`, `vlen-bytes`, `vlen-array` (feature `vlen`).
#[cfg(feature = "vlen")]
pub use zarrcodecs_vlen as vlen;

/// `json2` (and the older `json`) (feature `json`).
#[cfg(feature = "json")]
pub use zarrcodecs_json as json;

/// `msgpack2` (and the older `msgpack`) (feature `msgpack`).
#[cfg(feature = "msgpack")]
pub use zarrcodecs_msgpack as msgpack;

/// `pcodec` (pco 0.4.8, the Rust crate Python pcodec 0.3.6 wraps) (feature `pcodec`).
#[cfg(feature = "pcodec")]
pub use zarrcodecs_pcodec as pcodec;

/// `zfpy` (zfp 1.0.1, built with CMake) (feature `zfpy`).
#[cfg(feature = "zfpy")]
pub use zarrcodecs_zfpy as zfpy;

/// `astype` (feature `astype`).
#[cfg(feature = "astype")]
pub use zarrcodecs_astype as astype;

/// `delta` (feature `delta`).
#[cfg(feature = "delta")]
pub use zarrcodecs_delta as delta;

/// `fixedscaleoffset` (feature `fixedscaleoffset`).
#[cfg(feature = "fixedscaleoffset")]
pub use zarrcodecs_fixedscaleoffset as fixedscaleoffset;

/// `quantize` (feature `quantize`).
#[cfg(feature = "quantize")]
pub use zarrcodecs_quantize as quantize;

use serde_json::{Map, Value};

/// Makes sure the registrations of every enabled codec crate are linked in: a codec
/// crate that nothing refers to may be left out by the linker, and its entries in the
/// distributed slice with it.
fn ensure_linked() {
    let regs: &[&CodecRegistration] = &[
        #[cfg(feature = "zlib")]
        &zlib::ZLIB_REGISTRATION,
        #[cfg(feature = "zlib")]
        &zlib::GZIP_REGISTRATION,
        #[cfg(feature = "zstd")]
        &zstd::ZSTD_REGISTRATION,
        #[cfg(feature = "checksum32")]
        &checksum32::CRC32_REGISTRATION,
        #[cfg(feature = "checksum32")]
        &checksum32::CRC32C_REGISTRATION,
        #[cfg(feature = "checksum32")]
        &checksum32::ADLER32_REGISTRATION,
        #[cfg(feature = "checksum32")]
        &checksum32::FLETCHER32_REGISTRATION,
        #[cfg(feature = "checksum32")]
        &checksum32::JENKINS_LOOKUP3_REGISTRATION,
        #[cfg(feature = "base64")]
        &base64::BASE64_REGISTRATION,
        #[cfg(feature = "lz4")]
        &lz4::LZ4_REGISTRATION,
        #[cfg(feature = "bz2")]
        &bz2::BZ2_REGISTRATION,
        #[cfg(feature = "blosc")]
        &blosc::BLOSC_REGISTRATION,
        #[cfg(feature = "lzma")]
        &lzma::LZMA_REGISTRATION,
        #[cfg(feature = "bitround")]
        &bitround::BITROUND_REGISTRATION,
        #[cfg(feature = "packbits")]
        &packbits::PACKBITS_REGISTRATION,
        #[cfg(feature = "shuffle")]
        &shuffle::SHUFFLE_REGISTRATION,
        #[cfg(feature = "categorize")]
        &categorize::CATEGORIZE_REGISTRATION,
        #[cfg(feature = "pickle")]
        &pickle::PICKLE_REGISTRATION,
        #[cfg(feature = "vlen")]
        &vlen::VLEN_UTF8_REGISTRATION,
        #[cfg(feature = "vlen")]
        &vlen::VLEN_BYTES_REGISTRATION,
        #[cfg(feature = "vlen")]
        &vlen::VLEN_ARRAY_REGISTRATION,
        #[cfg(feature = "json")]
        &json::JSON2_REGISTRATION,
        #[cfg(feature = "json")]
        &json::JSON_REGISTRATION,
        #[cfg(feature = "msgpack")]
        &msgpack::MSGPACK2_REGISTRATION,
        #[cfg(feature = "msgpack")]
        &msgpack::MSGPACK_REGISTRATION,
        #[cfg(feature = "pcodec")]
        &pcodec::PCODEC_REGISTRATION,
        #[cfg(feature = "zfpy")]
        &zfpy::ZFPY_REGISTRATION,
        #[cfg(feature = "astype")]
        &astype::ASTYPE_REGISTRATION,
        #[cfg(feature = "delta")]
        &delta::DELTA_REGISTRATION,
        #[cfg(feature = "fixedscaleoffset")]
        &fixedscaleoffset::FIXEDSCALEOFFSET_REGISTRATION,
        #[cfg(feature = "quantize")]
        &quantize::QUANTIZE_REGISTRATION,
    ];
    std::hint::black_box(regs);
}

/// Builds a codec from its configuration, as numcodecs' `get_codec`: numcodecs' form
/// `{"id": "zstd", "level": 3}` or zarr v3's
/// `{"name": "numcodecs.zstd", "configuration": {"level": 3}}`.
/// Codecs registered at run time with [`register_codec`] come first.
///
/// ```
/// let codec = zarrcodecs::get_codec(&serde_json::json!({"id": "zlib", "level": 6}))?;
/// assert_eq!(codec.get_config(), serde_json::json!({"id": "zlib", "level": 6}));
/// # Ok::<(), zarrcodecs::Error>(())
/// ```
///
/// # Errors
/// [`Error::UnknownCodec`] for an id nothing registered; [`Error::InvalidConfig`] for a
/// configuration the codec does not accept.
pub fn get_codec(config: &Value) -> Result<Box<dyn Codec>> {
    ensure_linked();
    zarrcodecs_core::registry::get_codec(config)
}

/// Registers a codec constructor under `id` at run time, as numcodecs'
/// `register_codec`: a later registration of the same id replaces the earlier one and
/// takes precedence over the codecs compiled in.
pub fn register_codec<F>(id: impl Into<String>, constructor: F)
where
    F: Fn(&Map<String, Value>) -> Result<Box<dyn Codec>> + Send + Sync + 'static,
{
    zarrcodecs_core::registry::register_codec(id, constructor);
}

/// The ids of every registered codec, sorted.
pub fn registered_ids() -> Vec<String> {
    ensure_linked();
    zarrcodecs_core::registry::registered_ids()
}
