//! The codec traits: [`Codec`] (dyn-safe, what registries and pipelines use) and
//! [`StaticCodec`] (typed, built from a serde config).

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{ArrayViewMut, Data, DataRef, Error, NdArray, ObjectArray, Result};

/// Default limit on the size of one decoded buffer: 2 GiB. A header that claims more
/// is refused before anything is allocated. Change it per call with
/// [`DecodeOptions::with_decoded_size_limit`].
pub const DEFAULT_DECODED_SIZE_LIMIT: usize = 2 << 30;

/// Options for one decode call ([`Codec::decode_with`]).
///
/// Limits belong to the caller, not to a codec's configuration: the same codec (one
/// `Arc<dyn Codec>`, or a pipeline read from a `.zarray`) decodes trusted local data
/// with a high limit and untrusted uploads with a low one.
///
/// ```
/// use zarrcodecs_core::{DecodeOptions, DEFAULT_DECODED_SIZE_LIMIT};
/// let options = DecodeOptions::default().with_decoded_size_limit(64 << 20);
/// assert_eq!(options.decoded_size_limit(), 64 << 20);
/// assert_eq!(DecodeOptions::default().decoded_size_limit(), DEFAULT_DECODED_SIZE_LIMIT);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeOptions {
    decoded_size_limit: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions { decoded_size_limit: DEFAULT_DECODED_SIZE_LIMIT }
    }
}

impl DecodeOptions {
    /// The largest buffer a codec may allocate for its decoded output, in bytes.
    /// Codecs that read a size from their input (compressors, object codecs) refuse a
    /// larger one with [`Error::DecodedSizeLimit`] before allocating anything; codecs
    /// whose decoded size follows from their input's size (filters, checksums) do not
    /// need it.
    pub fn decoded_size_limit(&self) -> usize {
        self.decoded_size_limit
    }

    /// Sets [`DecodeOptions::decoded_size_limit`] (default
    /// [`DEFAULT_DECODED_SIZE_LIMIT`]).
    #[must_use]
    pub fn with_decoded_size_limit(mut self, limit: usize) -> Self {
        self.decoded_size_limit = limit;
        self
    }
}

/// A numcodecs codec: the dyn-safe interface.
///
/// Implementations are immutable after construction and `Send + Sync`, so one instance
/// (e.g. in an `Arc<dyn Codec>`) serves many threads at once. They are `Clone`, so a
/// `Box<dyn Codec>` clones, and a `dyn Codec` downcasts to its typed codec with
/// [`downcast_ref`](trait.Codec.html#method.downcast_ref) (both through [`DynCodec`],
/// which every `Codec + Clone` has without writing anything).
///
/// Conventions, as in Python numcodecs:
/// - compressors take any numeric array (its bytes in memory order) and return `|u1`
///   bytes; their `decode` returns `|u1` bytes;
/// - filters take and return typed arrays whose dtypes their config names;
/// - object codecs take object arrays and return bytes.
pub trait Codec: DynCodec + Send + Sync + std::fmt::Debug {
    /// Encodes `data`.
    ///
    /// # Errors
    /// [`Error::UnsupportedDType`] / [`Error::UnsupportedInput`] for data this codec
    /// does not take, [`Error::Library`] if the backend fails.
    fn encode(&self, data: DataRef<'_>) -> Result<Data>;

    /// Decodes `encoded` with `options` (the decoded-size limit): what every codec
    /// implements.
    ///
    /// # Errors
    /// [`Error::Corrupt`] for invalid input, [`Error::DecodedSizeLimit`] if the output
    /// would be larger than `options` allow.
    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data>;

    /// Decodes `encoded` with the default [`DecodeOptions`].
    ///
    /// # Errors
    /// As [`Codec::decode_with`].
    fn decode(&self, encoded: DataRef<'_>) -> Result<Data> {
        self.decode_with(encoded, &DecodeOptions::default())
    }

    /// Decodes `encoded` with `options` straight into the caller's buffer, which must
    /// have exactly the decoded size. Compressors write the decoded bytes whatever
    /// `out`'s dtype; filters check that `out`'s dtype is the one they decode to.
    ///
    /// The caller's buffer bounds the output, but a codec may still need `options` for
    /// what it allocates on the way (lzma's dictionary, the unpickler's objects).
    ///
    /// The default implementation decodes into a new buffer and copies; codecs that can
    /// write in place override it.
    ///
    /// # Errors
    /// As [`Codec::decode_with`], plus [`Error::OutputSizeMismatch`].
    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        options: &DecodeOptions,
    ) -> Result<()> {
        let decoded = self.decode_with(encoded, options)?;
        let bytes = decoded.as_bytes().ok_or_else(|| {
            Error::unsupported_input(self.codec_id(), "object arrays cannot be decoded into a byte buffer")
        })?;
        copy_decoded(self.codec_id(), bytes, out.as_bytes_mut())
    }

