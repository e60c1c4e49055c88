"""Product pictures for the demo catalogue, drawn here with Pillow when the demo loads: a package shaped
after the product (coffee bag, tea tin, honey jar, bottle, dried-fruit pouch, rice sack, fruit basket, egg
tray, woven cloth, gift box) with the product's name on its label, in colours chosen from the name. The same
name always gives the same picture; nothing is fetched and no outside artwork is used."""

from __future__ import annotations

import hashlib
import io
import textwrap
from collections.abc import Callable
from colorsys import hls_to_rgb
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 800, 600
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
FONT_FILES = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf")

# First matching keyword (in the folded, lower-case name and unit) decides the shape.
SHAPES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("ca phe",), "coffee_bag"),
    (("mat ong",), "honey_jar"),
    (("chai", "tinh dau", "nuoc mam"), "bottle"),
    (("tho cam",), "cloth"),
    (("dong trung",), "box"),
    (("trung",), "egg_tray"),
    (("gao", "com"), "rice_sack"),
    (("hu", "sua chua", "cao mem", "ruoc", "toi den"), "jar"),
    (("tra", "che"), "tea_tin"),
    (("say", "lap suon", "hun khoi", "thit", "khau nhuc"), "pouch"),
    (("qua", "nai", "nho", "chuoi", "le", "ca chua", "khoai", "cai", "nhan"), "basket"),
)


def _fold(text: str) -> str:
    from marketplace.core.text import slugify_vi

    return " " + slugify_vi(text, max_length=200).replace("-", " ") + " "


def shape_for(name: str, unit: str = "") -> str:
    folded = _fold(f"{name} {unit}")
    for words, shape in SHAPES:
        if any(f" {word} " in folded for word in words):
            return shape
    return "box"


Palette = dict[str, tuple[int, int, int]]


def _palette(name: str) -> Palette:
    digest = hashlib.sha256(name.encode()).digest()
    hue = digest[0] / 255

    def colour(h: float, lightness: float, saturation: float) -> tuple[int, int, int]:
        r, g, b = hls_to_rgb(h % 1, lightness, saturation)
        return round(r * 255), round(g * 255), round(b * 255)

    return {
        "bg": colour(hue + 0.5, 0.93, 0.35),
        "floor": colour(hue + 0.5, 0.84, 0.25),
        "main": colour(hue, 0.36 + digest[1] / 255 * 0.16, 0.55),
        "dark": colour(hue, 0.22, 0.5),
        "accent": colour(hue + 0.12, 0.55, 0.75),
        "label": (253, 250, 240),
        "ink": (40, 32, 24),
    }


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for folder in FONT_DIRS:
        for file in FONT_FILES:
            if (folder / file).exists():
                return ImageFont.truetype(str(folder / file), size)
    return ImageFont.load_default(size=size)


def _label(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], name: str, unit: str, p: Palette
) -> None:
    """A cream label with the name (wrapped, shrunk to fit), the unit and the OCOP mark."""
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=10, fill=p["label"], outline=p["dark"], width=3)
    inner = x1 - x0 - 24
    for size in (34, 30, 26, 22, 19, 16):
        font = _font(size)
        lines = textwrap.wrap(name, width=max(int(inner / (size * 0.55)), 6))[:3]
        if all(draw.textlength(line, font=font) <= inner for line in lines):
            break
    y = y0 + 12
    for line in lines:
        width = draw.textlength(line, font=font)
        draw.text(((x0 + x1 - width) / 2, y), line, font=font, fill=p["ink"])
        y += int(size * 1.2)
    small = _font(18)
    if unit and y + 24 < y1:
        width = draw.textlength(unit, font=small)
        draw.text(((x0 + x1 - width) / 2, y + 4), unit, font=small, fill=p["dark"])
    mark = "OCOP ★"
    width = draw.textlength(mark, font=small)
    if y + 56 < y1:
        draw.text(((x0 + x1 - width) / 2, y1 - 30), mark, font=small, fill=(183, 28, 28))


