//! The one error type shared by every codec crate.

use crate::DType;

/// Shorthand for `Result<T, zarrcodecs_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when building, encoding with or decoding with a codec.
///
/// Every failure is reported through this type: codecs never panic on bad input.
/// The enum is `#[non_exhaustive]` so that later codecs can add cases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No codec is registered under this id.
    #[error("unknown codec id {id:?}")]
    UnknownCodec {
        /// The id that was asked for.
        id: String,
    },

    /// A value is not a codec configuration at all: not a JSON object, or without an
    /// `"id"` (or a zarr v3 `"name"`), so no codec can be named.
    #[error("not a codec configuration: {reason}")]
    MalformedConfig {
        /// What is wrong with it.
        reason: String,
        /// The error underneath, where there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },

    /// A codec's configuration could not be used: an unknown key, a value of the wrong
    /// JSON type or a value out of range.
    #[error("invalid configuration for codec {codec:?}: {reason}")]
    InvalidConfig {
        /// The codec id the configuration was meant for.
        codec: String,
        /// What is wrong with it.
        reason: String,
        /// The error underneath, where there is one (e.g. serde_json's, which says
        /// which key and which line).
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },

    /// A numpy dtype string could not be parsed.
    #[error("invalid dtype {text:?}: {reason}")]
    InvalidDType {
        /// The text that was given.
        text: String,
        /// Why it is not a dtype.
        reason: String,
    },

    /// The codec does not accept data of this dtype.
    #[error("codec {codec:?} does not support dtype {dtype}: {reason}")]
    UnsupportedDType {
        /// The codec id.
        codec: String,
        /// The dtype it was given.
        dtype: DType,
        /// What it accepts instead.
        reason: String,
    },

    /// The codec was handed the wrong kind of data (e.g. an object array to a
    /// compressor, or a numeric array to an object codec).
    #[error("codec {codec:?} cannot take this input: {reason}")]
    UnsupportedInput {
        /// The codec id.
        codec: String,
        /// What was wrong with the input.
        reason: String,
    },

    /// The encoded input is not valid for this codec: a bad header, a corrupt stream,
    /// truncated data, trailing garbage where none is allowed.
    #[error("corrupt input for codec {codec:?}: {reason}")]
    Corrupt {
        /// The codec id.
        codec: String,
        /// What the decoder found.
        reason: String,
    },

    /// A stored checksum does not match the data; the data is not returned.
    #[error("checksum mismatch in codec {codec:?}: stored {stored:#010x}, computed {computed:#010x}")]
    ChecksumMismatch {
        /// The codec id.
        codec: String,
        /// The checksum found in the input.
        stored: u64,
        /// The checksum computed over the data.
        computed: u64,
    },

    /// Decoding would produce more bytes than the caller's limit allows. Raised before
    /// the output is allocated whenever the size is known from a header.
    #[error("codec {codec:?}: decoded size {size} bytes exceeds the limit of {limit} bytes")]
    DecodedSizeLimit {
        /// The codec id.
        codec: String,
        /// The size the input claims (or the size reached when it was not known up front).
        size: u64,
        /// The limit in force.
        limit: u64,
    },

    /// The decoded data does not have the size of the caller's output buffer.
    #[error("codec {codec:?}: decoded data is {actual} bytes but the output buffer holds {expected} bytes")]
    OutputSizeMismatch {
        /// The codec id.
        codec: String,
        /// The size of the caller's buffer.
        expected: usize,
        /// The size of the decoded data (a lower bound if it did not fit).
        actual: usize,
    },

    /// An array's shape does not match its data or dtype.
    #[error("shape {shape:?} with dtype {dtype} needs {expected} bytes, got {actual}")]
    ShapeMismatch {
        /// The shape given.
        shape: Vec<usize>,
        /// The dtype given.
        dtype: DType,
        /// Bytes the shape and dtype need.
        expected: usize,
        /// Bytes actually present.
        actual: usize,
    },

    /// A buffer could not be allocated (the request was too large for this machine).
    #[error("cannot allocate {size} bytes")]
    Allocation {
        /// The requested size in bytes.
        size: usize,
    },

    /// The compression library reported an error that is not about the input.
    #[error("codec {codec:?}: library error: {reason}")]
    Library {
        /// The codec id.
        codec: String,
        /// The library's message.
        reason: String,
    },

    /// A zarr v2 `.zarray` document could not be used: missing or ill-typed fields,
    /// a structured or object dtype, a fill value that does not fit the dtype.
    #[error("invalid .zarray: {reason}")]
    InvalidZarray {
        /// What is wrong with it.
        reason: String,
    },

    /// A zarr chunk decoded to a size other than its chunk shape times the item size
    /// (zarr v2 stores edge chunks at full size), or a chunk to encode has the wrong size.
    #[error("chunk holds {actual} bytes, the chunk shape {chunks:?} needs {expected}")]
    ChunkSize {
        /// The chunk shape of the array.
        chunks: Vec<usize>,
        /// Bytes the chunk shape and dtype need.
        expected: usize,
        /// Bytes the chunk holds.
        actual: usize,
    },

    /// A `.npy` file could not be read or written.
    #[error("invalid .npy data: {reason}")]
    Npy {
        /// What is wrong.
        reason: String,
    },

    /// A region of an array (what to read, or where to put it) does not fit the array
    /// or the buffer.
    #[error("invalid region: {reason}")]
    Region {
        /// What does not fit.
        reason: String,
    },

    /// A chunk of an array could not be read from its store or decoded: which one, and
    /// why (the [`source`](std::error::Error::source)).
    #[error("chunk {key:?}")]
    Chunk {
        /// The chunk's key in its store (e.g. `"3.0"`).
        key: String,
        /// What went wrong with it.
        source: Box<Error>,
    },

    /// Reading from storage failed.
    #[error("cannot read {path}")]
    Io {
        /// What was being read (a path).
        path: String,
        /// The operating system's error.
        source: std::io::Error,
    },
}

