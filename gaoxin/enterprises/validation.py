"""Field-by-field validation of enterprise and award data, shared by the services (which raise the first
error) and the Excel ledger (which reports every error of every row). The generic parts — ``FieldError``,
``Checked`` and the parsers of typed-in values — are in ``gaoxin.core.validation``."""

from __future__ import annotations

import re
from typing import Any

from gaoxin.core import clock
from gaoxin.core.validation import Checked, clean_text, parse_bool, parse_date, parse_float
from gaoxin.enterprises.creditcode import credit_code_problem, normalize_input
from gaoxin.enterprises.models import Enterprise, IndustrialChain, Industry, QualificationType

LABELS = {
    "credit_code": "统一社会信用代码",
    "name": "企业名称",
    "address": "地址",
    "lon": "经度",
    "lat": "纬度",
    "industry": "行业代码",
    "chains": "所属产业链",
    "size": "企业规模",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "qualification_type": "资质类型",
    "year": "年度",
    "awarded_on": "认定日期",
    "issuing_body": "认定机构",
    "evidence_ref": "文号/证明材料",
    "is_new": "当年新增",
}

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
MIN_YEAR = 1978


def size_from_input(value: Any) -> str | None:
    """A size code from a code or its Chinese label ('' when empty, None when unknown)."""
    text = clean_text(value)
    if not text:
        return ""
    for code, label in Enterprise.Size.choices:
        if text in (code, label, label.removesuffix("型")):
            return code
    return None


def check_enterprise(data: dict[str, Any], *, existing: Enterprise | None = None) -> Checked:
    """Check enterprise fields given as text or typed values. ``chains`` is a list of chain codes or names
    (or one string separated by 、,;；，). ``existing`` is the enterprise being updated, if any."""
    checked = Checked(labels=LABELS)
    values = checked.values

    raw_code = clean_text(data.get("credit_code"))
    problem = credit_code_problem(raw_code)
    if problem is not None:
        checked.add("credit_code", problem.message, problem.code)
    else:
        code = normalize_input(raw_code)
        clash = Enterprise.objects.filter(credit_code=code)
        if existing is not None:
            clash = clash.exclude(pk=existing.pk)
        if clash.exists():
            checked.add("credit_code", "已存在于企业库", "duplicate")
        values["credit_code"] = code

    name = clean_text(data.get("name"))
    if not name:
        checked.add("name", "不能为空", "required")
    elif len(name) > 200:
        checked.add("name", "不能超过200个字符")
    values["name"] = name

    address = clean_text(data.get("address"))
    if len(address) > 300:
        checked.add("address", "不能超过300个字符")
    values["address"] = address

    lon_raw, lat_raw = data.get("lon"), data.get("lat")
    lon = lat = None
    try:
        lon = None if clean_text(lon_raw) == "" else parse_float(lon_raw)
        if lon is not None and not -180 <= lon <= 180:
            checked.add("lon", "应在 -180 到 180 之间")
    except ValueError:
        checked.add("lon", f"“{clean_text(lon_raw)}”不是数字")
    try:
        lat = None if clean_text(lat_raw) == "" else parse_float(lat_raw)
        if lat is not None and not -90 <= lat <= 90:
            checked.add("lat", "应在 -90 到 90 之间")
    except ValueError:
        checked.add("lat", f"“{clean_text(lat_raw)}”不是数字")
    if (lon is None) != (lat is None) and not any(e.field in ("lon", "lat") for e in checked.errors):
        checked.add("lat" if lat is None else "lon", "经度和纬度须同时填写或同时留空")
    values["lon"], values["lat"] = lon, lat

    industry_code = clean_text(data.get("industry")).upper()
    values["industry"] = None
    if industry_code:
        industry = Industry.objects.filter(code=industry_code).first()
        if industry is None:
            checked.add("industry", f"行业代码“{industry_code}”不存在", "unknown")
        values["industry"] = industry

    chains_raw = data.get("chains") or []
    if isinstance(chains_raw, str):
        chains_raw = [c for c in re.split(r"[、,;；，\s]+", chains_raw) if c]
    chains: list[IndustrialChain] = []
    if chains_raw:
        known = {c.code: c for c in IndustrialChain.objects.all()}
        by_name = {c.name: c for c in known.values()}
        for item in chains_raw:
            chain = item if isinstance(item, IndustrialChain) else known.get(str(item)) or by_name.get(str(item))
            if chain is None:
                checked.add("chains", f"产业链“{item}”不存在", "unknown")
            elif chain not in chains:
                chains.append(chain)
    values["chains"] = chains

    size = size_from_input(data.get("size"))
    if size is None:
        checked.add("size", f"“{clean_text(data.get('size'))}”不是大型/中型/小型/微型之一")
    values["size"] = size or ""

    contact_name = clean_text(data.get("contact_name"))
    if len(contact_name) > 50:
        checked.add("contact_name", "不能超过50个字符")
    values["contact_name"] = contact_name

    phone = clean_text(data.get("contact_phone")).replace(" ", "")
    if phone and not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone)):
        checked.add("contact_phone", "格式不正确（手机号11位，或区号-座机号）")
    values["contact_phone"] = phone
    return checked


def qualification_type_from_input(value: Any) -> QualificationType | None:
    if isinstance(value, QualificationType):
        return value
    text = clean_text(value)
    if not text:
        return None
    return QualificationType.objects.filter(code=text).first() or QualificationType.objects.filter(name=text).first()


def check_award(data: dict[str, Any]) -> Checked:
    """Check qualification award fields (not the enterprise). ``is_new`` may be None: derived later."""
    checked = Checked(labels=LABELS)
    values = checked.values
    qtype = qualification_type_from_input(data.get("qualification_type"))
    if qtype is None:
        raw = clean_text(data.get("qualification_type"))
        checked.add("qualification_type", f"资质类型“{raw}”不存在" if raw else "不能为空",
                    "unknown" if raw else "required")
    values["qualification_type"] = qtype

    today = clock.now().date()
    year: int | None = None
    try:
        year = int(clean_text(data.get("year")))
        if not MIN_YEAR <= year <= today.year:
            checked.add("year", f"应在 {MIN_YEAR} 到 {today.year} 之间")
    except ValueError:
        raw_year = clean_text(data.get("year"))
        checked.add("year", f"“{raw_year}”不是年份" if raw_year else "不能为空",
                    "invalid" if raw_year else "required")
    values["year"] = year

    try:
        awarded_on = parse_date(data.get("awarded_on"))
        if awarded_on is not None and awarded_on > today:
            checked.add("awarded_on", "不能晚于今天")
        values["awarded_on"] = awarded_on
    except ValueError:
        checked.add("awarded_on", f"“{clean_text(data.get('awarded_on'))}”不是日期（应为 YYYY-MM-DD）")
        values["awarded_on"] = None

    for name, limit in (("issuing_body", 100), ("evidence_ref", 200)):
        text = clean_text(data.get(name))
        if len(text) > limit:
            checked.add(name, f"不能超过{limit}个字符")
        values[name] = text

    try:
        values["is_new"] = parse_bool(data.get("is_new"))
    except ValueError:
        checked.add("is_new", "应为“是”或“否”")
        values["is_new"] = None
    return checked
