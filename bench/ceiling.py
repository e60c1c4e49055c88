"""The storefront bench's ceiling: what the same gunicorn setup serves when a view does no work.

`bench.wsgi` (used only by bench/bench_storefront.py) serves `bench.urls`: the site's URLs plus
`/__bench__/ceiling/`, a bare view returning about 30 KB of static HTML (the size of a listing page)
through the full middleware stack, with no query and no template. Production serves `marketplace.wsgi`,
whose URLconf does not know this path.
"""

from django.http import HttpRequest, HttpResponse

CEILING_PATH = "/__bench__/ceiling/"

_ROW = (
    '<li class="card"><a href="/products/bench-product-{0}/">Sản phẩm OCOP số {0}</a> <b>120.000 ₫</b></li>\n'
)
CEILING_HTML = (
    "<!doctype html><html lang=vi><head><meta charset=utf-8><title>Ceiling</title></head><body><ul>\n"
    + "".join(_ROW.format(i) for i in range(280))
    + "</ul></body></html>\n"
).encode()


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(CEILING_HTML, content_type="text/html; charset=utf-8")
