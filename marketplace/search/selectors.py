"""Reads of the search app: the single entry point views and the API use, whatever the backend."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from django.conf import settings
from django.db.models import Q
from django.utils.module_loading import import_string

from marketplace.catalog.selectors import (
    ProductCard,
    product_cards,
)
from marketplace.search.backends.base import SearchBackend, SearchQuery, SearchResult
from marketplace.search.backends.postgres import query_words
from marketplace.search.spelling import spelling_for


@lru_cache(maxsize=4)
def _backend_for(path: str) -> SearchBackend:
    backend: SearchBackend = import_string(path)()
    return backend


def search_backend() -> SearchBackend:
    """The backend named by settings.SEARCH_BACKEND (cached per path, so tests may override the setting)."""
    return _backend_for(settings.SEARCH_BACKEND)


def search_products(query: SearchQuery) -> SearchResult:
    """Ids of visible products in rank order for one page, the total and the facet counts. Callers load the
    cards through `visible_product_cards_in_order` (the visibility rule again) from these ids.

    When no product holds every word (nothing found, or only near matches), words the catalogue does not
    know are corrected (search/spelling.py: "caphe son lla" searches "ca phe son la"), whatever the backend,
    and the result carries the suggestion to show. A query whose words all match costs nothing more."""
    backend = search_backend()
    result = backend.search(query)
    if result.total and not result.fuzzy:
        return result
    spelling = spelling_for(query_words(query.text))
    if not spelling.changed:
        return result
    corrected = backend.search(replace(query, text=" ".join(spelling.words)))
    if not corrected.total and result.total:
        return result  # the rewrite finds nothing: the near matches of what was typed are better than none
    corrected.suggestion = spelling.suggestion
    return corrected


def visible_product_cards_in_order(
    product_ids: list[int], *, language_code: str | None = None
) -> list[ProductCard]:
    """The cards of a result page (same visibility rule and order), in one query (two with a language to
    translate names into): what listings render."""
    if not product_ids:
        return []
    cards = product_cards(where=Q(pk__in=product_ids), language_code=language_code)
    return _in_order(product_ids, {card["id"]: card for card in cards})


def _in_order(product_ids: list[int], by_id: dict) -> list:
    return [by_id[pk] for pk in product_ids if pk in by_id]
