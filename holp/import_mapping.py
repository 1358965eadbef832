"""What `holp import` reads a sheet by: the fields of customers and projects, the mapping of columns to fields
(a file, or guessed from the headers: holp's own export needs none), and the values a cell may hold (amounts in
万 and 亿, dates as Excel writes them), each refused with a `RowProblem` that says why."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from holp import repo as repository
from holp import yaml
from holp.errors import USAGE, HolpError
from holp.inert import one_line
from holp.model import coerce
from holp.model.fields import mapping_of
from holp.sheets import Sheet
from holp.validate import name_key

KINDS = ("customers", "projects")
# field → what its value is; the order is the order of a template mapping
FIELDS: dict[str, dict[str, str]] = {
    "customers": {"id": "id", "external_id": "text", "name": "text", "short_name": "text", "industry": "text",
                  "region": "region", "owner": "rep", "credit": "text", "class": "class", "source": "source",
                  "address": "text", "website": "text", "size": "text", "notes": "text"},
    "projects": {"id": "id", "external_id": "text", "name": "text", "customer": "customer", "owner": "rep",
                 "business_line": "business_line", "region": "region", "amount": "amount", "cost": "amount",
                 "margin": "fraction", "probability": "fraction", "source": "source", "expected_close": "date",
                 "stage": "stage", "lost_reason": "lost_reason", "notes": "text"},
}
REQUIRED = {"customers": ("name",), "projects": ("name", "customer")}
# the headers a column of each field is often called (compared as customer names are: width, case, blanks aside);
# holp's own export names its columns by the field, so an export reads back with no mapping
HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "external_id": ("external_id", "external id", "外部编号", "crm id", "record id", "deal id", "company id",
                    "客户编号", "项目编号", "编号", "序号id"),
    "name": ("name", "名称", "company", "company name", "organization", "客户名称", "客户", "公司", "公司名称",
             "单位名称"),
    "project_name": ("name", "项目名称", "项目", "商机名称", "商机", "deal", "deal name", "deal title", "title",
                     "名称"),
    "customer": ("customer", "customer name", "company", "company name", "organization", "account", "客户",
                 "客户名称", "公司", "公司名称", "单位名称"),
    "short_name": ("short_name", "简称", "客户简称", "short name"),
    "industry": ("industry", "行业", "所属行业"),
    "region": ("region", "区域", "大区", "地区", "片区"),
    "owner": ("owner", "负责人", "销售", "销售人员", "业务员", "销售代表", "deal owner", "company owner",
              "sales rep", "rep", "owner name"),
    "credit": ("credit", "信用等级", "信用", "信誉"),
    "class": ("class", "客户分类", "客户等级", "分类"),
    "source": ("source", "来源", "客户来源", "线索来源", "lead source"),
    "address": ("address", "地址"),
    "website": ("website", "网址", "官网"),
    "size": ("size", "规模", "企业规模"),
    "notes": ("notes", "备注", "note", "说明"),
    "business_line": ("business_line", "业务版块", "业务线", "产品线", "business line", "pipeline"),
    "amount": ("amount", "金额", "合同金额", "预计金额", "项目金额", "商机金额", "value", "deal value",
               "deal amount"),
    "cost": ("cost", "成本"),
    "margin": ("margin", "毛利率"),
    "expected_close": ("expected_close", "预计签约", "预计签约日期", "预计成交日期", "签约日期", "close date",
                       "expected close", "expected close date"),
    "probability": ("probability", "赢单概率", "概率", "成交概率", "deal probability"),
    "stage": ("stage", "阶段", "销售阶段", "商机阶段", "deal stage", "pipeline stage"),
    "lost_reason": ("lost_reason", "丢单原因", "输单原因", "lost reason", "closed lost reason"),
}
# what a field is written as in a record file, where it is not the field's name
KEYS = {"lost_reason": ("lost", "reason")}
HOLP_IDS = {"customers": re.compile(r"C-\d+\Z"), "projects": re.compile(r"P-\d{4}-\d+\Z")}


class RowProblem(Exception):
    """A value of a row that cannot be taken in: the message without the place."""


# -- the mapping -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    values: dict[str, str] = field(default_factory=dict)  # a cell's text (folded) → holp's value


@dataclass(frozen=True)
class Mapping:
    kind: str
    columns: dict[str, Column]  # field → its column
    defaults: dict[str, str]
    sheet: str | None = None


def fold(text: str) -> str:
    """A header or a value as compared: full-width and half-width alike, case and blanks aside (`name_key`)."""
    return name_key(text)


def guess(kind: str, headers: list[str]) -> dict[str, str]:
    """field → header, for the headers that name a field plainly (the first such header of each field)."""
    found: dict[str, str] = {}
    taken: set[str] = set()
    folded = [(fold(h), h) for h in headers if h]
    for name in FIELDS[kind]:
        synonyms = HEADERS["project_name" if (kind, name) == ("projects", "name") else name]
        wanted = [fold(s) for s in synonyms]
        for synonym in wanted:  # the field's own name first, then the likelier headers
            header = next((h for key, h in folded if key == synonym and h not in taken), None)
            if header is not None:
                found[name] = header
                taken.add(header)
                break
    return found


def guessed_mapping(kind: str, sheet: Sheet) -> Mapping:
    columns = {f: Column(h) for f, h in guess(kind, sheet.headers).items()}
    missing = [f for f in REQUIRED[kind] if f not in columns]
    if missing:
        raise HolpError(f"{sheet.where(sheet.header_row)}: no column is plainly the {' or '.join(missing)} of a "
                        f"{kind[:-1]} (headers: {', '.join(h for h in sheet.headers if h)}): write a mapping with "
                        f"`holp import --template {sheet.file}` and pass it with --map", USAGE)
    return Mapping(kind, columns, {})


def read_mapping(path: Path, kind: str) -> Mapping:
    """A mapping file, checked as a whole first: every problem names the file and the line."""
    shown = repository.display_path(path)
    if not path.is_file():
        raise HolpError(f"--map {shown}: no such file", USAGE)
    doc = repository.read_document(path)
    if doc.problems:
        raise HolpError(f"{shown} cannot be read as a mapping", USAGE, doc.problems)
    data = mapping_of(doc)
    problems = []

    def bad(where: tuple[Any, ...], message: str) -> None:
        problems.append(doc.problem(where, "bad-mapping", message))

    if data is None:
        raise HolpError(f"{shown} is not a mapping: it needs `fields:` (field: column header)", USAGE)
    for key in data:
        if key not in ("fields", "defaults", "sheet", "kind"):
            bad((key,), f"unknown key {key!r} (a mapping has fields, defaults, sheet and kind)")
    if data.get("kind") not in (None, kind):
        bad(("kind",), f"this mapping is for {data.get('kind')}, not {kind}")
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        bad(("sheet",), "sheet is the name of a sheet")
    columns: dict[str, Column] = {}
    fields = data.get("fields")
    if not isinstance(fields, dict) or not fields:
        bad(("fields",) if "fields" in data else (), "`fields:` names the column of each field (name: 客户名称)")
        fields = {}
    for name, given in fields.items():
        if name not in FIELDS[kind]:
            bad(("fields", name), f"{name!r} is not a field of {kind} (known: {', '.join(FIELDS[kind])})")
        elif isinstance(given, str) and given.strip():
            columns[name] = Column(given.strip())
        elif isinstance(given, dict) and isinstance(given.get("column"), str) and given["column"].strip():
            values = given.get("values") or {}
            unknown = [k for k in given if k not in ("column", "values")]
            if unknown:
                bad(("fields", name, unknown[0]), f"unknown key {unknown[0]!r} (a column has column and values)")
            if not isinstance(values, dict) or not all(isinstance(v, str | int) for v in values.values()):
                bad(("fields", name, "values"), "values maps what the sheet says to holp's value (方案: proposal)")
                values = {}
            columns[name] = Column(given["column"].strip(), {fold(str(k)): str(v) for k, v in values.items()})
        else:
            bad(("fields", name), f"{name}: a column header, or {{column: header, values: {{...}}}}")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        bad(("defaults",), "defaults maps a field to its value (region: east)")
        defaults = {}
    for name, value in defaults.items():
        if name not in FIELDS[kind]:
            bad(("defaults", name), f"{name!r} is not a field of {kind}")
        elif not isinstance(value, str | int | Decimal):
            bad(("defaults", name), f"the default {name} is one value")
    for name in REQUIRED[kind]:
        if name not in columns and name in FIELDS[kind] and fields:
            bad(("fields",), f"no column for {name}: every {kind[:-1]} needs one")
    if problems:
        raise HolpError(f"{shown} is not a mapping holp can use", USAGE, problems)
    return Mapping(kind, columns, {k: str(v) for k, v in defaults.items()}, sheet)


def check_mapping(mapping: Mapping, sheet: Sheet, values: Callable[[str, str], Any]) -> None:
    """Refuse a mapping whose columns the sheet does not have, or whose value maps and defaults are no values of
    holp's (a stage id that holp.yaml does not define)."""
    headers = set(sheet.headers)
    said = []
    for name, column in mapping.columns.items():
        if column.header not in headers:
            said.append(f"the column {column.header!r} of {name} is not in {sheet.where(sheet.header_row)} "
                        f"(its headers: {', '.join(h for h in sheet.headers if h)})")
        for given in column.values.values():
            try:
                values(name, given)
            except RowProblem as e:
                said.append(f"{name} values: {e}")
    for name, given in mapping.defaults.items():
        try:
            values(name, given)
        except RowProblem as e:
            said.append(f"defaults {name}: {e}")
    if said:
        raise HolpError("the mapping does not fit: " + "; ".join(said), USAGE)