def _coffee_bag(d: ImageDraw.ImageDraw, p: Palette, name: str, unit: str) -> None:
    d.polygon([(260, 150), (540, 150), (570, 520), (230, 520)], fill=p["main"], outline=p["dark"])
    d.rectangle((260, 120, 540, 160), fill=p["dark"])
    for x in range(275, 530, 18):
        d.line((x, 124, x, 156), fill=p["main"], width=2)
    for i, (x, y) in enumerate(((300, 470), (330, 490), (500, 480), (470, 500))):
        d.ellipse((x - 14, y - 10, x + 14, y + 10), fill=(92, 58, 34) if i % 2 else (110, 70, 40))
    _label(d, (275, 220, 525, 440), name, unit, p)


def _tea_tin(d: ImageDraw.ImageDraw, p: Palette, name: str, unit: str) -> None:
    d.rounded_rectangle((250, 150, 550, 520), radius=18, fill=p["main"], outline=p["dark"], width=4)
    d.rounded_rectangle((240, 120, 560, 175), radius=12, fill=p["dark"])
    d.ellipse((520, 420, 640, 500), fill=(120, 160, 70))
    d.ellipse((560, 400, 660, 470), fill=(90, 140, 55))
    _label(d, (275, 220, 525, 450), name, unit, p)


def _jar(d: ImageDraw.ImageDraw, p: Palette, name: str, unit: str, honey: bool = False) -> None:
    body = (235, 190, 565, 525)
    d.rounded_rectangle(
        body, radius=60, fill=(232, 168, 40) if honey else p["main"], outline=p["dark"], width=4
    )
    d.rounded_rectangle((270, 130, 530, 200), radius=14, fill=p["dark"])
    d.rectangle((285, 180, 515, 205), fill=p["accent"])
    if honey:
        d.ellipse((585, 430, 665, 510), fill=(250, 200, 70), outline=(160, 110, 20), width=3)
    _label(d, (265, 260, 535, 460), name, unit, p)


def _honey_jar(d: ImageDraw.ImageDraw, p: Palette, name: str, unit: str) -> None:
    _jar(d, p, name, unit, honey=True)


def _bottle(d: ImageDraw.ImageDraw, p: Palette, name: str, unit: str) -> None:
    d.rectangle((365, 90, 435, 170), fill=p["dark"])
    d.polygon([(365, 170), (435, 170), (500, 250), (300, 250)], fill=p["main"])
    d.rounded_rectangle((300, 240, 500, 530), radius=24, fill=p["main"], outline=p["dark"], width=4)
    _label(d, (310, 290, 490, 470), name, unit, p)


def _pouch(d: ImageDraw.ImageDraw, p: Palette, name: str, unit: str) -> None:
    d.polygon([(250, 130), (550, 130), (575, 525), (225, 525)], fill=p["main"], outline=p["dark"])
    d.rectangle((250, 130, 550, 150), fill=p["dark"])
    d.rounded_rectangle((330, 455, 470, 505), radius=20, fill=(250, 245, 230))
    for x in (360, 395, 430):
        d.ellipse((x - 14, 466, x + 14, 494), fill=p["accent"])
    _label(d, (270, 190, 530, 430), name, unit, p)


def _rice_sack(d: ImageDraw.ImageDraw, p: Palette, name: str, unit: str) -> None:
    d.polygon([(250, 170), (550, 170), (590, 525), (210, 525)], fill=(236, 222, 190), outline=p["dark"])
    d.polygon([(250, 170), (300, 120), (400, 150), (500, 120), (550, 170)], fill=(226, 208, 170))
    d.line((260, 170, 540, 170), fill=p["dark"], width=6)
    _label(d, (265, 220, 535, 450), name, unit, p)


