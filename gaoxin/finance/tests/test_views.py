"""The fund-manager pages per role: the 财政金融局 officer registers a manager, its fund and its assets; a bad
form keeps what was typed and names the field; the leader reads without forms; others are refused."""

from __future__ import annotations

import io

import openpyxl
import pytest

from gaoxin.finance import services
from gaoxin.finance.models import AumRecord, Fund, FundManager
from gaoxin.finance.tests.conftest import code

pytestmark = pytest.mark.django_db


def test_officer_registers_a_manager_a_fund_and_its_assets(client, world, frozen_now):
    client.force_login(world.officer)
    with frozen_now(2023, 12, 31, 17):
        response = client.post("/finance/managers/", {"name": "郑州测试创投", "credit_code": code(1),
                                                      "amac_number": "P1000001", "settled_on": "2023-03-01"})
        manager = FundManager.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/finance/managers/{manager.pk}/"
        client.post(f"/finance/managers/{manager.pk}/", {"action": "fund", "name": "测试一号", "size": "5000",
                                                         "stage": "angel", "currency": "CNY", "vintage": "2023"})
        client.post(f"/finance/managers/{manager.pk}/", {"action": "aum", "as_of": "2023-12-31", "amount": "8000",
                                                         "source": "季度报送"})
        page = client.get(f"/finance/managers/{manager.pk}/").content.decode()
    assert Fund.objects.get().size_fen == 5_000_000_000
    assert AumRecord.objects.get().amount_fen == 8_000_000_000
    assert "测试一号" in page
    assert "8,000.00" in page
    assert 'id="aum-form"' in page
    listing = client.get("/finance/managers/?settled_year=2023").content.decode()
    assert "郑州测试创投" in listing
    assert 'id="managers-aum-total">8,000.00<' in listing


def test_a_bad_form_names_the_field_and_keeps_the_input(client, world, frozen_now):
    client.force_login(world.officer)
    with frozen_now(2023, 12, 31, 17):
        response = client.post("/finance/managers/", {"name": "郑州测试创投", "credit_code": code(1),
                                                      "amac_number": "P12", "settled_on": "2023-03-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "基金业协会登记编号：应为 P 加 7 位数字" in page
    assert 'value="郑州测试创投"' in page
    assert FundManager.objects.count() == 0


def test_leader_reads_and_exports_without_forms_others_are_refused(client, world, frozen_now):
    with frozen_now(2023, 12, 31, 17):
        manager = services.manager_register(actor=world.officer, name="郑州测试创投", credit_code=code(1),
                                            amac_number="P1000001", settled_on="2023-03-01")
        services.aum_record(actor=world.officer, manager=manager, as_of="2023-12-31", amount_wan="8000",
                            source="报送")
    client.force_login(world.leader)
    with frozen_now(2024, 1, 5, 9):
        page = client.get(f"/finance/managers/{manager.pk}/").content.decode()
        assert "郑州测试创投" in page
        assert 'id="aum-form"' not in page
        assert 'id="manager-register"' not in client.get("/finance/managers/").content.decode()
        response = client.post("/finance/managers/", {"name": "x", "credit_code": code(2), "amac_number": "P1000002",
                                                      "settled_on": "2023-03-01"})
        assert response.status_code == 403
        export = client.get("/finance/managers/?settled_year=2023&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content))["基金管理机构"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2) if row[0].value]
    assert rows == [["郑州测试创投", code(1), "P1000001", "2023-03-01", 0, None, 8000]]
    assert FundManager.objects.count() == 1
    for user in (world.cadre, world.other):
        client.force_login(user)
        assert client.get("/finance/managers/").status_code == 403
        assert client.get(f"/finance/managers/{manager.pk}/").status_code == 403
