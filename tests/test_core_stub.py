"""The type stub of zoo._core names exactly what the extension defines."""

import re
from pathlib import Path

import zoo
from zoo import _core


def test_stub_lists_every_function_and_class():
    stub = Path(zoo.__file__).with_name("_core.pyi").read_text(encoding="utf-8")
    declared = set(re.findall(r"^(?:def|class) (\w+)", stub, flags=re.MULTILINE))
    defined = {name for name in dir(_core) if not name.startswith("__")}
    assert declared == defined, f"only in the stub: {declared - defined}; only in _core: {defined - declared}"
