# SPDX-License-Identifier: GPL-3.0-or-later
"""A values file ({"programme": CODE, "values": [...]}) read without holding it whole.

A million values make a 150 MB file, which json.loads turns into a gigabyte of dicts. Here the
file is read twice by ijson's C parser, a buffer at a time: once for its top-level object (the
values are parsed and dropped as they come, and the nesting checked), once handing the items of
`values` on one at a time.
Anything unusual about the file as a whole (not JSON, not UTF-8, NaN, a key given twice, nesting
too deep) is left to pmdesk.formats.json_safe, which reads the whole file and names the problem
and its place exactly as for every other JSON import: only a broken file pays for that.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, ClassVar

from pmdesk.formats.files import Digest


class UnusualFile(Exception):
    """The file needs json_safe.load_json to say what is wrong with it (or to read it at all)."""


@dataclass
class TopLevel:
    """The top-level object of a values file, without its values: the keys in the order given,
    the programme, and what `values` is (a list, or something else as a JSON value)."""

    keys: list[str] = field(default_factory=list)
    programme: object = None
    values_is_list: bool = False
    values: object = None  # when it is not a list: what it is, for the message
    twice: bool = False  # a key is given twice


class _Sink(dict):  # type: ignore[type-arg]
    """Every object below the top level while the top level is read: one dict, overwritten."""

    __slots__ = ()


class _Top(dict):  # type: ignore[type-arg]
    __slots__ = ("top",)
    top: TopLevel

    def __setitem__(self, key: str, value: object) -> None:
        # No exception raised here: ijson's C builder does not expect one.
        top: TopLevel = self.top
        if key in top.keys:
            top.twice = True
        top.keys.append(key)
        if key == "programme":
            top.programme = value if not isinstance(value, _Sink) else {}
        elif key == "values":
            top.values_is_list = type(value) is list
            if not top.values_is_list:
                top.values = {} if isinstance(value, _Sink) else value


class _Strict(dict):  # type: ignore[type-arg]
    """A value item as parsed, noting a key given twice (json_safe then names it)."""

    __slots__ = ()
    twice: ClassVar[list[bool]] = []  # a list per reading: see value_items

    def __setitem__(self, key: str, value: object) -> None:
        if key in self:
            self.twice.append(True)  # no exception: ijson's C builder does not expect one
        dict.__setitem__(self, key, value)


class _Reading:
    """A binary file as ijson reads it: from the start, without a UTF-8 BOM, each byte fed to
    `digest`."""

    def __init__(self, handle: BinaryIO, digest: Digest | None, guard: _DepthGuard | None = None) -> None:
        handle.seek(0)
        start = handle.read(len(codecs.BOM_UTF8))
        if start == codecs.BOM_UTF8:
            if digest is not None:
                digest.update(start)
        else:
            handle.seek(0)
        self._handle = handle
        self._digest = digest
        self._guard = guard

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        if self._digest is not None:
            self._digest.update(data)
        if self._guard is not None:
            self._guard.feed(data)
        return data


# A values file nests four deep ({values: [{options: {}}]}). ijson names every level's path, so
# a file nested a hundred thousand deep would take gigabytes; json_safe reads those instead.
MAX_DEPTH = 32
# Of a file's bytes, what the nesting check looks at: quotes and brackets.
_NOT_QUOTES_OR_BRACKETS = bytes(b for b in range(256) if b not in b'"[]{}')
_STRING = re.compile(rb'"[^"]*"')  # a string, once only its quotes and brackets are left
_PAIR = re.compile(rb"\{\}|\[\]")


class _DepthGuard:
    """Raises UnusualFile as soon as the bytes fed to it nest deeper than MAX_DEPTH, or might.

    Read by C-speed bytes operations, a buffer at a time, rather than a Python step per token
    (which cost about 9 s a million values): escaped backslashes and quotes are dropped, then
    everything but quotes and brackets, then the strings; matched pairs of brackets are removed
    round after round. What is still open at the end of a buffer (brackets, a string, a
    backslash) is carried into the next. Depth within a buffer is bounded by the brackets still
    open plus the rounds it took, which may count up to twice the true depth: a file nested more
    than half of MAX_DEPTH deep is then read by json_safe, which gives the same answer slowly.
    """

    def __init__(self) -> None:
        self._open = b""  # the brackets still open
        self._in_string = False  # the last buffer ended inside a string
        self._backslash = b""  # … with a backslash escaping the next buffer's first byte

    def feed(self, data: bytes) -> None:
        data = self._backslash + data
        kept = data.rstrip(b"\\")
        # A backslash escapes the byte after it: an odd run at the end escapes the next buffer's.
        self._backslash = b"\\" * ((len(data) - len(kept)) % 2)
        outside = kept.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_QUOTES_OR_BRACKETS)
        if self._in_string:
            outside = b'"' + outside
        outside = _STRING.sub(b"", outside)
        quote = outside.find(b'"')
        self._in_string = quote >= 0  # a string goes on into the next buffer
        if self._in_string:
            outside = outside[:quote]
        brackets = self._open + outside
        rounds = 0
        while True:
            fewer = _PAIR.sub(b"", brackets)  # one level a round: [{}] becomes [], not nothing
            if fewer == brackets:
                break
            brackets, rounds = fewer, rounds + 1
            if rounds > MAX_DEPTH:
                raise UnusualFile
        if len(brackets) + rounds > MAX_DEPTH:
            raise UnusualFile
        self._open = brackets


def top_level(handle: BinaryIO) -> object:
    """The file's top-level value: a TopLevel when it is an object, else the value itself
    (a list of placeholders for a list). Raises UnusualFile when json_safe must read the file."""
    import ijson

    top = TopLevel()

    def new_map() -> dict[str, Any]:
        if not top.keys and not made:
            made.append(True)
            first = _Top()
            first.top = top
            return first
        return sink

    made: list[bool] = []
    sink = _Sink()
    try:
        # The depth is checked as the bytes reach ijson, before it parses them.
        reading = _Reading(handle, None, _DepthGuard())
        found = list(ijson.items(reading, "", map_type=new_map, use_float=True))
    except UnusualFile:
        raise
    except Exception:  # ijson's errors (syntax, encoding, NaN, a number too large): any of them
        raise UnusualFile from None
    if len(found) != 1 or top.twice:
        raise UnusualFile
    value = found[0]
    return top if isinstance(value, _Top) else value


def value_items(handle: BinaryIO, digest: Digest | None = None) -> Iterator[dict[str, Any]]:
    """The items of the top-level `values` list, one at a time, as plain dicts (the items of a
    file whose top level `top_level` read). Raises UnusualFile as `top_level` does."""
    import ijson

    twice: list[bool] = []

    class Strict(_Strict):
        __slots__ = ()

    Strict.twice = twice
    try:
        for item in ijson.items(_Reading(handle, digest), "values.item", map_type=Strict, use_float=True):
            if twice:
                raise UnusualFile
            if type(item) is Strict:
                item = dict(item)
                options = item.get("options")
                if type(options) is Strict:
                    item["options"] = dict(options)
            yield item
    except UnusualFile:
        raise
    except Exception:
        raise UnusualFile from None


class _Definition(_Strict):
    """An object of a package's definitions as parsed, noting a key given twice."""

    __slots__ = ()
    twice: ClassVar[list[bool]] = []  # a list per reading: see package_definitions


