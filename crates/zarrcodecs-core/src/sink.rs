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
/// use zarrcodecs_core::DecodeSink;
/// let mut sink = DecodeSink::growing(4, 1 << 20)?;
/// let space = sink.space("demo", 0)?;
/// space[..3].copy_from_slice(b"abc");
/// assert_eq!(sink.finish("demo", 3)?.unwrap().as_slice(), b"abc");
/// # Ok::<(), zarrcodecs_core::Error>(())
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
    /// Output counted and dropped, up to `limit` bytes: to learn how a stream ends
    /// (e.g. whether a later bzip2 stream that overflows the caller's buffer is valid
    /// at all, as Python drops an invalid one) without keeping what it decodes to.
    Discard {
        /// Reused for every step.
        scratch: Vec<u8>,
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

    /// A sink that drops its output, counting up to `limit` bytes.
    pub fn discard(limit: usize) -> Self {
        DecodeSink::Discard { scratch: vec![0; MIN_GROWTH], limit }
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
            DecodeSink::Discard { scratch, limit } => {
                if written >= *limit {
                    return Err(Error::DecodedSizeLimit {
                        codec: codec.into(),
                        size: (written as u64).saturating_add(1),
                        limit: *limit as u64,
                    });
                }
                let room = (*limit - written).min(scratch.len());
                Ok(&mut scratch[..room])
            }
        }
    }

    /// Ends decoding after `written` bytes: the decoded buffer of a growing sink, `None`
    /// for a fixed or discarding one.
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
            DecodeSink::Discard { .. } => Ok(None),
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
    fn discarding_sink_counts_to_the_limit() {
        let mut sink = DecodeSink::discard(100_000);
        assert_eq!(sink.space("t", 0).unwrap().len(), MIN_GROWTH);
        assert_eq!(sink.space("t", 99_000).unwrap().len(), 1000);
        assert!(matches!(sink.space("t", 100_000), Err(Error::DecodedSizeLimit { .. })));
        assert!(sink.finish("t", 5).unwrap().is_none());
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
