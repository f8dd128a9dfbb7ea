"""Filters and object codecs chained with a compressor, as zarr v2 arrays store them
(`filters` then `compressor`): numcodecs' bytes must decode through our Pipeline and
ours through numcodecs, byte-identical. Inputs come from the other case modules."""


def configs():
    zstd = {"id": "zstd", "level": 3, "checksum": False}
    lz4 = {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}
    return [
        ([{"id": "delta", "dtype": "<i4"}, {"id": "zlib", "level": 1}], None, False, ["i4_ramp_100k"]),
        ([{"id": "quantize", "digits": 3, "dtype": "<f8"}, zstd], None, False, ["f8_walk_50k"]),
        ([{"id": "fixedscaleoffset", "offset": 0, "scale": 100, "dtype": "<f8", "astype": "<i4"}, lz4], None, False,
         ["f8_walk_50k"]),
        ([{"id": "bitround", "keepbits": 12}, zstd], None, False, ["f8_walk_50k"]),
        ([{"id": "shuffle", "elementsize": 8}, {"id": "lz4", "acceleration": 1}], None, False, ["f8_walk_50k"]),
        ([{"id": "astype", "encode_dtype": "<f4", "decode_dtype": "<f8"}, {"id": "shuffle", "elementsize": 4}, zstd],
         None, False, ["f8_walk_50k"]),
        ([{"id": "packbits"}, {"id": "gzip", "level": 1}], [[4, 8]], False, ["b1_mask"]),
        ([{"id": "delta", "dtype": "<u2", "astype": "<i4"}, {"id": "crc32c"}, {"id": "bz2", "level": 1}], None, False,
         ["u2_3d"]),
        ([{"id": "vlen-utf8"}, zstd], None, False, ["vlen_ascii_2000", "vlen_utf8", "vlen_2d"]),
        ([{"id": "vlen-bytes"}, {"id": "crc32"}, lz4], None, False, ["vlen_bytes"]),
        ([{"id": "json2"}, {"id": "zlib", "level": 5}], None, False, ["json_strings"]),
        ([{"id": "msgpack2"}, zstd], None, False, ["vlen_utf8"]),
        ([{"id": "pickle", "protocol": 5}, zstd], None, False, ["vlen_2d"]),
    ]
