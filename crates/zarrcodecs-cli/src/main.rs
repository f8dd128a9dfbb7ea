#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod info;
mod objects;
mod read;

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::Value;
use zarrcodecs::zarr3::ZarrV3Array;
use zarrcodecs::{
    npy, zarr, ArrayView, DType, Data, DataRef, DecodeOptions, NdArray, Object, ObjectArray, Order as ZarrOrder,
    Pipeline, ZarrPipeline,
};

/// Encode, decode and inspect data with the codecs of Python numcodecs.
#[derive(Debug, Parser)]
#[command(name = "numcodecs", version, after_help = SPEC_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const SPEC_HELP: &str = "\
SPEC is a codec configuration as numcodecs' get_config() writes it, e.g. '{\"id\": \"zstd\", \"level\": 3}',
a JSON array of them (a pipeline: encode applies them in order, decode in reverse, like zarr v2's
filters then compressor), or @PATH to a file holding either. IN and OUT default to stdin and stdout
('-' also means them).";

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the ids of the registered codecs, one per line.
    List,
    /// Encode data: a .npy file (recognised by its magic), raw bytes, or an object array as JSON.
    #[command(after_help = SPEC_HELP)]
    Encode(EncodeArgs),
    /// Decode data: writes the raw decoded bytes, a .npy file with --npy, or JSON for object arrays.
    #[command(after_help = SPEC_HELP)]
    Decode(DecodeArgs),
    /// Describe an encoded buffer's header (zstd, gzip, zlib or .npy) as `key: value` lines.
    Info(InfoArgs),
    /// Read a whole zarr array (v2, or v3 with numcodecs codecs), or a region of it, from a
    /// directory store into a .npy file, decoding its chunks in parallel.
    Read(read::ReadArgs),
}

#[derive(Debug, Args)]
struct Io {
    /// The codec configuration, pipeline or @file (see below).
    #[arg(short, long, value_name = "SPEC", required_unless_present = "zarray", conflicts_with = "zarray")]
    codec: Option<String>,
    /// A zarr v2 array's .zarray, a zarr v3 array's zarr.json (also --zarr-json), or the
    /// array's directory: the data is one chunk of that array, coded with its codecs
    /// (decode: of its dtype, chunk shape and order).
    #[arg(long, value_name = "PATH", alias = "zarr-json")]
    zarray: Option<PathBuf>,
    /// Input file [default: stdin].
    #[arg(short, long, value_name = "IN")]
    input: Option<PathBuf>,
    /// Output file [default: stdout].
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// numpy dtype (e.g. '<f8', 'int32') to reinterpret the bytes as (encode --json: the dtype of nested numeric arrays).
    #[arg(long, value_name = "DTYPE")]
    dtype: Option<String>,
    /// Shape to reinterpret the bytes with, comma-separated (e.g. '3,4'; '' or '()' for 0-d).
    #[arg(long, value_name = "SHAPE", allow_hyphen_values = true)]
    shape: Option<String>,
    /// Refuse to decode data whose header claims more than this many bytes [default: 2 GiB].
    #[arg(long, value_name = "BYTES")]
    max_decoded_size: Option<usize>,
}

#[derive(Debug, Args)]
struct EncodeArgs {
    #[command(flatten)]
    io: Io,
    #[arg(
        long,
        help = "The input is an object array in zarrcodecs' JSON form: a JSON array of items (\"str\", \
                {\"bytes\": \"<base64>\"}, null, booleans, numbers, {\"float\": \"NaN\"}, lists, \
                {\"array\": {\"dtype\", \"shape\", \"data\"}}) or {\"shape\": [...], \"items\": [...]}; with --dtype, \
                an item that is a JSON array is a numpy array of that dtype (see the README)"
    )]
    json: bool,
}