def template(kind: str, sheet: Sheet, lang: str, comment: Callable[[str], str]) -> str:
    """A starter mapping for ``sheet``: the columns holp recognises filled in, the others listed to fill in."""
    found = guess(kind, sheet.headers)
    lines = [f"# {comment('import_template')}", f"kind: {kind}"]
    if sheet.name is not None:
        lines.append(f"sheet: {yaml.scalar(sheet.name)}")
    lines.append("fields:")
    for name in FIELDS[kind]:
        if name in found:
            lines.append(f"  {name}: {yaml.scalar(found[name])}")
        else:
            lines.append(f"  # {name}:")
    rest = [h for h in sheet.headers if h and h not in found.values()]
    if rest:
        lines.append(f"# {comment('import_unmapped')}: " + ", ".join(rest))
    lines += [f"# {comment('import_values')}", "#   stage: {column: 阶段, values: {方案: proposal}}",
              "defaults:", "  # region: east", "  # owner: zhang.wei"]
    del lang
    return "\n".join(lines) + "\n"


# -- values ------------------------------------------------------------------------------------------------------

_UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1_000), "百万": Decimal(1_000_000),
          "k": Decimal(1_000), "m": Decimal(1_000_000), "w": Decimal(10_000)}
_AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(百万|万|亿|千|k|m|w)?\Z")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?\Z")


