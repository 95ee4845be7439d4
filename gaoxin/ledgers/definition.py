"""A ledger's definition read from and written to XLSForm (the survey, choices and settings sheets, read by
``pyxform``; a ``targets`` sheet of our own), and the checking of one entry's values against it — one set of
rules for the web form, the Excel upload and the services.

Field types (XLSForm ``type``, with ``instance::gx_kind`` for ours):

- ``text``; ``text`` + ``gx_kind`` ``org_unit`` (an org unit's code or name), ``enterprise`` (a credit code of
  the enterprise registry), ``case`` (case numbers, separated by 、: a deed that was a case), ``reference`` (a
  project or parcel code);
- ``integer``; ``decimal`` (``instance::gx_unit`` its unit); ``decimal`` + ``gx_kind`` ``money`` (typed in 元,
  kept in 分);
- ``date``; ``select_one <list>`` (a choice of the list); ``geopoint`` (a location, “纬度 经度”);
  ``file`` / ``image`` (an attachment, given on the web form).

Validation: ``required``; ``constraint`` as clauses joined by ``and``: ``. >= 0``, ``. <= ${planned}`` (another
field: a cross-field rule), ``regex(., '^[0-9]{4}$')``; ``constraint_message`` is what the user reads.
Settings: ``form_id`` (the ledger's code), ``form_title``, ``version``, ``gx_owner`` (the reviewing department),
``gx_period`` (once, monthly, quarterly, yearly), ``gx_due_day``, ``gx_fillers`` (org unit codes, comma
separated)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook, load_workbook
from pyxform import xls2json
from pyxform.errors import PyXFormError

from gaoxin.core.errors import ApplicationError
from gaoxin.core.validation import Checked, clean_text, parse_date

KINDS = ("text", "integer", "decimal", "money", "date", "choice", "org_unit", "enterprise", "reference",
         "location", "attachment")
PERIODS = ("once", "monthly", "quarterly", "yearly")
TEXT_KINDS = {"org_unit", "enterprise", "reference", "case"}
_TYPES = {"text": "text", "integer": "integer", "decimal": "decimal", "date": "date", "select one": "choice",
          "geopoint": "location", "file": "attachment", "image": "attachment"}
_CLAUSE = re.compile(r"^\.\s*(<=|>=|!=|<|>|=)\s*(?:\$\{(\w+)\}|(-?\d+(?:\.\d+)?))$")
_REGEX = re.compile(r"^regex\(\s*\.\s*,\s*'(.*)'\s*\)$")
_OPS = {"<=": "不大于", ">=": "不小于", "<": "小于", ">": "大于", "=": "等于", "!=": "不等于"}
_MAX_TEXT = 500


@dataclass(frozen=True)
class Rule:
    op: str  # one of _OPS, or "regex"
    number: str = ""
    other: str = ""  # a field name: a cross-field rule
    pattern: str = ""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str
    required: bool = False
    unit: str = ""
    list_name: str = ""
    constraint: str = ""
    constraint_message: str = ""
    hint: str = ""

    @property
    def rules(self) -> tuple[Rule, ...]:
        return parse_constraint(self.constraint)

    @property
    def header(self) -> str:
        unit = "元" if self.kind == "money" else self.unit
        return f"{self.label}（{unit}）" if unit else self.label


@dataclass
class Definition:
    code: str
    title: str
    owner: str
    period: str
    due_day: int
    fillers: list[str]
    fields: list[FieldSpec]
    choices: dict[str, list[list[str]]]
    targets: list[dict[str, Any]] = field(default_factory=list)
    version: str = ""

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    def fields_json(self) -> list[dict[str, Any]]:
        return [asdict(f) for f in self.fields]


def fields_from_json(data: list[dict[str, Any]]) -> list[FieldSpec]:
    return [FieldSpec(**d) for d in data]


def parse_constraint(text: str) -> tuple[Rule, ...]:
    rules = []
    for clause in (c.strip() for c in re.split(r"\s+and\s+", text.strip()) if c.strip()):
        if m := _CLAUSE.match(clause):
            rules.append(Rule(m.group(1), number=m.group(3) or "", other=m.group(2) or ""))
        elif m := _REGEX.match(clause):
            rules.append(Rule("regex", pattern=m.group(1)))
        else:
            raise ValueError(clause)
    return tuple(rules)


def _refuse(message: str, code: str = "xlsform_invalid") -> ApplicationError:
    return ApplicationError(message, field="file", code=code)


def read_xlsform(source: bytes) -> Definition:
    """The definition in an XLSForm workbook: pyxform reads the survey, choices and settings (refusing what is not
    a valid XLSForm); the types, rules and settings of ours are checked here, each error naming the sheet row."""
    try:
        form = xls2json.parse_file_to_json(None, file_object=io.BytesIO(source), warnings=[])
    except PyXFormError as exc:
        raise _refuse(f"XLSForm 无法读取：{exc}") from exc
    except Exception as exc:  # noqa: BLE001 - pyxform and openpyxl raise many kinds on a damaged file
        raise _refuse(f"XLSForm 无法读取：{type(exc).__name__}") from exc
    code = str(form.get("id_string") or "")
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,49}", code):
        raise _refuse(f"settings 表 form_id：应为小写字母开头的英文编码，现为“{code}”")
    period = str(form.get("gx_period") or "")
    if period not in PERIODS:
        raise _refuse(f"settings 表 gx_period：应为 {'、'.join(PERIODS)} 之一，现为“{period}”")
    try:
        due_day = int(str(form.get("gx_due_day") or ""))
    except ValueError:
        due_day = 0
    if not 1 <= due_day <= 28:
        raise _refuse("settings 表 gx_due_day：应为 1 到 28 的整数")
    owner = str(form.get("gx_owner") or "").strip()
    if not owner:
        raise _refuse("settings 表 gx_owner：应填写主管（审核）部门编码")
    fillers = [c.strip() for c in str(form.get("gx_fillers") or "").split(",") if c.strip()]
    if not fillers:
        raise _refuse("settings 表 gx_fillers：应至少填写一个填报单位编码")
    fields: list[FieldSpec] = []
    for number, child in enumerate(form.get("children", []), start=2):
        if child.get("name") == "meta":
            continue
        fields.append(_field(child, number))
    if not fields:
        raise _refuse("survey 表：没有字段")
    names = {f.name for f in fields}
    for f in fields:
        for rule in f.rules:
            if rule.other and rule.other not in names:
                raise _refuse(f"survey 表字段 {f.name}：约束引用了不存在的字段 {rule.other}")
    choices = {name: [[str(c["name"]), str(c.get("label") or c["name"])] for c in items]
               for name, items in (form.get("choices") or {}).items()}
    return Definition(code=code, title=str(form.get("title") or code), owner=owner, period=period,
                      due_day=due_day, fillers=fillers, fields=fields, choices=choices,
                      targets=_targets(source, names), version=str(form.get("version") or ""))


def _field(child: Mapping[str, Any], row: int) -> FieldSpec:
    name = str(child.get("name"))
    xls_type = str(child.get("type"))
    kind = _TYPES.get(xls_type)
    instance = child.get("instance") or {}
    gx_kind = str(instance.get("gx_kind") or "")
    if kind is None:
        raise _refuse(f"survey 表字段 {name}：不支持的类型 {xls_type}")
    if gx_kind:
        if (gx_kind == "money" and kind != "decimal") or (gx_kind in TEXT_KINDS and kind != "text") or (
                gx_kind not in TEXT_KINDS | {"money"}):
            raise _refuse(f"survey 表字段 {name}：gx_kind {gx_kind} 不能用于类型 {xls_type}")
        kind = gx_kind
    bind = child.get("bind") or {}
    constraint = str(bind.get("constraint") or "")
    try:
        parse_constraint(constraint)
    except ValueError as exc:
        raise _refuse(f"survey 表字段 {name}：不支持的约束“{exc}”") from exc
    label = child.get("label") or name
    if isinstance(label, dict):
        label = next(iter(label.values()))
    return FieldSpec(name=name, label=str(label), kind=kind, required=str(bind.get("required")) in {"yes", "true()"},
                     unit=str(instance.get("gx_unit") or ""), list_name=str(child.get("list_name") or ""),
                     constraint=constraint, constraint_message=str(bind.get("jr:constraintMsg") or ""),
                     hint=str(child.get("hint") or ""))


def _targets(source: bytes, names: set[str]) -> list[dict[str, Any]]:
    wb = load_workbook(io.BytesIO(source), read_only=True, data_only=True)
    try:
        if "targets" not in wb.sheetnames:
            return []
        rows = list(wb["targets"].iter_rows(values_only=True))
    finally:
        wb.close()
    out = []
    header = [str(h or "").strip() for h in rows[0]] if rows else []
    for number, values in enumerate(rows[1:], start=2):
        row = dict(zip(header, values, strict=False))
        if not any(v not in (None, "") for v in row.values()):
            continue
        try:
            year = int(str(row.get("year")))
            value = Decimal(str(row.get("value")))
        except (ValueError, InvalidOperation) as exc:
            raise _refuse(f"targets 表第{number}行：year 应为年份，value 应为数字") from exc
        name = str(row.get("field") or "")
        if name not in names:
            raise _refuse(f"targets 表第{number}行：字段 {name} 不存在")
        out.append({"unit": str(row.get("unit") or "").strip(), "year": year, "field": name, "value": str(value)})
    return out


def write_xlsform(d: Definition) -> bytes:
    """The definition as an XLSForm workbook (what ``read_xlsform`` reads back to the same definition)."""
    wb = Workbook()
    survey = wb.active
    assert survey is not None
    survey.title = "survey"
    survey.append(["type", "name", "label", "required", "constraint", "constraint_message", "hint",
                   "instance::gx_kind", "instance::gx_unit"])
    reverse = {"text": "text", "integer": "integer", "decimal": "decimal", "date": "date", "location": "geopoint",
               "attachment": "file", "money": "decimal", **dict.fromkeys(TEXT_KINDS, "text")}
    for f in d.fields:
        xls_type = f"select_one {f.list_name}" if f.kind == "choice" else reverse[f.kind]
        gx_kind = f.kind if f.kind == "money" or f.kind in TEXT_KINDS else ""
        survey.append([xls_type, f.name, f.label, "yes" if f.required else "", f.constraint, f.constraint_message,
                       f.hint, gx_kind, f.unit])
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    for list_name, items in d.choices.items():
        for name, label in items:
            choices.append([list_name, name, label])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "gx_owner", "gx_period", "gx_due_day", "gx_fillers"])
    settings.append([d.title, d.code, d.version, d.owner, d.period, d.due_day, ",".join(d.fillers)])
    targets = wb.create_sheet("targets")
    targets.append(["unit", "year", "field", "value"])
    for t in d.targets:
        targets.append([t["unit"], t["year"], t["field"], t["value"]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def markdown_to_xlsx(text: str) -> bytes:
    """A shipped definition kept as pyxform's markdown form of an XLSForm, as an XLSForm workbook."""
    from pyxform.xls2json_backends import md_table_to_workbook

    out = io.BytesIO()
    md_table_to_workbook(text).save(out)
    return out.getvalue()


