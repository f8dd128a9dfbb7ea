//! `numcodecs info`: what the header of an encoded buffer says, as `key: value` lines.

use std::fmt::Write as _;

use zarrcodecs::npy;

/// The formats `info` knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Zstd,
    Gzip,
    Zlib,
    Npy,
    Lz4,
    Blosc,
}

impl Format {
    /// The format a codec id writes, if `info` knows it.
    pub(crate) fn from_codec_id(id: &str) -> Option<Self> {
        match id {
            "zstd" => Some(Format::Zstd),
            "gzip" => Some(Format::Gzip),
            "zlib" => Some(Format::Zlib),
            "npy" => Some(Format::Npy),
            "lz4" => Some(Format::Lz4),
            "blosc" => Some(Format::Blosc),
            _ => None,
        }
    }

    /// Recognises a format by its first bytes.
    pub(crate) fn detect(bytes: &[u8]) -> Option<Self> {
        if npy::is_npy(bytes) {
            return Some(Format::Npy);
        }
        if bytes.starts_with(&[0x1f, 0x8b]) {
            return Some(Format::Gzip);
        }
        if let Some(&[a, b, c, d]) = bytes.get(..4) {
            let magic = u32::from_le_bytes([a, b, c, d]);
            if magic == ZSTD_MAGIC || magic & 0xFFFF_FFF0 == ZSTD_SKIPPABLE_MAGIC {
                return Some(Format::Zstd);
            }
        }
        if let Some(&[cmf, flg]) = bytes.get(..2) {
            if cmf & 0x0f == 8 && cmf >> 4 <= 7 && zlib_fcheck_ok(cmf, flg) {
                return Some(Format::Zlib);
            }
        }
        // A blosc chunk has no magic, but a header consistent with its length (version
        // 2, cbytes equal to the input length, sizes that fit) is a strong sign.
        #[cfg(feature = "blosc")]
        if zarrcodecs::blosc::header(bytes).is_ok() {
            return Some(Format::Blosc);
        }
        None
    }
}

const ZSTD_MAGIC: u32 = 0xFD2F_B528;
const ZSTD_SKIPPABLE_MAGIC: u32 = 0x184D_2A50;

/// Describes `bytes` as `format` (or as the detected format).
///
/// # Errors
/// For an unknown format, or a header that is truncated or invalid.
pub(crate) fn describe(bytes: &[u8], format: Option<Format>) -> Result<String, String> {
    if bytes.is_empty() {
        return Err("empty input: nothing to describe".into());
    }
    let format = match format {
        Some(f) => f,
        None => Format::detect(bytes).ok_or_else(|| {
            let head: Vec<String> = bytes.iter().take(4).map(|b| format!("{b:02x}")).collect();
            format!(
                "unknown format: the input starts with {} (not zstd, gzip, zlib or .npy); name its codec with -c",
                head.join(" ")
            )
        })?,
    };
    let mut out = String::new();
    match format {
        Format::Zstd => zstd(bytes, &mut out)?,
        Format::Gzip => gzip(bytes, &mut out)?,
        Format::Zlib => zlib(bytes, &mut out)?,
        Format::Npy => npy_info(bytes, &mut out)?,
        Format::Lz4 => lz4(bytes, &mut out)?,
        Format::Blosc => blosc(bytes, &mut out)?,
    }
    Ok(out)
}

macro_rules! kv {
    ($out:expr, $key:expr, $($arg:tt)*) => {
        // Writing to a String cannot fail.
        {
            let _ = writeln!($out, "{}: {}", $key, format_args!($($arg)*));
        }
    };
}

