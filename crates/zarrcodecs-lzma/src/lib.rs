#![doc = include_str!("../README.md")]

mod stream;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use zarrcodecs_core::{
    ArrayViewMut, Codec, Data, DataRef, DecodeOptions, DecodeSink, Error, NdArray, Result, StaticCodec,
};

use stream::{Chain, Decoder, Encoder, Filter, LzmaOptions};

/// `lzma.FORMAT_AUTO`: decoding only, `.xz` or `.lzma` as the input is.
pub const FORMAT_AUTO: i32 = 0;
/// `lzma.FORMAT_XZ`: the `.xz` container (numcodecs' default).
pub const FORMAT_XZ: i32 = 1;
/// `lzma.FORMAT_ALONE`: the legacy `.lzma` container.
pub const FORMAT_ALONE: i32 = 2;
/// `lzma.FORMAT_RAW`: a raw filter chain, no container.
pub const FORMAT_RAW: i32 = 3;

/// `lzma.CHECK_NONE`.
pub const CHECK_NONE: i32 = 0;
/// `lzma.CHECK_CRC32`.
pub const CHECK_CRC32: i32 = 1;
/// `lzma.CHECK_CRC64` (the `.xz` default).
pub const CHECK_CRC64: i32 = 4;
/// `lzma.CHECK_SHA256`.
pub const CHECK_SHA256: i32 = 10;

/// The container, as Python's `lzma` module numbers it (the config's `format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `FORMAT_AUTO` (0): decoding only, `.xz` or `.lzma` as the input is.
    Auto,
    /// `FORMAT_XZ` (1): the `.xz` container (numcodecs' default).
    Xz,
    /// `FORMAT_ALONE` (2): the legacy `.lzma` container.
    Alone,
    /// `FORMAT_RAW` (3): a raw filter chain, no container.
    Raw,
}

impl From<Format> for i32 {
    fn from(format: Format) -> i32 {
        match format {
            Format::Auto => FORMAT_AUTO,
            Format::Xz => FORMAT_XZ,
            Format::Alone => FORMAT_ALONE,
            Format::Raw => FORMAT_RAW,
        }
    }
}

impl TryFrom<i32> for Format {
    type Error = Error;

    /// # Errors
    /// [`Error::InvalidConfig`] for anything but 0 to 3.
    fn try_from(format: i32) -> Result<Self> {
        match format {
            FORMAT_AUTO => Ok(Format::Auto),
            FORMAT_XZ => Ok(Format::Xz),
            FORMAT_ALONE => Ok(Format::Alone),
            FORMAT_RAW => Ok(Format::Raw),
            _ => Err(bad(format_args!("invalid container format: {format}"))),
        }
    }
}

/// The integrity check of `.xz`, as Python's `lzma` module numbers it (the config's
/// `check`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Check {
    /// -1: the format's default (CRC64 for `.xz`, none for the others).
    Default,
    /// `CHECK_NONE` (0).
    None,
    /// `CHECK_CRC32` (1).
    Crc32,
    /// `CHECK_CRC64` (4).
    Crc64,
    /// `CHECK_SHA256` (10).
    Sha256,
}

impl From<Check> for i32 {
    fn from(check: Check) -> i32 {
        match check {
            Check::Default => -1,
            Check::None => CHECK_NONE,
            Check::Crc32 => CHECK_CRC32,
            Check::Crc64 => CHECK_CRC64,
            Check::Sha256 => CHECK_SHA256,
        }
    }
}

impl TryFrom<i32> for Check {
    type Error = Error;

    /// # Errors
    /// [`Error::InvalidConfig`] for anything but -1, 0, 1, 4 or 10.
    fn try_from(check: i32) -> Result<Self> {
        match check {
            -1 => Ok(Check::Default),
            CHECK_NONE => Ok(Check::None),
            CHECK_CRC32 => Ok(Check::Crc32),
            CHECK_CRC64 => Ok(Check::Crc64),
            CHECK_SHA256 => Ok(Check::Sha256),
            _ => Err(bad(format_args!("unsupported integrity check: {check}"))),
        }
    }
}

/// `lzma.PRESET_EXTREME`, to OR into a preset.
pub const PRESET_EXTREME: u32 = 0x8000_0000;
/// `lzma.PRESET_DEFAULT`.
pub const PRESET_DEFAULT: u32 = 6;