def text_of(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def amount(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise RowProblem(f"{value!r} is not an amount")
    if isinstance(value, int | float):
        found: Decimal | None = Decimal(repr(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().casefold()
        text = "".join(text.split())
        for sign in ("rmb", "cny", "¥", "$", "元"):
            text = text.removeprefix(sign)
        text = text.removesuffix("元")
        match = _AMOUNT.match(text)
        found = None
        if match:
            found = Decimal(match.group(1).replace(",", "") + (match.group(2) or ""))
            found *= _UNITS.get(match.group(3) or "", Decimal(1))
    if found is None or coerce.money(found) is None:
        raise RowProblem(f"{one_line(text_of(value))!r} is not an amount")
    return found.normalize() if found == found.to_integral_value() else found


def fraction(value: Any) -> Decimal:
    text = unicodedata.normalize("NFKC", text_of(value)).strip()
    try:
        found = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        found = None
    if found is None or coerce.fraction(found) is None:
        raise RowProblem(f"{one_line(text_of(value))!r} is not a share from 0 to 1 (or 0% to 100%)")
    return found


def date(value: Any) -> str:
    """A date cell, an Excel serial number in a numeric cell, or text: 2026-03-05, 2026/3/5, 2026年3月5日."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's days: 1900-01-01 to 9999-12-31
            from openpyxl.utils.datetime import from_excel

            found = from_excel(value)
            return (found.date() if isinstance(found, dt.datetime) else found).isoformat()
        raise RowProblem(f"{text_of(value)!r} is not a date")
    text = unicodedata.normalize("NFKC", str(value)).strip().casefold()
    match = _DATE.match(text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
        except ValueError:
            pass
    raise RowProblem(f"{one_line(text_of(value))!r} is not a date (2026-03-05, 2026/3/5 or 2026年3月5日)")
