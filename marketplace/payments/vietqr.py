"""VietQR bank-transfer codes: the EMVCo merchant-presented QR payload that Vietnamese banking apps read
(NAPAS 247 "transfer to account"), with the CRC16 checksum, rendered as SVG on the server."""

import re

import segno
from django.conf import settings

NAPAS_GUID = "A000000727"
SERVICE_TRANSFER_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"  # ISO 4217 numeric


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"EMVCo field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) as four upper-case hex digits, as EMVCo requires."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return f"{crc:04X}"


def clean_reference(reference: str) -> str:
    """Banks carry only plain ASCII letters, digits and spaces in the transfer description."""
    return re.sub(r"[^A-Za-z0-9 ]", "", reference)[:25]


def vietqr_payload(*, bank_bin: str, account_number: str, amount: int, reference: str) -> str:
    if not (bank_bin.isdigit() and len(bank_bin) == 6):
        raise ValueError("bank BIN must be six digits")
    if not account_number.isalnum():
        raise ValueError("account number must be letters and digits")
    if amount <= 0:
        raise ValueError("amount must be positive")
    beneficiary = _tlv("00", bank_bin) + _tlv("01", account_number)
    merchant = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", SERVICE_TRANSFER_TO_ACCOUNT)
    payload = (
        _tlv("00", "01")
        + _tlv("01", "12")  # dynamic QR: this amount, this order
        + _tlv("38", merchant)
        + _tlv("53", CURRENCY_VND)
        + _tlv("54", str(int(amount)))
        + _tlv("58", "VN")
        + _tlv("62", _tlv("08", clean_reference(reference)))
        + "6304"
    )
    return payload + crc16_ccitt(payload)


def order_reference(order) -> str:
    return clean_reference(f"OCOP {order.number}")


def vietqr_payload_for_order(order) -> str:
    return vietqr_payload(
        bank_bin=settings.VIETQR_BANK_BIN,
        account_number=settings.VIETQR_ACCOUNT_NUMBER,
        amount=order.total_amount,
        reference=order_reference(order),
    )


def qr_svg(payload: str) -> str:
    """An inline <svg> element (no XML declaration), sized by the page's CSS."""
    return segno.make(payload, error="m", micro=False).svg_inline(scale=4, border=2, omitsize=True)
