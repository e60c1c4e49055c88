"""Test data for the producer portal and uploads (issue 7)."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.producers.models import MembershipRole
from tests.factories import MembershipFactory, UserFactory


def member_of(producer, *, role: str = MembershipRole.OWNER, email: str | None = None):
    user = UserFactory(**({"email": email} if email else {}))
    MembershipFactory(producer=producer, user=user, role=role)
    return user


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), colour=(200, 30, 30), **save) -> bytes:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_upload(name: str = "photo.png", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    return upload(image_bytes("PNG", size), name)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny file whose header claims a huge image (10 gigapixels here): decoding it would exhaust memory."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    # One compressed row of zeros is enough to look plausible; the rest is missing (never decoded).
    idat = zlib.compress(b"\x00" * (width + 1), 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script type="text/javascript">alert(document.cookie)</script>'
    b'<rect width="10" height="10" fill="red"/></svg>'
)


def jpeg_with_exif_and_payload() -> bytes:
    """A JPEG carrying GPS-like EXIF and a script appended after the end-of-image marker (a polyglot)."""
    image = Image.new("RGB", (80, 60), (10, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "secret-software"  # Software
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue() + b"<script>alert(1)</script>"
