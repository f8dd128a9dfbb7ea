//! A chain of codecs, as zarr v2 applies its `filters` then its `compressor`.

use serde_json::Value;

use crate::{get_codec, ArrayViewMut, Codec, Data, DataRef, Error, Result};

/// Codecs applied in order on encode and in reverse order on decode.
///
/// ```
/// use numcodecs::{Pipeline, DataRef};
/// let p = Pipeline::from_json(&serde_json::json!([{"id": "zstd", "level": 3}, {"id": "zlib", "level": 1}]))?;
/// let data = b"abcabcabc".repeat(50);
/// let encoded = p.encode(DataRef::from(&data[..]))?;
/// assert_eq!(p.decode(encoded.as_ref())?.as_bytes(), Some(&data[..]));
/// # Ok::<(), numcodecs::Error>(())
/// ```
#[derive(Debug)]
pub struct Pipeline {
    codecs: Vec<Box<dyn Codec>>,
}

impl Pipeline {
    /// A pipeline of the given codecs.
    pub fn new(codecs: Vec<Box<dyn Codec>>) -> Self {
        Pipeline { codecs }
    }

    /// Builds a pipeline from one codec configuration or a JSON array of them.
    ///
    /// # Errors
    /// As [`get_codec`] for each entry.
    pub fn from_json(spec: &Value) -> Result<Self> {
        match spec {
            Value::Array(items) => Ok(Pipeline::new(items.iter().map(get_codec).collect::<Result<_>>()?)),
            Value::Object(_) => Ok(Pipeline::new(vec![get_codec(spec)?])),
            _ => Err(Error::invalid_config("?", "a pipeline is a codec configuration or an array of them")),
        }
    }

    /// The codecs, in encoding order.
    pub fn codecs(&self) -> &[Box<dyn Codec>] {
        &self.codecs
    }

    /// The configurations, as a JSON array.
    pub fn get_config(&self) -> Value {
        Value::Array(self.codecs.iter().map(|c| c.get_config()).collect())
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
            current = codec.encode(current.as_ref())?;
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
        let mut current = last.decode(encoded)?;
        for codec in rest.iter().rev() {
            current = codec.decode(current.as_ref())?;
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
                let bytes = encoded.expect_bytes("pipeline")?;
                numcodecs_core::copy_decoded("pipeline", bytes, out.as_bytes_mut())
            }
            Some((first, [])) => first.decode_into(encoded, out),
            Some((first, rest)) => {
                let mut current: Option<Data> = None;
                for codec in rest.iter().rev() {
                    let input = match &current {
                        Some(d) => d.as_ref(),
                        None => encoded.clone(),
                    };
                    current = Some(codec.decode(input)?);
                }
                let input = current.as_ref().map_or(encoded, Data::as_ref);
                first.decode_into(input, out)
            }
        }
    }
}

fn to_owned(data: DataRef<'_>) -> Result<Data> {
    match data {
        DataRef::Array(a) => Ok(a.to_owned()?.into()),
        DataRef::Object(o) => Ok(o.clone().into()),
    }
}
