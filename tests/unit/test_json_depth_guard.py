# SPDX-License-Identifier: GPL-3.0-or-later
"""The nesting check of a streamed values JSON (issue #11: it cost 9 s a million values as a
pass of its own): whatever the buffers the file arrives in and whatever brackets, quotes and
backslashes its strings hold, a file nested deeper than MAX_DEPTH is always caught, and an
ordinary values file never."""

from __future__ import annotations

import io
import json
import random
from typing import Any

import pytest

from pmdesk.formats import json_stream
from pmdesk.formats.json_stream import MAX_DEPTH, UnusualFile, _DepthGuard

TRICKY = ['[{"', "]]]]}}}}", "[[[[{{{{", '\\"', "\\\\", "\\", '"', "é ü", "x" * 50]


def _nested(rng: random.Random, depth: int) -> Any:
    """A JSON value exactly `depth` deep, with tricky strings along the way."""
    if depth == 0:
        return rng.choice([1, 2.5, None, True, rng.choice(TRICKY) * rng.randint(1, 4)])
    inner = _nested(rng, depth - 1)
    text = rng.choice(TRICKY)
    if rng.random() < 0.5:
        return [text, inner, text] if rng.random() < 0.5 else [inner]
    return {text: inner, "k" + text: text}


def _caught(data: bytes, rng: random.Random) -> bool:
    guard = _DepthGuard()
    at = 0
    try:
        while at < len(data):
            size = rng.choice([1, 2, 3, 7, 64, 4096])
            guard.feed(data[at : at + size])
            at += size
    except UnusualFile:
        return True
    return False


@pytest.mark.parametrize("seed", range(40))
def test_deep_files_are_caught_and_shallow_ones_pass_in_any_buffers(seed: int) -> None:
    rng = random.Random(seed)
    deep = json.dumps(_nested(rng, MAX_DEPTH + 1 + rng.randint(0, 5)), ensure_ascii=False).encode()
    assert _caught(deep, rng)
    shallow = json.dumps(_nested(rng, rng.randint(1, MAX_DEPTH // 2)), ensure_ascii=False).encode()
    assert not _caught(shallow, rng)


def test_a_values_file_with_brackets_and_quotes_in_its_text_is_streamed() -> None:
    items = [
        {
            "indicator": "1.1",
            "period": "2025Q1",
            "site": f"S{n}",
            "options": {"SEX": "F"},
            "value": n,
            "comment": '{"[' * n + "\\" * (n % 3) + '"',
        }
        for n in range(3000)
    ]
    data = json.dumps({"programme": "P", "values": items}).encode()
    top = json_stream.top_level(io.BytesIO(data))
    assert isinstance(top, json_stream.TopLevel) and top.programme == "P"
    assert list(json_stream.value_items(io.BytesIO(data))) == items
