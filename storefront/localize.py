"""The storefront's language for catalogue text: Vietnamese is the source; in another active language (the
language switch sets English), product and category names come from their translations where one exists."""

from django.utils import translation

from marketplace.core.languages import SOURCE_LANGUAGE, language_code_is_valid


def shopper_language() -> str | None:
    """The active language when catalogue text should be translated into it (`en`), else None."""
    code = (translation.get_language() or SOURCE_LANGUAGE).lower()
    if code == SOURCE_LANGUAGE or not language_code_is_valid(code):
        return None
    return code
