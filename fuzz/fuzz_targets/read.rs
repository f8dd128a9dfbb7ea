#![no_main]
//! Any bytes as a small zarr array, its chunks and a region, read by the parallel reader.
libfuzzer_sys::fuzz_target!(|data: &[u8]| zarrcodecs_fuzz::read(data));
