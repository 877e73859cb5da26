"""The file formats of turva/1 documents: one registry that everything reads.

Each :class:`DocumentFormat` names its suffixes, its media type, a reader (bytes -> the raw
mapping, before validation) and a writer (the mapping -> bytes). ``turva load FILE`` and
``turva export FILE`` pick a format by the file's suffix, ``POST /api/v1/import`` by the
request's ``Content-Type`` and ``GET /api/v1/export`` by ``?format=``; none of them knows
any format by name. A new format is one :func:`register_format` call at the end of this
module.

The readers refuse what a person could not have meant and what would hurt the service:
duplicate keys in a mapping (YAML and JSON parsers would silently keep the last one),
nesting deeper than any turva/1 document needs, YAML aliases expanding into more values
than the file has bytes, and numbers that are not finite (``NaN``, ``Infinity``, ``.inf``,
``1e400``) or have more digits than Python converts.

Dates in turva/1 (and in the date arguments of the CLI and the API) are read by
:func:`iso_date`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import math
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from turva.graph.errors import DataFileError, InvalidValue, Word
from turva.graph.messages import N_

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_DEPTH",
    "DocumentFormat",
    "DocumentContentError",
    "register_format",
    "document_formats",
    "format_named",
    "format_for_path",
    "format_for_media_type",
    "suffix_text",
    "read_document_data",
    "check_file_size",
    "read_file_bytes",
    "decode_document",
    "encode_document",
    "dump_document",
    "iso_date",
    "json_text",
]

MAX_FILE_BYTES = 50 * 1024 * 1024
#: lists and mappings inside each other; a turva/1 document needs 7 (an exported change)
MAX_DEPTH = 64

Reader = Callable[[bytes, str], Any]
Writer = Callable[[dict[str, Any]], bytes]


class DocumentContentError(DataFileError):
    """The file parses, but holds what no turva/1 document may: a key given twice in one
    mapping, nesting too deep, aliases that expand too far, a number that is not finite,
    a YAML date that is no day of the calendar.

    The HTTP API answers it with 422 (the body was read but cannot be processed); other
    :class:`~turva.graph.errors.DataFileError` (not UTF-8, not YAML/JSON at all) are 400.
    """

    title = "Unprocessable data file"


@dataclass(frozen=True)
class DocumentFormat:
    """One way of writing a turva/1 document down."""

    #: the short name: ``?format=`` of the export, ``--format`` wherever one is taken
    name: str
    #: the name people know it by, in messages ("YAML")
    title: str
    #: file suffixes, lower case with the dot; the first one is the one exports get
    suffixes: tuple[str, ...]
    #: the media type exports are sent as and imports are accepted as
    media_type: str
    #: (bytes, a name for messages) -> the raw document, not yet validated; raises
    #: DataFileError, and DocumentContentError for duplicate keys, too deep nesting...
    read: Reader
    #: a document -> bytes; raises DataFileError for what the format cannot hold
    write: Writer
    #: other media types an import is accepted as (``text/yaml``...)
    aliases: tuple[str, ...] = ()
    #: False for text formats (their bodies are described by the turva/1 schema)
    binary: bool = False

    @property
    def media_types(self) -> tuple[str, ...]:
        """Every media type an import in this format may be sent as."""
        return (self.media_type, *self.aliases)

    def filename(self, stem: str) -> str:
        """``turva.yaml``: a file name for a document of this format."""
        return stem + self.suffixes[0]


_FORMATS: dict[str, DocumentFormat] = {}

#: what a document is called in messages when it has no file name
DOCUMENT = Word(N_("document"))
#: what the HTTP API calls a document sent to it (``decode_document(name=...)``)
REQUEST_BODY = Word(N_("the request body"))


def _named(name: str) -> str:
    """``name`` as a word translated with the message when it is one of the two above."""
    if isinstance(name, Word):
        return name
    return {str(DOCUMENT): DOCUMENT, str(REQUEST_BODY): REQUEST_BODY}.get(name, name)


def register_format(fmt: DocumentFormat) -> DocumentFormat:
    """Add ``fmt`` to the registry; names, suffixes and media types must be new."""
    for other in _FORMATS.values():
        clash = (
            {fmt.name} & {other.name}
            or set(fmt.suffixes) & set(other.suffixes)
            or set(fmt.media_types) & set(other.media_types)
        )
        if clash:
            raise ValueError(f"format {fmt.name!r} clashes with {other.name!r} on {clash}")
    _FORMATS[fmt.name] = fmt
    return fmt


def document_formats() -> tuple[DocumentFormat, ...]:
    """Every registered format, in the order registered."""
    return tuple(_FORMATS.values())


def _or_list(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return Word(N_("%(items)s or %(last)s"), items=", ".join(items[:-1]), last=items[-1])


def suffix_text() -> str:
    """``.yaml, .yml or .json``: the suffixes a document file may have, for messages."""
    return _or_list([s for f in _FORMATS.values() for s in f.suffixes])


def format_named(name: str) -> DocumentFormat:
    """The format called ``name`` (``yaml``, ``json``...)."""
    try:
        return _FORMATS[name.lower()]
    except KeyError:
        raise DataFileError.said(
            N_("Unknown document format %(name)s; use %(known)s."),
            name=repr(name),
            known=_or_list(list(_FORMATS)),
        ) from None


#: what a person was doing with a file whose name has no known suffix, for the message
_CANNOT = {
    "read": N_("Cannot read %(path)s: use a %(suffixes)s file name."),
    "load": N_("Cannot load %(path)s: use a %(suffixes)s file name."),
    "export to": N_("Cannot export to %(path)s: use a %(suffixes)s file name."),
}


def format_for_path(path: Path, action: str = "read") -> DocumentFormat:
    """The format a file name's suffix says; ``action`` ("read", "load", "export to") is for
    the message."""
    name = path.name.lower()  # whole suffixes, so that ".csv.zip" is one
    for fmt in _FORMATS.values():
        if any(name.endswith(suffix) and name != suffix for suffix in fmt.suffixes):
            return fmt
    raise DataFileError.said(
        _CANNOT.get(action, _CANNOT["read"]), path=path, suffixes=suffix_text()
    )


def format_for_media_type(content_type: str) -> DocumentFormat | None:
    """The format of a ``Content-Type`` header (parameters ignored), or None if unknown."""
    media_type = content_type.split(";")[0].strip().lower()
    for fmt in _FORMATS.values():
        if media_type in fmt.media_types:
            return fmt
    return None


# --- reading ---------------------------------------------------------------------------


def read_document_data(path: Path, max_bytes: int = MAX_FILE_BYTES) -> dict[str, Any]:
    """The raw mapping in a document file, before validation; the suffix says the format."""
    check_file_size(path, max_bytes)
    fmt = format_for_path(path, "load")
    return decode_document(read_file_bytes(path), fmt, name=str(path))


def check_file_size(path: Path, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Refuse a missing file, or one over ``max_bytes``, naming it and the fix."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise DataFileError.said(
            N_("Cannot read %(path)s: %(reason)s. Check the path."), path=path, reason=e.strerror
        ) from e
    if size > max_bytes:
        raise DataFileError.said(
            N_(
                "%(path)s is %(size)s MiB, over the %(limit)s MiB limit for one document. "
                "Split it into several files and load them one after another."
            ),
            path=path,
            size=f"{size / 2**20:.1f}",
            limit=f"{max_bytes / 2**20:.0f}",
        )


def read_file_bytes(path: Path) -> bytes:
    """The file's bytes; an unreadable file is an error naming it."""
    try:
        return path.read_bytes()
    except OSError as e:
        raise DataFileError.said(
            N_("Cannot read %(path)s: %(reason)s."), path=path, reason=e.strerror
        ) from e