#[cfg(feature = "zstd")]
fn zstd(bytes: &[u8], out: &mut String) -> Result<(), String> {
    let frames = zarrcodecs::zstd::frame_info(bytes).map_err(|e| e.to_string())?;
    kv!(out, "format", "zstd");
    kv!(out, "frames", "{}", frames.len());
    kv!(out, "compressed_size", "{}", bytes.len());
    let total =
        frames.iter().filter(|f| !f.skippable).try_fold(0u64, |acc, f| f.content_size.map(|s| acc.saturating_add(s)));
    match total {
        Some(t) => kv!(out, "content_size", "{t}"),
        None => kv!(out, "content_size", "unknown"),
    }
    for (i, f) in frames.iter().enumerate() {
        kv!(out, format_args!("frame[{i}].type"), "{}", if f.skippable { "skippable" } else { "zstd" });
        kv!(out, format_args!("frame[{i}].compressed_size"), "{}", f.compressed_size);
        match f.content_size {
            Some(s) => kv!(out, format_args!("frame[{i}].content_size"), "{s}"),
            None => kv!(out, format_args!("frame[{i}].content_size"), "unknown"),
        }
        kv!(out, format_args!("frame[{i}].checksum"), "{}", f.has_checksum);
    }
    Ok(())
}

#[cfg(not(feature = "zstd"))]
fn zstd(_bytes: &[u8], _out: &mut String) -> Result<(), String> {
    Err("this numcodecs was built without the zstd feature".into())
}

/// numcodecs' lz4 buffer: the declared size, then one LZ4 block (no magic: only with
/// `-c lz4`).
#[cfg(feature = "lz4")]
fn lz4(bytes: &[u8], out: &mut String) -> Result<(), String> {
    let declared = zarrcodecs::lz4::declared_size(bytes).map_err(|e| e.to_string())?;
    kv!(out, "format", "lz4");
    kv!(out, "compressed_size", "{}", bytes.len());
    kv!(out, "content_size", "{declared}");
    kv!(out, "block_size", "{}", bytes.len() - 4);
    Ok(())
}

#[cfg(not(feature = "lz4"))]
fn lz4(_bytes: &[u8], _out: &mut String) -> Result<(), String> {
    Err("this numcodecs was built without the lz4 feature".into())
}

/// A C-Blosc 1.x chunk's 16-byte header (checked against the input length first).
#[cfg(feature = "blosc")]
fn blosc(bytes: &[u8], out: &mut String) -> Result<(), String> {
    let h = zarrcodecs::blosc::header(bytes).map_err(|e| e.to_string())?;
    let shuffle = match h.shuffle() {
        zarrcodecs::blosc::SHUFFLE => "byte",
        zarrcodecs::blosc::BITSHUFFLE => "bit",
        _ => "none",
    };
    kv!(out, "format", "blosc");
    kv!(out, "version", "{}", h.version);
    kv!(out, "versionlz", "{}", h.versionlz);
    kv!(out, "flags", "{:#04x}", h.flags);
    kv!(out, "shuffle", "{shuffle}");
    kv!(out, "memcpyed", "{}", h.memcpyed());
    kv!(out, "typesize", "{}", h.typesize);
    kv!(out, "nbytes", "{}", h.nbytes);
    kv!(out, "blocksize", "{}", h.blocksize);
    kv!(out, "cbytes", "{}", h.cbytes);
    kv!(out, "complib", "{}", h.complib().unwrap_or("unknown"));
    Ok(())
}

#[cfg(not(feature = "blosc"))]
fn blosc(_bytes: &[u8], _out: &mut String) -> Result<(), String> {
    Err("this numcodecs was built without the blosc feature".into())
}

fn gzip_os_name(os: u8) -> &'static str {
    match os {
        0 => "FAT",
        1 => "Amiga",
        2 => "VMS",
        3 => "Unix",
        4 => "VM/CMS",
        5 => "Atari TOS",
        6 => "HPFS",
        7 => "Macintosh",
        8 => "Z-System",
        9 => "CP/M",
        10 => "TOPS-20",
        11 => "NTFS",
        12 => "QDOS",
        13 => "Acorn RISCOS",
        255 => "unknown",
        _ => "undefined",
    }
}

/// The NUL-terminated field at `pos`: its text and the position after the NUL.
fn zero_terminated(bytes: &[u8], pos: usize, what: &str) -> Result<(String, usize), String> {
    let rest = bytes.get(pos..).unwrap_or(&[]);
    let len = rest.iter().position(|&b| b == 0).ok_or_else(|| format!("gzip header truncated in {what}"))?;
    // RFC 1952: ISO 8859-1 text.
    Ok((rest[..len].iter().map(|&b| char::from(b)).collect(), pos + len + 1))
}

