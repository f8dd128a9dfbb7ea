//! Arrays encoded and decoded by Python numcodecs 0.15.2 on numpy 2.4.6
//! (tests/data/numcodecs-0.15.2.json, written by tests/data/generate.py): our results
//! are byte-identical, in dtype and shape too, through `decode` and `decode_into`.

use zarrcodecs_astype::AsType;
use zarrcodecs_core::testing::assert_typed_fixture;
use zarrcodecs_core::{Codec, StaticCodec};

fn build(config: &serde_json::Value) -> zarrcodecs_core::Result<Box<dyn Codec>> {
    Ok(Box::new(AsType::from_json(config)?))
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let (cases, checks) = assert_typed_fixture(build, include_str!("data/numcodecs-0.15.2.json"));
    assert_eq!(cases, 478);
    assert!(checks >= cases);
}