/// `lzma.FILTER_LZMA1`.
pub const FILTER_LZMA1: u64 = 0x4000_0000_0000_0001;
/// `lzma.FILTER_LZMA2`.
pub const FILTER_LZMA2: u64 = 0x21;
/// `lzma.FILTER_DELTA`.
pub const FILTER_DELTA: u64 = stream::FILTER_DELTA;
/// `lzma.FILTER_X86`.
pub const FILTER_X86: u64 = 0x04;
/// `lzma.FILTER_POWERPC`.
pub const FILTER_POWERPC: u64 = 0x05;
/// `lzma.FILTER_IA64`.
pub const FILTER_IA64: u64 = 0x06;
/// `lzma.FILTER_ARM`.
pub const FILTER_ARM: u64 = 0x07;
/// `lzma.FILTER_ARMTHUMB`.
pub const FILTER_ARMTHUMB: u64 = 0x08;
/// `lzma.FILTER_SPARC`.
pub const FILTER_SPARC: u64 = 0x09;

/// liblzma's most filters in a chain (`LZMA_FILTERS_MAX`).
const FILTERS_MAX: usize = 4;

/// The configuration of [`Lzma`]: numcodecs'
/// `{"format": 1, "check": -1, "preset": null, "filters": null}`.
///
/// numcodecs 0.15.2's `LZMA.__init__` stores its four arguments unchecked, so any
/// integer `format`, `check` and `preset` and any `filters` value build a codec here
/// too and are written back as given; encoding refuses what Python's `lzma.compress`
/// refuses, decoding what `lzma.decompress` refuses of `format` and `filters` (the
/// only settings numcodecs' decode passes on).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LzmaConfig {
    /// The container: [`FORMAT_XZ`] (default), [`FORMAT_ALONE`], [`FORMAT_RAW`], or
    /// [`FORMAT_AUTO`] (decoding only).
    #[serde(default = "default_format")]
    pub format: i64,
    /// The integrity check of `.xz`: -1 (the default, CRC64), [`CHECK_NONE`],
    /// [`CHECK_CRC32`], [`CHECK_CRC64`] or [`CHECK_SHA256`]; the other formats take -1
    /// or [`CHECK_NONE`] only. Encoding only.
    #[serde(default = "default_check")]
    pub check: i64,
    /// The compression preset, 0 to 9, optionally ORed with [`PRESET_EXTREME`];
    /// `None` is 6. Not together with `filters`. Encoding only.
    #[serde(default)]
    pub preset: Option<i64>,
    /// A filter chain as Python's `lzma` module takes it: a list of 1 to 4 objects with
    /// an `"id"` and that filter's options. Required for [`FORMAT_RAW`] (to encode and
    /// to decode); kept as given (any JSON value builds).
    #[serde(default)]
    pub filters: Option<Value>,
}

/// A setting Python's `lzma` module reads as a C `int` (it raises `OverflowError`
/// outside).
fn c_int(key: &str, value: i64) -> Result<i32> {
    i32::try_from(value).map_err(|_| bad(format_args!("{key} {value} does not fit a C int")))
}

impl LzmaConfig {
    /// The typed `format`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a number Python's `lzma` does not know.
    pub fn format(&self) -> Result<Format> {
        Format::try_from(c_int("format", self.format)?)
    }

    /// The typed `check`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a number Python's `lzma` does not know.
    pub fn check(&self) -> Result<Check> {
        Check::try_from(c_int("check", self.check)?)
    }
}

fn default_format() -> i64 {
    FORMAT_XZ.into()
}

fn default_check() -> i64 {
    -1
}

impl Default for LzmaConfig {
    /// numcodecs' defaults: `.xz`, CRC64, preset 6.
    fn default() -> Self {
        LzmaConfig { format: default_format(), check: -1, preset: None, filters: None }
    }
}

/// numcodecs' `LZMA` (id `lzma`): Python's `lzma.compress` / `lzma.decompress` with
/// the configured format, check, preset and filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lzma {
    config: LzmaConfig,
}

const ID: &str = "lzma";

fn bad(reason: impl std::fmt::Display) -> Error {
    Error::invalid_config(ID, reason)
}

/// A filter option: a JSON unsigned integer that fits in 32 bits (Python's
/// `uint32_converter`).
fn uint32(key: &str, value: &Value) -> Result<u32> {
    value
        .as_u64()
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| bad(format_args!("filter option {key:?} must be an integer from 0 to 2^32-1, got {value}")))
}

