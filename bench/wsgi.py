"""WSGI entry point of the storefront bench only: the site plus the ceiling view (bench/ceiling.py)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
application = get_wsgi_application()
settings.ROOT_URLCONF = "bench.urls"