def decode_document(raw: bytes, fmt: DocumentFormat, name: str = DOCUMENT) -> dict[str, Any]:
    """Read ``raw`` in ``fmt``; the top level must be a mapping. ``name`` is for messages."""
    name = _named(name)
    with _collector_paused():
        data = fmt.read(raw, name)
    if not isinstance(data, dict):
        raise DataFileError.said(
            N_("%(name)s must be a mapping with 'format: turva/1' at the top, not %(type)s."),
            name=name,
            type=type(data).__name__,
        )
    return data


_gc_lock = threading.Lock()
_gc_readers = 0
_gc_was_enabled = False


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a reader builds a document.

    A parser creates millions of objects that all stay alive, and every collection walks
    them all again: reading 5 MB of YAML spends two thirds of its time there, holding
    the GIL for up to a second at a time, so every other thread (the service's event
    loop) stalls. Readers create no cyclic garbage; reference counting frees the rest.
    """
    global _gc_readers, _gc_was_enabled
    with _gc_lock:
        if _gc_readers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_readers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_readers -= 1
            if _gc_readers == 0 and _gc_was_enabled:
                gc.enable()


def _text(raw: bytes, name: str, title: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DataFileError.said(
            N_(
                "%(name)s is not UTF-8 text (byte %(byte)s is not valid). "
                "Save it as UTF-8 %(title)s."
            ),
            name=name,
            byte=e.start,
            title=title,
        ) from e
    if "\x00" in text:
        raise DataFileError.said(
            N_("%(name)s contains NUL bytes: it is not a %(title)s text file."),
            name=name,
            title=title,
        )
    return text.removeprefix("\ufeff")


def _short(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _at(line: int, column: int) -> str:
    return Word(N_("line %(line)s, column %(column)s"), line=line, column=column)


def _duplicate(name: str, key: Any, first: str, second: str) -> DocumentContentError:
    return DocumentContentError.said(
        N_(
            "%(name)s: the key %(key)s is given twice in one mapping, at %(first)s and at "
            "%(second)s; a parser would silently keep only the second. Merge the two into one "
            "(or rename one) and %(again)s."
        ),
        name=_named(name),
        key=repr(key),
        first=first,
        second=second,
        again=_again(name),
    )


def _again(name: str) -> str:
    if name == REQUEST_BODY:
        return Word(N_("send it again"))
    return Word(N_("load it again"))


def _too_deep(name: str, where: str | None) -> DocumentContentError:
    if where:
        return DocumentContentError.said(
            N_(
                "%(name)s nests lists and mappings more than %(max)s levels deep (at %(where)s); "
                "a turva/1 document needs fewer than 10. Check that it is a turva/1 document."
            ),
            name=_named(name),
            max=MAX_DEPTH,
            where=where,
        )
    return DocumentContentError.said(
        N_(
            "%(name)s nests lists and mappings more than %(max)s levels deep; "
            "a turva/1 document needs fewer than 10. Check that it is a turva/1 document."
        ),
        name=_named(name),
        max=MAX_DEPTH,
    )


# YAML ----------------------------------------------------------------------------------

# libyaml's safe loader parses about 4x faster than the pure-Python one, and is as safe
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _YamlLoader(_SAFE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader, refusing duplicate keys and numbers that are not finite."""

    document_name: str = DOCUMENT

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                    continue  # merged keys may be overridden; non-scalar keys fail below
                key = self.construct_object(key_node)
                if key in seen:
                    first = seen[key].start_mark
                    raise _duplicate(
                        self.document_name,
                        key,
                        _at(first.line + 1, first.column + 1),
                        _at(key_node.start_mark.line + 1, key_node.start_mark.column + 1),
                    )
                seen[key] = key_node
        return super().construct_mapping(node, deep=deep)

    def _refuse(self, node: Any, message_id: str, **params: Any) -> DocumentContentError:
        """``message_id`` (with ``%(name)s``, ``%(value)s`` and ``%(at)s``) about ``node``."""
        mark = node.start_mark
        return DocumentContentError.said(
            message_id,
            name=_named(self.document_name),
            value=_short(node.value),
            at=_at(mark.line + 1, mark.column + 1),
            **params,
        )

    def construct_yaml_float(self, node: Any) -> float:
        value: float = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise self._refuse(
                node,
                N_(
                    "%(name)s: %(value)s at %(at)s is not a finite number; turva/1 numbers "
                    "are finite. Write the number out."
                ),
            )
        return value

    def construct_yaml_int(self, node: Any) -> int:
        try:
            value: int = super().construct_yaml_int(node)
        except ValueError as e:
            raise self._refuse(
                node,
                N_("%(name)s: %(value)s at %(at)s cannot be read as a number: %(reason)s."),
                reason=str(e),
            ) from e
        return value

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as e:
            raise self._refuse(
                node,
                N_(
                    "%(name)s: %(value)s at %(at)s is not a day of the calendar (%(reason)s). "
                    "Dates are YYYY-MM-DD."
                ),
                reason=str(e),
            ) from e


