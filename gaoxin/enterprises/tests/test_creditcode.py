from __future__ import annotations

import pytest

from gaoxin.core.errors import ApplicationError
from gaoxin.enterprises.creditcode import (
    check_character,
    credit_code_complete,
    credit_code_normalize,
    credit_code_problem,
    org_check_character,
)
from gaoxin.enterprises.tests.conftest import usc

# Published codes: the example of GB 32100-2015, 华为技术有限公司, 北京小米科技有限责任公司.
PUBLISHED = ["91350100M000100Y43", "914403001922038216", "91110108551385082Q"]


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    assert credit_code_problem(code) is None
    assert credit_code_normalize(code) == code


@pytest.mark.parametrize(
    "first16",
    ["91410100MA000001", "91410100MA45XY12", "12410100415800123"[:16], "52410000MJ1234AB", "Y1410100RT00QW01",
     "N2410122NA000007", "31100000HB1234CD"],
)
def test_constructed_codes_are_valid(first16):
    code = usc(first16)
    assert credit_code_problem(code) is None
    assert credit_code_complete(first16) == code


def test_check_characters_of_the_standard_example():
    assert org_check_character("M000100Y") == "4"
    assert check_character("91350100M000100Y4") == "3"


def test_input_is_normalised():
    assert credit_code_normalize(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert credit_code_normalize("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("", "required", "不能为空"),
        ("91350100M000100Y4", "credit_code_length", "长度应为18位，实际为17位"),
        ("91350100M000100Y433", "credit_code_length", "长度应为18位，实际为19位"),
        ("91350100M00010OY43", "credit_code_character",
         "第15位字符“O”不合法（只允许数字和除I、O、Z、S、V外的大写字母）"),
        ("9135010-M000100Y43", "credit_code_character",
         "第8位字符“-”不合法（只允许数字和除I、O、Z、S、V外的大写字母）"),
        ("B1350100M000100Y43", "credit_code_authority", "登记管理部门代码“B”不存在"),
        ("94350100M000100Y43", "credit_code_type", "机构类别代码“4”不属于登记管理部门“工商”（9）"),
        ("9135A100M000100Y43", "credit_code_division", "行政区划码“35A100”无效"),
        ("91990100M000100Y43", "credit_code_division", "行政区划码“990100”无效"),
        ("91350100M000100Y53", "credit_code_org_check", "组织机构代码校验位错误，应为 4"),
        ("91350100M000100Y44", "credit_code_check", "校验位错误，应为 3"),
    ],
)
def test_invalid_codes_name_the_reason(raw, code, message):
    problem = credit_code_problem(raw)
    assert problem is not None
    assert (problem.code, problem.message) == (code, message)
    with pytest.raises(ApplicationError) as exc:
        credit_code_normalize(raw)
    assert exc.value.field == "credit_code"
    assert exc.value.code == code
    assert exc.value.message == f"统一社会信用代码{message}"


def test_wrong_check_character_reports_the_expected_one():
    good = usc("91410100MA45XY12")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ApplicationError) as exc:
        credit_code_normalize(wrong)
    assert exc.value.extra == {"expected": good[17]}
    assert exc.value.message == f"统一社会信用代码校验位错误，应为 {good[17]}"


def test_org_check_character_ten_is_x_and_eleven_is_zero():
    # Find bodies whose GB 11714 remainder gives 10 and 11 and check the mapping independently.
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    seen: dict[int, str] = {}
    for n in range(2000):
        body = f"{n:08d}"
        r = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
        seen.setdefault(r, body)
    assert org_check_character(seen[10]) == "X"
    assert org_check_character(seen[11]) == "0"
    assert org_check_character(seen[5]) == "5"
