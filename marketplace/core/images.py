"""Untrusted image uploads: decide the type from the bytes (never the name), refuse oversize files and
decompression bombs before decoding, then re-encode so no metadata or trailing payload survives."""

import dataclasses
import io
import math
import uuid
import warnings
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> (file extension, save options). Only these three are accepted.
FORMATS: dict[str, tuple[str, dict[str, Any]]] = {
    "JPEG": ("jpg", {"quality": 85, "optimize": True}),
    "PNG": ("png", {"optimize": True}),
    "WEBP": ("webp", {"quality": 85, "method": 4}),
}
THUMBNAIL_FORMAT = "WEBP"


class ImageErrorCode:
    TOO_LARGE = "image_too_large"
    NOT_AN_IMAGE = "not_an_image"
    SVG = "image_svg_refused"
    UNSUPPORTED = "image_unsupported_type"
    DIMENSIONS = "image_dimensions"
    DAMAGED = "image_damaged"


@dataclasses.dataclass(frozen=True)
class CleanImage:
    content: ContentFile  # re-encoded image, named <uuid>.<ext>
    thumbnail: ContentFile  # WebP, fits in IMAGE_THUMBNAIL_SIZE
    medium: ContentFile  # WebP, fits in IMAGE_MEDIUM_SIZE (the responsive `srcset` step between the two)
    width: int
    height: int
    format: str


def _mb(size: int) -> str:
    # Rounded up to 0.1 MB, so a file just over the limit never reads as equal to it.
    tenths = math.ceil(size * 10 / (1024 * 1024))
    return f"{tenths / 10:g} MB"


def _looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")) or b"<svg" in text[:1024]


def _read_limited(uploaded_file: Any, max_bytes: int) -> bytes:
    """The upload's bytes, refusing anything bigger than max_bytes without reading it all into memory."""
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            f"Ảnh quá lớn ({_mb(size)}); tối đa {_mb(max_bytes)}. / Image too large (max {_mb(max_bytes)}).",
            code=ImageErrorCode.TOO_LARGE,
        )
    uploaded_file.seek(0)
    data: bytes = uploaded_file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(
            f"Ảnh quá lớn; tối đa {_mb(max_bytes)}. / Image too large (max {_mb(max_bytes)}).",
            code=ImageErrorCode.TOO_LARGE,
        )
    return data


def clean_uploaded_image(uploaded_file: Any) -> CleanImage:
    """Validate and re-encode an uploaded image. Raises ValidationError with a message for people."""
    max_bytes = settings.IMAGE_UPLOAD_MAX_BYTES
    max_side = settings.IMAGE_UPLOAD_MAX_SIDE
    max_pixels = settings.IMAGE_UPLOAD_MAX_PIXELS
    data = _read_limited(uploaded_file, max_bytes)
    if _looks_like_markup(data[:2048]):
        raise ValidationError(
            "Không nhận ảnh SVG/HTML (có thể chứa mã độc); hãy tải ảnh JPEG, PNG hoặc WebP. "
            "/ SVG or markup files are refused; upload JPEG, PNG or WebP.",
            code=ImageErrorCode.SVG,
        )
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; treat the warning as the error it is.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image: Image.Image = Image.open(io.BytesIO(data))
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            if isinstance(exc, UnidentifiedImageError):
                raise ValidationError(
                    "Tệp không phải là ảnh; hãy tải ảnh JPEG, PNG hoặc WebP. "
                    "/ Not an image; upload JPEG, PNG or WebP.",
                    code=ImageErrorCode.NOT_AN_IMAGE,
                ) from exc
            raise ValidationError(
                "Kích thước ảnh quá lớn. / Image dimensions too large.", code=ImageErrorCode.DIMENSIONS
            ) from exc
        if image.format not in FORMATS:
            raise ValidationError(
                f"Định dạng {image.format} không được nhận; chỉ JPEG, PNG hoặc WebP. "
                f"/ {image.format} refused; only JPEG, PNG or WebP.",
                code=ImageErrorCode.UNSUPPORTED,
            )
        # The header gives the size before any pixel is decoded: refuse bombs here.
        width, height = image.size
        if width < 1 or height < 1 or max(width, height) > max_side or width * height > max_pixels:
            raise ValidationError(
                f"Kích thước ảnh {width}×{height} vượt giới hạn {max_side}px mỗi cạnh "
                f"({max_pixels // 1_000_000} megapixel). / Image dimensions too large.",
                code=ImageErrorCode.DIMENSIONS,
            )
        fmt = image.format
        if fmt == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the stored copy is smaller anyway (much faster
            # for phone photos); the result is still at least IMAGE_DISPLAY_MAX_SIDE on its long side.
            ratio = min(settings.IMAGE_DISPLAY_MAX_SIDE / max(width, height), 1)
            image.draft("RGB", (math.ceil(width * ratio), math.ceil(height * ratio)))
        try:
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF tag asked for
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            raise ValidationError(
                "Ảnh bị hỏng hoặc không đọc được. / The image is damaged.", code=ImageErrorCode.DAMAGED
            ) from exc
    image = _normalise_mode(image, fmt)
    display = image.copy()
    display.thumbnail((settings.IMAGE_DISPLAY_MAX_SIDE,) * 2, Image.Resampling.LANCZOS)
    thumb = image.copy()
    thumb.thumbnail(settings.IMAGE_THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    medium = image.copy()
    medium.thumbnail(settings.IMAGE_MEDIUM_SIZE, Image.Resampling.LANCZOS)
    stem = uuid.uuid4().hex
    ext, options = FORMATS[fmt]
    thumb_ext, thumb_options = FORMATS[THUMBNAIL_FORMAT]
    return CleanImage(
        content=ContentFile(_encode(display, fmt, options), name=f"{stem}.{ext}"),
        thumbnail=ContentFile(_encode(thumb, THUMBNAIL_FORMAT, thumb_options), name=f"{stem}.{thumb_ext}"),
        medium=ContentFile(_encode(medium, THUMBNAIL_FORMAT, thumb_options), name=f"{stem}.{thumb_ext}"),
        width=display.width,
        height=display.height,
        format=fmt,
    )


def _normalise_mode(image: Image.Image, fmt: str) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if fmt == "JPEG":
        return image.convert("RGB") if image.mode != "RGB" else image
    return image.convert("RGBA" if has_alpha else "RGB") if image.mode not in ("RGB", "RGBA") else image


def _encode(image: Image.Image, fmt: str, options: dict[str, Any]) -> bytes:
    """A fresh file from pixels only: no EXIF, ICC, XMP, comments or bytes after the image end."""
    out = io.BytesIO()
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    if fmt == "JPEG" and clean.mode != "RGB":
        clean = clean.convert("RGB")
    clean.save(out, format=fmt, **options)
    return out.getvalue()
