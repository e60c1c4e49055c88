"""Producer portal uploads: how long validating and re-encoding a phone photo takes, and how fast a
decompression bomb is refused (it must be refused from the header, before any pixel is decoded)."""

import io
import os
import secrets
import statistics
import time


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))  # no database is used here
    import django

    django.setup()


def _photo(size: tuple[int, int]) -> bytes:
    from PIL import Image

    # Smooth noise, upscaled: compresses about like a phone photo (flat colour would flatter the numbers).
    small = Image.merge("RGB", [Image.effect_noise((size[0] // 8, size[1] // 8), 80) for _ in range(3)])
    image = small.resize(size, Image.Resampling.BICUBIC)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _time(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def run(options) -> dict:
    _setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from marketplace.core.images import clean_uploaded_image
    from tests.factories.portal import png_bomb

    repeat = 3 if options.quick else 10
    size = (1600, 1200) if options.quick else (4000, 3000)
    photo = _photo(size)

    def clean_photo():
        clean_uploaded_image(SimpleUploadedFile("p.jpg", photo, "image/jpeg"))

    bomb = png_bomb()

    def refuse_bomb():
        try:
            clean_uploaded_image(SimpleUploadedFile("b.png", bomb, "image/png"))
        except ValidationError:
            return
        raise AssertionError("bomb accepted")

    photo_ms = _time(clean_photo, repeat)
    bomb_ms = _time(refuse_bomb, repeat * 10)
    return {
        "photo_pixels": f"{size[0]}x{size[1]}",
        "photo_bytes": len(photo),
        "clean_photo_median_ms": round(statistics.median(photo_ms), 1),
        "clean_photo_max_ms": round(max(photo_ms), 1),
        "refuse_10gigapixel_bomb_median_ms": round(statistics.median(bomb_ms), 3),
    }
