import pytest

from gaoxin.cases import privacy
from gaoxin.cases.privacy import mask_name, mask_phone


def test_mask_phone():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("138 1234 1234") == "138****1234"
    assert mask_phone("0371-67891234") == "037******1234"
    assert mask_phone("12345") == "***45"
    assert mask_phone("") == ""
    assert mask_phone(None) == ""


def test_mask_name():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("张") == "*"
    assert mask_name("") == ""


@pytest.mark.parametrize(("text", "masked"), [
    ("请联系我 13987654321", "请联系我 139****4321"),
    ("身份证410100199001011234 谢谢", "身份证410100********1234 谢谢"),  # named: masked even with a wrong check
    ("证号 11010519491231002X", "证号 110105********002X"),  # a valid check character
    ("卡号 6222 0212 3456 7890 128", "卡号 6222***********0128"),  # Luhn
    ("座机 0371-67891234", "座机 037*****1234"),
    ("邮箱 wang.li@example.com", "邮箱 w***@example.com"),
    ("+8613812345678 打我电话", "+86138****5678 打我电话"),
    # Left alone: case numbers, house numbers, amounts, an 18-digit number that is no ID and not named one.
    ("案件 20230301000017 门牌 12 号 金额 123456789012", "案件 20230301000017 门牌 12 号 金额 123456789012"),
    ("订单 123456789012345678", "订单 123456789012345678"),
])
def test_personal_data_in_free_text_is_masked(text, masked):
    assert privacy.mask_free_text(text) == masked


def test_id_and_card_checks():
    assert privacy.is_id_number("11010519491231002X")
    assert not privacy.is_id_number("110105194912310021")
    assert privacy.is_bank_card("6222021234567890128")
    assert not privacy.is_bank_card("6222021234567890129")
