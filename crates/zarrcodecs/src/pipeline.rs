//! A chain of codecs, as zarr v2 applies its `filters` then its `compressor`.

use serde_json::Value;

use crate::zarr::{Order, ZarrArray};
use crate::{get_codec, ArrayView, ArrayViewMut, Codec, Data, DataRef, DecodeOptions, Error, NdArray, Result};

/// Codecs applied in order on encode and in reverse order on decode.
///
/// ```
/// use zarrcodecs::{Pipeline, DataRef};
/// let p = Pipeline::from_json(&serde_json::json!([{"id": "zstd", "level": 3}, {"id": "zlib", "level": 1}]))?;
/// let data = b"abcabcabc".repeat(50);
/// let encoded = p.encode(DataRef::from(&data[..]))?;
/// assert_eq!(p.decode(encoded.view())?.as_bytes(), Some(&data[..]));
/// # Ok::<(), zarrcodecs::Error>(())
/// ```
///
/// A zarr v2 array's chain, with its dtype, chunk shape, order and fill value, is a
/// [`ZarrPipeline`].
///
/// The pipeline keeps the caller's [`DecodeOptions`] (the decoded-size limit) and
/// passes them to every stage's [`Codec::decode_with`]: the codecs themselves hold
/// only their configuration.
#[derive(Clone, Debug)]
pub struct Pipeline {
    codecs: Vec<Box<dyn Codec>>,
    options: DecodeOptions,
}

/// What an error of an empty pipeline names as its stage.
const EMPTY: &str = "empty pipeline";

impl Pipeline {
    /// A pipeline of the given codecs.
    pub fn new(codecs: Vec<Box<dyn Codec>>) -> Self {
        Pipeline { codecs, options: DecodeOptions::default() }
    }

    /// Builds a pipeline from one codec configuration or a JSON array of them.
    ///
    /// # Errors
    /// As [`get_codec`] for each entry.
    pub fn from_json(spec: &Value) -> Result<Self> {
        match spec {
            Value::Array(items) => Ok(Pipeline::new(items.iter().map(get_codec).collect::<Result<_>>()?)),
            Value::Object(_) => Ok(Pipeline::new(vec![get_codec(spec)?])),
            _ => Err(Error::malformed_config(format_args!(
                "a pipeline is a codec configuration or an array of them, got {spec}"
            ))),
        }
    }

    /// Sets the options every decode of this pipeline passes to its codecs (default
    /// [`DecodeOptions::default`]: a decoded-size limit of
    /// [`DEFAULT_DECODED_SIZE_LIMIT`](crate::DEFAULT_DECODED_SIZE_LIMIT), 2 GiB). A
    /// stage whose input claims a larger output is refused before anything is
    /// allocated.
    ///
    /// ```
    /// use zarrcodecs::{DataRef, DecodeOptions, Pipeline};
    ///
    /// let pipeline = Pipeline::from_json(&serde_json::json!([{"id": "zstd", "level": 1}]))?;
    /// let encoded = pipeline.encode(DataRef::from(&[0u8; 4096][..]))?;
    /// let strict = pipeline.with_decode_options(DecodeOptions::default().with_decoded_size_limit(1024));
    /// assert!(matches!(
    ///     strict.decode(encoded.view()),
    ///     Err(zarrcodecs::Error::DecodedSizeLimit { .. })
    /// ));
    /// # Ok::<(), zarrcodecs::Error>(())
    /// ```
    #[must_use]
    pub fn with_decode_options(mut self, options: DecodeOptions) -> Self {
        self.options = options;
        self
    }

    /// The options every decode passes to the codecs.
    pub fn decode_options(&self) -> &DecodeOptions {
        &self.options
    }

    /// The id of the first codec (the last to decode), naming the stage in errors.
    fn first_id(&self) -> &str {
        self.codecs.first().map_or(EMPTY, |c| c.codec_id())
    }

    /// The id of the last codec (the last to encode), naming the stage in errors.
    fn last_id(&self) -> &str {
        self.codecs.last().map_or(EMPTY, |c| c.codec_id())
    }

