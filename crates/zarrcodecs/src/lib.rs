#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod pipeline;
pub mod read;
pub mod zarr;
pub mod zarr3;

pub use pipeline::{Pipeline, ZarrPipeline};
pub use zarr::{Field, Order, ZarrArray};
pub use zarrcodecs_core::{
    npy, AlignedBuf, ArrayView, ArrayViewMut, BigInt, ByteOrder, Codec, CodecExt, CodecRegistration, DType, DTypeKind,
    Data, DataRef, DecodeOptions, Decoded, DynCodec, Error, NdArray, Object, ObjectArray, PyBytes, PyStr, Result,
    StaticCodec, TimeUnit, DEFAULT_DECODED_SIZE_LIMIT,
};

/// The core crate: traits and data model, for writing codecs of your own.
pub use zarrcodecs_core as core;
pub use zarrcodecs_core::prelude;

/// The codec crates: for each, its cargo feature, the name it is re-exported under,
/// the crate, the registration statics its `register_static_codec!` lines made, and
/// the doc line of the re-export. **This is the list of codecs**: the re-exports,
/// [`CODEC_FEATURES`] and the linking of every registration come from it, and
/// `zarrcodecs-benches`' tests check every other place (the features of this crate,
/// of the CLI and of the benches, the fuzz targets, the bench cases, the README's
/// table) against it and against the registry.
macro_rules! codec_crates {
    ($($feature:literal $name:ident = $krate:ident [$($registration:ident),+] $doc:literal;)+) => {
        $(
            #[doc = $doc]
            #[cfg(feature = $feature)]
            pub use $krate as $name;
        )+

        /// The cargo feature of every codec crate, in the order of the list.
        pub const CODEC_FEATURES: &[&str] = &[$($feature),+];

        /// Makes sure the registrations of every enabled codec crate are linked in: a
        /// codec crate that nothing refers to may be left out by the linker, and its
        /// entries in the distributed slice with it.
        fn ensure_linked() {
            let regs: &[&CodecRegistration] = &[$($(
                #[cfg(feature = $feature)]
                &$name::$registration,
            )+)+];
            std::hint::black_box(regs);
        }
    };
}

codec_crates! {
    "zlib" zlib = zarrcodecs_zlib [ZLIB_REGISTRATION, GZIP_REGISTRATION] "`zlib` and `gzip` (feature `zlib`).";
    "zstd" zstd = zarrcodecs_zstd [ZSTD_REGISTRATION] "`zstd` (feature `zstd`).";
    "checksum32" checksum32 = zarrcodecs_checksum32 [
        CRC32_REGISTRATION, CRC32C_REGISTRATION, ADLER32_REGISTRATION, FLETCHER32_REGISTRATION,
        JENKINS_LOOKUP3_REGISTRATION
    ] "`crc32`, `crc32c`, `adler32`, `fletcher32` and `jenkins_lookup3` (feature `checksum32`).";
    "base64" base64 = zarrcodecs_base64 [BASE64_REGISTRATION] "`base64` (feature `base64`).";
    "lz4" lz4 = zarrcodecs_lz4 [LZ4_REGISTRATION] "`lz4` (feature `lz4`).";
    "bz2" bz2 = zarrcodecs_bz2 [BZ2_REGISTRATION] "`bz2` (feature `bz2`).";
    "lzma" lzma = zarrcodecs_lzma [LZMA_REGISTRATION] "`lzma`: `.xz`, `.lzma` and raw LZMA streams (feature `lzma`).";
    "blosc" blosc = zarrcodecs_blosc [BLOSC_REGISTRATION] "`blosc`: C-Blosc 1.x chunks (feature `blosc`).";
    "bitround" bitround = zarrcodecs_bitround [BITROUND_REGISTRATION] "`bitround` (feature `bitround`).";
    "packbits" packbits = zarrcodecs_packbits [PACKBITS_REGISTRATION] "`packbits` (feature `packbits`).";
    "shuffle" shuffle = zarrcodecs_shuffle [SHUFFLE_REGISTRATION] "`shuffle` (feature `shuffle`).";
    "categorize" categorize = zarrcodecs_categorize [CATEGORIZE_REGISTRATION] "`categorize` (feature `categorize`).";
    "pickle" pickle = zarrcodecs_pickle [PICKLE_REGISTRATION]
        "`pickle`, with a restricted unpickler that never runs code (feature `pickle`).";
    "vlen" vlen = zarrcodecs_vlen [VLEN_UTF8_REGISTRATION, VLEN_BYTES_REGISTRATION, VLEN_ARRAY_REGISTRATION]
        "`vlen-utf8`, `vlen-bytes`, `vlen-array` (feature `vlen`).";
    "json" json = zarrcodecs_json [JSON2_REGISTRATION, JSON_REGISTRATION] "`json2` (and the older `json`) (feature `json`).";
    "msgpack" msgpack = zarrcodecs_msgpack [MSGPACK2_REGISTRATION, MSGPACK_REGISTRATION]
        "`msgpack2` (and the older `msgpack`) (feature `msgpack`).";
    "pcodec" pcodec = zarrcodecs_pcodec [PCODEC_REGISTRATION]
        "`pcodec` (pco 0.4.8, the Rust crate Python pcodec 0.3.6 wraps) (feature `pcodec`).";
    "zfpy" zfpy = zarrcodecs_zfpy [ZFPY_REGISTRATION] "`zfpy` (zfp 1.0.1, built with the C compiler) (feature `zfpy`).";
    "astype" astype = zarrcodecs_astype [ASTYPE_REGISTRATION] "`astype` (feature `astype`).";
    "delta" delta = zarrcodecs_delta [DELTA_REGISTRATION] "`delta` (feature `delta`).";
    "fixedscaleoffset" fixedscaleoffset = zarrcodecs_fixedscaleoffset [FIXEDSCALEOFFSET_REGISTRATION]
        "`fixedscaleoffset` (feature `fixedscaleoffset`).";
    "quantize" quantize = zarrcodecs_quantize [QUANTIZE_REGISTRATION] "`quantize` (feature `quantize`).";
}

use serde_json::{Map, Value};

/// serde_json, re-exported: configurations are JSON values, so a user needs no
/// dependency of their own to write one (`zarrcodecs::serde_json::json!`).
pub use serde_json;

/// Builds a codec from its configuration, as numcodecs' `get_codec`: numcodecs' form
/// `{"id": "zstd", "level": 3}` or zarr v3's
/// `{"name": "numcodecs.zstd", "configuration": {"level": 3}}`.
/// Codecs registered at run time with [`register_codec`] come first.
///
/// A configuration of your own type converts with `serde_json::to_value` (re-exported
/// as [`serde_json`]); `get_codec` takes the `Value`, so that `serde_json::from_str`
/// results need no type annotation.
///
/// ```
/// use zarrcodecs::serde_json::json;
/// let codec = zarrcodecs::get_codec(&json!({"id": "zlib", "level": 6}))?;
/// assert_eq!(codec.get_config()?, json!({"id": "zlib", "level": 6}));
/// # Ok::<(), zarrcodecs::Error>(())
/// ```
///
/// # Errors
/// [`Error::UnknownCodec`] for an id nothing registered; [`Error::InvalidConfig`] for a
/// configuration the codec does not accept; [`Error::MalformedConfig`] for a value that
/// is not a codec configuration.
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