    /// Decodes `encoded` straight into the caller's buffer with the default
    /// [`DecodeOptions`].
    ///
    /// # Errors
    /// As [`Codec::decode_into_with`].
    fn decode_into(&self, encoded: DataRef<'_>, out: &mut ArrayViewMut<'_>) -> Result<()> {
        self.decode_into_with(encoded, out, &DecodeOptions::default())
    }

    /// Decodes `encoded` with `options`, borrowing the result from `encoded` where the
    /// decoded data is a part of it, as numcodecs' `decode` returns a view of its input
    /// there. The checksum codecs borrow (their decoded data is the input without its
    /// checksum, verified), and so do filters whose decode returns the input unchanged;
    /// every other codec returns [`Decoded::Owned`], what [`Codec::decode_with`] returns.
    ///
    /// The pipelines of the `zarrcodecs` crate decode through this, so a checksum in a
    /// chain costs its checksum and no copy.
    ///
    /// The default implementation calls [`Codec::decode_with`]; codecs that can borrow
    /// override it.
    ///
    /// # Errors
    /// As [`Codec::decode_with`].
    fn decode_borrowed_with<'a>(&self, encoded: DataRef<'a>, options: &DecodeOptions) -> Result<Decoded<'a>> {
        self.decode_with(encoded, options).map(Decoded::Owned)
    }

    /// As [`Codec::decode_borrowed_with`], with the default [`DecodeOptions`]. (The
    /// `zarrcodecs-checksum32` crate's README has an example.)
    ///
    /// # Errors
    /// As [`Codec::decode_with`].
    fn decode_borrowed<'a>(&self, encoded: DataRef<'a>) -> Result<Decoded<'a>> {
        self.decode_borrowed_with(encoded, &DecodeOptions::default())
    }
}

/// What [`Codec::decode_borrowed_with`] returns: the decoded data, either a part of the
/// encoded input (not copied) or a new buffer.
#[derive(Clone, Debug, PartialEq)]
pub enum Decoded<'a> {
    /// A part of the encoded input, e.g. a checksum codec's payload after the
    /// checksum matched.
    Borrowed(DataRef<'a>),
    /// Data in a new buffer.
    Owned(Data),
}

impl Decoded<'_> {
    /// Borrows the decoded data.
    pub fn view(&self) -> DataRef<'_> {
        match self {
            Decoded::Borrowed(d) => d.clone(),
            Decoded::Owned(d) => d.view(),
        }
    }

    /// The raw bytes of numeric data (`None` for object arrays).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Decoded::Borrowed(d) => d.as_bytes(),
            Decoded::Owned(d) => d.as_bytes(),
        }
    }

    /// Whether the data is borrowed from the encoded input.
    pub fn is_borrowed(&self) -> bool {
        matches!(self, Decoded::Borrowed(_))
    }

    /// The decoded data in a buffer of its own: borrowed data is copied (into an
    /// aligned buffer), owned data is returned as it is.
    ///
    /// # Errors
    /// [`Error::Allocation`] if the copy cannot be allocated.
    pub fn into_owned(self) -> Result<Data> {
        match self {
            Decoded::Owned(d) => Ok(d),
            Decoded::Borrowed(DataRef::Array(a)) => Ok(a.try_to_owned()?.into()),
            Decoded::Borrowed(DataRef::Object(o)) => Ok(o.clone().into()),
        }
    }
}

