#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod codes;
mod lookup;

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    AlignedBuf, ArrayView, ArrayViewMut, ByteOrder, Codec, DType, DTypeKind, Data, DataRef, DecodeOptions, Error,
    NdArray, Object, ObjectArray, PyStr, Result, StaticCodec,
};

use crate::codes::CodeType;
use crate::lookup::Lookup;

/// The configuration of [`Categorize`]: numcodecs'
/// `{"labels": [...], "dtype": "<U5", "astype": "|u1"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategorizeConfig {
    /// The category labels; the label at index `i` is encoded as `i + 1`.
    pub labels: Vec<String>,
    /// The decoded dtype: a fixed-width unicode string (`<U5`, `>U3`) or `|O`.
    pub dtype: DType,
    /// The encoded dtype: an integer (`|u1` by default) or a float (`<f4`, `<f8`).
    #[serde(default = "default_astype")]
    pub astype: DType,
}

fn default_astype() -> DType {
    DType::U1
}

/// numcodecs' `Categorize` (id `categorize`): each value becomes the 1-based index of
/// its label in `labels` (the last one if a label repeats), 0 when it is none of them;
/// decoding maps codes back to labels and anything else to the empty string.
#[derive(Clone, Debug)]
pub struct Categorize {
    labels: Vec<String>,
    dtype: DType,
    astype: DType,
    /// The dtype decoding gives: `dtype`, except native `U1` for `U0` of either byte
    /// order (numpy's `full_like` makes a `U0` array a native `U1`).
    out_dtype: DType,
    code_type: CodeType,
    /// For a `U` dtype: each label as the dtype stores it (UCS-4 in its byte order,
    /// NUL padded, truncated to its width, as numpy assigns it), for decoding.
    stored: Vec<Box<[u8]>>,
    /// For a `U` dtype: the stored form of every label that fits the width, to its code.
    encode_lookup: Option<Lookup>,
}

impl PartialEq for Categorize {
    fn eq(&self, other: &Self) -> bool {
        self.labels == other.labels && self.dtype == other.dtype && self.astype == other.astype
    }
}

