//! [`DecodeSink`]: where a streaming decoder writes when the decoded size is not known
//! up front.

use crate::{AlignedBuf, Error, Result};

/// Smallest step by which a growing sink grows.
const MIN_GROWTH: usize = 64 << 10;

/// Where a streaming decoder (zlib, bzip2, ...) writes its output: exactly the caller's
/// buffer (`decode_into`), or a buffer that grows up to a limit (`decode`).
///
/// The decoder asks for [`space`](DecodeSink::space) after each step and reports how
/// much it wrote; [`finish`](DecodeSink::finish) checks the total.
///
/// ```
/// use numcodecs_core::DecodeSink;
/// let mut sink = DecodeSink::growing(4, 1 << 20)?;
/// let space = sink.space("demo", 0)?;
/// space[..3].copy_from_slice(b"abc");
/// assert_eq!(sink.finish("demo", 3)?.unwrap().as_slice(), b"abc");
/// # Ok::<(), numcodecs_core::Error>(())
/// ```
#[derive(Debug)]
pub enum DecodeSink<'a> {
    /// Exactly this buffer; a one-byte scratch space catches output that does not fit.
    Fixed {
        /// The caller's buffer.
        buf: &'a mut [u8],
        /// Where one byte past the end goes, to detect excess output.
        scratch: [u8; 1],
    },
    /// A buffer that doubles as needed, up to `limit` bytes.
    Grow {
        /// The buffer.
        buf: AlignedBuf,
        /// The decoded-size limit.
        limit: usize,
    },
}

impl<'a> DecodeSink<'a> {
    /// A sink that is exactly `buf`.
    pub fn fixed(buf: &'a mut [u8]) -> Self {
        DecodeSink::Fixed { buf, scratch: [0] }
    }

    /// A growing sink whose first allocation is `first_guess` bytes (at most `limit`).
    ///
    /// # Errors
    /// [`Error::Allocation`].
    pub fn growing(first_guess: usize, limit: usize) -> Result<Self> {
        Ok(DecodeSink::Grow { buf: AlignedBuf::zeroed(first_guess.min(limit))?, limit })
    }

    /// Space to write into after `written` bytes: never empty.
    ///
    /// # Errors
    /// [`Error::OutputSizeMismatch`] if a fixed buffer has overflowed (its scratch byte
    /// is used), [`Error::DecodedSizeLimit`] if a growing one is full at its limit,
    /// [`Error::Allocation`].
    pub fn space(&mut self, codec: &str, written: usize) -> Result<&mut [u8]> {
        match self {
            DecodeSink::Fixed { buf, scratch } => {
                if written < buf.len() {
                    Ok(&mut buf[written..])
                } else if written == buf.len() {
                    Ok(&mut scratch[..])
                } else {
                    Err(Error::OutputSizeMismatch { codec: codec.into(), expected: buf.len(), actual: written })
                }
            }
            DecodeSink::Grow { buf, limit } => {
                if written >= buf.len() {
                    if written >= *limit {
                        return Err(Error::DecodedSizeLimit {
                            codec: codec.into(),
                            size: (written as u64).saturating_add(1),
                            limit: *limit as u64,
                        });
                    }
                    let grown = written.saturating_mul(2).max(MIN_GROWTH).min(*limit);
                    buf.resize(grown)?;
                }
                Ok(&mut buf.as_mut_slice()[written..])
            }
        }
    }

    /// Ends decoding after `written` bytes: the decoded buffer of a growing sink, `None`
    /// for a fixed one.
    ///
    /// # Errors
    /// [`Error::OutputSizeMismatch`] if a fixed buffer was not filled exactly.
    pub fn finish(self, codec: &str, written: usize) -> Result<Option<AlignedBuf>> {
        match self {
            DecodeSink::Fixed { buf, .. } if written == buf.len() => Ok(None),
            DecodeSink::Fixed { buf, .. } => {
                Err(Error::OutputSizeMismatch { codec: codec.into(), expected: buf.len(), actual: written })
            }
            DecodeSink::Grow { mut buf, .. } => {
                buf.truncate(written);
                Ok(Some(buf))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_sink_detects_short_and_long_output() {
        let mut out = [0u8; 4];
        let mut sink = DecodeSink::fixed(&mut out);
        assert_eq!(sink.space("t", 0).unwrap().len(), 4);
        assert_eq!(sink.space("t", 4).unwrap().len(), 1);
        assert!(matches!(sink.space("t", 5), Err(Error::OutputSizeMismatch { .. })));
        assert!(matches!(DecodeSink::fixed(&mut out).finish("t", 3), Err(Error::OutputSizeMismatch { .. })));
        assert!(matches!(DecodeSink::fixed(&mut out).finish("t", 5), Err(Error::OutputSizeMismatch { .. })));
        assert!(DecodeSink::fixed(&mut out).finish("t", 4).unwrap().is_none());
    }

    #[test]
    fn growing_sink_stops_at_the_limit() {
        let mut sink = DecodeSink::growing(10, 100_000).unwrap();
        assert_eq!(sink.space("t", 0).unwrap().len(), 10);
        assert!(sink.space("t", 10).unwrap().len() >= 10);
        assert_eq!(sink.space("t", 99_999).unwrap().len(), 1);
        assert!(matches!(sink.space("t", 100_000), Err(Error::DecodedSizeLimit { .. })));
        assert_eq!(sink.finish("t", 7).unwrap().unwrap().len(), 7);
    }
}