# --- one entry's values -------------------------------------------------------------------------------------


def _number(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    try:
        number = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _clean_one(f: FieldSpec, raw: Any, choices: Mapping[str, list[list[str]]],
               units: Mapping[str, str]) -> tuple[Any, str]:
    """(the stored value, "" ) or (None, the error)."""
    if f.kind == "integer":
        n = _number(raw)
        if n is None or n != n.to_integral_value():
            return None, "应为整数"
        return int(n), ""
    if f.kind in {"decimal", "money"}:
        n = _number(raw)
        if n is None:
            return None, "应为数字"
        if f.kind == "money":
            fen = n * 100
            if fen != fen.to_integral_value():
                return None, "金额最多两位小数"
            return int(fen), ""
        return str(n.normalize()) if n == n.to_integral_value() else str(n), ""
    if f.kind == "date":
        try:
            day = parse_date(raw)
        except (ValueError, ApplicationError):
            day = None
        return (day.isoformat(), "") if day else (None, "应为日期（如 2023-03-31）")
    text = clean_text(raw)
    if len(text) > _MAX_TEXT:
        return None, f"不能超过{_MAX_TEXT}字"
    if f.kind == "choice":
        for name, label in choices.get(f.list_name, []):
            if text in {name, label}:
                return name, ""
        return None, "应为：" + "、".join(label for _, label in choices.get(f.list_name, []))
    if f.kind == "org_unit":
        code = units.get(text)
        return (code, "") if code else (None, f"“{text}”不是本台账的填报单位")
    if f.kind == "location":
        parts = re.split(r"[\s,，]+", text)
        try:
            lat, lng = (float(p) for p in parts[:2])
        except ValueError:
            return None, "应为“纬度 经度”"
        if len(parts) != 2 or not (-90 <= lat <= 90 and -180 <= lng <= 180):
            return None, "应为“纬度 经度”"
        return f"{lat} {lng}", ""
    if f.kind == "enterprise" and not re.fullmatch(r"[0-9A-Z]{18}", text):
        return None, "应为18位统一社会信用代码"
    if f.kind == "case":
        return "、".join(case_numbers(text)), ""
    return text, ""


def case_numbers(text: str) -> list[str]:
    return [n for n in re.split(r"[、,，\s]+", text) if n]


def _compare(value: Decimal, op: str, other: Decimal) -> bool:
    return {"<=": value <= other, ">=": value >= other, "<": value < other, ">": value > other,
            "=": value == other, "!=": value != other}[op]


def check_values(fields: list[FieldSpec], choices: Mapping[str, list[list[str]]], raw: Mapping[str, Any], *,
                 units: Mapping[str, str] | None = None, complete: bool = True) -> Checked:
    """Check one entry's values: every field's type, ``required`` (when ``complete``: a draft may be partial),
    and the constraints, the cross-field ones after every field was read. Errors name the field by its label.
    ``units`` maps a code or name to the code of the units an org-unit field may name."""
    checked = Checked(labels={f.name: f.header for f in fields})
    for f in fields:
        if f.kind == "attachment":
            continue
        value = raw.get(f.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if complete and f.required:
                checked.add(f.name, "不能为空", "required")
            continue
        cleaned, error = _clean_one(f, value, choices, units or {})
        if error:
            checked.add(f.name, error, "invalid")
        else:
            checked.values[f.name] = cleaned
    bad = {e.field for e in checked.errors}
    by_name = {f.name: f for f in fields}
    for f in fields:
        if f.name in bad or f.name not in checked.values:
            continue
        value = checked.values[f.name]
        for rule in f.rules:
            if rule.op == "regex":
                if not re.search(rule.pattern, str(value)):
                    checked.add(f.name, f.constraint_message or "格式不正确", "constraint")
                    break
                continue
            if rule.other:
                if rule.other not in checked.values:
                    continue
                bound, shown = _number(checked.values[rule.other]), f"“{by_name[rule.other].label}”"
            else:
                bound = _number(rule.number)
                shown = str(Decimal(rule.number) / 100 if f.kind == "money" else rule.number)
                if f.kind == "money" and bound is not None:
                    bound *= 100
            number = _number(value)
            if number is None or bound is None or not _compare(number, rule.op, bound):
                checked.add(f.name, f.constraint_message or f"应{_OPS[rule.op]}{shown}", "constraint")
                break
    return checked


def display(f: FieldSpec, value: Any, choices: Mapping[str, list[list[str]]]) -> str:
    """A stored value as people read it."""
    if value is None:
        return ""
    if f.kind == "money":
        return f"{Decimal(value) / 100:,.2f}"
    if f.kind == "choice":
        return next((label for name, label in choices.get(f.list_name, []) if name == value), str(value))
    return str(value)
