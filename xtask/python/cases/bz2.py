"""zarrcodecs-bz2: bzip2 at every level Python's bz2 module accepts (1 to 9); bytes are
identical (libbzip2 1.0.8 on both sides)."""


def configs():
    out = [({"id": "bz2", "level": level}, None, level == 9) for level in range(1, 10)]
    out.append(({"id": "bz2"}, None, False))
    return out