#[derive(Debug, Args)]
struct DecodeArgs {
    #[command(flatten)]
    io: Io,
    /// Write a .npy file of the decoded dtype and shape (or of --dtype / --shape).
    #[arg(long, conflicts_with = "json")]
    npy: bool,
    /// Memory order the .npy header declares: C (row-major) or F (Fortran, column-major).
    #[arg(long, value_enum, requires = "npy", default_value = "C")]
    order: Order,
    /// The decoded data must be an object array, written as JSON (the form `encode --json` reads).
    #[arg(long)]
    json: bool,
    /// With --zarray: the chunk is not stored; write the chunk zarr reads instead (full
    /// of the array's fill value). Reads no input.
    #[arg(long, conflicts_with = "input")]
    missing: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Order {
    #[value(name = "C", alias = "c")]
    C,
    #[value(name = "F", alias = "f")]
    F,
}

#[derive(Debug, Args)]
struct InfoArgs {
    /// Input file [default: stdin].
    #[arg(short, long, value_name = "IN", conflicts_with = "zarray")]
    input: Option<PathBuf>,
    /// The codec that wrote the input (a SPEC or a bare id: zstd, gzip, zlib); detected by magic if absent.
    #[arg(short, long, value_name = "SPEC", conflicts_with = "zarray")]
    codec: Option<String>,
    /// Summarise a zarr v2 array's .zarray, a zarr v3 array's zarr.json (also
    /// --zarr-json), or the array's directory, and its pipeline, instead.
    #[arg(long, value_name = "PATH", alias = "zarr-json")]
    zarray: Option<PathBuf>,
}

/// A failure: one line for stderr, exit status 1.
#[derive(Debug)]
struct Failure(String);

impl From<zarrcodecs::Error> for Failure {
    /// The error and its sources on one line (serde_json's message says which key).
    fn from(e: zarrcodecs::Error) -> Self {
        Failure(e.display_chain())
    }
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure(s)
    }
}

type CliResult<T> = Result<T, Failure>;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Prints help / version (status 0) or the usage error (status 2); never panics
        // on a closed stream.
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(io::stderr().lock(), "numcodecs: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> CliResult<()> {
    match cli.command {
        Command::List => {
            let mut text = String::new();
            for id in zarrcodecs::registered_ids() {
                text.push_str(&id);
                text.push('\n');
            }
            write_output(None, text.as_bytes())
        }
        Command::Encode(args) => encode(&args),
        Command::Decode(args) => decode(&args),
        Command::Read(args) => read::read(&args),
        Command::Info(InfoArgs { zarray: Some(path), .. }) => {
            let doc = read_array_doc(&path)?;
            let v3 = if is_v3(&doc) { Some(ZarrV3Array::from_json(&doc)?) } else { None };
            write_output(None, zarray_summary(&load_zarray(&path)?, v3.as_ref())?.as_bytes())
        }
        Command::Info(args) => {
            let input = read_input(args.input.as_deref())?;
            let format = match &args.codec {
                None => None,
                Some(spec) => {
                    let id = spec_codec_id(spec)?;
                    let format = info::Format::from_codec_id(&id).ok_or_else(|| {
                        format!(
                            "info does not know the format of codec {id:?} (it knows zstd, gzip, zlib, lz4, blosc and npy)"
                        )
                    })?;
                    Some(format)
                }
            };
            write_output(None, info::describe(&input, format)?.as_bytes())
        }
    }
}

/// `-` and no path both mean the standard stream.
fn stdio_path(path: Option<&Path>) -> Option<&Path> {
    path.filter(|p| p.as_os_str() != "-")
}

fn read_input(path: Option<&Path>) -> CliResult<Vec<u8>> {
    let mut buf = Vec::new();
    match stdio_path(path) {
        None => io::stdin().lock().read_to_end(&mut buf).map_err(|e| format!("cannot read stdin: {e}"))?,
        Some(p) => File::open(p)
            .and_then(|mut f| f.read_to_end(&mut buf))
            .map_err(|e| format!("cannot read {}: {e}", p.display()))?,
    };
    Ok(buf)
}

fn write_output(path: Option<&Path>, bytes: &[u8]) -> CliResult<()> {
    write_parts(path, &[bytes])
}

/// Writes `parts` one after the other to `path` (stdout for none or `-`).
fn write_parts(path: Option<&Path>, parts: &[&[u8]]) -> CliResult<()> {
    fn write_all(w: impl Write, parts: &[&[u8]]) -> io::Result<()> {
        let mut w = BufWriter::new(w);
        for part in parts {
            w.write_all(part)?;
        }
        w.flush()
    }
    match stdio_path(path) {
        None => write_all(io::stdout().lock(), parts).map_err(|e| format!("cannot write stdout: {e}"))?,
        Some(p) => File::create(p)
            .and_then(|f| write_all(f, parts))
            .map_err(|e| format!("cannot write {}: {e}", p.display()))?,
    }
    Ok(())
}

