//! A chain of codecs, as zarr v2 applies its `filters` then its `compressor`.

use serde_json::Value;

use crate::zarr::{Order, ZarrArray};
use crate::{
    get_codec, ArrayView, ArrayViewMut, Codec, Data, DataRef, DecodeOptions, Decoded, Error, NdArray, ObjectArray,
    Result,
};

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

    /// Applies every codec's decode in reverse order. Stages whose codec can return
    /// its output borrowed from its input ([`Codec::decode_borrowed_with`]: the
    /// checksums) do so, so a checksum in the chain is verified and not copied.
    ///
    /// # Errors
    /// The first codec's error.
    pub fn decode(&self, encoded: DataRef<'_>) -> Result<Data> {
        let Some((first, rest)) = self.codecs.split_first() else {
            return to_owned(encoded);
        };
        // The codec applied last decodes into a buffer of its own (a checksum copies
        // and checksums in one pass), the others borrow where they can.
        decode_stages(rest, &self.options, Decoded::Borrowed(encoded), |input| first.decode_with(input, &self.options))
    }

    /// Decodes into the caller's buffer: the first codec of the pipeline writes
    /// straight into `out`, and the stages before it borrow where they can (as in
    /// [`Pipeline::decode`]).
    ///
    /// # Errors
    /// The first codec's error; [`Error::OutputSizeMismatch`] if `out` has the wrong size.
    pub fn decode_into(&self, encoded: DataRef<'_>, out: &mut ArrayViewMut<'_>) -> Result<()> {
        match self.codecs.split_first() {
            None => {
                let bytes = encoded.require_bytes(EMPTY)?;
                zarrcodecs_core::copy_decoded(EMPTY, bytes, out.as_bytes_mut())
            }
            Some((first, rest)) => decode_stages(rest, &self.options, Decoded::Borrowed(encoded), |input| {
                first.decode_into_with(input, out, &self.options)
            }),
        }
    }
}