FRUIT_COLOURS = {
    "ca chua": (214, 48, 39),
    "khoai": (196, 160, 96),
    "nho": (86, 40, 90),
    "buoi": (170, 196, 70),
    "nhan": (206, 170, 110),
    "chuoi": (240, 205, 60),
    "le": (190, 210, 90),
    "man": (150, 40, 80),
    "cai": (60, 120, 60),
}


def _basket(d: ImageDraw.ImageDraw, p: Palette, name: str, unit: str) -> None:
    folded = _fold(name)
    fruit = next((rgb for word, rgb in FRUIT_COLOURS.items() if f" {word} " in folded), p["accent"])
    d.polygon([(190, 330), (610, 330), (560, 525), (240, 525)], fill=(166, 118, 64), outline=(110, 74, 36))
    for y in range(350, 520, 24):
        d.line((205, y, 595, y), fill=(130, 90, 48), width=3)
    for i in range(7):
        x = 240 + i * 54
        d.ellipse((x - 38, 255 + (i % 2) * 20, x + 38, 335 + (i % 2) * 20), fill=fruit, outline=p["dark"])
    _label(d, (260, 90, 540, 230), name, unit, p)


def _egg_tray(d: ImageDraw.ImageDraw, p: Palette, name: str, unit: str) -> None:
    d.rounded_rectangle(
        (180, 360, 620, 520), radius=16, fill=(198, 178, 140), outline=(140, 120, 90), width=3
    )
    for row in range(2):
        for col in range(5):
            x, y = 240 + col * 80, 380 + row * 60
            d.ellipse(
                (x - 28, y - 36 + 20, x + 28, y + 36 + 10), fill=(240, 226, 200), outline=(170, 150, 120)
            )
    _label(d, (250, 90, 550, 300), name, unit, p)


def _cloth(d: ImageDraw.ImageDraw, p: Palette, name: str, unit: str) -> None:
    d.rectangle((170, 300, 630, 525), fill=p["main"])
    for y in range(300, 525, 30):
        for x in range(170, 630, 46):
            colour = p["accent"] if (x // 46 + y // 30) % 2 else p["label"]
            d.polygon([(x + 23, y + 3), (x + 43, y + 15), (x + 23, y + 27), (x + 3, y + 15)], fill=colour)
    d.rectangle((170, 300, 630, 525), outline=p["dark"], width=5)
    _label(d, (240, 90, 560, 260), name, unit, p)


def _box(d: ImageDraw.ImageDraw, p: Palette, name: str, unit: str) -> None:
    d.rectangle((230, 170, 570, 525), fill=p["main"], outline=p["dark"], width=4)
    d.polygon([(230, 170), (290, 120), (630, 120), (570, 170)], fill=p["accent"], outline=p["dark"])
    d.polygon([(570, 170), (630, 120), (630, 470), (570, 525)], fill=p["dark"])
    _label(d, (255, 220, 545, 450), name, unit, p)


DRAW: dict[str, Callable[[ImageDraw.ImageDraw, Palette, str, str], None]] = {
    "coffee_bag": _coffee_bag,
    "tea_tin": _tea_tin,
    "honey_jar": _honey_jar,
    "jar": _jar,
    "bottle": _bottle,
    "pouch": _pouch,
    "rice_sack": _rice_sack,
    "basket": _basket,
    "egg_tray": _egg_tray,
    "cloth": _cloth,
    "box": _box,
}


def demo_picture(name: str, unit: str = "") -> bytes:
    """A WebP (800 × 600) of the product `name`; the same arguments always give the same picture."""
    palette = _palette(name)
    image = Image.new("RGB", (WIDTH, HEIGHT), palette["bg"])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 470, WIDTH, HEIGHT), fill=palette["floor"])
    draw.ellipse((190, 500, 610, 560), fill=tuple(max(c - 30, 0) for c in palette["floor"]))
    DRAW[shape_for(name, unit)](draw, palette, name, unit)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=82, method=4)
    return out.getvalue()