/// The JSON text of a SPEC argument: inline, or `@PATH`.
fn spec_json(spec: &str) -> CliResult<Value> {
    match spec.strip_prefix('@') {
        Some(path) => {
            let text = std::fs::read(path).map_err(|e| format!("cannot read codec spec file {path}: {e}"))?;
            serde_json::from_slice(&text).map_err(|e| Failure(format!("invalid JSON in codec spec file {path}: {e}")))
        }
        None => serde_json::from_str(spec).map_err(|e| Failure(format!("invalid JSON in codec spec: {e}"))),
    }
}

/// What `--codec` or `--zarray` gives.
enum Loaded {
    /// A codec chain (`--codec`).
    Codecs(Pipeline),
    /// A zarr v2 array's chain and metadata (`--zarray`).
    Zarr(Box<ZarrPipeline>),
}

/// The decode options of `--max-decoded-size` (the default limit without it).
fn decode_options(max_decoded_size: Option<usize>) -> DecodeOptions {
    let options = DecodeOptions::default();
    match max_decoded_size {
        Some(limit) => options.with_decoded_size_limit(limit),
        None => options,
    }
}

fn load_pipeline(io: &Io) -> CliResult<Loaded> {
    let options = decode_options(io.max_decoded_size);
    match (&io.zarray, &io.codec) {
        (Some(path), _) => Ok(Loaded::Zarr(Box::new(load_zarray(path)?.with_decode_options(options)))),
        (None, Some(spec)) => Ok(Loaded::Codecs(Pipeline::from_json(&spec_json(spec)?)?.with_decode_options(options))),
        (None, None) => Err(Failure("give --codec SPEC or --zarray PATH".into())),
    }
}