fn gzip(bytes: &[u8], out: &mut String) -> Result<(), String> {
    let header = bytes.get(..10).ok_or_else(|| format!("gzip stream truncated: {} bytes", bytes.len()))?;
    if header[..2] != [0x1f, 0x8b] {
        return Err(format!("not a gzip stream: magic {:02x} {:02x}, expected 1f 8b", header[0], header[1]));
    }
    let (method, flags, xfl, os) = (header[2], header[3], header[8], header[9]);
    let mtime = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    kv!(out, "format", "gzip");
    kv!(out, "method", "{method} ({})", if method == 8 { "deflate" } else { "unknown" });
    let names: Vec<&str> = [(0x01, "FTEXT"), (0x02, "FHCRC"), (0x04, "FEXTRA"), (0x08, "FNAME"), (0x10, "FCOMMENT")]
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| *n)
        .chain((flags & 0xe0 != 0).then_some("reserved bits set"))
        .collect();
    kv!(out, "flags", "{flags:#04x} ({})", if names.is_empty() { "none".to_string() } else { names.join(", ") });
    kv!(out, "mtime", "{mtime}");
    let xfl_name = match xfl {
        2 => "maximum compression",
        4 => "fastest",
        _ => "none",
    };
    kv!(out, "xfl", "{xfl} ({xfl_name})");
    kv!(out, "os", "{os} ({})", gzip_os_name(os));
    let mut pos = 10;
    if flags & 0x04 != 0 {
        let xlen = bytes.get(pos..pos + 2).ok_or("gzip header truncated in FEXTRA")?;
        let xlen = usize::from(u16::from_le_bytes([xlen[0], xlen[1]]));
        kv!(out, "extra_length", "{xlen}");
        pos += 2 + xlen;
    }
    if flags & 0x08 != 0 {
        let (name, next) = zero_terminated(bytes, pos, "FNAME")?;
        kv!(out, "name", "{name:?}");
        pos = next;
    }
    if flags & 0x10 != 0 {
        let (comment, next) = zero_terminated(bytes, pos, "FCOMMENT")?;
        kv!(out, "comment", "{comment:?}");
        pos = next;
    }
    if flags & 0x02 != 0 {
        let crc = bytes.get(pos..pos + 2).ok_or("gzip header truncated in FHCRC")?;
        kv!(out, "header_crc16", "{:#06x}", u16::from_le_bytes([crc[0], crc[1]]));
        pos += 2;
    }
    let trailer_start = bytes.len().checked_sub(8).filter(|&t| t >= pos).ok_or_else(|| {
        format!("gzip stream truncated: {} bytes leave no room for the 8-byte trailer after the header", bytes.len())
    })?;
    let t = &bytes[trailer_start..];
    kv!(out, "header_size", "{pos}");
    kv!(out, "deflate_size", "{}", trailer_start - pos);
    kv!(out, "crc32", "{:#010x}", u32::from_le_bytes([t[0], t[1], t[2], t[3]]));
    kv!(out, "isize", "{}", u32::from_le_bytes([t[4], t[5], t[6], t[7]]));
    Ok(())
}

fn zlib_fcheck_ok(cmf: u8, flg: u8) -> bool {
    (u16::from(cmf) << 8 | u16::from(flg)) % 31 == 0
}

