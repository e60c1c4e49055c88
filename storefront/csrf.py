"""CSRF_FAILURE_VIEW: Django's own 403 page carries an inline <style>, which our CSP forbids."""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    return render(request, "storefront/csrf_failure.html", status=403)
