//! vlen-array items as numpy converts them: `np.ascontiguousarray(item, dtype)`.

use zarrcodecs_core::{DType, Error, NdArray, Object, Result};
use zarrcodecs_kernels::pynum::{read_num, write_num, Num};

/// A one-dimensional array of `dtype` from a vlen-array item: a numeric array (of
/// any dtype), a list of numbers or one number.
pub(crate) fn to_array(codec: &str, item: &Object, dtype: DType) -> Result<NdArray> {
    let size = dtype.itemsize();
    let fill = |nums: &mut dyn Iterator<Item = Result<Num>>, n: usize| -> Result<NdArray> {
        let mut a = NdArray::zeros(dtype, vec![n])?;
        for (chunk, num) in a.as_bytes_mut().chunks_exact_mut(size).zip(nums) {
            write_num(codec, dtype, num?, chunk)?;
        }
        Ok(a)
    };
    let not_1d = || Error::unsupported_input(codec, "only 1-dimensional arrays are supported");
    match item {
        Object::Array(a) => {
            if a.shape().len() > 1 {
                return Err(not_1d());
            }
            let src = a.dtype();
            let n = a.shape().iter().product::<usize>();
            if src.kind() == dtype.kind() && src.itemsize() == size {
                // Same type in another byte order: swap each item.
                let mut out = NdArray::from_bytes(a.as_bytes(), dtype, vec![n])?;
                if src.byte_order() != dtype.byte_order() && size > 1 {
                    out.as_bytes_mut().chunks_exact_mut(size).for_each(<[u8]>::reverse);
                }
                return Ok(out);
            }
            let mut nums = a.as_bytes().chunks_exact(src.itemsize()).map(|b| {
                read_num(src, b).ok_or_else(|| Error::UnsupportedDType {
                    codec: codec.into(),
                    dtype: src,
                    reason: format!("cannot convert items of {src} to {dtype}"),
                })
            });
            fill(&mut nums, n)
        }
        Object::List(items) => {
            let mut nums = items.iter().map(|o| scalar(codec, o).ok_or_else(not_1d).and_then(|r| r));
            fill(&mut nums, items.len())
        }
        o => match scalar(codec, o) {
            Some(num) => fill(&mut std::iter::once(num), 1),
            None => Err(not_1d()),
        },
    }
}

/// A Python number from an object: `None` for lists and arrays (another dimension),
/// an error for strings and bytes.
fn scalar(codec: &str, o: &Object) -> Option<Result<Num>> {
    Some(match o {
        Object::Bool(b) => Ok(Num::Bool(*b)),
        Object::Int(i) => Ok(Num::Int(i128::from(*i))),
        Object::Float(f) => Ok(Num::Float(*f)),
        Object::BigInt(n) => n
            .to_i128()
            .map(Num::Int)
            .ok_or_else(|| Error::unsupported_input(codec, "Python int too large to convert to C long")),
        Object::List(_) | Object::Array(_) => return None,
        Object::None | Object::Str(_) | Object::Bytes(_) | Object::Dict(_) => {
            Err(Error::unsupported_input(codec, "vlen-array items must be numeric arrays, lists of numbers or None"))
        }
    })
}