fn zlib(bytes: &[u8], out: &mut String) -> Result<(), String> {
    let &[cmf, flg, ..] = bytes else {
        return Err(format!("zlib stream truncated: {} bytes", bytes.len()));
    };
    let (method, cinfo) = (cmf & 0x0f, cmf >> 4);
    kv!(out, "format", "zlib");
    kv!(out, "method", "{method} ({})", if method == 8 { "deflate" } else { "unknown" });
    if cinfo <= 7 {
        kv!(out, "window_size", "{}", 1u32 << (cinfo + 8));
    } else {
        kv!(out, "window_size", "invalid (CINFO {cinfo})");
    }
    let level = flg >> 6;
    let level_name = ["fastest", "fast", "default", "maximum"].get(usize::from(level)).copied().unwrap_or("?");
    kv!(out, "level_hint", "{level} ({level_name})");
    let dictionary = flg & 0x20 != 0;
    kv!(out, "dictionary", "{dictionary}");
    kv!(out, "fcheck", "{}", if zlib_fcheck_ok(cmf, flg) { "valid" } else { "invalid" });
    let mut header = 2;
    if dictionary {
        let id = bytes.get(2..6).ok_or("zlib header truncated in DICTID")?;
        kv!(out, "dictionary_id", "{:#010x}", u32::from_be_bytes([id[0], id[1], id[2], id[3]]));
        header = 6;
    }
    let trailer_start = bytes.len().checked_sub(4).filter(|&t| t >= header).ok_or_else(|| {
        format!("zlib stream truncated: {} bytes leave no room for the 4-byte trailer after the header", bytes.len())
    })?;
    let t = &bytes[trailer_start..];
    kv!(out, "header_size", "{header}");
    kv!(out, "deflate_size", "{}", trailer_start - header);
    kv!(out, "adler32", "{:#010x}", u32::from_be_bytes([t[0], t[1], t[2], t[3]]));
    Ok(())
}

/// A shape as Python prints a tuple: `()`, `(3,)`, `(3, 4)`.
pub(crate) fn shape_tuple(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        dims => format!("({})", dims.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
    }
}