for _tag, _construct in (
    ("float", _YamlLoader.construct_yaml_float),
    ("int", _YamlLoader.construct_yaml_int),
    ("timestamp", _YamlLoader.construct_yaml_timestamp),
):
    _YamlLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct)


def read_yaml(raw: bytes, name: str) -> Any:
    """YAML (a superset of JSON) with the safe loader, refusing duplicate keys and inf/nan."""
    name = _named(name)
    text = _text(raw, name, "YAML")
    loader = _YamlLoader(text)
    loader.document_name = name
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = _at(mark.line + 1, mark.column + 1) if mark else None
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        if "maximum nesting depth" in problem:
            raise _too_deep(name, _yaml_depth_at(text) or where) from e
        if where:
            raise DataFileError.said(
                N_("%(name)s is not valid YAML: %(problem)s at %(where)s."),
                name=name,
                problem=problem,
                where=where,
            ) from e
        raise DataFileError.said(
            N_("%(name)s is not valid YAML: %(problem)s."), name=name, problem=problem
        ) from e
    except RecursionError as e:
        raise _too_deep(name, None) from e
    except ValueError as e:
        raise DocumentContentError.said(
            N_("%(name)s cannot be read: %(reason)s."), name=name, reason=str(e)
        ) from e
    finally:
        loader.dispose()
    _check_tree(data, name, len(raw), lambda: _yaml_depth_at(text))
    _refuse_lone_surrogates(data, text, name)
    return data