/// Decodes `input` through `codecs` in reverse order, each stage with
/// [`Codec::decode_borrowed_with`], and hands the last stage's output to `finish`.
///
/// A stage's owned input is dropped as soon as its output is owned too, so at most two
/// decoded buffers are alive at once, as when every stage returns a new buffer; a
/// borrowed output keeps its input alive (it points into it). The recursion is as deep
/// as the chain is long (a handful of codecs).
fn decode_stages<R>(
    codecs: &[Box<dyn Codec>],
    options: &DecodeOptions,
    input: Decoded<'_>,
    finish: impl FnOnce(DataRef<'_>) -> Result<R>,
) -> Result<R> {
    let Some((last, rest)) = codecs.split_last() else {
        return finish(input.view());
    };
    match last.decode_borrowed_with(input.view(), options)? {
        Decoded::Owned(output) => {
            drop(input);
            decode_stages(rest, options, Decoded::Owned(output), finish)
        }
        Decoded::Borrowed(output) => decode_stages(rest, options, Decoded::Borrowed(output), finish),
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
    /// [`Error::UnsupportedInput`] if the chain decodes to objects;
    /// [`Error::UnsupportedDType`] for an object array (see
    /// [`ZarrPipeline::decode_object_chunk`]); the codecs' errors.
    pub fn decode_chunk(&self, encoded: Option<&[u8]>) -> Result<NdArray> {
        self.require_bytes_array("decode_chunk", "decode_object_chunk")?;
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
        self.require_bytes_array("decode_chunk_into", "decode_object_chunk")?;
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
    /// [`Error::UnsupportedInput`] if the chain encodes to objects;
    /// [`Error::UnsupportedDType`] for an object array (see
    /// [`ZarrPipeline::encode_object_chunk`]); the codecs' errors.
    pub fn encode_chunk(&self, chunk: &[u8]) -> Result<NdArray> {
        self.require_bytes_array("encode_chunk", "encode_object_chunk")?;
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

/// How an object codec sees a chunk of an F-order array in zarr 2.18, which hands
/// the first filter the chunk as an F-contiguous numpy array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ObjectLayout {
    /// The codec flattens the items in memory order (`reshape(-1, order="A")`:
    /// vlen-utf8, vlen-bytes, vlen-array, categorize, and any other codec).
    Flat,
    /// The codec writes `tolist()`, nested lists in logical order, and decodes to a
    /// C-ordered array (json2, msgpack2 and their older ids).
    Nested,
    /// The codec pickles the array, numpy's Fortran flag included.
    Pickle,
}

impl ZarrPipeline {
    /// [`Error::UnsupportedDType`] for an object array: the byte-chunk method
    /// `method` does not apply, `instead` does.
    fn require_bytes_array(&self, method: &str, instead: &str) -> Result<()> {
        if self.array.is_object() {
            return Err(Error::UnsupportedDType {
                codec: format!("ZarrPipeline::{method}"),
                dtype: self.array.dtype,
                reason: format!("the chunks of an object array are object arrays: use ZarrPipeline::{instead}"),
            });
        }
        Ok(())
    }

    /// [`Error::UnsupportedDType`] for an array that is not an object array.
    fn require_object_array(&self, method: &str, instead: &str) -> Result<()> {
        if !self.array.is_object() {
            return Err(Error::UnsupportedDType {
                codec: format!("ZarrPipeline::{method}"),
                dtype: self.array.dtype,
                reason: format!("only object arrays (|O) have object chunks: use ZarrPipeline::{instead}"),
            });
        }
        Ok(())
    }

    fn object_layout(&self) -> ObjectLayout {
        match self.pipeline.first_id() {
            "json2" | "json" | "msgpack2" | "msgpack" => ObjectLayout::Nested,
            "pickle" => ObjectLayout::Pickle,
            _ => ObjectLayout::Flat,
        }
    }

    /// Decodes one stored chunk of an object array (dtype `|O`) into an object array
    /// of the chunk shape, its items in C order whatever the array's order. `None` (a
    /// missing chunk) gives a chunk full of the fill value
    /// ([`ZarrArray::object_fill_value`]: `None` items for `"fill_value": null`).
    ///
    /// The result is what zarr 2.18's `_decode_chunk` returns: the decoded items,
    /// flattened in the decoded array's memory order, laid out in the array's order.
    /// For an F-order array this gives the written chunk back for every object codec
    /// but json2 and msgpack2: they decode to a C-ordered array, so zarr 2.18 (and
    /// this method, to read what zarr reads) lays their C-ordered items out in F
    /// order; such arrays do not read back what was written, in zarr either.
    ///
    /// ```
    /// use zarrcodecs::{serde_json::json, Object, ObjectArray, ZarrPipeline};
    /// let zarray = json!({"zarr_format": 2, "shape": [3], "chunks": [2], "dtype": "|O", "order": "C",
    ///                     "fill_value": "", "filters": [{"id": "vlen-utf8"}], "compressor": null});
    /// let zarr = ZarrPipeline::from_zarray(&zarray)?;
    /// let chunk = ObjectArray::from_items(vec![Object::from("a"), Object::from("é")]);
    /// let encoded = zarr.encode_object_chunk(&chunk)?;
    /// assert_eq!(encoded.as_bytes(), b"\x02\0\0\0\x01\0\0\0a\x02\0\0\0\xc3\xa9");
    /// assert_eq!(zarr.decode_object_chunk(Some(encoded.as_bytes()))?, chunk);
    /// // A missing chunk is full of the fill value.
    /// assert_eq!(zarr.decode_object_chunk(None)?.items(), [Object::from(""), Object::from("")]);
    /// # Ok::<(), zarrcodecs::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::UnsupportedDType`] if the array is not an object array (see
    /// [`ZarrPipeline::decode_chunk`]); [`Error::UnsupportedInput`] if the chain
    /// decodes to bytes (the first filter is not an object codec);
    /// [`Error::Corrupt`] if the chunk decodes to another number of items than the
    /// chunk shape holds; the codecs' errors.
    pub fn decode_object_chunk(&self, encoded: Option<&[u8]>) -> Result<ObjectArray> {
        self.require_object_array("decode_object_chunk", "decode_chunk")?;
        let meta = &self.array;
        let Some(encoded) = encoded else { return meta.fill_object_chunk() };
        let decoded = self.pipeline.decode(DataRef::from(encoded))?;
        let objects = decoded.into_object().ok_or_else(|| {
            Error::unsupported_input(
                self.pipeline.first_id(),
                "the chain decodes chunks to bytes, not objects: an object array (|O) needs an object codec \
                 (zarr's object_codec, e.g. vlen-utf8) as its first filter",
            )
        })?;
        let n = meta.chunk_len();
        if objects.items().len() != n {
            return Err(Error::corrupt(
                self.pipeline.first_id(),
                format_args!(
                    "the chunk decodes to {} items of shape {:?}, the chunk shape {:?} holds {n}",
                    objects.items().len(),
                    objects.shape(),
                    meta.chunks
                ),
            ));
        }
        // A pickle zarr wrote of an F-order chunk carries numpy's Fortran flag, and
        // the unpickler already gives its items in logical order.
        let logical = meta.order == Order::C
            || (self.object_layout() == ObjectLayout::Pickle && objects.shape() == meta.chunks.as_slice());
        let items = objects.into_items();
        let items = if logical { items } else { fortran_items_to_c(items, &meta.chunks) };
        ObjectArray::new(items, meta.chunks.clone())
    }

    /// Encodes one chunk of an object array (dtype `|O`): `chunk` has the chunk shape
    /// (edge chunks too, as zarr stores them; pad with the fill value) and its items
    /// in C order. The object codec (the first filter) sees the chunk as zarr 2.18
    /// hands it over, so the bytes are zarr's: an F-order array's items in F order
    /// for vlen-utf8, vlen-bytes, vlen-array and categorize, nested lists in logical
    /// order for json2 and msgpack2.
    ///
    /// # Errors
    /// [`Error::UnsupportedDType`] if the array is not an object array (see
    /// [`ZarrPipeline::encode_chunk`]); [`Error::ShapeMismatch`] if `chunk` does not
    /// have the chunk shape; [`Error::UnsupportedInput`] if the chain does not encode
    /// to bytes; the codecs' errors. (An F-order chunk through `pickle` is pickled with
    /// numpy's Fortran flag set, as zarr 2.18 writes it.)
    pub fn encode_object_chunk(&self, chunk: &ObjectArray) -> Result<NdArray> {
        self.require_object_array("encode_object_chunk", "encode_chunk")?;
        let meta = &self.array;
        if chunk.shape() != meta.chunks.as_slice() {
            return Err(Error::ShapeMismatch {
                shape: chunk.shape().to_vec(),
                dtype: meta.dtype,
                expected: meta.dtype.nbytes(&meta.chunks).unwrap_or(usize::MAX),
                actual: meta.dtype.nbytes(chunk.shape()).unwrap_or(usize::MAX),
            });
        }
        // A chunk with at most one axis longer than 1 is both C- and F-contiguous:
        // its memory order is its logical order.
        let both_orders = meta.chunks.iter().filter(|&&d| d > 1).count() <= 1;
        let reordered;
        let input = match (meta.order, self.object_layout()) {
            (Order::C, _) | (Order::F, ObjectLayout::Nested) => chunk,
            _ if both_orders => chunk,
            (Order::F, ObjectLayout::Pickle) => return self.encode_fortran_pickle(chunk),
            (Order::F, ObjectLayout::Flat) => {
                // The transpose, whose C order is the chunk's F order.
                let items = c_items_to_fortran(chunk.items(), &meta.chunks);
                reordered = ObjectArray::new(items, meta.chunks.iter().rev().copied().collect())?;
                &reordered
            }
        };
        let encoded = self.pipeline.encode(DataRef::Object(input))?;
        encoded.into_array().ok_or_else(|| {
            Error::unsupported_input(self.pipeline.last_id(), "the chain encodes chunks to objects, not bytes")
        })
    }
}

impl ZarrPipeline {
    /// An F-order chunk through a pickle object codec: zarr 2.18 pickles it with
    /// numpy's Fortran flag set (items in logical order), then the other codecs.
    fn encode_fortran_pickle(&self, chunk: &ObjectArray) -> Result<NdArray> {
        let codecs = self.pipeline.codecs();
        #[cfg(feature = "pickle")]
        if let Some(pickle) = codecs.first().and_then(|c| c.downcast_ref::<crate::pickle::Pickle>()) {
            let mut current = Data::Array(pickle.encode_fortran_order(chunk)?);
            for codec in &codecs[1..] {
                current = codec.encode(current.view())?;
            }
            return current.into_array().ok_or_else(|| {
                Error::unsupported_input(self.pipeline.last_id(), "the chain encodes chunks to objects, not bytes")
            });
        }
        let _ = (codecs, chunk);
        Err(Error::unsupported_input(
            self.pipeline.first_id(),
            "zarr 2.18 pickles a chunk of an F-order array with numpy's Fortran flag set, which only this crate's \
             pickle codec (feature `pickle`) writes",
        ))
    }
}

/// For each C-order position of an array of `shape`, the position of the same
/// element in F order.
fn fortran_positions(shape: &[usize]) -> impl Iterator<Item = usize> + '_ {
    let mut fstride = vec![1usize; shape.len()];
    for i in 1..shape.len() {
        fstride[i] = fstride[i - 1].saturating_mul(shape[i - 1]);
    }
    let n: usize = shape.iter().product();
    let mut index = vec![0usize; shape.len()];
    (0..n).map(move |_| {
        let off = index.iter().zip(&fstride).map(|(i, s)| i * s).sum();
        for ax in (0..index.len()).rev() {
            index[ax] += 1;
            if index[ax] < shape[ax] {
                break;
            }
            index[ax] = 0;
        }
        off
    })
}

/// `items` laid out in F order for `shape` (their count is the shape's), in C order.
fn fortran_items_to_c<T: Clone>(items: Vec<T>, shape: &[usize]) -> Vec<T> {
    fortran_positions(shape).map(|f| items[f].clone()).collect()
}

/// `items` in C order for `shape`, laid out in F order.
fn c_items_to_fortran<T: Clone>(items: &[T], shape: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = vec![None; items.len()];
    for (item, f) in items.iter().zip(fortran_positions(shape)) {
        slots[f] = Some(item.clone());
    }
    slots.into_iter().flatten().collect()
}

fn to_owned(data: DataRef<'_>) -> Result<Data> {
    match data {
        DataRef::Array(a) => Ok(a.try_to_owned()?.into()),
        DataRef::Object(o) => Ok(o.clone().into()),
    }
}
