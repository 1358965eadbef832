"""How a record is declared once and everything else follows from the declaration.

A record is a frozen dataclass whose file-backed fields are declared with
`key(...)`: the field's name is its key in the YAML file, and its metadata
holds how the value is read (a function of `holp.model.coerce`) and its JSON
Schema. `build` reads a mapping into the record, `schema_of` writes the JSON
Schema, `get` resolves evidence paths and `plain` gives the JSON-able values
(export, templates), all from the same declaration. Adding a field or a
record kind is one edit here in the model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import keyword
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from holp.model import coerce

T = TypeVar("T")
MISSING: Any = object()
Reader = Callable[[Any], Any]
SchemaSpec = dict[str, Any] | Callable[[Any], dict[str, Any]]  # a schema, or one made from the process


def key(schema: SchemaSpec, read: Reader, *, required: bool = False, default: Any = None,
        factory: Callable[[], Any] | None = None) -> Any:
    """A field read from the file's key of the same name (``factory`` makes a mutable default, e.g. dict)."""
    metadata = {"schema": schema, "read": read, "required": required}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def keys(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return tuple(f for f in dataclasses.fields(cls) if "read" in f.metadata)


def file_key(f: dataclasses.Field[Any]) -> str:
    """A field's key in the file: its name, but for a Python keyword spelt with a trailing _ (`from_` is `from`)."""
    return f.name[:-1] if f.name.endswith("_") and keyword.iskeyword(f.name[:-1]) else f.name


_KEY_NAMES: dict[type, dict[str, str]] = {}


def _fields_by_key(cls: type) -> dict[str, str]:
    found = _KEY_NAMES.get(cls)
    if found is None:
        found = _KEY_NAMES[cls] = {file_key(f): f.name for f in keys(cls)}
    return found


def key_names(cls: type) -> frozenset[str]:
    return frozenset(_fields_by_key(cls))


class _Plan:
    """How a record class is built: its readers, and which bookkeeping fields it has (worked out once)."""

    __slots__ = ("extra", "invalid", "known", "line", "path", "readers")

    def __init__(self, cls: type) -> None:
        names = {f.name for f in dataclasses.fields(cls)}
        self.readers = tuple((f.name, file_key(f), f.metadata["read"]) for f in keys(cls))
        self.known = key_names(cls)
        self.path, self.line, self.extra, self.invalid = (n in names for n in ("path", "line", "extra", "invalid"))


_PLANS: dict[type, _Plan] = {}


def build(cls: type[T], raw: Any, path: str = "", **given: Any) -> T:
    """``raw`` (a mapping as read, of any shape) as a ``cls`` record, each field by its own reader.

    A value written but not readable as its type reads as missing and is noted in ``invalid`` (key paths, of
    the records inside too), so that figures can say what they leave out; validation says what to write.
    """
    plan = _PLANS.get(cls) or _PLANS.setdefault(cls, _Plan(cls))
    data = coerce.mapping(raw)
    values: dict[str, Any] = {}
    invalid: list[tuple[str | int, ...]] = []
    for name, written_as, read in plan.readers:
        written = data.get(written_as)
        value = values[name] = read(written)
        if written is None:
            continue
        if value in _NOTHING:
            if written not in _NOTHING:
                invalid.append((written_as,))
        elif type(value) is tuple:
            for i, item in enumerate(value):
                inner = getattr(item, "invalid", None)
                if inner:
                    invalid += [(written_as, i, *keys) for keys in inner]
        elif getattr(value, "invalid", None):
            invalid += [(written_as, *keys) for keys in value.invalid]
    if plan.invalid:
        values["invalid"] = tuple(invalid)
    if plan.path:
        values["path"] = path
    if plan.line:
        values["line"] = coerce.line(raw)
    if plan.extra:
        known = plan.known
        values["extra"] = {k: v for k, v in data.items() if k not in known}
    values.update(given)
    return cls(**values)


_NOTHING: tuple[Any, ...] = (None, (), {}, [], "")


def records(cls: type[T]) -> Reader:
    """A list of ``cls`` records (entries that are not mappings are skipped: validation reports them)."""
    return lambda value: tuple(build(cls, item) for item in coerce.items(value) if isinstance(item, Mapping))


def record(cls: type[T]) -> Reader:
    return lambda value: build(cls, value) if isinstance(value, Mapping) else None


def schema_of(cls: type, process: Any = None, *, extensions: bool = False, **extra: Any) -> dict[str, Any]:
    """The JSON Schema of a record: its declared fields, nothing else (but ``x_`` keys with ``extensions``)."""
    properties = {}
    for f in keys(cls):
        spec = f.metadata["schema"]
        properties[file_key(f)] = spec(process) if callable(spec) else spec
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [file_key(f) for f in keys(cls) if f.metadata["required"]]
    if required:
        schema["required"] = required
    if extensions:
        schema["patternProperties"] = {"^x[-_]": {}}
    schema.update(extra)
    return schema


def get(value: Any, name: str) -> Any:
    """The value of ``name`` in a record (a declared field, else a team's own key) or a mapping; MISSING if none.

    A value that is not a plain record says itself what its children are (a ``child`` method).
    """
    child = getattr(value, "child", None)
    if callable(child):
        return child(name)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        field_name = _fields_by_key(type(value)).get(name)
        if field_name is not None:
            return getattr(value, field_name)
        extra = getattr(value, "extra", None)
        return extra.get(name, MISSING) if isinstance(extra, Mapping) else MISSING
    if isinstance(value, Mapping):
        return value.get(name, MISSING)
    return MISSING


def is_record(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def plain(value: Any) -> Any:
    """JSON-able values: records as mappings of their set fields, dates as ISO text, Decimals kept exact."""
    own = getattr(value, "as_plain", None)
    if callable(own):
        return own()
    if is_record(value):
        found = {file_key(f): plain(getattr(value, f.name)) for f in keys(type(value))}
        found.update({k: plain(v) for k, v in (getattr(value, "extra", None) or {}).items()})
        return {k: v for k, v in found.items() if v is not None and v != [] and v != {}}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (str, int, Decimal, bool)) or value is None:
        return value
    return str(value)


def mapping_of(doc: Any) -> dict[str, Any] | None:
    """The values of a document that is one mapping and read cleanly (labels, an edited visit), else None."""
    tree = doc.tree
    return tree if doc.ok and isinstance(tree, dict) else None