def _yaml_depth_at(text: str) -> str | None:
    """Where the YAML ``text`` first nests deeper than MAX_DEPTH (the error path only)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_SAFE_LOADER):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                mark = event.start_mark
                if depth > MAX_DEPTH and mark is not None:
                    return _at(mark.line + 1, mark.column + 1)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass  # libyaml looks ahead, and may meet its own nesting limit first
    return None  # deep only through aliases, or not found


class _YamlDumper(yaml.SafeDumper):
    """The safe dumper, refusing what the reader refuses (numbers that are not finite)
    and writing every text so that it reads back the same."""

    def represent_str(self, data: str) -> Any:
        if "\x85" in data:
            # PyYAML folds a NEL in plain and single-quoted text into a space
            return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        return super().represent_str(data)

    def represent_float(self, data: float) -> Any:
        if not math.isfinite(data):
            raise DataFileError.said(
                N_(
                    "Cannot write the document: %(value)s is not a finite number. "
                    "Correct the record with the number."
                ),
                value=data,
            )
        return super().represent_float(data)


_YamlDumper.add_representer(float, _YamlDumper.represent_float)
_YamlDumper.add_representer(str, _YamlDumper.represent_str)


def write_yaml(data: dict[str, Any]) -> bytes:
    text: str = yaml.dump(data, Dumper=_YamlDumper, sort_keys=False, allow_unicode=True, width=100)
    return text.encode("utf-8")


# JSON ----------------------------------------------------------------------------------


class _Duplicate(Exception):
    pass


class _NonFinite(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Duplicate
    return out


def _constant(_: str) -> Any:
    raise _NonFinite  # NaN, Infinity, -Infinity: Python's extensions, not JSON


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NonFinite
    return value


# the tokens that matter for finding a problem again: strings (skipped whole), brackets,
# separators, numbers and the non-JSON constants Python would accept
_JSON_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|-?Infinity|NaN|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?'
)


def _json_tokens(text: str) -> Iterator[tuple[str, int]]:
    for match in _JSON_TOKEN.finditer(text):
        yield match.group(), match.start()


def _position(text: str, pos: int) -> str:
    line_start = text.rfind("\n", 0, pos) + 1
    return _at(text.count("\n", 0, pos) + 1, pos - line_start + 1)


def _json_duplicate(text: str, name: str) -> DocumentContentError:
    # a stack of open containers: (keys seen with their position, or None for a list)
    stack: list[dict[str, int] | None] = []
    expect_key = False
    for token, pos in _json_tokens(text):
        if token == "{":
            stack.append({})
            expect_key = True
        elif token == "[":
            stack.append(None)
            expect_key = False
        elif token in "}]":
            stack.pop()
            expect_key = False
        elif token == ",":
            expect_key = bool(stack) and stack[-1] is not None
        elif token == ":":
            expect_key = False
        elif token.startswith('"') and expect_key and stack and stack[-1] is not None:
            keys = stack[-1]
            key = json.loads(token)
            if key in keys:
                return _duplicate(name, key, _position(text, keys[key]), _position(text, pos))
            keys[key] = pos
    return DocumentContentError.said(
        N_("%(name)s: a key is given twice in one mapping."), name=_named(name)
    )


def _json_non_finite(text: str, name: str) -> DataFileError:
    for token, pos in _json_tokens(text):
        if token.lstrip("-") in ("Infinity", "NaN"):
            return DataFileError.said(
                N_(
                    "%(name)s is not valid JSON: %(token)s at %(at)s is not a JSON value (JSON "
                    "numbers are finite). Write the number out, or leave the key out."
                ),
                name=_named(name),
                token=token,
                at=_position(text, pos),
            )
        if token[0] in "-0123456789" and not math.isfinite(float(token)):
            return DocumentContentError.said(
                N_(
                    "%(name)s: the number %(value)s at %(at)s is too large to be a finite "
                    "number. Write a smaller one."
                ),
                name=_named(name),
                value=_short(token),
                at=_position(text, pos),
            )
    return DataFileError.said(N_("%(name)s holds a number that is not finite."), name=_named(name))


def _json_depth_at(text: str) -> str | None:
    depth = 0
    for token, pos in _json_tokens(text):
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return _position(text, pos)
        elif token in "]}":
            depth -= 1
    return None


def read_json(raw: bytes, name: str) -> Any:
    """Strict JSON: no duplicate keys, no ``NaN``/``Infinity``, no deep nesting."""
    name = _named(name)
    text = _text(raw, name, "JSON")
    try:
        data = json.loads(
            text, object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float
        )
    except json.JSONDecodeError as e:
        raise DataFileError.said(
            N_("%(name)s is not valid JSON: %(problem)s at %(where)s."),
            name=name,
            problem=e.msg,
            where=_at(e.lineno, e.colno),
        ) from e
    except _Duplicate:
        raise _json_duplicate(text, name) from None
    except _NonFinite:
        raise _json_non_finite(text, name) from None
    except RecursionError:
        raise _too_deep(name, _json_depth_at(text)) from None
    except ValueError as e:  # an integer of more digits than Python converts
        raise DocumentContentError.said(
            N_("%(name)s has a number too long to read: %(reason)s."), name=name, reason=str(e)
        ) from e
    _check_tree(data, name, len(raw), lambda: _json_depth_at(text))
    _refuse_lone_surrogates(data, text, name)
    return data


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__}")


def write_json(data: dict[str, Any]) -> bytes:
    return (json_text(data, indent=2) + "\n").encode("utf-8")


def json_text(value: Any, indent: int | None = None) -> str:
    """``value`` as JSON text (dates as ``YYYY-MM-DD``), for the JSON file and the
    workbook's JSON cells; a number that is not finite is a DataFileError.

    >>> json_text({"start": dt.date(2025, 7, 1), "name": "Ä"})
    '{"start": "2025-07-01", "name": "Ä"}'
    """
    try:
        return json.dumps(
            value, ensure_ascii=False, indent=indent, default=_json_default, allow_nan=False
        )
    except ValueError as e:
        raise DataFileError.said(
            N_(
                "Cannot write the document: %(reason)s (a number that is not finite). "
                "Correct the record with the number."
            ),
            reason=str(e),
        ) from e


# --- what every reader checks ----------------------------------------------------------


def _check_tree(data: Any, name: str, size: int, locate_depth: Callable[[], str | None]) -> None:
    """Refuse nesting deeper than MAX_DEPTH and aliases expanding beyond ``size`` values.

    Walks the document level by level (a YAML alias once per use), without recursion, so what
    follows (validation, error messages) never meets a pathological input.
    ``locate_depth`` finds where the nesting is too deep, for the message.
    """
    budget = size + 10_000  # more values than a document of ``size`` bytes can write out
    level: list[Any] = [data] if isinstance(data, dict | list) else []
    depth = 1
    while level:
        if depth > MAX_DEPTH:
            raise _too_deep(name, locate_depth())
        below: list[Any] = []
        for value in level:
            children = value.values() if isinstance(value, dict) else value
            budget -= len(children)
            if budget < 0:
                raise DocumentContentError.said(
                    N_(
                        "%(name)s expands into more values than it has bytes (YAML aliases such "
                        "as *name used inside each other). Write the values out instead."
                    ),
                    name=_named(name),
                )
            below += [c for c in children if isinstance(c, dict | list)]
        level = below
        depth += 1


_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")


def _refuse_lone_surrogates(data: Any, text: str, name: str) -> None:
    """Refuse a key or text holding a lone surrogate: a ``"\\ud800"`` escape without its
    pair is no Unicode character, and nothing can store or write it as UTF-8.

    Only an escape makes one (the text itself is valid UTF-8), so a document without an
    escape of a surrogate is not walked at all. Call after :func:`_check_tree`.
    """
    if not _SURROGATE_ESCAPE.search(text):
        return
    stack = [data]
    while stack:
        value = stack.pop()
        items = [*value, *value.values()] if isinstance(value, dict) else value
        for item in items:
            if isinstance(item, dict | list):
                stack.append(item)
            elif isinstance(item, str) and not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    raise DocumentContentError.said(
                        N_(
                            "%(name)s: the text %(text)s holds a lone surrogate (a "
                            "\\ud800-\\udfff escape without its pair), which is no character. "
                            "Write the character itself, or both escapes of the pair."
                        ),
                        name=_named(name),
                        text=ascii(item[:40]),
                    ) from None


# --- writing ---------------------------------------------------------------------------


def encode_document(data: dict[str, Any], fmt: DocumentFormat) -> bytes:
    """``data`` written in ``fmt``."""
    return fmt.write(data)


def dump_document(data: dict[str, Any], path: Path) -> None:
    """Write a document to ``path`` (the suffix says the format), atomically."""
    fmt = format_for_path(path, "export to")
    content = fmt.write(data)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(content)
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise DataFileError.said(
            N_("Cannot write %(path)s: %(reason)s."), path=path, reason=e.strerror
        ) from e


# --- dates -----------------------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(value: Any) -> dt.date:
    """A turva/1 date: ``YYYY-MM-DD`` exactly (or a date YAML already read).

    Not a date and time, a week date (``2025-W27-2``), a basic-format ``20250701`` or a
    number, which Python's and pydantic's lenient parsers would turn into some date.
    Raises ValueError (so it serves as a pydantic validator too).

    >>> iso_date("2025-07-01")
    datetime.date(2025, 7, 1)
    >>> iso_date("2025-W27-2")
    Traceback (most recent call last):
    turva.graph.errors.InvalidValue: expected a date YYYY-MM-DD, e.g. 2025-12-31; got '2025-W27-2'
    """
    if isinstance(value, dt.datetime):
        raise InvalidValue.said(
            N_("expected a date YYYY-MM-DD, not a date and time: %(value)s"), value=value
        )
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidValue.said(
        N_("expected a date YYYY-MM-DD, e.g. 2025-12-31; got %(value)s"), value=repr(value)
    )


# --- the formats -----------------------------------------------------------------------

register_format(
    DocumentFormat(
        name="yaml",
        title="YAML",
        suffixes=(".yaml", ".yml"),
        media_type="application/yaml",
        aliases=("application/x-yaml", "text/yaml", "text/x-yaml"),
        read=read_yaml,
        write=write_yaml,
    )
)
register_format(
    DocumentFormat(
        name="json",
        title="JSON",
        suffixes=(".json",),
        media_type="application/json",
        read=read_json,
        write=write_json,
    )
)


# workbooks (turva.graph.domain.workbook): imported on first use, so that a YAML load
# pays nothing for openpyxl and calamine
def _workbook(function: str) -> Any:
    from turva.graph.domain import workbook

    return getattr(workbook, function)


register_format(
    DocumentFormat(
        name="xlsx",
        title="Excel",
        suffixes=(".xlsx",),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        read=lambda raw, name: _workbook("read_xlsx")(raw, name),
        write=lambda data: _workbook("write_xlsx")(data),
        binary=True,
    )
)
register_format(
    DocumentFormat(
        name="csv.zip",
        title="CSV (zip)",
        suffixes=(".csv.zip",),
        media_type="application/zip",
        aliases=("application/x-zip-compressed",),
        read=lambda raw, name: _workbook("read_csv_zip")(raw, name),
        write=lambda data: _workbook("write_csv_zip")(data),
        binary=True,
    )
)
