//! The codec registry: a link-time [`linkme`] distributed slice that every codec crate
//! adds its entries to, plus codecs registered at run time.
//!
//! This module is the only place that knows about `linkme`, so another collection
//! mechanism (e.g. for `wasm32`, which linkme does not cover) can replace it here.

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

use serde_json::{Map, Value};

use crate::{Codec, Error, Result, StaticCodec};

#[doc(hidden)]
pub use linkme;

/// Builds a codec from its JSON configuration (an object, `"id"` included or not).
pub type Constructor = fn(&Map<String, Value>) -> Result<Box<dyn Codec>>;

/// One entry of the link-time registry: a codec id and its constructor.
#[derive(Debug, Clone, Copy)]
pub struct CodecRegistration {
    /// The numcodecs id.
    pub id: &'static str,
    /// The constructor.
    pub constructor: Constructor,
}

impl CodecRegistration {
    /// The registration of a [`StaticCodec`].
    pub const fn of<C: StaticCodec>() -> Self {
        CodecRegistration { id: C::CODEC_ID, constructor: construct::<C> }
    }
}

fn construct<C: StaticCodec>(config: &Map<String, Value>) -> Result<Box<dyn Codec>> {
    Ok(Box::new(C::from_json_map(config)?))
}

/// Every codec linked into the program. Add to it with [`register_static_codec!`](crate::register_static_codec).
#[linkme::distributed_slice]
pub static CODECS: [CodecRegistration];

/// Adds a [`StaticCodec`] to the link-time registry [`CODECS`]:
///
/// ```ignore
/// zarrcodecs_core::register_static_codec!(ZLIB_REGISTRATION: Zlib);
/// ```
///
/// The crate using it needs no dependency on `linkme` itself.
#[macro_export]
macro_rules! register_static_codec {
    ($name:ident : $codec:ty) => {
        // Plumbing, not API: public only so that the umbrella crate can refer to it and
        // keep the linker from dropping the entry.
        #[doc(hidden)]
        #[$crate::registry::linkme::distributed_slice($crate::registry::CODECS)]
        #[linkme(crate = $crate::registry::linkme)]
        pub static $name: $crate::registry::CodecRegistration = $crate::registry::CodecRegistration::of::<$codec>();
    };
}

type DynConstructor = Arc<dyn Fn(&Map<String, Value>) -> Result<Box<dyn Codec>> + Send + Sync>;

static RUNTIME: RwLock<BTreeMap<String, DynConstructor>> = RwLock::new(BTreeMap::new());

/// Registers a codec at run time. A later registration of the same id replaces the
/// earlier one, and run-time registrations take precedence over link-time ones, as in
/// numcodecs' `register_codec`.
pub fn register_codec<F>(id: impl Into<String>, constructor: F)
where
    F: Fn(&Map<String, Value>) -> Result<Box<dyn Codec>> + Send + Sync + 'static,
{
    RUNTIME.write().unwrap_or_else(PoisonError::into_inner).insert(id.into(), Arc::new(constructor));
}

/// Removes a run-time registration; returns whether there was one.
pub fn unregister_codec(id: &str) -> bool {
    RUNTIME.write().unwrap_or_else(PoisonError::into_inner).remove(id).is_some()
}

/// Splits a configuration into its codec id and its other keys. Accepts numcodecs'
/// form (`{"id": "zstd", "level": 3}`) and zarr v3's
/// (`{"name": "numcodecs.zstd", "configuration": {"level": 3}}`).
///
/// # Errors
/// [`Error::InvalidConfig`] if the value has neither form.
pub fn split_config(config: &Value) -> Result<(String, Map<String, Value>)> {
    let map = config.as_object().ok_or_else(|| {
        Error::malformed_config(format_args!("a codec configuration must be a JSON object, got {config}"))
    })?;
    if let Some(id) = map.get("id") {
        let id =
            id.as_str().ok_or_else(|| Error::malformed_config(format_args!("\"id\" must be a string, got {id}")))?;
        let mut rest = map.clone();
        rest.remove("id");
        return Ok((id.to_string(), rest));
    }
    if let Some(name) = map.get("name") {
        let name = name
            .as_str()
            .ok_or_else(|| Error::malformed_config(format_args!("\"name\" must be a string, got {name}")))?;
        let id = name.strip_prefix("numcodecs.").unwrap_or(name).to_string();
        if let Some(key) = map.keys().find(|k| *k != "name" && *k != "configuration") {
            return Err(Error::invalid_config(
                id,
                format_args!("unknown key {key:?} beside \"name\" and \"configuration\""),
            ));
        }
        let rest = match map.get("configuration") {
            None => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(Error::invalid_config(id, "\"configuration\" must be a JSON object")),
        };
        return Ok((id, rest));
    }
    Err(Error::malformed_config("a codec configuration needs an \"id\" (or a zarr v3 \"name\")"))
}

/// Builds a codec from its configuration, looking the id up among run-time
/// registrations first, then in the link-time registry.
///
/// This sees the codecs of the crates the linker kept: a codec crate that nothing in
/// the program refers to may be left out. Applications call `zarrcodecs::get_codec`
/// (the umbrella crate), which refers to every codec crate it enables; this function
/// is for codec crates' own tests and for crates that depend on the core alone.
///
/// ```
/// # use zarrcodecs_core::registry::get_codec;
/// // With no codec crates linked, every id is unknown:
/// assert!(get_codec(&serde_json::json!({"id": "no-such-codec"})).is_err());
/// ```
///
/// # Errors
/// [`Error::UnknownCodec`] if nothing is registered under the id;
/// [`Error::InvalidConfig`] if the configuration is not valid for it.
pub fn get_codec(config: &Value) -> Result<Box<dyn Codec>> {
    let (id, rest) = split_config(config)?;
    let runtime = RUNTIME.read().unwrap_or_else(PoisonError::into_inner).get(&id).cloned();
    if let Some(ctor) = runtime {
        return ctor(&rest);
    }
    match CODECS.iter().find(|r| r.id == id) {
        Some(r) => (r.constructor)(&rest),
        None => Err(Error::UnknownCodec { id }),
    }
}

/// The ids of every registered codec (link-time and run-time), sorted, without
/// duplicates.
pub fn registered_ids() -> Vec<String> {
    let mut ids: Vec<String> = CODECS.iter().map(|r| r.id.to_string()).collect();
    ids.extend(RUNTIME.read().unwrap_or_else(PoisonError::into_inner).keys().cloned());
    ids.sort();
    ids.dedup();
    ids
}