impl Categorize {
    /// numcodecs assigns each label's code (1 to the number of labels) into an `astype`
    /// array on every encode: an integer `astype` too small for the last code raises
    /// `OverflowError` then (decoding works).
    fn check_codes_fit(&self) -> Result<()> {
        let (labels, astype, id) = (&self.labels, self.astype, Self::CODEC_ID);
        if let Some(why) = self.code_type.encode_refusal(labels.len()) {
            return Err(Error::invalid_config(id, format_args!("cannot encode as {astype}: {why}")));
        }
        let count = u64::try_from(labels.len()).unwrap_or(u64::MAX);
        if let Some(max) = self.code_type.max_code() {
            if count > max {
                return Err(Error::invalid_config(
                    id,
                    format_args!(
                        "cannot encode: {} labels need codes up to {count}, more than {astype} holds ({max})",
                        labels.len()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A codec for these labels, decoded dtype and encoded dtype.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] if `dtype` is neither `U` nor `|O`, or if `astype` is
    /// not a bool, integer, float (`f2`, `f4`, `f8`), complex, `m8` or `M8` dtype. An
    /// integer `astype` too small for the code of the last label builds a codec that
    /// decodes and refuses to encode, as numcodecs' (it raises `OverflowError` on
    /// every encode); so does a generic `M8` with any label. A `U0` dtype builds, as
    /// in numcodecs, but cannot encode (numpy cannot view data as `U0`) and decodes
    /// to `U1`.
    pub fn new(labels: Vec<String>, dtype: DType, astype: DType) -> Result<Self> {
        let id = Self::CODEC_ID;
        match dtype.kind() {
            DTypeKind::Object => {}
            DTypeKind::Unicode => {}
            _ => {
                return Err(Error::invalid_config(
                    id,
                    format_args!("only unicode ('U') and object ('O') dtypes are supported, got {dtype}"),
                ))
            }
        }
        let code_type = CodeType::new(astype)?;
        let out_dtype = if dtype.kind() == DTypeKind::Unicode && dtype.itemsize() == 0 {
            DType::new(DTypeKind::Unicode, ByteOrder::NATIVE, 4)?
        } else {
            dtype
        };
        let (stored, encode_lookup) = if dtype.kind() == DTypeKind::Unicode {
            let width = dtype.itemsize() / 4;
            let out_width = out_dtype.itemsize() / 4;
            let stored = labels.iter().map(|l| ucs4(l, out_width, out_dtype.byte_order(), true)).collect();
            let lookup = Lookup::new(labels.iter().enumerate().filter_map(|(i, l)| {
                // numpy compares U strings as if padded with NULs: trailing NULs of a
                // label do not count, and a longer label never equals a stored value.
                let trimmed = l.trim_end_matches('\0');
                (trimmed.chars().count() <= width)
                    .then(|| (ucs4(trimmed, width, dtype.byte_order(), false), i as u64 + 1))
            }));
            (stored, Some(lookup))
        } else {
            (Vec::new(), None)
        };
        Ok(Categorize { labels, dtype, astype, out_dtype, code_type, stored, encode_lookup })
    }

    /// The labels.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The decoded dtype.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The encoded dtype.
    pub fn astype(&self) -> DType {
        self.astype
    }

    /// The label for a code, if it names one.
    fn label_index(&self, code: Option<u64>) -> Option<usize> {
        let c = usize::try_from(code?).ok()?;
        (1..=self.labels.len()).contains(&c).then(|| c - 1)
    }

    fn encode_numeric(&self, a: &ArrayView<'_>) -> Result<NdArray> {
        let id = Self::CODEC_ID;
        let bytes = a.as_bytes();
        if self.dtype.kind() == DTypeKind::Unicode {
            // numcodecs: ensure_ndarray(buf).view(dtype), flattened.
            let n = view_len(a, self.dtype)?;
            let lookup = self.encode_lookup.as_ref().ok_or_else(|| Error::library(id, "no lookup table"))?;
            let items = bytes.chunks_exact(self.dtype.itemsize());
            return self.code_type.write(n, items.map(|item| lookup.get(item)));
        }
        // Object dtype: numcodecs converts the array to Python objects; only unicode
        // items become `str` (without their trailing NULs), anything else is never
        // equal to a label. numpy compares with each label as a `U` scalar, which has
        // lost its trailing NULs too.
        let dtype = a.dtype();
        let n = match dtype.kind() {
            DTypeKind::Object => {
                return Err(Error::unsupported_input(id, "object data must be passed as an object array"))
            }
            _ if dtype.itemsize() == 0 => dtype_len(a),
            _ => bytes.len() / dtype.itemsize(),
        };
        if dtype.kind() != DTypeKind::Unicode || dtype.itemsize() == 0 {
            return self.code_type.write(n, std::iter::repeat_n(0, n));
        }
        let width = dtype.itemsize() / 4;
        let lookup = Lookup::new(
            self.labels
                .iter()
                .enumerate()
                .map(|(i, l)| (i, l.trim_end_matches('\0')))
                .filter(|(_, l)| l.chars().count() <= width)
                .map(|(i, l)| (ucs4(l, width, dtype.byte_order(), false), i as u64 + 1)),
        );
        self.code_type.write(n, bytes.chunks_exact(dtype.itemsize()).map(|item| lookup.get(item)))
    }

    fn encode_objects(&self, o: &ObjectArray) -> Result<NdArray> {
        if self.dtype.kind() == DTypeKind::Unicode {
            return Err(Error::unsupported_input(
                Self::CODEC_ID,
                format_args!("numcodecs cannot view an object array as {}", self.dtype),
            ));
        }
        let map = lookup::StrLookup::new(&self.labels);
        let items = o.items();
        self.code_type.write(
            items.len(),
            items.iter().map(|item| match item {
                Object::Str(s) => map.get(s),
                _ => 0,
            }),
        )
    }

    /// Writes the decoded `U` items for `enc` into `out` (`n` items of the dtype).
    fn decode_unicode_into(&self, enc: &ArrayView<'_>, n: usize, out: &mut [u8]) {
        let size = self.out_dtype.itemsize();
        for (dst, code) in out.chunks_exact_mut(size).zip(self.code_type.read(enc.as_bytes(), n, self.labels.len())) {
            match self.label_index(code) {
                Some(i) => dst.copy_from_slice(&self.stored[i]),
                None => dst.fill(0),
            }
        }
    }
}

/// Refuses a decoded size (the decoded strings' bytes: `n` times the item size for a
/// `U` dtype, the labels' UTF-8 lengths for `|O`) above `limit`.
fn check_limit(size: usize, limit: usize) -> Result<()> {
    if size > limit {
        return Err(Error::DecodedSizeLimit {
            codec: Categorize::CODEC_ID.into(),
            size: size as u64,
            limit: limit as u64,
        });
    }
    Ok(())
}

/// The number of items of an array whose dtype has no bytes.
fn dtype_len(a: &ArrayView<'_>) -> usize {
    a.shape().iter().product()
}

/// `s` as numpy stores it in a `U<width>` of `order`: UCS-4 code points, NUL padded;
/// `truncate` cuts it to `width` characters (numpy's assignment), else the caller has
/// checked that it fits.
fn ucs4(s: &str, width: usize, order: ByteOrder, truncate: bool) -> Box<[u8]> {
    let mut out = vec![0u8; width * 4];
    let chars = s.chars().take(if truncate { width } else { usize::MAX });
    for (dst, c) in out.chunks_exact_mut(4).zip(chars) {
        let v = u32::from(c);
        dst.copy_from_slice(&if order == ByteOrder::Big { v.to_be_bytes() } else { v.to_le_bytes() });
    }
    out.into_boxed_slice()
}

/// The number of items of `to` in `a`, refusing what numpy's `a.view(to)` refuses: a
/// smaller item size must divide the array's, a larger one the bytes of its last axis,
/// and a 0-d array cannot change its item size.
fn view_len(a: &ArrayView<'_>, to: DType) -> Result<usize> {
    let from = a.dtype();
    let (old, new) = (from.itemsize(), to.itemsize());
    let bytes = a.as_bytes().len();
    let refuse = |why: &str| Error::UnsupportedDType {
        codec: Categorize::CODEC_ID.into(),
        dtype: from,
        reason: format!("numpy cannot view it as {to}: {why}"),
    };
    if from.is_object() {
        return Err(refuse("it holds objects"));
    }
    if new == 0 {
        return Err(refuse("the target has no bytes"));
    }
    if old != new {
        let Some(&last) = a.shape().last() else {
            return Err(refuse("a 0-d array cannot change its item size"));
        };
        if new < old && old % new != 0 {
            return Err(refuse("a smaller item size must divide the original one"));
        }
        if new > old && (last * old) % new != 0 {
            return Err(refuse("a larger item size must divide the bytes of the last axis"));
        }
    }
    Ok(bytes / new)
}

impl StaticCodec for Categorize {
    const CODEC_ID: &'static str = "categorize";
    type Config = CategorizeConfig;

    fn from_config(config: CategorizeConfig) -> Result<Self> {
        Self::new(config.labels, config.dtype, config.astype)
    }

    fn config(&self) -> CategorizeConfig {
        CategorizeConfig { labels: self.labels.clone(), dtype: self.dtype, astype: self.astype }
    }
}

zarrcodecs_core::register_static_codec!(CATEGORIZE_REGISTRATION: Categorize);

impl Codec for Categorize {
    /// Encodes to a flat array of `astype`. With a `U` dtype the input's bytes are
    /// viewed as that dtype (any numeric array, as numcodecs' `.view(dtype)`); with
    /// `|O`, an object array's `str` items are compared with the labels (exactly, as
    /// Python's `==`), a `U` array's items without their trailing NULs, and anything
    /// else encodes to 0.
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        self.check_codes_fit()?;
        match data {
            DataRef::Array(a) => self.encode_numeric(&a),
            DataRef::Object(o) => self.encode_objects(o),
        }
        .map(Data::from)
    }

    /// Decodes the input's bytes, viewed as `astype`, to a flat array of `dtype` (an
    /// object array of strings for `|O`); codes that name no label become `""`.
    ///
    /// Each input byte can decode to a whole label, so long labels or a wide `U` dtype
    /// amplify the input: a decoded size (the strings' bytes) above `options`'
    /// decoded-size limit is an [`Error::DecodedSizeLimit`], refused before allocating.
    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let limit = options.decoded_size_limit();
        let enc = encoded.require_array(Self::CODEC_ID)?;
        let n = view_len(enc, self.astype)?;
        if self.dtype.is_object() {
            let size = self.code_type.read(enc.as_bytes(), n, self.labels.len()).fold(0usize, |acc, code| {
                acc.saturating_add(self.label_index(code).map_or(0, |i| self.labels[i].len()))
            });
            check_limit(size, limit)?;
            let items = self
                .code_type
                .read(enc.as_bytes(), n, self.labels.len())
                .map(|code| {
                    Object::Str(self.label_index(code).map_or_else(PyStr::default, |i| PyStr::new(&self.labels[i])))
                })
                .collect();
            return Ok(ObjectArray::from_items(items).into());
        }
        let size = n.saturating_mul(self.out_dtype.itemsize());
        check_limit(size, limit)?;
        let mut out = AlignedBuf::zeroed(size)?;
        self.decode_unicode_into(enc, n, out.as_mut_slice());
        Ok(NdArray::new(out, self.out_dtype, vec![n])?.into())
    }

    /// Decodes a `U` dtype straight into `out` (any dtype: numcodecs views the strings
    /// as `out`'s dtype), which must hold exactly the decoded bytes. An `|O` dtype
    /// decodes to objects, which no byte buffer holds: [`Error::UnsupportedInput`].
    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        if self.dtype.is_object() {
            return Err(Error::unsupported_input(
                Self::CODEC_ID,
                "strings of dtype |O cannot be decoded into a byte buffer",
            ));
        }
        let enc = encoded.require_array(Self::CODEC_ID)?;
        let n = view_len(enc, self.astype)?;
        // No decoded-size limit here: nothing is allocated, and the caller's buffer,
        // whose size the decoded size must equal, bounds what is written.
        let dst = out.as_bytes_mut();
        let size = n.saturating_mul(self.out_dtype.itemsize());
        if dst.len() != size {
            return Err(Error::OutputSizeMismatch { codec: Self::CODEC_ID.into(), expected: dst.len(), actual: size });
        }
        self.decode_unicode_into(enc, n, dst);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarrcodecs_core::testing;
    use zarrcodecs_core::DynCodec;

    fn codec(config: serde_json::Value) -> Categorize {
        Categorize::from_json(&config).unwrap()
    }

    fn labels(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("l{i}")).collect()
    }

    #[test]
    fn configs() {
        let c = codec(json!({"id": "categorize", "labels": ["a", "b"], "dtype": "U5"}));
        assert_eq!(
            c.get_config().unwrap(),
            json!({"id": "categorize", "labels": ["a", "b"], "dtype": "<U5", "astype": "|u1"})
        );
        testing::assert_config_round_trip(&c);
        let c = codec(json!({"labels": [], "dtype": "object", "astype": "uint16"}));
        assert_eq!(c.get_config().unwrap(), json!({"id": "categorize", "labels": [], "dtype": "|O", "astype": "<u2"}));
        testing::assert_config_round_trip(&c);
        // The largest label counts the integer astypes hold.
        for (astype, max) in [("|u1", 255), ("|i1", 127), ("<i2", 32_767)] {
            assert!(Categorize::new(labels(max), "<U4".parse().unwrap(), astype.parse().unwrap()).is_ok());
            // One more: numcodecs builds it, fails on every encode, decodes.
            let c = Categorize::new(labels(max + 1), "<U4".parse().unwrap(), astype.parse().unwrap()).unwrap();
            let input = NdArray::from_bytes(&[0u8; 16], "<U4".parse().unwrap(), vec![1]).unwrap();
            let r = c.encode(DataRef::from(&input));
            assert!(matches!(r, Err(Error::InvalidConfig { .. })), "{astype}: {r:?}");
            let dtype: DType = astype.parse().unwrap();
            let d = c.decode(DataRef::from(&vec![0u8; dtype.itemsize()][..])).unwrap();
            assert_eq!(d.as_bytes().unwrap(), &[0u8; 16]);
        }
        assert!(Categorize::new(labels(70_000), DType::OBJECT, "<f4".parse().unwrap()).is_ok());
        for astype in ["|b1", "<f2", ">c8", "<c16", "<m8", ">m8[s]", "<M8[ns]", "<M8", ">M8[10s]"] {
            let c = codec(json!({"id": "categorize", "labels": ["a"], "dtype": "<U2", "astype": astype}));
            testing::assert_config_round_trip(&c);
        }
        // U0 builds, as in numcodecs.
        let c = codec(json!({"id": "categorize", "labels": ["a"], "dtype": "U0"}));
        assert_eq!(
            c.get_config().unwrap(),
            json!({"id": "categorize", "labels": ["a"], "dtype": "<U0", "astype": "|u1"})
        );
        testing::assert_configs_rejected::<Categorize>(&[
            json!({"id": "categorize", "labels": ["a"], "dtype": "|S3"}),
            json!({"id": "categorize", "labels": ["a"], "dtype": "<i4"}),
            json!({"id": "categorize", "labels": ["a"], "dtype": "<U2", "astype": "|O"}),
            // numcodecs builds these (string codes; void raises on encode): not supported.
            json!({"id": "categorize", "labels": ["a"], "dtype": "<U2", "astype": "|S2"}),
            json!({"id": "categorize", "labels": ["a"], "dtype": "<U2", "astype": "<U2"}),
            json!({"id": "categorize", "labels": ["a"], "dtype": "<U2", "astype": "|V2"}),
            // numpy mixes byte orders for these (see CodeType::new).
            json!({"id": "categorize", "labels": ["a"], "dtype": "<U2", "astype": ">m8"}),
            json!({"id": "categorize", "labels": ["a"], "dtype": "<U2", "astype": ">M8"}),
            json!({"id": "categorize", "labels": ["a"], "dtype": "<U2", "astype": "nonsense"}),
            json!({"id": "categorize", "labels": [1, 2], "dtype": "<U2"}),
            json!({"id": "categorize", "labels": "ab", "dtype": "<U2"}),
            json!({"id": "categorize", "dtype": "<U2"}),
            json!({"id": "categorize", "labels": ["a"]}),
            json!({"id": "categorize", "labels": ["a"], "dtype": "<U2", "extra": 1}),
        ]);
    }

    #[test]
    fn u0_decodes_to_u1_and_cannot_encode() {
        let c = codec(json!({"id": "categorize", "labels": ["a", "bc"], "dtype": ">U0"}));
        let d = c.decode(DataRef::from(&[0u8, 1, 2, 3][..])).unwrap().into_array().unwrap();
        // Native (numpy's full_like drops the byte order of a U0).
        assert_eq!(d.dtype(), "=U1".parse().unwrap());
        assert_eq!(d.as_bytes(), u_array(&["", "a", "b", ""], 1).as_bytes());
        let mut out = [0u8; 16];
        c.decode_into(DataRef::from(&[0u8, 1, 2, 3][..]), &mut ArrayViewMut::from_bytes(&mut out)).unwrap();
        assert_eq!(out, d.as_bytes());
        let r = c.encode(DataRef::from(&u_array(&["a"], 1)));
        assert!(matches!(r, Err(Error::UnsupportedDType { .. })), "{r:?}");
    }

    #[test]
    fn half_codes_overflow_to_infinity() {
        // numcodecs 0.15.2 / numpy 2.4 with 70010 labels "0".."70009" and astype <f2:
        // codes round to even above 2048 and become inf from 65520 on; decoding gives
        // the last label whose code rounds to the value.
        let labels: Vec<String> = (0..70_010).map(|i| i.to_string()).collect();
        let c = Categorize::new(labels, "<U6".parse().unwrap(), "<f2".parse().unwrap()).unwrap();
        let probe = ["2048", "2049", "2050", "2051", "65504", "65519", "65520", "70000", "x"];
        let e = c.encode(DataRef::from(&u_array(&probe, 6))).unwrap().into_array().unwrap();
        let hex: String = e.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "0068016802680268ff7b007c007c007c0000");
        let codes: Vec<u8> = [2048.0f32, 2050.0, 2052.0, 65504.0, f32::INFINITY, 0.5, -1.0, f32::NAN]
            .iter()
            .flat_map(|&v| {
                match v {
                    v if v.is_nan() => 0x7e00u16,
                    v if v.is_infinite() => 0x7c00,
                    0.5 => 0x3800,
                    -1.0 => 0xbc00,
                    // 2048, 2050, 2052 and 65504 are halves.
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    v => crate::codes::half_of_for_tests(v as u64),
                }
                .to_le_bytes()
            })
            .collect();
        let arr = NdArray::from_bytes(&codes, "<f2".parse().unwrap(), vec![8]).unwrap();
        let d = c.decode(DataRef::from(&arr)).unwrap().into_array().unwrap();
        assert_eq!(d, u_array(&["2048", "2049", "2052", "65518", "70009", "", "", ""], 6));
    }

    fn u_array(items: &[&str], width: usize) -> NdArray {
        let bytes: Vec<u8> = items.iter().flat_map(|s| ucs4(s, width, ByteOrder::Little, false).into_vec()).collect();
        NdArray::from_bytes(&bytes, format!("<U{width}").parse().unwrap(), vec![items.len()]).unwrap()
    }

    #[test]
    fn encodes_and_decodes_u_and_objects() {
        let c = codec(json!({"labels": ["x", "yy", "zzz"], "dtype": "<U3", "astype": "<u2"}));
        let a = u_array(&["yy", "", "zzz", "w", "x"], 3);
        let enc = c.encode(DataRef::from(&a)).unwrap().into_array().unwrap();
        assert_eq!(enc.as_slice::<u16>().unwrap(), &[2, 0, 3, 0, 1]);
        let dec = c.decode(DataRef::from(&enc)).unwrap().into_array().unwrap();
        assert_eq!(dec.as_bytes(), u_array(&["yy", "", "zzz", "", "x"], 3).as_bytes());
        let o = codec(json!({"labels": ["x", "yy"], "dtype": "|O"}));
        let items = ObjectArray::new(
            vec![Object::Str("yy".into()), Object::None, Object::Bytes(b"x".to_vec().into()), Object::Str("x".into())],
            vec![2, 2],
        )
        .unwrap();
        let enc = o.encode(DataRef::from(&items)).unwrap().into_array().unwrap();
        assert_eq!((enc.as_bytes(), enc.shape()), (&[2, 0, 0, 1][..], &[4][..]));
        let dec = o.decode(DataRef::from(&enc)).unwrap().into_object().unwrap();
        let strs: Vec<_> = dec.items().iter().map(|i| if let Object::Str(s) = i { s.as_str() } else { "?" }).collect();
        assert_eq!(strs, ["yy", "", "", "x"]);
    }

    #[test]
    fn wrong_inputs_are_typed_errors() {
        let u = codec(json!({"labels": ["x"], "dtype": "<U2"}));
        let o = ObjectArray::from_items(vec![Object::Str("x".into())]);
        assert!(matches!(u.encode(DataRef::from(&o)), Err(Error::UnsupportedInput { .. })));
        assert!(matches!(u.decode(DataRef::from(&o)), Err(Error::UnsupportedInput { .. })));
        // 6 bytes are not a whole number of <U2 items (8 bytes) in a 1-d |u1 array.
        let r = u.encode(DataRef::from(&[1u8, 2, 3, 4, 5, 6][..]));
        assert!(matches!(r, Err(Error::UnsupportedDType { .. })), "{r:?}");
        let wide = codec(json!({"labels": ["x"], "dtype": "<U2", "astype": "<u4"}));
        let r = wide.decode(DataRef::from(&[1u8, 0, 0][..]));
        assert!(matches!(r, Err(Error::UnsupportedDType { .. })), "{r:?}");
        let mut out = [0u8; 8];
        let r = u.decode_into(DataRef::from(&[1u8, 0][..]), &mut ArrayViewMut::from_bytes(&mut out));
        assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })), "{r:?}");
        let obj = codec(json!({"labels": ["x"], "dtype": "|O"}));
        let r = obj.decode_into(DataRef::from(&[1u8][..]), &mut ArrayViewMut::from_bytes(&mut out));
        assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{r:?}");
    }

    #[test]
    fn decoded_size_limit() {
        let long = "x".repeat(1000);
        let o = codec(json!({"labels": [long], "dtype": "|O"}));
        let options = DecodeOptions::default().with_decoded_size_limit(10_000);
        assert!(o.decode_with(DataRef::from(&[1u8; 10][..]), &options).is_ok());
        let r = o.decode_with(DataRef::from(&[1u8; 11][..]), &options);
        assert!(matches!(r, Err(Error::DecodedSizeLimit { size: 11_000, limit: 10_000, .. })), "{r:?}");
        // The default limit accepts it.
        assert!(o.decode(DataRef::from(&[1u8; 11][..])).is_ok());
        // Codes that name no label cost nothing.
        assert!(o.decode_with(DataRef::from(&[0u8; 100][..]), &options).is_ok());
        let u = codec(json!({"labels": ["a"], "dtype": "<U1000"}));
        let options = DecodeOptions::default().with_decoded_size_limit(8000);
        assert!(u.decode_with(DataRef::from(&[0u8; 2][..]), &options).is_ok());
        let r = u.decode_with(DataRef::from(&[0u8; 3][..]), &options);
        assert!(matches!(r, Err(Error::DecodedSizeLimit { size: 12_000, limit: 8000, .. })), "{r:?}");
        assert!(u.decode(DataRef::from(&[0u8; 3][..])).is_ok());
    }

    /// Every sample array either encodes (its bytes viewed as the dtype) and decodes to
    /// labels, or is refused with a typed error; never a panic.
    #[test]
    fn sample_arrays() {
        for config in [
            json!({"labels": ["a", "", "\u{1}"], "dtype": "<U1"}),
            json!({"labels": labels(40), "dtype": ">U3", "astype": ">i4"}),
            json!({"labels": ["a"], "dtype": "|O", "astype": "<f8"}),
        ] {
            let c = codec(config);
            for a in testing::sample_arrays() {
                if let Ok(enc) = c.encode(DataRef::from(&a)) {
                    let dec = c.decode(enc.view()).unwrap();
                    assert_eq!(dec.shape(), enc.shape());
                }
            }
        }
    }
}