/// The metadata of the zarr array at `path`: a `.zarray` (v2) or `zarr.json` (v3)
/// file, or a directory holding one (`.zarray` first).
fn read_array_doc(path: &Path) -> CliResult<Value> {
    let file = if path.is_dir() {
        let v2 = path.join(".zarray");
        if v2.exists() {
            v2
        } else {
            path.join("zarr.json")
        }
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    Ok(serde_json::from_slice(&text).map_err(|e| format!("invalid JSON in {}: {e}", file.display()))?)
}

/// Whether `doc` is a zarr v3 `zarr.json` (else it is read as a v2 `.zarray`).
fn is_v3(doc: &Value) -> bool {
    doc.get("zarr_format").and_then(Value::as_u64) == Some(3)
}

/// The pipeline of the zarr array at `path` (see [`read_array_doc`]).
fn load_zarray(path: &Path) -> CliResult<ZarrPipeline> {
    zarr_pipeline(&read_array_doc(path)?)
}

/// The pipeline of a `.zarray` or (see [`is_v3`]) `zarr.json` document.
fn zarr_pipeline(doc: &Value) -> CliResult<ZarrPipeline> {
    Ok(if is_v3(doc) { ZarrPipeline::from_zarr_json(doc)? } else { ZarrPipeline::from_zarray(doc)? })
}

/// `info --zarray`: the array's metadata and pipeline as `key: value` lines.
fn zarray_summary(zarr: &ZarrPipeline, v3: Option<&ZarrV3Array>) -> CliResult<String> {
    let a = zarr.array();
    let pipeline = zarr.pipeline();
    let json = |v: &Value| serde_json::to_string(v).unwrap_or_default();
    let fill = match &a.fill_value {
        None => "null".to_string(),
        Some(item) => item.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    };
    let codecs: Vec<String> =
        pipeline.codecs().iter().map(|c| c.get_config().map(|config| json(&config))).collect::<Result<_, _>>()?;
    let mut lines = vec![
        ("format", if v3.is_some() { "zarr v3" } else { "zarr v2" }.to_string()),
        ("shape", format!("{:?}", a.shape)),
        ("chunks", format!("{:?}", a.chunks)),
        ("chunk_grid", format!("{:?}", a.chunk_grid())),
    ];
    if let Some(item) = &a.object_fill_value {
        // An object array: its chunks are items, not bytes.
        let object_codec = pipeline.codecs().first().map_or("(none: its chunks cannot be read)", |c| c.codec_id());
        let fill = serde_json::to_string(&ObjectArray::from_items(vec![item.clone()]))
            .map_err(|e| format!("cannot write the fill value as JSON: {e}"))?;
        lines.extend([
            ("chunk_items", a.chunk_len().to_string()),
            ("dtype", a.dtype.to_string()),
            ("object_codec", object_codec.to_string()),
            ("order", format!("{:?}", a.order)),
            // The item in the JSON form of object arrays, without the list around it.
            ("fill_value", fill.strip_prefix('[').and_then(|f| f.strip_suffix(']')).unwrap_or(&fill).to_string()),
        ]);
    } else {
        lines.extend([
            ("chunk_bytes", a.chunk_nbytes().to_string()),
            ("dtype", a.dtype.to_string()),
            ("order", format!("{:?}", a.order)),
            ("fill_value_bytes", fill),
        ]);
    }
    let mut out = String::new();
    for (key, value) in lines {
        out.push_str(&format!("{key}: {value}\n"));
    }
    if !a.fields.is_empty() {
        out.push_str(&format!(
            "fields: {}\n",
            json(&Value::Array(a.fields.iter().map(zarr::Field::to_json).collect()))
        ));
        field_lines(&a.fields, "", &mut out);
    }
    let layout = match v3 {
        // zarr.json's own terms: chunk keys and one codec list.
        Some(v3) => [
            ("chunk_key_encoding", format!("{:?}", v3.chunk_key_encoding)),
            ("last_chunk_key", v3.chunk_key(&a.chunk_grid().iter().map(|n| n.saturating_sub(1)).collect::<Vec<_>>())),
            ("codecs", a.filters.iter().chain(&a.compressor).map(json).collect::<Vec<_>>().join(", ")),
        ],
        None => [
            ("dimension_separator", a.dimension_separator.clone()),
            ("filters", a.filters.iter().map(json).collect::<Vec<_>>().join(", ")),
            ("compressor", a.compressor.as_ref().map_or_else(|| "null".to_string(), json)),
        ],
    };
    for (key, value) in layout
        .into_iter()
        .chain([("encode", if codecs.is_empty() { "(no codecs)".to_string() } else { codecs.join(" -> ") })])
    {
        out.push_str(&format!("{key}: {value}\n"));
    }
    Ok(out)
}

/// One `field.<path>: <dtype> shape <shape> offset <n> bytes <n>` line per field of a
/// structured dtype, nested fields after their parent (`field.y.q`).
fn field_lines(fields: &[zarr::Field], prefix: &str, out: &mut String) {
    for f in fields {
        let path = format!("{prefix}{}", f.name);
        let name = if f.name.is_empty() { format!("{prefix}(padding)") } else { path.clone() };
        out.push_str(&format!(
            "field.{name}: {} shape {:?} offset {} bytes {}\n",
            f.dtype,
            f.shape,
            f.offset,
            f.nbytes()
        ));
        field_lines(&f.fields, &format!("{path}."), out);
    }
}

/// The id of the codec that wrote the data `info` reads: a bare id, or the last codec
/// (the outermost, the compressor) of a SPEC.
fn spec_codec_id(spec: &str) -> CliResult<String> {
    let trimmed = spec.trim();
    if !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        return Ok(trimmed.strip_prefix("numcodecs.").unwrap_or(trimmed).to_string());
    }
    let value = spec_json(spec)?;
    let last = match &value {
        Value::Array(items) => items.last().ok_or_else(|| Failure("the codec spec is an empty pipeline".into()))?,
        other => other,
    };
    Ok(zarrcodecs::core::registry::split_config(last)?.0)
}

/// Parses `3,4`, `(3, 4)`, `(3,)`, `3`; `` and `()` are 0-d.
fn parse_shape(text: &str) -> CliResult<Vec<usize>> {
    let inner = text.trim();
    let inner = inner.strip_prefix('(').and_then(|s| s.strip_suffix(')')).unwrap_or(inner).trim();
    if inner.is_empty() {
        return Ok(Vec::new());
    }
    // `(3,)`: a trailing comma after at least one dimension.
    let inner = inner.strip_suffix(',').filter(|s| !s.trim().is_empty()).unwrap_or(inner);
    inner
        .split(',')
        .map(|d| {
            d.trim()
                .parse::<usize>()
                .map_err(|_| Failure(format!("invalid shape {text:?}: {:?} is not a non-negative integer", d.trim())))
        })
        .collect()
}