/// The identity and plumbing of a `dyn Codec`: its id, its configuration, cloning and
/// downcasting. Every [`StaticCodec`] has it without writing anything, so a codec
/// implements only [`Codec`]'s encode and decode. (A codec without a typed
/// configuration would implement it by hand.)
pub trait DynCodec: std::any::Any {
    /// The numcodecs id, e.g. `"zstd"`.
    fn codec_id(&self) -> &str;

    /// The configuration exactly as Python's `codec.get_config()` returns it,
    /// including the `"id"` key. `get_codec(&codec.get_config()?)` builds an equal
    /// codec.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] if the configuration does not serialise to a JSON
    /// object (a bug in the codec's `Config` type, reported rather than hidden).
    fn get_config(&self) -> Result<Value>;

    /// A boxed clone (what `Clone for Box<dyn Codec>` calls).
    fn clone_box(&self) -> Box<dyn Codec>;

    /// The codec as `Any`, for downcasting.
    fn as_any(&self) -> &dyn std::any::Any;
}

impl<C: StaticCodec> DynCodec for C {
    fn codec_id(&self) -> &str {
        C::CODEC_ID
    }

    fn get_config(&self) -> Result<Value> {
        let mut map = match serde_json::to_value(self.config()) {
            Ok(Value::Object(map)) => map,
            Ok(other) => {
                return Err(Error::invalid_config(
                    C::CODEC_ID,
                    format_args!("the configuration serialises to {other}, not to a JSON object"),
                ))
            }
            Err(e) => {
                return Err(Error::invalid_config_from(C::CODEC_ID, "the configuration does not serialise to JSON", e))
            }
        };
        map.insert("id".into(), Value::String(C::CODEC_ID.into()));
        Ok(Value::Object(map))
    }

    fn clone_box(&self) -> Box<dyn Codec> {
        Box::new(self.clone())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Clone for Box<dyn Codec> {
    fn clone(&self) -> Self {
        (**self).clone_box()
    }
}

impl dyn Codec {
    /// The typed codec behind this `dyn Codec`, if it is a `C`.
    ///
    /// ```
    /// # use zarrcodecs_core::{Codec, Data, DataRef, DecodeOptions, Result, StaticCodec, AlignedBuf, NdArray};
    /// # #[derive(Debug, Clone)] struct Id;
    /// # impl Codec for Id {
    /// #     fn encode(&self, d: DataRef<'_>) -> Result<Data> { Ok(NdArray::from_buf(AlignedBuf::from_slice(d.require_bytes("id")?)?).into()) }
    /// #     fn decode_with(&self, d: DataRef<'_>, _: &DecodeOptions) -> Result<Data> { self.encode(d) }
    /// # }
    /// # impl StaticCodec for Id {
    /// #     const CODEC_ID: &'static str = "id";
    /// #     type Config = std::collections::BTreeMap<String, ()>;
    /// #     fn from_config(_: Self::Config) -> Result<Self> { Ok(Id) }
    /// #     fn config(&self) -> Self::Config { Default::default() }
    /// # }
    /// let codec: Box<dyn Codec> = Box::new(Id);
    /// let copy = codec.clone();
    /// assert!(copy.downcast_ref::<Id>().is_some());
    /// ```
    pub fn downcast_ref<C: Codec>(&self) -> Option<&C> {
        self.as_any().downcast_ref::<C>()
    }
}

/// Copies `decoded` into `out`, checking that the sizes agree.
///
/// # Errors
/// [`Error::OutputSizeMismatch`] if they do not.
pub fn copy_decoded(codec: &str, decoded: &[u8], out: &mut [u8]) -> Result<()> {
    if decoded.len() != out.len() {
        return Err(Error::OutputSizeMismatch { codec: codec.into(), expected: out.len(), actual: decoded.len() });
    }
    out.copy_from_slice(decoded);
    Ok(())
}

/// A codec with a typed configuration: the static layer under [`Codec`].
///
/// `Config` serialises to exactly the keys of numcodecs' `get_config()` without
/// `"id"`, and deserialises every form numcodecs ever wrote (reject unknown keys with
/// `#[serde(deny_unknown_fields)]`).
pub trait StaticCodec: Codec + Clone + Sized + 'static {
    /// The numcodecs id.
    const CODEC_ID: &'static str;

    /// The configuration type.
    type Config: Serialize + DeserializeOwned;

    /// Builds the codec, checking value ranges.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for out-of-range values.
    fn from_config(config: Self::Config) -> Result<Self>;

    /// The configuration (without `"id"`).
    fn config(&self) -> Self::Config;

    /// Builds the codec from a JSON configuration, with or without its `"id"` key.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] if the JSON is not an object, names another id, has
    /// unknown keys, values of the wrong type or out of range.
    fn from_json(config: &Value) -> Result<Self> {
        let map = config
            .as_object()
            .ok_or_else(|| Error::invalid_config(Self::CODEC_ID, "the configuration must be a JSON object"))?;
        Self::from_json_map(map)
    }

    /// As [`StaticCodec::from_json`], from the object's map.
    ///
    /// # Errors
    /// As [`StaticCodec::from_json`].
    fn from_json_map(map: &Map<String, Value>) -> Result<Self> {
        let mut map = map.clone();
        if let Some(id) = map.remove("id") {
            if id.as_str() != Some(Self::CODEC_ID) {
                return Err(Error::invalid_config(
                    Self::CODEC_ID,
                    format_args!("the configuration's id is {id}, not {:?}", Self::CODEC_ID),
                ));
            }
        }
        let config: Self::Config = serde_json::from_value(Value::Object(map)).map_err(|e| {
            Error::invalid_config_from(Self::CODEC_ID, "it does not have numcodecs' keys and value types", e)
        })?;
        Self::from_config(config)
    }
}

/// Conveniences for every codec (typed or `dyn`).
pub trait CodecExt: Codec {
    /// Encodes raw bytes (`|u1`) and returns the encoded bytes.
    ///
    /// # Errors
    /// As [`Codec::encode`]; [`Error::UnsupportedInput`] if the codec returns objects.
    fn encode_bytes(&self, bytes: &[u8]) -> Result<NdArray> {
        self.encode_array(DataRef::from(bytes))
    }

