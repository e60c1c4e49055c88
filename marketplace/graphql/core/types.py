"""Shared Saleor types: money, images, countries, enums and the error shape."""

import graphene
from django.conf import settings
from graphene.types.generic import GenericScalar


class JSON(GenericScalar):
    """Saleor's JSON scalar: any JSON value, as is (JSONString is the string-encoded one)."""

    class Meta:
        name = "JSON"


class OrderDirection(graphene.Enum):
    ASC = "ASC"
    DESC = "DESC"

    @property
    def description(self):
        return "Specifies the direction in which to sort items."


class ThumbnailFormatEnum(graphene.Enum):
    ORIGINAL = "ORIGINAL"
    AVIF = "AVIF"
    WEBP = "WEBP"


class Money(graphene.ObjectType):
    currency = graphene.String(required=True, description="Currency code.")
    amount = graphene.Float(required=True, description="Amount of money.")

    class Meta:
        description = "Represents amount of money in specific currency."


class TaxedMoney(graphene.ObjectType):
    currency = graphene.String(required=True)
    gross = graphene.Field(Money, required=True, description="Amount of money including taxes.")
    net = graphene.Field(Money, required=True, description="Amount of money without taxes.")
    tax = graphene.Field(Money, required=True, description="Amount of taxes.")

    class Meta:
        description = "Represents a monetary value with taxes. VND prices are tax-inclusive: gross = net."


class TaxedMoneyRange(graphene.ObjectType):
    start = graphene.Field(TaxedMoney)
    stop = graphene.Field(TaxedMoney)


class PositiveDecimal(graphene.Decimal):
    class Meta:
        name = "PositiveDecimal"


def money(amount: int | float) -> dict:
    return {"amount": float(amount), "currency": settings.DEFAULT_CURRENCY}


def taxed_money(amount: int | float) -> dict:
    value = money(amount)
    return {"currency": value["currency"], "gross": value, "net": value, "tax": money(0)}


class Image(graphene.ObjectType):
    url = graphene.String(required=True, description="The URL of the image.")
    alt = graphene.String(description="Alt text for an image.")


class CountryDisplay(graphene.ObjectType):
    code = graphene.String(required=True, description="Country code.")
    country = graphene.String(required=True, description="Country name.")


COUNTRY_NAMES = {"VN": "Viet Nam"}


def _country_codes() -> list[str]:
    """ISO 3166 alpha-2 codes as CLDR (through Babel) knows them, like Saleor's CountryCode."""
    from babel import Locale

    unknown = {"ZZ", "QO", "XA", "XB"}  # CLDR's placeholders, not countries
    territories = [str(code) for code in Locale("en").territories]
    return sorted(code for code in territories if len(code) == 2 and code.isalpha() and code not in unknown)


CountryCode = graphene.Enum(
    "CountryCode",
    [(code, code) for code in _country_codes()],
    description="Country codes (ISO 3166 alpha-2); delivery is only within VN.",
)


def country(code: str) -> dict:
    return {"code": code, "country": COUNTRY_NAMES.get(code, code)}


class Weight(graphene.ObjectType):
    unit = graphene.String(required=True)
    value = graphene.Float(required=True)


def absolute_media_url(info, file_name: str) -> str:
    from django.core.files.storage import default_storage

    url = default_storage.url(file_name)
    if url.startswith("/"):
        return info.context.build_absolute_uri(url)
    return url
