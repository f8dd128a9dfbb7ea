//! Decoding on zlib-rs, a Rust port of zlib's inflate: the same checks, the same
//! accepted streams and the same error messages as the C zlib that encodes, and faster.

use zarrcodecs_core::{DecodeSink, Error, Result};
use zlib_rs::{Inflate, InflateError, InflateFlush, Status};

/// Largest chunk of input or output handed to zlib-rs at once (its counters are 32-bit).
const CHUNK: usize = u32::MAX as usize;

/// zlib's window bits for a zlib (15) or gzip (16 + 15) wrapper.
fn new_inflate(gzip: bool) -> Inflate {
    Inflate::new(true, if gzip { 31 } else { 15 })
}

/// Inflates `input` into `out` and returns the decoded length.
///
/// zlib: one zlib stream; bytes after its end are ignored, as Python's `zlib.decompress`
/// ignores them. gzip: one or more members, each followed by optional zero padding; any
/// other byte after a member must start another member, as Python's `GzipFile` reads.
/// Truncated input, a bad stream or a bad checksum is [`Error::Corrupt`]; output past
/// the end of `out` is the sink's error (limit or size mismatch).
pub(crate) fn inflate_all(codec: &'static str, gzip: bool, input: &[u8], out: &mut DecodeSink<'_>) -> Result<usize> {
    if input.is_empty() {
        return Err(Error::corrupt(codec, "empty input"));
    }
    let mut stream = new_inflate(gzip);
    let mut consumed = 0;
    let mut written = 0;
    loop {
        let space = out.space(codec, written)?;
        let in_chunk = &input[consumed..][..(input.len() - consumed).min(CHUNK)];
        let out_len = space.len().min(CHUNK);
        let (in_before, out_before) = (stream.total_in(), stream.total_out());
        let rc = stream.decompress(in_chunk, &mut space[..out_len], InflateFlush::NoFlush);
        // Both are at most CHUNK: they fit a usize.
        let used_in = usize::try_from(stream.total_in() - in_before).unwrap_or(usize::MAX);
        let made = usize::try_from(stream.total_out() - out_before).unwrap_or(usize::MAX);
        consumed += used_in;
        written += made;
        match rc {
            Ok(Status::StreamEnd) => {
                if !gzip {
                    return Ok(written);
                }
                while input.get(consumed) == Some(&0) {
                    consumed += 1;
                }
                if consumed == input.len() {
                    return Ok(written);
                }
                if !input[consumed..].starts_with(&[0x1f, 0x8b]) {
                    return Err(Error::corrupt(codec, "bytes after the last gzip member are not a gzip member"));
                }
                // zlib-rs' `reset` goes back to a zlib wrapper: start a gzip stream afresh.
                stream = new_inflate(true);
            }
            Ok(Status::Ok) => {
                if used_in == 0 && made == 0 && consumed == input.len() {
                    return Err(Error::corrupt(codec, "truncated stream"));
                }
            }
            Ok(Status::BufError) => {
                if consumed == input.len() && made < out_len {
                    return Err(Error::corrupt(codec, "truncated stream"));
                }
            }
            Err(InflateError::NeedDict { .. }) => {
                return Err(Error::corrupt(codec, "the stream needs a preset dictionary"))
            }
            Err(InflateError::DataError) => {
                return Err(Error::corrupt(codec, stream.error_message().unwrap_or("invalid stream")))
            }
            Err(InflateError::MemError) => return Err(Error::Allocation { size: 0 }),
            Err(e @ InflateError::StreamError) => {
                return Err(Error::library(codec, stream.error_message().unwrap_or(e.as_str())))
            }
        }
    }
}
