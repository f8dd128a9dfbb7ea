//! Walking the frames of a zstd stream (RFC 8878) without decoding them.

use zarrcodecs_core::{Error, Result};

use crate::CODEC_ID;

/// The magic number that starts a zstd frame (`28 b5 2f fd` on the wire).
const ZSTD_MAGIC: u32 = zstd_safe::MAGICNUMBER;
/// Skippable frames start with any magic number from `0x184D2A50` to `0x184D2A5F`.
const SKIPPABLE_MAGIC_START: u32 = zstd_safe::MAGIC_SKIPPABLE_START;
const SKIPPABLE_MAGIC_MASK: u32 = zstd_safe::MAGIC_SKIPPABLE_MASK;
/// `Content_Checksum_flag` of the `Frame_Header_Descriptor` byte (RFC 8878, 3.1.1.1.1).
const FHD_CHECKSUM_FLAG: u8 = 0x04;

/// What the header of one frame of a zstd stream says, as listed by [`frame_info`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct FrameInfo {
    /// Size of the whole frame in the input, header, blocks and checksum included.
    pub compressed_size: usize,
    /// The decoded size the frame header declares; `None` if the header does not carry
    /// it (streaming compressors may leave it out). Skippable frames carry no content:
    /// `Some(0)`.
    pub content_size: Option<u64>,
    /// Whether the frame ends with a checksum of its content (`Content_Checksum_flag`).
    pub has_checksum: bool,
    /// Whether this is a skippable frame (user data that decoders ignore).
    pub skippable: bool,
}

/// Lists the frames of a zstd stream: zstd frames and skippable frames, in order.
///
/// Only the headers and block headers are read: nothing is decompressed, so a frame
/// whose blocks are corrupt is only detected by decoding it.
///
/// ```
/// use zarrcodecs_core::CodecExt;
/// let codec = zarrcodecs_zstd::Zstd::new(3)?.with_checksum(true);
/// let encoded = codec.encode_bytes(b"hello hello hello")?;
/// let frames = zarrcodecs_zstd::frame_info(encoded.as_bytes())?;
/// assert_eq!(frames.len(), 1);
/// assert_eq!(frames[0].content_size, Some(17));
/// assert!(frames[0].has_checksum);
/// assert_eq!(frames[0].compressed_size, encoded.as_bytes().len());
/// # Ok::<(), zarrcodecs_core::Error>(())
/// ```
///
/// # Errors
/// [`Error::Corrupt`] if `bytes` is empty, does not start with a frame, or a frame is
/// truncated or malformed, or trailing bytes are not a frame.
pub fn frame_info(bytes: &[u8]) -> Result<Vec<FrameInfo>> {
    if bytes.is_empty() {
        return Err(Error::corrupt(CODEC_ID, "empty input: a zstd stream holds at least one frame"));
    }
    let mut frames = Vec::new();
    let mut offset = 0;
    while offset < bytes.len() {
        let rest = &bytes[offset..];
        let frame = one_frame(rest).map_err(|reason| {
            Error::corrupt(CODEC_ID, format_args!("frame {} at byte offset {offset}: {reason}", frames.len()))
        })?;
        offset += frame.compressed_size;
        frames.push(frame);
    }
    Ok(frames)
}

/// The header of the frame at the start of `rest`.
fn one_frame(rest: &[u8]) -> Result<FrameInfo, String> {
    let magic = match rest.get(..4) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
        _ => return Err(format!("{} trailing bytes are too short to be a frame", rest.len())),
    };
    let skippable = magic & SKIPPABLE_MAGIC_MASK == SKIPPABLE_MAGIC_START;
    if !skippable && magic != ZSTD_MAGIC {
        return Err(format!("unknown magic number {magic:#010x} (not a zstd frame)"));
    }
    // zstd walks the block headers (or reads a skippable frame's size) and checks that
    // the whole frame is present.
    let compressed_size = zstd_safe::find_frame_compressed_size(rest).map_err(zstd_error_name)?;
    if compressed_size == 0 || compressed_size > rest.len() {
        // zstd guarantees neither happens; never loop forever or slice out of bounds.
        return Err(format!("zstd reported a frame size of {compressed_size} bytes in {} bytes", rest.len()));
    }
    if skippable {
        return Ok(FrameInfo { compressed_size, content_size: Some(0), has_checksum: false, skippable });
    }
    let descriptor = *rest.get(4).ok_or("the frame header is truncated")?;
    let content_size = zstd_safe::get_frame_content_size(&rest[..compressed_size]).map_err(|e| e.to_string())?;
    Ok(FrameInfo { compressed_size, content_size, has_checksum: descriptor & FHD_CHECKSUM_FLAG != 0, skippable })
}

/// The total decoded size the frames declare, if every frame declares its size.
///
/// # Errors
/// [`Error::DecodedSizeLimit`] if the sum does not fit in a `u64`.
pub(crate) fn declared_size(frames: &[FrameInfo], limit: usize) -> Result<Option<u64>> {
    let mut total = 0u64;
    for frame in frames {
        let Some(size) = frame.content_size else {
            return Ok(None);
        };
        total = total.checked_add(size).ok_or_else(|| Error::DecodedSizeLimit {
            codec: CODEC_ID.into(),
            size: u64::MAX,
            limit: u64::try_from(limit).unwrap_or(u64::MAX),
        })?;
    }
    Ok(Some(total))
}

/// zstd's name for an error code, e.g. `"Unknown frame descriptor"`.
pub(crate) fn zstd_error_name(code: zstd_safe::ErrorCode) -> String {
    zstd_safe::get_error_name(code).to_string()
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;

    #[test]
    fn short_tails_and_foreign_magic_are_refused() {
        assert!(one_frame(&[0x28, 0xb5, 0x2f]).unwrap_err().contains("too short"));
        assert!(one_frame(b"PK\x03\x04rest").unwrap_err().contains("unknown magic"));
        // A bare magic number: the header is missing.
        assert!(one_frame(&[0x28, 0xb5, 0x2f, 0xfd]).is_err());
    }

    #[test]
    fn skippable_frame_header() {
        let frame = [0x5a, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 0xaa, 0xbb];
        let info = one_frame(&frame).unwrap();
        assert_eq!(
            info,
            FrameInfo { compressed_size: 10, content_size: Some(0), has_checksum: false, skippable: true }
        );
        // Its declared size runs past the end.
        assert!(one_frame(&frame[..9]).is_err());
    }

    #[test]
    fn declared_size_sums_and_overflows() {
        let f = |size| FrameInfo { compressed_size: 1, content_size: size, has_checksum: false, skippable: false };
        assert_eq!(declared_size(&[f(Some(3)), f(Some(4))], 10).unwrap(), Some(7));
        assert_eq!(declared_size(&[f(Some(3)), f(None)], 10).unwrap(), None);
        assert!(matches!(
            declared_size(&[f(Some(u64::MAX / 2 + 1)), f(Some(u64::MAX / 2 + 1))], 10),
            Err(Error::DecodedSizeLimit { .. })
        ));
    }
}
