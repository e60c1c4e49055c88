import pytest

from marketplace.payments.vietqr import clean_reference, crc16_ccitt, qr_svg, vietqr_payload


def _fields(payload: str) -> dict[str, str]:
    """Parse EMVCo TLV (tag, two-digit length, value)."""
    fields, index = {}, 0
    while index < len(payload):
        tag, length = payload[index : index + 2], int(payload[index + 2 : index + 4])
        fields[tag] = payload[index + 4 : index + 4 + length]
        index += 4 + length
    return fields


def test_crc16_ccitt_false_check_value():
    assert crc16_ccitt("123456789") == "29B1"


def test_payload_carries_bank_account_amount_and_reference():
    payload = vietqr_payload(
        bank_bin="970436", account_number="0011000000000", amount=1_000_000, reference="OCOP DH0000042"
    )
    fields = _fields(payload)
    assert fields["00"] == "01"
    assert fields["01"] == "12"
    merchant = _fields(fields["38"])
    assert merchant["00"] == "A000000727"
    assert _fields(merchant["01"]) == {"00": "970436", "01": "0011000000000"}
    assert merchant["02"] == "QRIBFTTA"
    assert fields["53"] == "704"
    assert fields["54"] == "1000000"
    assert fields["58"] == "VN"
    assert _fields(fields["62"]) == {"08": "OCOP DH0000042"}
    assert payload[-8:-4] == "6304"
    assert fields["63"] == crc16_ccitt(payload[:-4])


def test_reference_keeps_only_plain_characters():
    assert clean_reference("Đơn #DH12!") == "n DH12"


@pytest.mark.parametrize("kwargs", [{"bank_bin": "97043"}, {"amount": 0}, {"account_number": "00-11"}])
def test_invalid_inputs_are_refused(kwargs):
    args = {
        "bank_bin": "970436",
        "account_number": "0011000000000",
        "amount": 1000,
        "reference": "x",
        **kwargs,
    }
    with pytest.raises(ValueError):
        vietqr_payload(**args)


def test_svg_is_rendered_on_the_server():
    svg = qr_svg("00020101021238570010A000000727")
    assert svg.startswith("<svg") and "</svg>" in svg