/// Reads one filter specifier as CPython's `_lzma` module does.
fn parse_filter(spec: &Value) -> Result<Filter> {
    let spec = spec.as_object().ok_or_else(|| bad(format_args!("a filter specifier must be an object, got {spec}")))?;
    let id = spec.get("id").ok_or_else(|| bad("a filter specifier must have an \"id\" entry"))?;
    let id = id.as_u64().ok_or_else(|| bad(format_args!("invalid filter id: {id}")))?;
    let allowed: &[&str] = match id {
        FILTER_LZMA1 | FILTER_LZMA2 => {
            &["id", "preset", "dict_size", "lc", "lp", "pb", "mode", "nice_len", "mf", "depth"]
        }
        FILTER_DELTA => &["id", "dist"],
        FILTER_X86 | FILTER_POWERPC | FILTER_IA64 | FILTER_ARM | FILTER_ARMTHUMB | FILTER_SPARC => {
            &["id", "start_offset"]
        }
        _ => return Err(bad(format_args!("invalid filter id: {id}"))),
    };
    if let Some(key) = spec.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(bad(format_args!("invalid filter specifier: unknown option {key:?} for filter {id}")));
    }
    let get = |key: &str| spec.get(key).map(|v| uint32(key, v)).transpose();
    Ok(match id {
        FILTER_LZMA1 | FILTER_LZMA2 => Filter::Lzma(
            id,
            LzmaOptions {
                preset: get("preset")?.unwrap_or(PRESET_DEFAULT),
                dict_size: get("dict_size")?,
                lc: get("lc")?,
                lp: get("lp")?,
                pb: get("pb")?,
                mode: get("mode")?,
                nice_len: get("nice_len")?,
                mf: get("mf")?,
                depth: get("depth")?,
            },
        ),
        FILTER_DELTA => Filter::Delta(get("dist")?.unwrap_or(1)),
        _ => Filter::Bcj(id, get("start_offset")?.unwrap_or(0)),
    })
}

/// Reads a filter chain as CPython's `_lzma` module does (a list of 1 to
/// [`FILTERS_MAX`] specifiers liblzma accepts).
fn parse_chain(specs: &Value) -> Result<Vec<Filter>> {
    let specs = specs.as_array().ok_or_else(|| bad(format_args!("filters must be a list, got {specs}")))?;
    if specs.is_empty() || specs.len() > FILTERS_MAX {
        return Err(bad(format_args!("a filter chain has 1 to {FILTERS_MAX} filters, got {}", specs.len())));
    }
    let filters = specs.iter().map(parse_filter).collect::<Result<Vec<_>>>()?;
    Chain::new(&filters).map_err(bad)?;
    Ok(filters)
}

fn check_preset(preset: u32) -> Result<()> {
    let level = preset & 0x1f;
    let flags = preset & !0x1f;
    if level <= 9 && (flags == 0 || flags == PRESET_EXTREME) {
        Ok(())
    } else {
        Err(bad(format_args!("preset must be 0 to 9, optionally ORed with PRESET_EXTREME (2^31), got {preset}")))
    }
}

/// What an encode needs, checked as Python's `lzma.compress` checks it.
struct EncodePlan {
    format: Format,
    check: u32,
    preset: u32,
    filters: Option<Vec<Filter>>,
}

impl Lzma {
    /// A codec with this configuration. As numcodecs' `LZMA(format, check, preset,
    /// filters)`, which stores them unchecked, nothing is checked here: encoding and
    /// decoding refuse what Python's `lzma.compress` and `lzma.decompress` refuse.
    ///
    /// # Errors
    /// None today (kept for configurations a later version may refuse when built).
    pub fn new(config: LzmaConfig) -> Result<Self> {
        Ok(Lzma { config })
    }

    /// An `.xz` codec with this preset (0 to 9, optionally ORed with
    /// [`PRESET_EXTREME`]) and the default check (CRC64).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a preset out of range (which numcodecs would only
    /// refuse when encoding).
    pub fn xz(preset: u32) -> Result<Self> {
        check_preset(preset)?;
        Self::new(LzmaConfig { preset: Some(preset.into()), ..LzmaConfig::default() })
    }

    /// The configuration.
    pub fn lzma_config(&self) -> &LzmaConfig {
        &self.config
    }

    /// The container.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a `format` Python's `lzma` does not know.
    pub fn format(&self) -> Result<Format> {
        self.config.format()
    }

    /// The integrity check.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a `check` Python's `lzma` does not know.
    pub fn check(&self) -> Result<Check> {
        self.config.check()
    }