class _ValuesSink(dict):  # type: ignore[type-arg]
    """Every object inside a package's `values` list while its definitions are read."""

    __slots__ = ()


def package_definitions(handle: BinaryIO) -> object:
    """A programme package's top-level value as json.loads gives it, except that a `values` list
    is left empty: its definitions, small whatever the number of values, which `value_items`
    then hands on one at a time. Raises UnusualFile as `top_level` does (a key given twice
    anywhere in the definitions too)."""
    import ijson

    twice: list[bool] = []

    class Definition(_Definition):
        __slots__ = ()

    Definition.twice = twice

    class Top(Definition):
        __slots__ = ()

        def __setitem__(self, key: str, value: object) -> None:
            # ijson's builder attaches a list or object to its parent when it opens, so every
            # object opened between `values: [` and the next top-level key is a value item. The
            # object of a key that follows the list opens before the key is set: a sink, made
            # the key's own object here (ijson fills it from now on).
            sink = sinks[0]
            if value is sink:
                sinks[0] = _ValuesSink()
                sink.clear()
                sink.__class__ = Definition  # type: ignore[assignment]
            state[0] = key == "values" and type(value) is list
            Definition.__setitem__(self, key, value)

    state = [False]  # inside the values list
    tops: list[Top] = []
    sinks = [_ValuesSink()]  # one object for every value item, overwritten

    def new_map() -> dict[str, Any]:
        if not tops:
            tops.append(Top())
            return tops[0]
        if state[0]:
            return sinks[0]
        return Definition()

    try:
        # The depth is checked as the bytes reach ijson, before it parses them.
        reading = _Reading(handle, None, _DepthGuard())
        found = list(ijson.items(reading, "", map_type=new_map, use_float=True))
    except UnusualFile:
        raise
    except Exception:  # ijson's errors (syntax, encoding, NaN, a number too large): any of them
        raise UnusualFile from None
    if len(found) != 1 or twice:
        raise UnusualFile
    value = found[0]
    if isinstance(value, Top) and type(value.get("values")) is list:
        dict.__setitem__(value, "values", [])
    return _plain(value)


def _plain(value: object) -> object:
    """Parsed JSON with plain dicts, as json.loads gives it."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