fn npy_info(bytes: &[u8], out: &mut String) -> Result<(), String> {
    let file = npy::read(bytes).map_err(|e| e.to_string())?;
    let (major, minor) = (bytes.get(6).copied().unwrap_or(0), bytes.get(7).copied().unwrap_or(0));
    let data_size = file.array.as_bytes().len();
    kv!(out, "format", "npy");
    kv!(out, "version", "{major}.{minor}");
    kv!(out, "dtype", "{}", file.array.dtype());
    kv!(out, "shape", "{}", shape_tuple(file.array.shape()));
    kv!(out, "order", "{}", if file.fortran_order { "F" } else { "C" });
    kv!(out, "header_size", "{}", bytes.len() - data_size);
    kv!(out, "data_size", "{data_size}");
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn detects_by_magic() {
        assert_eq!(Format::detect(b"\x93NUMPY\x01\x00"), Some(Format::Npy));
        assert_eq!(Format::detect(&[0x1f, 0x8b, 8, 0]), Some(Format::Gzip));
        assert_eq!(Format::detect(&[0x28, 0xb5, 0x2f, 0xfd, 0]), Some(Format::Zstd));
        assert_eq!(Format::detect(&[0x53, 0x2a, 0x4d, 0x18]), Some(Format::Zstd));
        assert_eq!(Format::detect(&[0x78, 0x01]), Some(Format::Zlib));
        assert_eq!(Format::detect(&[0x78, 0x9c]), Some(Format::Zlib));
        assert_eq!(Format::detect(&[0x78, 0x9d]), None);
        assert_eq!(Format::detect(b"hello"), None);
        assert_eq!(Format::detect(b""), None);
    }

    #[test]
    fn gzip_optional_fields() {
        // FEXTRA (2 bytes), FNAME "a.txt", FCOMMENT "hi", FHCRC, then a stored empty
        // deflate block and the trailer.
        let mut g = vec![0x1f, 0x8b, 8, 0x1e, 1, 0, 0, 0, 2, 3, 2, 0, 0xaa, 0xbb];
        g.extend_from_slice(b"a.txt\0hi\0");
        g.extend_from_slice(&[0x12, 0x34, 0x03, 0x00]);
        g.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        let text = describe(&g, None).unwrap();
        for want in [
            "flags: 0x1e (FHCRC, FEXTRA, FNAME, FCOMMENT)",
            "mtime: 1",
            "xfl: 2 (maximum compression)",
            "os: 3 (Unix)",
            "extra_length: 2",
            "name: \"a.txt\"",
            "comment: \"hi\"",
            "header_crc16: 0x3412",
            "header_size: 25",
            "deflate_size: 2",
            "isize: 0",
        ] {
            assert!(text.contains(want), "{want} not in\n{text}");
        }
        assert!(describe(&g[..20], None).unwrap_err().contains("truncated"));
        assert!(describe(&g[..9], Some(Format::Gzip)).unwrap_err().contains("truncated"));
    }

    #[test]
    fn zlib_fields() {
        // A preset-dictionary header: FDICT set, level hint 2.
        let cmf = 0x78u8;
        let mut flg = 0xa0u8;
        flg += 31 - u8::try_from((u16::from(cmf) << 8 | u16::from(flg)) % 31).unwrap();
        let z = [cmf, flg, 1, 2, 3, 4, 3, 0, 0, 0, 0, 1];
        let text = describe(&z, None).unwrap();
        for want in [
            "window_size: 32768",
            "level_hint: 2 (default)",
            "dictionary: true",
            "dictionary_id: 0x01020304",
            "fcheck: valid",
            "header_size: 6",
            "adler32: 0x00000001",
        ] {
            assert!(text.contains(want), "{want} not in\n{text}");
        }
        let text = describe(&[0x78, 0x00, 3, 0, 0, 0, 0, 1], Some(Format::Zlib)).unwrap();
        assert!(text.contains("fcheck: invalid"), "{text}");
        assert!(describe(&[0x78, 0x01, 3], Some(Format::Zlib)).unwrap_err().contains("truncated"));
    }

    #[cfg(feature = "lz4")]
    #[test]
    fn lz4_declared_size() {
        assert_eq!(Format::from_codec_id("lz4"), Some(Format::Lz4));
        let text = describe(b"\x05\x00\x00\x00\x50abcde", Some(Format::Lz4)).unwrap();
        for want in ["format: lz4", "compressed_size: 10", "content_size: 5", "block_size: 6"] {
            assert!(text.contains(want), "{want} not in\n{text}");
        }
        assert!(describe(b"\x05\x00\x00", Some(Format::Lz4)).unwrap_err().contains("shorter than the 4-byte header"));
        assert!(describe(b"\xff\xff\xff\xff\x00", Some(Format::Lz4)).unwrap_err().contains("more than"));
    }

    #[cfg(feature = "blosc")]
    #[test]
    fn blosc_header() {
        assert_eq!(Format::from_codec_id("blosc"), Some(Format::Blosc));
        let data: Vec<u8> = (0..1000u32).flat_map(|i| (i / 3).to_le_bytes()).collect();
        let chunk =
            zarrcodecs::blosc::compress(&data, 4, zarrcodecs::blosc::Cname::Zstd, 5, zarrcodecs::blosc::BITSHUFFLE, 0)
                .unwrap();
        let text = describe(chunk.as_slice(), None).unwrap();
        for want in ["format: blosc", "version: 2", "shuffle: bit", "memcpyed: false", "typesize: 4", "nbytes: 4000"] {
            assert!(text.contains(want), "{want} not in\n{text}");
        }
        assert!(text.contains(&format!("cbytes: {}", chunk.len())), "{text}");
        assert!(text.contains("complib: Zstd"), "{text}");
        let err = describe(&chunk.as_slice()[..chunk.len() - 1], Some(Format::Blosc)).unwrap_err();
        assert!(err.contains("the header says"), "{err}");
    }

    #[test]
    fn unknown_and_empty() {
        assert!(describe(b"hello", None).unwrap_err().contains("unknown format: the input starts with 68 65 6c 6c"));
        assert!(describe(b"", None).unwrap_err().contains("empty"));
    }

    #[test]
    fn tuples() {
        assert_eq!(shape_tuple(&[]), "()");
        assert_eq!(shape_tuple(&[3]), "(3,)");
        assert_eq!(shape_tuple(&[3, 4]), "(3, 4)");
    }
}