    /// The codecs, in encoding order.
    pub fn codecs(&self) -> &[Box<dyn Codec>] {
        &self.codecs
    }

    /// The configurations, as a JSON array.
    ///
    /// # Errors
    /// As [`DynCodec::get_config`](crate::DynCodec::get_config).
    pub fn get_config(&self) -> Result<Value> {
        Ok(Value::Array(self.codecs.iter().map(|c| c.get_config()).collect::<Result<_>>()?))
    }

    /// Applies every codec in order. An empty pipeline copies its input.
    ///
    /// # Errors
    /// The first codec's error.
    pub fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let Some((first, rest)) = self.codecs.split_first() else {
            return to_owned(data);
        };
        let mut current = first.encode(data)?;
        for codec in rest {
            current = codec.encode(current.view())?;
        }
        Ok(current)
    }

    /// Applies every codec's decode in reverse order.
    ///
    /// # Errors
    /// The first codec's error.
    pub fn decode(&self, encoded: DataRef<'_>) -> Result<Data> {
        let Some((last, rest)) = self.codecs.split_last() else {
            return to_owned(encoded);
        };
        let mut current = last.decode_with(encoded, &self.options)?;
        for codec in rest.iter().rev() {
            current = codec.decode_with(current.view(), &self.options)?;
        }
        Ok(current)
    }

    /// Decodes into the caller's buffer: the first codec of the pipeline writes
    /// straight into `out`.
    ///
    /// # Errors
    /// The first codec's error; [`Error::OutputSizeMismatch`] if `out` has the wrong size.
    pub fn decode_into(&self, encoded: DataRef<'_>, out: &mut ArrayViewMut<'_>) -> Result<()> {
        match self.codecs.split_first() {
            None => {
                let bytes = encoded.require_bytes(EMPTY)?;
                zarrcodecs_core::copy_decoded(EMPTY, bytes, out.as_bytes_mut())
            }
            Some((first, [])) => first.decode_into_with(encoded, out, &self.options),
            Some((first, rest)) => {
                let mut current: Option<Data> = None;
                for codec in rest.iter().rev() {
                    let input = match &current {
                        Some(d) => d.view(),
                        None => encoded.clone(),
                    };
                    current = Some(codec.decode_with(input, &self.options)?);
                }
                let input = current.as_ref().map_or(encoded, Data::view);
                first.decode_into_with(input, out, &self.options)
            }
        }
    }
}

/// The codec chain of a zarr v2 array, with the array's metadata: it turns stored
/// chunks into arrays of the array's dtype and chunk shape, and back.
///
/// Built from a `.zarray` document: its `filters` in order, then its `compressor`
/// (see the crate's "Zarr v2" example).
#[derive(Clone, Debug)]
pub struct ZarrPipeline {
    pipeline: Pipeline,
    array: ZarrArray,
}

impl ZarrPipeline {
    /// The pipeline of a zarr v2 array: its `filters` in order, then its `compressor`.
    ///
    /// # Errors
    /// [`Error::InvalidZarray`] for a document [`ZarrArray::from_json`] refuses; as
    /// [`get_codec`] for each codec.
    pub fn from_zarray(zarray: &Value) -> Result<Self> {
        Self::from_zarr_array(ZarrArray::from_json(zarray)?)
    }

    /// As [`ZarrPipeline::from_zarray`], from parsed metadata.
    ///
    /// # Errors
    /// As [`get_codec`] for each codec.
    pub fn from_zarr_array(array: ZarrArray) -> Result<Self> {
        let codecs = array.filters.iter().chain(array.compressor.as_ref()).map(get_codec).collect::<Result<_>>()?;
        Ok(ZarrPipeline { pipeline: Pipeline::new(codecs), array })
    }

    /// The array's metadata.
    pub fn array(&self) -> &ZarrArray {
        &self.array
    }

    /// The codec chain.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The chunk order.
    pub fn order(&self) -> Order {
        self.array.order
    }

