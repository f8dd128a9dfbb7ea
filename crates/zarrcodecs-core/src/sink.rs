//! [`DecodeSink`]: where a streaming decoder writes when the decoded size is not known
//! up front.

use crate::{AlignedBuf, Error, Result};

/// Smallest size a growing sink grows to, unless set with
/// [`DecodeSink::with_min_growth`].
const MIN_GROWTH: usize = 64 << 10;

/// Where a streaming decoder (zlib, bzip2, lzma, zstd) writes its output: exactly the
/// caller's buffer (`decode_into`), a buffer that grows up to a limit (`decode`), or
/// nowhere (counting only).
///
/// The decoder asks for [`space`](DecodeSink::space) before each step, passing how
/// much it has written in all, and [`finish`](DecodeSink::finish) checks the total.
/// When the buffer is full, `space` hands out a one-byte scratch space: a decoder
/// whose output ends exactly there costs no growth, and one byte written into it
/// tells a growing sink to grow (the byte is moved into the buffer) and a fixed one,
/// or a growing one at its limit, that the output is too long. That byte is settled
/// by the next `space` or `finish`, or at once by [`wrote`](DecodeSink::wrote) for a
/// decoder that must know right after the step.
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
        /// The least size a growth makes the buffer (unless that passes `limit`).
        min_growth: usize,
        /// Where the byte after a full buffer goes, until the buffer grows.
        scratch: [u8; 1],
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

    /// A growing sink whose first allocation is `first_guess` bytes (at most `limit`),
    /// or a freed buffer of this thread of an eighth to twice that. It grows (when a
    /// byte comes past its end) to twice its size, at least 64 KiB, at most `limit`.
    ///
    /// # Errors
    /// [`Error::Allocation`].
    pub fn growing(first_guess: usize, limit: usize) -> Result<Self> {
        Ok(DecodeSink::Grow {
            // The decoder writes the bytes it reports and `finish` truncates to them, so
            // the rest is never read: no zero-fill of a first guess that may be several
            // times the output (zlib guesses 4x its input).
            buf: AlignedBuf::for_overwrite_guess(first_guess.min(limit))?,
            limit,
            min_growth: MIN_GROWTH,
            scratch: [0],
        })
    }

    /// Sets the least size a growing sink grows to (64 KiB unless set); no effect on
    /// the other kinds.
    #[must_use]
    pub fn with_min_growth(mut self, size: usize) -> Self {
        if let DecodeSink::Grow { min_growth, .. } = &mut self {
            *min_growth = size;
        }
        self
    }

    /// A sink that drops its output, counting up to `limit` bytes.
    pub fn discard(limit: usize) -> Self {
        DecodeSink::Discard { scratch: vec![0; MIN_GROWTH], limit }
    }

    /// Settles the output after `written` bytes in all: a byte the decoder wrote into
    /// the scratch space after a full buffer is moved into a growing buffer, which
    /// grows for it. [`space`](DecodeSink::space) and [`finish`](DecodeSink::finish)
    /// do this first; a decoder calls it after a step to learn of excess output at once.
    ///
    /// # Errors
    /// [`Error::OutputSizeMismatch`] if a fixed buffer has overflowed (its scratch byte
    /// is used), [`Error::DecodedSizeLimit`] if a growing one full at its limit has,
    /// [`Error::Allocation`].
    pub fn wrote(&mut self, codec: &str, written: usize) -> Result<()> {
        match self {
            DecodeSink::Fixed { buf, .. } if written > buf.len() => {
                Err(Error::OutputSizeMismatch { codec: codec.into(), expected: buf.len(), actual: written })
            }
            DecodeSink::Grow { buf, limit, min_growth, scratch } if written > buf.len() => {
                let len = buf.len();
                debug_assert_eq!(written, len + 1, "only the one scratch byte lies past the buffer");
                if len >= *limit {
                    return Err(Error::DecodedSizeLimit {
                        codec: codec.into(),
                        size: written as u64,
                        limit: *limit as u64,
                    });
                }
                buf.grow_for_overwrite(len.saturating_mul(2).max(*min_growth).min(*limit).max(len + 1))?;
                buf.as_mut_slice()[len] = scratch[0];
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Space to write into after `written` bytes in all: never empty (one scratch byte
    /// when the buffer is full).
    ///
    /// # Errors
    /// As [`wrote`](DecodeSink::wrote); [`Error::DecodedSizeLimit`] too if a
    /// discarding sink has counted `limit` bytes (it hands out no scratch byte).
    pub fn space(&mut self, codec: &str, written: usize) -> Result<&mut [u8]> {
        self.wrote(codec, written)?;
        match self {
            DecodeSink::Fixed { buf, scratch } => {
                if written < buf.len() {
                    Ok(&mut buf[written..])
                } else {
                    Ok(&mut scratch[..])
                }
            }
            DecodeSink::Grow { buf, scratch, .. } => {
                if written < buf.len() {
                    Ok(&mut buf.as_mut_slice()[written..])
                } else {
                    Ok(&mut scratch[..])
                }
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

    /// The bytes written at `range` (after [`wrote`](DecodeSink::wrote) settled them):
    /// `None` for a discarding sink, which keeps nothing, or a range past what the
    /// buffer holds. Lets a decoder check what it wrote, e.g. a checksum it computes
    /// itself.
    pub fn filled(&self, range: std::ops::Range<usize>) -> Option<&[u8]> {
        match self {
            DecodeSink::Fixed { buf, .. } => buf.get(range),
            DecodeSink::Grow { buf, .. } => buf.as_slice().get(range),
            DecodeSink::Discard { .. } => None,
        }
    }

    /// Ends decoding after `written` bytes: the decoded buffer of a growing sink, `None`
    /// for a fixed or discarding one.
    ///
    /// # Errors
    /// [`Error::OutputSizeMismatch`] if a fixed buffer was not filled exactly; as
    /// [`wrote`](DecodeSink::wrote).
    pub fn finish(mut self, codec: &str, written: usize) -> Result<Option<AlignedBuf>> {
        self.wrote(codec, written)?;
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
    fn filled_reads_back_what_was_written() {
        let mut out = [0u8; 4];
        let mut sink = DecodeSink::fixed(&mut out);
        sink.space("t", 0).unwrap()[..2].copy_from_slice(b"ab");
        assert_eq!(sink.filled(0..2), Some(&b"ab"[..]));
        assert_eq!(sink.filled(2..5), None);
        let mut sink = DecodeSink::growing(1, 100).unwrap();
        sink.space("t", 0).unwrap().copy_from_slice(b"x");
        // The byte past the full buffer is settled into it by `wrote`.
        sink.space("t", 1).unwrap()[0] = b'y';
        sink.wrote("t", 2).unwrap();
        assert_eq!(sink.filled(0..2), Some(&b"xy"[..]));
        assert_eq!(DecodeSink::discard(10).filled(0..0), None);
    }

    #[test]
    fn fixed_sink_detects_short_and_long_output() {
        let mut out = [0u8; 4];
        let mut sink = DecodeSink::fixed(&mut out);
        assert_eq!(sink.space("t", 0).unwrap().len(), 4);
        assert_eq!(sink.space("t", 4).unwrap().len(), 1);
        assert!(sink.wrote("t", 4).is_ok());
        assert!(matches!(sink.wrote("t", 5), Err(Error::OutputSizeMismatch { expected: 4, actual: 5, .. })));
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

    /// Writes `bytes` into `sink` one space at a time, as a decoder would.
    fn feed(sink: &mut DecodeSink<'_>, bytes: &[u8]) -> Result<usize> {
        let mut written = 0;
        while written < bytes.len() {
            let space = sink.space("t", written)?;
            let n = space.len().min(bytes.len() - written);
            space[..n].copy_from_slice(&bytes[written..written + n]);
            written += n;
        }
        Ok(written)
    }

    #[test]
    fn growing_sink_grows_only_for_a_byte_past_its_end() {
        let mut sink = DecodeSink::growing(10, 100_000).unwrap();
        assert_eq!(sink.space("t", 0).unwrap().len(), 10);
        // Full: a scratch byte, and no growth if nothing is written there.
        assert_eq!(sink.space("t", 10).unwrap().len(), 1);
        assert!(matches!(&sink, DecodeSink::Grow { buf, .. } if buf.len() == 10));
        // A byte written there grows the buffer, keeping the byte.
        sink.space("t", 10).unwrap()[0] = 42;
        sink.wrote("t", 11).unwrap();
        assert!(matches!(&sink, DecodeSink::Grow { buf, .. } if buf.len() == MIN_GROWTH));
        let buf = sink.finish("t", 11).unwrap().unwrap();
        assert_eq!(buf.as_slice()[10], 42);
        assert_eq!(buf.len(), 11);

        let data: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
        let mut sink = DecodeSink::growing(10, 100_000).unwrap().with_min_growth(16);
        let written = feed(&mut sink, &data).unwrap();
        assert_eq!(sink.finish("t", written).unwrap().unwrap().as_slice(), &data[..]);
    }

    /// A growing sink starts in the largest freed buffer of the thread between an
    /// eighth and twice its guess (the last chunk's buffer, when the guess is generous),
    /// not in fresh memory of the whole guess; smaller buffers are left alone.
    #[test]
    fn growing_sink_starts_in_a_cached_buffer_near_its_guess() {
        AlignedBuf::clear_thread_cache();
        drop(AlignedBuf::from_slice(&vec![7u8; 600 << 10]).unwrap());
        drop(AlignedBuf::from_slice(&vec![7u8; 1 << 20]).unwrap());
        let mut sink = DecodeSink::growing(4 << 20, 64 << 20).unwrap();
        assert!(matches!(&sink, DecodeSink::Grow { buf, .. } if buf.len() == 1 << 20));
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
        let written = feed(&mut sink, &data).unwrap();
        assert_eq!(sink.finish("t", written).unwrap().unwrap().as_slice(), &data[..]);
        AlignedBuf::clear_thread_cache();
        drop(AlignedBuf::from_slice(&vec![7u8; 64 << 10]).unwrap());
        let sink = DecodeSink::growing(4 << 20, 64 << 20).unwrap();
        assert!(matches!(&sink, DecodeSink::Grow { buf, .. } if buf.len() == 4 << 20));
        AlignedBuf::clear_thread_cache();
    }

    #[test]
    fn growing_sink_stops_past_the_limit() {
        let data = vec![7u8; 1000];
        // Exactly the limit fits (the scratch byte stays unused).
        let mut sink = DecodeSink::growing(10, 1000).unwrap();
        let written = feed(&mut sink, &data).unwrap();
        assert_eq!(sink.space("t", written).unwrap().len(), 1);
        assert_eq!(sink.finish("t", written).unwrap().unwrap().len(), 1000);
        // One more byte does not.
        let mut sink = DecodeSink::growing(10, 999).unwrap();
        let written = feed(&mut sink, &data).unwrap();
        assert_eq!(written, 1000);
        assert!(matches!(sink.finish("t", written), Err(Error::DecodedSizeLimit { size: 1000, limit: 999, .. })));
    }
}
