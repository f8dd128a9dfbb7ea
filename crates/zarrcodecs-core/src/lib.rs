#![doc = include_str!("../README.md")]
#![deny(unsafe_code)] // allowed in `write_once` alone

mod array;
mod bigint;
mod codec;
mod dtype;
mod error;
pub mod npy;
mod pool;
mod pyobj;
pub mod registry;
#[cfg(feature = "serde")]
mod serde_form;
mod sink;
#[cfg(feature = "testing")]
pub mod testing;
mod write_once;

pub use array::{AlignedBuf, ArrayView, ArrayViewMut, Data, DataRef, NdArray, Object, ObjectArray, BUFFER_ALIGN};
pub use bigint::{BigInt, BigIntError, MAX_DECIMAL_DIGITS};
pub use codec::{
    copy_decoded, Codec, CodecExt, DecodeOptions, Decoded, DynCodec, StaticCodec, DEFAULT_DECODED_SIZE_LIMIT,
};
pub use dtype::{ByteOrder, DType, DTypeKind, TimeUnit};
pub use error::{Error, Result};
pub use pyobj::{PyBytes, PyStr};
pub use registry::{register_codec, CodecRegistration};
pub use sink::DecodeSink;

/// The traits a codec's user needs in scope, to glob-import:
/// `use zarrcodecs_core::prelude::*;`.
pub mod prelude {
    pub use crate::{Codec, CodecExt, DynCodec, StaticCodec};
}