    /// Sets the options every decode passes to the codecs (see
    /// [`Pipeline::with_decode_options`]).
    #[must_use]
    pub fn with_decode_options(mut self, options: DecodeOptions) -> Self {
        self.pipeline = self.pipeline.with_decode_options(options);
        self
    }

    /// Decodes one stored chunk into a new array of the array's dtype and chunk shape,
    /// its bytes in the array's order ([`ZarrArray::order`]; see
    /// [`fortran_to_c`](crate::zarr::fortran_to_c) for a C-order copy). `None` (a
    /// missing chunk) gives a chunk of the fill value.
    ///
    /// # Errors
    /// [`Error::ChunkSize`] if the chunk decodes to the wrong number of bytes;
    /// [`Error::UnsupportedInput`] if the chain decodes to objects; the codecs' errors.
    pub fn decode_chunk(&self, encoded: Option<&[u8]>) -> Result<NdArray> {
        let meta = &self.array;
        let Some(encoded) = encoded else { return meta.fill_chunk() };
        let decoded = self.pipeline.decode(DataRef::from(encoded))?;
        let array = decoded.into_array().ok_or_else(|| {
            Error::unsupported_input(self.pipeline.first_id(), "the chain decodes chunks to objects, not bytes")
        })?;
        let (expected, actual) = (meta.chunk_nbytes(), array.as_bytes().len());
        if expected != actual {
            return Err(Error::ChunkSize { chunks: meta.chunks.clone(), expected, actual });
        }
        array.reinterpret(meta.dtype, meta.chunks.clone())
    }

    /// As [`ZarrPipeline::decode_chunk`], into the caller's buffer of exactly one
    /// chunk's bytes; the last codec decodes straight into it.
    ///
    /// # Errors
    /// As [`ZarrPipeline::decode_chunk`]; [`Error::ChunkSize`] also if `out` has the
    /// wrong size.
    pub fn decode_chunk_into(&self, encoded: Option<&[u8]>, out: &mut [u8]) -> Result<()> {
        let meta = &self.array;
        let expected = meta.chunk_nbytes();
        if out.len() != expected {
            return Err(Error::ChunkSize { chunks: meta.chunks.clone(), expected, actual: out.len() });
        }
        let Some(encoded) = encoded else {
            out.copy_from_slice(meta.fill_chunk()?.as_bytes());
            return Ok(());
        };
        let mut view = ArrayViewMut::new(out, meta.dtype, meta.chunks.clone())?;
        match self.pipeline.decode_into(DataRef::from(encoded), &mut view) {
            Err(Error::OutputSizeMismatch { actual, .. }) => {
                Err(Error::ChunkSize { chunks: meta.chunks.clone(), expected, actual })
            }
            other => other,
        }
    }

    /// Encodes one chunk: `chunk` holds the bytes of a full chunk (chunk shape times
    /// item size, in the array's order), as zarr stores even edge chunks. The encoded
    /// bytes are returned as the last codec wrote them, without a copy.
    ///
    /// # Errors
    /// [`Error::ChunkSize`] if `chunk` has the wrong size;
    /// [`Error::UnsupportedInput`] if the chain encodes to objects; the codecs' errors.
    pub fn encode_chunk(&self, chunk: &[u8]) -> Result<NdArray> {
        let meta = &self.array;
        let expected = meta.chunk_nbytes();
        if chunk.len() != expected {
            return Err(Error::ChunkSize { chunks: meta.chunks.clone(), expected, actual: chunk.len() });
        }
        let view = ArrayView::new(chunk, meta.dtype, meta.chunks.clone())?;
        let encoded = self.pipeline.encode(DataRef::Array(view))?;
        encoded.into_array().ok_or_else(|| {
            Error::unsupported_input(self.pipeline.last_id(), "the chain encodes chunks to objects, not bytes")
        })
    }
}

fn to_owned(data: DataRef<'_>) -> Result<Data> {
    match data {
        DataRef::Array(a) => Ok(a.try_to_owned()?.into()),
        DataRef::Object(o) => Ok(o.clone().into()),
    }
}
