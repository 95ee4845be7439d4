"""The unified social credit code (统一社会信用代码, GB 32100-2015).

Eighteen characters over the 31-character set 0-9 A-Z without I O Z S V:

====  =======================================================================
1     registration authority (登记管理部门代码): 1 机构编制, 5 民政, 9 工商, Y 其他 …
2     organisation type (机构类别代码), which the authority defines
3-8   administrative division code (登记管理机关行政区划码), six digits
9-17  organisation code (主体标识码, GB 11714): eight characters and their own check character
18    check character over the first seventeen, weights 3^i mod 31, modulus 31
====  =======================================================================

``credit_code_problem`` returns why a code is invalid (or None); ``credit_code_normalize`` returns the clean
code or raises ``ApplicationError`` naming the field, with a stable ``code`` and, for check characters, the
expected character in ``extra["expected"]``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from gaoxin.core.errors import ApplicationError

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(CHARSET)}

# GB 11714-1997 organisation code: weights of the eight body characters, modulus 11.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# GB 32100-2015 table 1: registration authority → organisation types it assigns.
AUTHORITY_TYPES: dict[str, dict[str, str]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常住新闻机构", "9": "其他"},
    "3": {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所", "4": "司法鉴定机构", "5": "仲裁委员会",
          "9": "其他"},
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},
}
AUTHORITY_NAMES = {
    "1": "机构编制", "2": "外交", "3": "司法行政", "4": "文化", "5": "民政", "6": "旅游", "7": "宗教",
    "8": "工会", "9": "工商", "A": "中央军委改革和编制办公室", "N": "农业", "Y": "其他",
}
# First two digits of GB/T 2260 division codes (provinces), plus 10 for national-level registrations.
PROVINCE_PREFIXES = frozenset({
    "10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
})


@dataclass(frozen=True)
class CreditCodeProblem:
    code: str  # stable machine code, e.g. "credit_code_check"
    message: str  # Chinese, shown to the user after the field label
    expected: str | None = None  # the right check character, for check-character errors


def normalize_input(raw: str) -> str:
    """Full-width to half-width, spaces removed, letters upper-cased."""
    return "".join(unicodedata.normalize("NFKC", raw or "").split()).upper()


def check_character(first17: str) -> str:
    """The 18th character for the first seventeen (which must be in CHARSET)."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_check_character(body8: str) -> str:
    """GB 11714 check character over eight digits/letters (A=10 … Z=35): 0-9 or X."""
    total = sum((int(ch) if ch.isdecimal() else ord(ch) - 55) * w for ch, w in zip(body8, ORG_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def credit_code_problem(raw: str) -> CreditCodeProblem | None:
    code = normalize_input(raw)
    if not code:
        return CreditCodeProblem("required", "不能为空")
    if len(code) != 18:
        return CreditCodeProblem("credit_code_length", f"长度应为18位，实际为{len(code)}位")
    for position, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            return CreditCodeProblem(
                "credit_code_character", f"第{position}位字符“{ch}”不合法（只允许数字和除I、O、Z、S、V外的大写字母）"
            )
    authority, kind = code[0], code[1]
    if authority not in AUTHORITY_TYPES:
        return CreditCodeProblem("credit_code_authority", f"登记管理部门代码“{authority}”不存在")
    if kind not in AUTHORITY_TYPES[authority]:
        return CreditCodeProblem(
            "credit_code_type",
            f"机构类别代码“{kind}”不属于登记管理部门“{AUTHORITY_NAMES[authority]}”（{authority}）",
        )
    division = code[2:8]
    if not division.isdecimal() or division[:2] not in PROVINCE_PREFIXES:
        return CreditCodeProblem("credit_code_division", f"行政区划码“{division}”无效")
    expected_org = org_check_character(code[8:16])
    if code[16] != expected_org:
        return CreditCodeProblem(
            "credit_code_org_check", f"组织机构代码校验位错误，应为 {expected_org}", expected=expected_org
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return CreditCodeProblem("credit_code_check", f"校验位错误，应为 {expected}", expected=expected)
    return None


def credit_code_normalize(raw: str, *, field: str = "credit_code") -> str:
    """The clean code, or ApplicationError naming the field and the reason."""
    problem = credit_code_problem(raw)
    if problem is not None:
        extra = {"expected": problem.expected} if problem.expected else {}
        raise ApplicationError(f"统一社会信用代码{problem.message}", field=field, code=problem.code, extra=extra)
    return normalize_input(raw)


def credit_code_complete(first16: str) -> str:
    """Complete sixteen characters with both check characters (for synthetic data and tests)."""
    first16 = normalize_input(first16)
    first17 = first16 + org_check_character(first16[8:16])
    return first17 + check_character(first17)
