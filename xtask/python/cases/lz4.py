"""zarrcodecs-lz4: LZ4 with the accelerations numcodecs users set, and the values LZ4
clamps (below 1 acts as 1, above 65537 as 65537). Bytes are identical (lz4 1.9.4 on
both sides). The empty array is written as numcodecs writes it; numcodecs 0.15.2
cannot decode it (its decoder refuses a declared size of 0), which interop.py counts
as a numcodecs limitation."""


def configs():
    out = []
    for acceleration in (1, 2, 10, 100, 0, -1, 65537, 2**31 - 1):
        out.append(({"id": "lz4", "acceleration": acceleration}, None, acceleration == 1))
    out.append(({"id": "lz4"}, None, False))
    return out
