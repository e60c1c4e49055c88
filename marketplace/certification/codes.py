"""Short public codes of certificates, printed under QR labels and typed by people: 8 characters of
Crockford's base32 (no I, L, O or U), so a misread 0/O or 1/I/L still finds the certificate."""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_VALID = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def new_certificate_code() -> str:
    """A random code (40 bits). Uniqueness is the database's job; bulk writers draw through
    `unused_certificate_codes`, which also skips the codes already taken."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def database_certificate_code():
    """The same draw as a database default, for rows written by raw SQL or COPY without a code (bench
    loaders, tests, tools): 8 characters picked by random() in the INSERT itself."""
    from django.db.models import IntegerField, Value
    from django.db.models.functions import Cast, Concat, Floor, Random, Substr

    def one_character():
        position = Cast(Floor(Random() * len(ALPHABET)) + 1, output_field=IntegerField())
        return Substr(Value(ALPHABET), position, 1)

    return Concat(*(one_character() for _ in range(LENGTH)))


def normalise_certificate_code(text: str) -> str | None:
    """What a person typed or a scanner read, as the stored code; None when it cannot be one."""
    cleaned = text.strip().upper().replace("-", "").replace(" ", "").translate(_READ_AS)
    return cleaned if _VALID.fullmatch(cleaned) else None


def unused_certificate_codes(count: int) -> list[str]:
    """`count` distinct fresh codes that no certificate holds yet (one query per draw; a second draw is
    needed about once in ten million certificates)."""
    from marketplace.certification.models import Certification

    codes: set[str] = set()
    while len(codes) < count:
        drawn = {new_certificate_code() for _ in range(count - len(codes))} - codes
        taken = set(Certification.objects.filter(code__in=drawn).values_list("code", flat=True))
        codes |= drawn - taken
    return list(codes)