fn parse_dtype(text: Option<&str>) -> CliResult<Option<DType>> {
    Ok(text.map(str::parse).transpose()?)
}

/// The shape `bytes` bytes have as `dtype`, numpy's `view(dtype)`: the shape is kept when
/// the item size is, otherwise the last axis is rescaled.
fn view_shape(shape: &[usize], old: DType, new: DType, nbytes: usize) -> CliResult<Vec<usize>> {
    if new.itemsize() == old.itemsize() {
        return Ok(shape.to_vec());
    }
    let fail = |why: &str| Failure(format!("cannot view {nbytes} bytes of shape {shape:?} {old} as {new}: {why}"));
    if new.itemsize() == 0 {
        return Err(fail("the new item size is 0"));
    }
    let Some((&last, _)) = shape.split_last() else {
        return Err(fail("a 0-d array cannot change its item size; give --shape"));
    };
    let last_bytes = last * old.itemsize();
    if !last_bytes.is_multiple_of(new.itemsize()) {
        return Err(fail("the last axis is not a whole number of items; give --shape"));
    }
    let mut shape = shape.to_vec();
    if let Some(l) = shape.last_mut() {
        *l = last_bytes / new.itemsize();
    }
    Ok(shape)
}

/// The dtype and shape `--dtype` / `--shape` give bytes that currently have `dtype` and `shape`.
fn reinterpreted(io: &Io, dtype: DType, shape: &[usize], nbytes: usize) -> CliResult<Option<(DType, Vec<usize>)>> {
    let new_dtype = parse_dtype(io.dtype.as_deref())?;
    if new_dtype.is_some_and(|d| d.is_object()) {
        return Err(Failure("--dtype |O does not apply to bytes: object arrays travel as JSON (--json)".into()));
    }
    let new_shape = io.shape.as_deref().map(parse_shape).transpose()?;
    Ok(match (new_dtype, new_shape) {
        (None, None) => None,
        (dt, Some(s)) => Some((dt.unwrap_or(dtype), s)),
        (Some(dt), None) => Some((dt, view_shape(shape, dtype, dt, nbytes)?)),
    })
}

fn encode(args: &EncodeArgs) -> CliResult<()> {
    let io = &args.io;
    let input = read_input(io.input.as_deref())?;
    let pipeline = match load_pipeline(io)? {
        Loaded::Zarr(zarr) => {
            if io.dtype.is_some() || io.shape.is_some() {
                return Err(Failure("--zarray gives the dtype and shape: drop --dtype and --shape".into()));
            }
            if zarr.array().is_object() {
                return write_output(io.output.as_deref(), encode_zarr_objects(&zarr, &input)?.as_bytes());
            }
            if args.json {
                return Err(Failure(format!(
                    "--json: the array's dtype is {}, not |O: its chunks are .npy files or raw bytes",
                    zarr.array().dtype
                )));
            }
            return write_output(io.output.as_deref(), encode_zarr_chunk(&zarr, &input)?.as_bytes());
        }
        Loaded::Codecs(pipeline) => pipeline,
    };
    let encoded = if args.json {
        let dtype = parse_dtype(io.dtype.as_deref())?;
        let parsed = objects::parse(&input, dtype)?;
        let objects = match io.shape {
            None => parsed,
            Some(_) => object_array(parsed.into_items(), io.shape.as_deref(), "JSON items")?,
        };
        pipeline.encode(DataRef::Object(&objects))?
    } else if npy::is_npy(&input) {
        let mut array = npy::read(&input)?.array;
        let nbytes = array.as_bytes().len();
        if let Some((dtype, shape)) = reinterpreted(io, array.dtype(), array.shape(), nbytes)? {
            array = array.reinterpret(dtype, shape)?;
        }
        pipeline.encode(DataRef::from(&array))?
    } else {
        let view = match reinterpreted(io, DType::U1, &[input.len()], input.len())? {
            None => ArrayView::from_bytes(&input),
            Some((dtype, shape)) => ArrayView::new(&input, dtype, shape)?,
        };
        pipeline.encode(DataRef::Array(view))?
    };
    match encoded {
        Data::Array(a) => write_output(io.output.as_deref(), a.as_bytes()),
        Data::Object(o) => write_output(io.output.as_deref(), &objects_document(&o)?),
    }
}

