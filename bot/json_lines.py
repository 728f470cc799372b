"""JSON for scripts: valid UTF-8, one object per line, whatever the articles or the input hold."""

from __future__ import annotations

import json
from typing import Any

from bot.terminal import holds_surrogates, valid_utf8

# JSON allows these raw, but JavaScript before ES2019 and line-splitting readers
# (str.splitlines, many log shippers) take them for line ends.
_LINE_SEPARATORS = {"\u2028": "\\u2028", "\u2029": "\\u2029"}


def clean(value: Any) -> Any:
    """``value`` with every string valid UTF-8 (no lone surrogates), keys included."""
    if isinstance(value, str):
        return valid_utf8(value)
    if isinstance(value, dict):
        return {clean(key): clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean(item) for item in value]
    return value


def dumps(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON text that is valid UTF-8, with U+2028 and U+2029 escaped."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    if holds_surrogates(text):  # rare: walk the value only when a string needs mending
        text = json.dumps(clean(value), ensure_ascii=False, indent=indent)
    for raw, escaped in _LINE_SEPARATORS.items():
        text = text.replace(raw, escaped)
    return text


def json_line(value: Any) -> str:
    """One object on one line, newline included: the ``--json`` output of every command."""
    return dumps(value) + "\n"
