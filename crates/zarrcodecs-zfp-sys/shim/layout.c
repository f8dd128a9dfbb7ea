/*
 * What zfp.h says about every type and constant that src/lib.rs declares by hand:
 * sizes, alignments, field offsets and sizes, signedness and values, as the C compiler
 * sees them. The unit test in src/lib.rs compares each with Rust's size_of/align_of/
 * offset_of! and our constants, so a declaration that drifts from the header fails it.
 * Compiled into libzfp.a with zfp itself (build.rs); nothing else calls these.
 */

#include <stddef.h>
#include "zfp.h"

#define ZCS_SIZE(name, expr) \
  size_t zarrcodecs_zfp_sys_##name(void) { return (size_t)(expr); }
#define ZCS_VALUE(name, expr) \
  long long zarrcodecs_zfp_sys_##name(void) { return (long long)(expr); }

/* alignof without C11: the offset of a member that follows a char */
typedef struct { char c; zfp_field x; } zcs_align_zfp_field;
typedef struct { char c; zfp_type x; } zcs_align_zfp_type;
typedef struct { char c; zfp_bool x; } zcs_align_zfp_bool;

/* a zfp_field member: its offset and size */
#define ZCS_MEMBER(m) \
  ZCS_SIZE(offsetof_zfp_field_##m, offsetof(zfp_field, m)) \
  ZCS_SIZE(sizeof_zfp_field_##m, sizeof(((zfp_field*)0)->m))
/* an integer member: also whether its type is signed (0 - 1 < 0) */
#define ZCS_INT_MEMBER(m) \
  ZCS_MEMBER(m) \
  long long zarrcodecs_zfp_sys_zfp_field_##m##_is_signed(void) \
  { zfp_field f; f.m = 0; f.m -= 1; return f.m < 0; }

/* zfp_field */
ZCS_SIZE(sizeof_zfp_field, sizeof(zfp_field))
ZCS_SIZE(alignof_zfp_field, offsetof(zcs_align_zfp_field, x))
ZCS_INT_MEMBER(type)
ZCS_INT_MEMBER(nx)
ZCS_INT_MEMBER(ny)
ZCS_INT_MEMBER(nz)
ZCS_INT_MEMBER(nw)
ZCS_INT_MEMBER(sx)
ZCS_INT_MEMBER(sy)
ZCS_INT_MEMBER(sz)
ZCS_INT_MEMBER(sw)
ZCS_MEMBER(data)

/* zfp_type (an enum: its integer type is the compiler's choice) and its values */
ZCS_SIZE(sizeof_zfp_type, sizeof(zfp_type))
ZCS_SIZE(alignof_zfp_type, offsetof(zcs_align_zfp_type, x))
ZCS_VALUE(zfp_type_is_signed, (zfp_type)-1 < 0)
ZCS_VALUE(zfp_type_none, zfp_type_none)
ZCS_VALUE(zfp_type_int32, zfp_type_int32)
ZCS_VALUE(zfp_type_int64, zfp_type_int64)
ZCS_VALUE(zfp_type_float, zfp_type_float)
ZCS_VALUE(zfp_type_double, zfp_type_double)

/* zfp_bool */
ZCS_SIZE(sizeof_zfp_bool, sizeof(zfp_bool))
ZCS_SIZE(alignof_zfp_bool, offsetof(zcs_align_zfp_bool, x))
ZCS_VALUE(zfp_bool_is_signed, (zfp_bool)-1 < 0)

/* ZFP_HEADER_FULL (0x7u: unsigned int, the type of zfp_write_header's mask) */
ZCS_SIZE(sizeof_ZFP_HEADER_FULL, sizeof(ZFP_HEADER_FULL))
ZCS_VALUE(ZFP_HEADER_FULL_is_signed, ZFP_HEADER_FULL - ZFP_HEADER_FULL - 1 < 0)
ZCS_VALUE(ZFP_HEADER_FULL, ZFP_HEADER_FULL)

/* the vendored release: zfp 1.0.1 (0x1010), stream codec 5 (what zfpy 1.0.1 writes) */
ZCS_VALUE(zfp_version, ZFP_VERSION)
ZCS_VALUE(zfp_codec, ZFP_CODEC)
