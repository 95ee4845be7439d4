from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.cases.tests.conftest import people  # noqa: F401  (fixture re-export)
from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.ledgers import services
from gaoxin.ledgers.definition import markdown_to_xlsx
from gaoxin.ledgers.models import Ledger, LedgerVersion
from gaoxin.web.tests.test_browser import browser  # noqa: F401  (fixture re-export, for test_browser)

# A 保交楼-like ledger filled by two street offices, reviewed by 住建局 (GX-D02).
FORM = """
| survey |
| | type | name | label | required | constraint | constraint_message | instance::gx_kind | instance::gx_unit |
| | text | project | 项目名称 | yes | regex(., '^P[0-9]{3}$') | 项目编号应为 P 加三位数字 |  |  |
| | integer | planned | 应交付套数 | yes | . >= 0 |  |  | 套 |
| | integer | delivered | 已交付套数 | yes | . >= 0 and . <= ${planned} |  |  | 套 |
| | decimal | loan | 专项借款 | no | . >= 0 |  | money |  |
| | select_one yn | deed | 交房即发证 | yes |  |  |  |  |
| | date | delivered_on | 交付日期 | no |  |  |  |  |
| choices |
| | list_name | name | label |
| | yn | yes | 是 |
| | yn | no | 否 |
| settings |
| | form_title | form_id | version | gx_owner | gx_period | gx_due_day | gx_fillers |
| | 保交楼测试台账 | housing | 1 | GX-D02 | quarterly | 10 | GX-S01,GX-S02 |
| targets |
| | unit | year | field | value |
| | GX-S01 | 2023 | delivered | 100 |
"""


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


@dataclass
class Env:
    admin: User
    filler_a: User
    filler_b: User
    reviewer: User
    leader: User
    version: LedgerVersion

    @property
    def ledger(self) -> Ledger:
        return self.version.ledger


@pytest.fixture
def env(org, make_user) -> Env:
    admin = make_user(Role.ADMIN, org.committee)
    with clock.frozen(at(2023, 1, 2)):
        version = services.ledger_definition_import(actor=admin, source=markdown_to_xlsx(FORM))
        services.ledger_version_publish(actor=admin, version=version)
    return Env(admin=admin, filler_a=make_user(Role.DATA_OFFICER, org.street_a),
               filler_b=make_user(Role.DATA_OFFICER, org.street_b),
               reviewer=make_user(Role.DATA_OFFICER, org.construction), leader=make_user(Role.LEADER, org.committee),
               version=version)


def good(**over: object) -> dict[str, object]:
    return {"project": "P001", "planned": "120", "delivered": "100", "loan": "1234.5", "deed": "是",
            "delivered_on": "2023-03-20", **over}
