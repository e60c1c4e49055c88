"""The footer's facts: the platform operator from settings (no database, so the 500 page renders it too)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def platform_operator() -> dict:
    return dict(settings.PLATFORM_OPERATOR)
