"""What the codec crates' acceptance generators (crates/zarrcodecs-*/tests/data/acceptance.py)
share: numcodecs' answer for one configuration (built or its error, then get_config)
and one step's outcome (a value, or the error as its answer). Each generator imports it
from xtask/python and writes cases that zarrcodecs_core::testing::acceptance_case reads."""
import numcodecs


def outcome(f):
    """{"ok": f()}, or {"error": "<Type>: <message>"} where f raises (pco panics too)."""
    try:
        return {"ok": f()}
    except BaseException as e:  # noqa: BLE001 - the error is the answer
        if isinstance(e, KeyboardInterrupt):
            raise
        return {"error": f"{type(e).__name__}: {e}"}


def build(config):
    """(case, codec): the case holds the config and, where numcodecs builds it, its
    get_config; where numcodecs refuses, the error under "build" and codec None."""
    case = {"config": config}
    try:
        codec = numcodecs.get_codec(dict(config))
    except Exception as e:  # noqa: BLE001 - the error is the answer
        case["build"] = f"{type(e).__name__}: {e}"
        return case, None
    case["get_config"] = codec.get_config()
    return case, codec