    /// Decodes encoded bytes into a new array.
    ///
    /// # Errors
    /// As [`Codec::decode`]; [`Error::UnsupportedInput`] if the codec returns objects.
    fn decode_bytes(&self, encoded: &[u8]) -> Result<NdArray> {
        self.decode_array(DataRef::from(encoded))
    }

    /// Encodes `data` with a codec whose encoding is an array (every codec but the
    /// object codecs' inverse): the encoded array.
    ///
    /// # Errors
    /// As [`Codec::encode`]; [`Error::UnsupportedInput`] naming the codec if it
    /// returns objects.
    fn encode_array(&self, data: DataRef<'_>) -> Result<NdArray> {
        self.encode(data)?
            .into_array()
            .ok_or_else(|| Error::unsupported_input(self.codec_id(), "it encodes to an object array, not an array"))
    }

    /// Decodes `encoded` with a codec that decodes to an array (compressors, filters,
    /// checksums): the decoded array.
    ///
    /// # Errors
    /// As [`Codec::decode`]; [`Error::UnsupportedInput`] naming the codec if it
    /// returns objects.
    fn decode_array(&self, encoded: DataRef<'_>) -> Result<NdArray> {
        self.decode(encoded)?
            .into_array()
            .ok_or_else(|| Error::unsupported_input(self.codec_id(), "it decodes to an object array, not an array"))
    }

    /// Decodes `encoded` with an object codec (vlen-*, json2, msgpack2, pickle, ...):
    /// the decoded object array.
    ///
    /// # Errors
    /// As [`Codec::decode`]; [`Error::UnsupportedInput`] naming the codec if it
    /// returns a numeric array.
    fn decode_objects(&self, encoded: DataRef<'_>) -> Result<ObjectArray> {
        self.decode(encoded)?
            .into_object()
            .ok_or_else(|| Error::unsupported_input(self.codec_id(), "it decodes to a numeric array, not objects"))
    }

    /// Decodes encoded bytes into `out`, which must have exactly the decoded size.
    ///
    /// # Errors
    /// As [`Codec::decode_into`].
    fn decode_bytes_into(&self, encoded: &[u8], out: &mut [u8]) -> Result<()> {
        self.decode_into(DataRef::from(encoded), &mut ArrayViewMut::from_bytes(out))
    }
}

impl<C: Codec + ?Sized> CodecExt for C {}
