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
