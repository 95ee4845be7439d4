from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from gaoxin.enterprises.ledger import ERROR_HEADER
from gaoxin.enterprises.models import Enterprise, QualificationAward
from gaoxin.enterprises.tests.conftest import usc
from gaoxin.enterprises.tests.test_ledger_enterprises import mixed


def test_import_command_refuses_bad_file_and_writes_errors(staff, tmp_path, frozen_now):
    source = tmp_path / "in.xlsx"
    source.write_bytes(mixed())
    errors = tmp_path / "errors.xlsx"
    out, err = io.StringIO(), io.StringIO()
    with frozen_now(2024, 1, 10, 9), pytest.raises(CommandError) as exc:
        call_command("enterprises", "import", str(source), "--errors-out", str(errors), stdout=out, stderr=err)
    assert "未导入任何数据" in str(exc.value)
    assert "共 9 行：无误 3 行，有错误 6 行" in out.getvalue()
    assert "企业名录 第6行：统一社会信用代码: 与第2行重复" in err.getvalue()
    assert load_workbook(errors)["企业名录"].cell(row=1, column=11).value == ERROR_HEADER
    assert Enterprise.objects.count() == 0

    with frozen_now(2024, 1, 10, 9):
        call_command("enterprises", "import", str(source), "--clean-rows-only", stdout=out, stderr=err)
    assert "已导入：enterprises 2，awards 1；跳过 6 行" in out.getvalue()
    assert (Enterprise.objects.count(), QualificationAward.objects.count()) == (2, 1)


def test_export_and_template_commands(staff, make_enterprise, tmp_path):
    make_enterprise("甲", chains=["sensor"], contact_phone="13812341234")
    make_enterprise("乙")
    target = tmp_path / "out.xlsx"
    call_command("enterprises", "export", "enterprises", "--out", str(target), "--chain", "sensor",
                 stdout=io.StringIO())
    rows = list(load_workbook(target)["企业名录"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[9]) for r in rows] == [("甲", "138****1234")]
    call_command("enterprises", "template", "visits", "--out", str(target), stdout=io.StringIO())
    assert load_workbook(target).sheetnames[:2] == ["走访记录", "企业问题"]
    with pytest.raises(CommandError, match="账号不存在"):
        call_command("enterprises", "export", "visits", "--out", str(target), "--actor", "nobody")


@pytest.mark.parametrize("model", ["enterprise", "qualificationaward", "qualificationtype", "industrialchain",
                                   "visit", "receptionsession", "enterpriseproblem"])
def test_admin_lists_render(client, staff, make_enterprise, model):
    make_enterprise(contact_name="张三", contact_phone="13812341234")
    client.force_login(staff.admin)
    response = client.get(reverse(f"admin:enterprises_{model}_changelist"))
    assert response.status_code == 200
    if model == "enterprise":
        body = response.content.decode()
        assert "138****1234" in body
        assert "13812341234" not in body


def test_admin_refuses_a_bad_credit_code(client, staff):
    client.force_login(staff.admin)
    response = client.post(reverse("admin:enterprises_enterprise_add"), {
        "credit_code": "91350100M000100Y44", "name": "某企业", "created_at_0": "2023-01-01",
        "created_at_1": "00:00:00", "updated_at_0": "2023-01-01", "updated_at_1": "00:00:00",
        "awards-TOTAL_FORMS": "0", "awards-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert "统一社会信用代码校验位错误，应为 3" in response.content.decode()
    assert Enterprise.objects.count() == 0
    good = usc("91410100MA000777")
    response = client.post(reverse("admin:enterprises_enterprise_add"), {
        "credit_code": good.lower(), "name": "某企业", "created_at_0": "2023-01-01",
        "created_at_1": "00:00:00", "updated_at_0": "2023-01-01", "updated_at_1": "00:00:00",
        "awards-TOTAL_FORMS": "0", "awards-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    assert Enterprise.objects.get().credit_code == good
