"""Small server-side SVG bar charts for the staff overview: no JavaScript, no CDN, readable without CSS."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#1b5e20"


def horizontal_bar_chart(
    rows: list[tuple[str, int]], *, title: str, width: int = 560, bar_height: int = 18, label_width: int = 170
) -> SafeString:
    """One bar per (label, value). Labels and title are escaped; a <title> names it for screen readers."""
    gap = 6
    top = 28
    height = top + max(len(rows), 1) * (bar_height + gap) + 8
    peak = max((value for _, value in rows), default=0) or 1
    plot = width - label_width - 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="chart" data-chart="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    if not rows:
        parts.append(f'<text x="0" y="{top + 14}" font-size="12">–</text>')
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_height + gap)
        length = round(plot * value / peak)
        parts.append(
            f'<g data-label="{escape(label)}" data-value="{int(value)}">'
            f'<text x="{label_width - 6}" y="{y + bar_height - 5}" font-size="12" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" fill="{BAR_COLOUR}"/>'
            f'<text x="{label_width + length + 4}" y="{y + bar_height - 5}" font-size="12">'
            f"{int(value)}</text>"
            "</g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def vertical_bar_chart(
    rows: list[tuple[str, int]], *, title: str, width: int = 560, height: int = 220
) -> SafeString:
    """Columns (e.g. one per month) with the label under each and the value above."""
    top, bottom = 40, 36  # room above the tallest bar for its value
    count = max(len(rows), 1)
    slot = width / count
    bar = max(slot * 0.7, 2)
    peak = max((value for _, value in rows), default=0) or 1
    plot = height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="chart" data-chart="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(rows):
        x = index * slot + (slot - bar) / 2
        length = round(plot * value / peak)
        y = top + plot - length
        centre = x + bar / 2
        parts.append(
            f'<g data-label="{escape(label)}" data-value="{int(value)}">'
            f'<rect x="{x:.1f}" y="{y}" width="{bar:.1f}" height="{length}" fill="{BAR_COLOUR}"/>'
            f'<text x="{centre:.1f}" y="{y - 3}" font-size="11" text-anchor="middle">{int(value)}</text>'
            f'<text x="{centre:.1f}" y="{height - bottom + 16}" font-size="11" text-anchor="middle">'
            f"{escape(label)}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