/// An object array of `items`, 1-d or of the shape `--shape` gives.
fn object_array(items: Vec<Object>, shape: Option<&str>, what: &str) -> CliResult<ObjectArray> {
    let Some(text) = shape else {
        return Ok(ObjectArray::from_items(items));
    };
    let shape = parse_shape(text)?;
    // Checked here: the core's ShapeMismatch counts bytes, not items.
    let n = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    if n != Some(items.len()) {
        return Err(Failure(format!("shape {shape:?} does not hold the {} {what}", items.len())));
    }
    Ok(ObjectArray::new(items, shape)?)
}

fn objects_document(o: &ObjectArray) -> CliResult<Vec<u8>> {
    let mut text = objects::to_json(o).map_err(|e| format!("cannot write the object array as JSON: {e}"))?;
    text.push(b'\n');
    Ok(text)
}

/// One chunk of a zarr object array, from its JSON form: `{"shape": [...], "items":
/// [...]}` of the chunk shape, or a JSON array of all its items in C order. With
/// vlen-array as the object codec, items that are nested lists are arrays of its dtype.
fn encode_zarr_objects(pipeline: &ZarrPipeline, input: &[u8]) -> CliResult<NdArray> {
    let meta = pipeline.array();
    let vlen_dtype = match meta.filters.first() {
        Some(f) if f["id"] == "vlen-array" => f["dtype"].as_str().and_then(|d| d.parse::<DType>().ok()),
        _ => None,
    }
    .filter(|d| objects::check_dtype(*d).is_ok());
    let mut objects = objects::parse(input, vlen_dtype)?;
    if objects.shape() != meta.chunks.as_slice() {
        if objects.shape().len() == 1 && objects.items().len() == meta.chunk_len() {
            objects = ObjectArray::new(objects.into_items(), meta.chunks.clone())?;
        } else {
            return Err(Failure(format!(
                "the JSON holds {} items of shape {:?}, the array's chunks have shape {:?}",
                objects.items().len(),
                objects.shape(),
                meta.chunks
            )));
        }
    }
    Ok(pipeline.encode_object_chunk(&objects)?)
}

/// One chunk of a zarr array: a `.npy` of the chunk shape (converted to the array's
/// order) or the raw bytes of a full chunk in the array's order.
fn encode_zarr_chunk(pipeline: &ZarrPipeline, input: &[u8]) -> CliResult<NdArray> {
    let meta = pipeline.array();
    if !npy::is_npy(input) {
        return Ok(pipeline.encode_chunk(input)?);
    }
    let file = npy::read(input)?;
    if file.array.shape() != meta.chunks.as_slice() || file.array.dtype() != meta.dtype {
        return Err(Failure(format!(
            "the .npy holds {:?} {}, the array's chunks are {:?} {}",
            file.array.shape(),
            file.array.dtype(),
            meta.chunks,
            meta.dtype
        )));
    }
    let array = match (file.fortran_order, meta.order) {
        (true, ZarrOrder::C) => zarr::fortran_to_c(&file.array)?,
        (false, ZarrOrder::F) => zarr::c_to_fortran(&file.array)?,
        _ => file.array,
    };
    Ok(pipeline.encode_chunk(array.as_bytes())?)
}

