#![doc = include_str!("../README.md")]
#![deny(unsafe_code)] // allowed in `cpu` alone

pub mod cast;
pub mod cpu;
pub mod pykey;
pub mod pynum;