impl Error {
    /// Builds an [`Error::InvalidConfig`].
    pub fn invalid_config(codec: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        Error::InvalidConfig { codec: codec.into(), reason: reason.to_string(), source: None }
    }

    /// Builds an [`Error::InvalidConfig`] that keeps the error underneath as its
    /// [`source`](std::error::Error::source); `reason` says what was being done.
    pub fn invalid_config_from(
        codec: impl Into<String>,
        reason: impl std::fmt::Display,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::InvalidConfig { codec: codec.into(), reason: reason.to_string(), source: Some(Box::new(source)) }
    }

    /// Builds an [`Error::MalformedConfig`].
    pub fn malformed_config(reason: impl std::fmt::Display) -> Self {
        Error::MalformedConfig { reason: reason.to_string(), source: None }
    }

    /// Builds an [`Error::MalformedConfig`] that keeps the error underneath as its
    /// [`source`](std::error::Error::source).
    pub fn malformed_config_from(
        reason: impl std::fmt::Display,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::MalformedConfig { reason: reason.to_string(), source: Some(Box::new(source)) }
    }

    /// This error and its sources, each after a `": "`: the whole story on one line, as
    /// a command-line tool prints it.
    pub fn display_chain(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        text
    }

    /// Builds an [`Error::Corrupt`].
    pub fn corrupt(codec: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        Error::Corrupt { codec: codec.into(), reason: reason.to_string() }
    }

    /// Builds an [`Error::Library`].
    pub fn library(codec: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        Error::Library { codec: codec.into(), reason: reason.to_string() }
    }

    /// Builds an [`Error::UnsupportedInput`].
    pub fn unsupported_input(codec: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        Error::UnsupportedInput { codec: codec.into(), reason: reason.to_string() }
    }
}