fn decode(args: &DecodeArgs) -> CliResult<()> {
    let io = &args.io;
    if args.missing && io.zarray.is_none() {
        return Err(Failure("--missing needs --zarray: a missing chunk is the array's fill value".into()));
    }
    let input = if args.missing { Vec::new() } else { read_input(io.input.as_deref())? };
    let encoded = (!args.missing).then_some(&input[..]);
    let pipeline = match load_pipeline(io)? {
        Loaded::Zarr(zarr) => {
            if io.dtype.is_some() || io.shape.is_some() {
                return Err(Failure("--zarray gives the dtype and shape: drop --dtype and --shape".into()));
            }
            if zarr.array().is_object() {
                if args.npy {
                    return Err(Failure(
                        "the array's dtype is |O: .npy cannot hold its chunks (drop --npy to get JSON)".into(),
                    ));
                }
                let chunk = zarr.decode_object_chunk(encoded)?;
                return write_output(io.output.as_deref(), &objects_document(&chunk)?);
            }
            if args.json {
                return Err(Failure(format!(
                    "--json: the array's dtype is {}, not |O: its chunks decode to bytes (use --npy)",
                    zarr.array().dtype
                )));
            }
            let chunk = zarr.decode_chunk(encoded)?;
            if args.npy {
                return write_output(io.output.as_deref(), &npy::write(&chunk, zarr.order() == ZarrOrder::F));
            }
            return write_output(io.output.as_deref(), chunk.as_bytes());
        }
        Loaded::Codecs(pipeline) => pipeline,
    };
    let decoded = pipeline.decode(DataRef::from(&input[..]))?;
    let document = match decoded {
        Data::Object(o) => {
            if args.npy {
                return Err(Failure(
                    "the decoded data is an object array: .npy cannot hold it (drop --npy to get JSON)".into(),
                ));
            }
            if io.dtype.is_some() {
                return Err(Failure("the decoded data is an object array: --dtype does not apply".into()));
            }
            let o = match io.shape {
                None => o,
                Some(_) => object_array(o.into_items(), io.shape.as_deref(), "decoded objects")?,
            };
            objects_document(&o)?
        }
        Data::Array(a) => {
            if args.json {
                return Err(Failure(format!(
                    "the decoded data is a numeric array (dtype {}), not an object array: drop --json",
                    a.dtype()
                )));
            }
            let nbytes = a.as_bytes().len();
            let a: NdArray = match reinterpreted(io, a.dtype(), a.shape(), nbytes)? {
                None => a,
                Some((dtype, shape)) => a.reinterpret(dtype, shape)?,
            };
            if args.npy {
                npy::write(&a, args.order == Order::F)
            } else {
                return write_output(io.output.as_deref(), a.as_bytes());
            }
        }
    };
    write_output(io.output.as_deref(), &document)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn shapes() {
        for (text, want) in [
            ("3,4", vec![3, 4]),
            ("3", vec![3]),
            ("(3, 4)", vec![3, 4]),
            ("(3,)", vec![3]),
            ("3,", vec![3]),
            (" 0 , 2 ", vec![0, 2]),
            ("", vec![]),
            ("()", vec![]),
            (" ( ) ", vec![]),
        ] {
            assert_eq!(parse_shape(text).unwrap(), want, "{text:?}");
        }
        for text in ["3,,4", "-1", "a", "3.5", ",", "((3))", "99999999999999999999999"] {
            assert!(parse_shape(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn views_like_numpy() {
        let d = |s: &str| s.parse::<DType>().unwrap();
        assert_eq!(view_shape(&[16], d("u1"), d("<f8"), 16).unwrap(), vec![2]);
        assert_eq!(view_shape(&[3, 4], d("<i4"), d(">i4"), 48).unwrap(), vec![3, 4]);
        assert_eq!(view_shape(&[3, 4], d("<i4"), d("<i2"), 48).unwrap(), vec![3, 8]);
        assert!(view_shape(&[3], d("u1"), d("<f8"), 3).is_err());
        assert!(view_shape(&[], d("<i4"), d("<i2"), 4).is_err());
        assert!(view_shape(&[4], d("u1"), d("|S0"), 4).is_err());
    }

    #[test]
    fn spec_ids() {
        assert_eq!(spec_codec_id("zstd").unwrap(), "zstd");
        assert_eq!(spec_codec_id("numcodecs.gzip").unwrap(), "gzip");
        assert_eq!(spec_codec_id(r#"{"id": "zlib", "level": 1}"#).unwrap(), "zlib");
        assert_eq!(spec_codec_id(r#"[{"id": "zlib"}, {"name": "numcodecs.zstd"}]"#).unwrap(), "zstd");
        assert!(spec_codec_id("[]").is_err());
        assert!(spec_codec_id("{").is_err());
    }

    #[test]
    fn clap_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