    /// The memory liblzma's encoder needs for this configuration, in bytes, as liblzma
    /// estimates it (`lzma_easy_encoder_memusage`, `lzma_raw_encoder_memusage`). Large
    /// presets need much: about 94 MiB for the default 6 and 674 MiB for 9, as in Python.
    /// Decoding needs far less (see [`DecodeOptions`]).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a configuration that encoding refuses.
    ///
    /// # Examples
    /// ```
    /// use zarrcodecs_lzma::Lzma;
    ///
    /// let fast = Lzma::xz(1)?.encoder_memory_usage()?;
    /// let best = Lzma::xz(9)?.encoder_memory_usage()?;
    /// assert!(fast < 16 << 20 && best > 512 << 20);
    /// # Ok::<(), zarrcodecs_core::Error>(())
    /// ```
    pub fn encoder_memory_usage(&self) -> Result<u64> {
        let plan = self.encode_plan()?;
        match &plan.filters {
            None => stream::preset_encoder_memusage(plan.preset)
                .ok_or_else(|| bad(format_args!("liblzma does not know preset {}", plan.preset))),
            Some(filters) => Ok(Chain::new(filters).map_err(bad)?.encoder_memusage()),
        }
    }

    /// Python's `LZMACompressor(format, check, preset, filters)` checks, in its order.
    fn encode_plan(&self) -> Result<EncodePlan> {
        let c = &self.config;
        let format = c_int("format", c.format)?;
        let check = c_int("check", c.check)?;
        if format != FORMAT_XZ && check != -1 && check != CHECK_NONE {
            return Err(bad("integrity checks are only supported by FORMAT_XZ"));
        }
        if c.preset.is_some() && c.filters.is_some() {
            return Err(bad("cannot specify both preset and filter chain"));
        }
        let preset = match c.preset {
            None => PRESET_DEFAULT,
            Some(p) => u32::try_from(p).map_err(|_| bad(format_args!("preset must be 0 to 2^32-1, got {p}")))?,
        };
        let format = match Format::try_from(format) {
            Ok(Format::Auto) => {
                return Err(bad("FORMAT_AUTO only decodes: choose FORMAT_XZ, FORMAT_ALONE or FORMAT_RAW to encode"))
            }
            Ok(f) => f,
            Err(e) => return Err(e),
        };
        let check = match format {
            Format::Xz if check == -1 => CHECK_CRC64,
            _ => check,
        };
        let check = match Check::try_from(check) {
            Ok(Check::Default) => CHECK_NONE,
            Ok(c) => i32::from(c),
            Err(_) => return Err(bad(format_args!("unsupported integrity check: {check}"))),
        };
        let filters = match &c.filters {
            None if format == Format::Raw => return Err(bad("must specify filters for FORMAT_RAW")),
            None => {
                check_preset(preset)?;
                None
            }
            Some(specs) => {
                let filters = parse_chain(specs)?;
                let lzma1 = filters.iter().any(|f| matches!(f, Filter::Lzma(FILTER_LZMA1, _)));
                if format == Format::Xz && lzma1 {
                    return Err(bad("FORMAT_XZ cannot hold an LZMA1 filter"));
                }
                if format == Format::Alone && !(filters.len() == 1 && lzma1) {
                    return Err(bad("invalid filter chain for FORMAT_ALONE - must be a single LZMA1 filter"));
                }
                Some(filters)
            }
        };
        Ok(EncodePlan { format, check: u32::try_from(check).map_err(bad)?, preset, filters })
    }

    /// Python's `LZMADecompressor(format, filters=filters)` checks: the format, and the
    /// chain for raw (the only format that uses it; a chain given with another format,
    /// which Python refuses, is ignored: the container describes its own filters).
    fn decode_plan(&self) -> Result<(Format, Option<Chain>)> {
        let format = self.config.format()?;
        let chain = match (format, &self.config.filters) {
            (Format::Raw, None) => return Err(bad("must specify filters for FORMAT_RAW")),
            (Format::Raw, Some(specs)) => Some(Chain::new(&parse_chain(specs)?).map_err(bad)?),
            _ => None,
        };
        Ok((format, chain))
    }
}

fn encoder<'a>(plan: &EncodePlan, chain: Option<&'a Chain>) -> Result<Encoder<'a>> {
    let (preset, check) = (plan.preset, plan.check);
    Ok(match (plan.format, chain) {
        (Format::Xz, None) => Encoder::XzPreset { preset, check },
        (Format::Xz, Some(chain)) => Encoder::XzChain { chain, check },
        (Format::Alone, None) => Encoder::AlonePreset(preset),
        (Format::Alone, Some(chain)) => Encoder::AloneChain(chain),
        (Format::Raw, Some(chain)) => Encoder::Raw(chain),
        _ => return Err(bad("FORMAT_RAW needs filters; FORMAT_AUTO only decodes")),
    })
}

fn decoder(format: Format, chain: Option<&Chain>) -> Decoder<'_> {
    match (format, chain) {
        (Format::Xz, _) => Decoder::Xz,
        (Format::Alone, _) => Decoder::Alone,
        (Format::Raw, Some(chain)) => Decoder::Raw(chain),
        _ => Decoder::Auto,
    }
}

impl StaticCodec for Lzma {
    const CODEC_ID: &'static str = ID;
    type Config = LzmaConfig;

    /// Any configuration numcodecs 0.15.2's `LZMA.__init__` takes builds (unknown keys
    /// are refused, as its keyword arguments are).
    fn from_config(config: LzmaConfig) -> Result<Self> {
        Self::new(config)
    }

    fn config(&self) -> LzmaConfig {
        self.config.clone()
    }
}

zarrcodecs_core::register_static_codec!(LZMA_REGISTRATION: Lzma);

/// A variable-length integer of the `.xz` index.
fn vli(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..9 {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// The decoded size the input claims: the last `.xz` stream's index, or the `.lzma`
/// header's size field. Unverified: a first guess only.
fn claimed_size(input: &[u8]) -> Option<u64> {
    if input.starts_with(b"\xfd7zXZ\0") && input.len() >= 32 {
        let footer = &input[input.len() - 12..];
        if &footer[10..] != b"YZ" {
            return None;
        }
        let backward = (u64::from(u32::from_le_bytes([footer[4], footer[5], footer[6], footer[7]])) + 1) * 4;
        let start = (input.len() as u64 - 12).checked_sub(backward)?;
        let index = &input[usize::try_from(start).ok()?..input.len() - 12];
        if index.first() != Some(&0) {
            return None;
        }
        let mut pos = 1;
        let records = vli(index, &mut pos)?;
        let mut total = 0u64;
        for _ in 0..records.min(index.len() as u64) {
            vli(index, &mut pos)?;
            total = total.checked_add(vli(index, &mut pos)?)?;
        }
        Some(total)
    } else if input.len() >= 13 && input[0] < 225 {
        let mut size = [0u8; 8];
        size.copy_from_slice(&input[5..13]);
        Some(u64::from_le_bytes(size)).filter(|&s| s != u64::MAX)
    } else {
        None
    }
}

/// The most LZMA expands: beyond some 7000:1 for runs of one byte. A claimed size is
/// never trusted beyond this multiple of the input length.
const MAX_RATIO: usize = 8192;

impl Lzma {
    /// The first size of `decode`'s output buffer: the size the input claims, else four
    /// times its length, never more than `limit` (the decoded-size limit) or
    /// [`MAX_RATIO`] times its length.
    fn first_guess(format: Format, input: &[u8], limit: usize) -> usize {
        let claimed = match format {
            Format::Raw => None,
            _ => claimed_size(input).and_then(|s| usize::try_from(s).ok()),
        };
        let hint = claimed.unwrap_or_else(|| input.len().saturating_mul(4).max(4096));
        hint.min(input.len().saturating_mul(MAX_RATIO)).min(limit)
    }
}

impl Codec for Lzma {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let input = data.require_bytes(Self::CODEC_ID)?;
        let plan = self.encode_plan()?;
        let chain = plan.filters.as_deref().map(|f| Chain::new(f).map_err(bad)).transpose()?;
        let out = stream::encode(ID, &encoder(&plan, chain.as_ref())?, input)?;
        Ok(NdArray::from_buf(out).into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let input = encoded.require_bytes(Self::CODEC_ID)?;
        let limit = options.decoded_size_limit();
        let (format, chain) = self.decode_plan()?;
        let mut sink = DecodeSink::growing(Self::first_guess(format, input, limit), limit)?;
        let written = stream::decode(ID, decoder(format, chain.as_ref()), input, &mut sink, limit)?;
        let buf = sink.finish(ID, written)?.unwrap_or_default();
        Ok(NdArray::from_buf(buf).into())
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        options: &DecodeOptions,
    ) -> Result<()> {
        let input = encoded.require_bytes(Self::CODEC_ID)?;
        let out = out.as_bytes_mut();
        let expected = out.len();
        let (format, chain) = self.decode_plan()?;
        // The caller's buffer bounds the output (more is an OutputSizeMismatch), but
        // `stream::decode` also uses the limit for the decoder's memory (the dictionary,
        // unrelated to the output's size) and for the scratch decode of a later stream
        // that overflows the buffer (which may decode to more than the buffer holds).
        let limit = options.decoded_size_limit();
        let written = stream::decode(ID, decoder(format, chain.as_ref()), input, &mut DecodeSink::fixed(out), limit)?;
        if written != expected {
            return Err(Error::OutputSizeMismatch { codec: ID.into(), expected, actual: written });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
