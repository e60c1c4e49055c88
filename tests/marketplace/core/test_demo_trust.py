"""The demo catalogue shows every trust page with real content (issue 16): valid, expiring, expired and
revoked certificates, decisions with products, a non-empty open register."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from marketplace.certification.models import Certification, Decision
from marketplace.core.demo.loader import demo_load

pytestmark = pytest.mark.django_db


def test_demo_has_a_certificate_of_each_status_behind_its_page(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    demo_load()
    client = Client()
    seen = {}
    for cert in Certification.objects.order_by("pk"):
        html = client.get(f"/v/{cert.code}/").content.decode()
        seen.setdefault(re.search(r'data-certificate-status="([a-z]+)"', html).group(1), cert)
    assert set(seen) == {"valid", "expiring", "expired", "revoked", "superseded"}
    assert seen["expiring"].decision.number == "DEMO-MC-GIA-HAN/QĐ-UBND"
    tomato = client.get(f"/products/{seen['expiring'].product.slug}/").content.decode()
    assert re.findall(r'data-decision-number="([^"]+)" data-outcome="([a-z]+)"', tomato) == [
        ("DEMO-MC-GIA-HAN/QĐ-UBND", "renewed"),
        ("DEMO-MC-2023/QĐ-UBND", "new"),
    ]
    revocation = Decision.objects.get(number="3763/QĐ-UBND")
    assert client.get(f"/decisions/{revocation.pk}/").content.decode().count('data-outcome="revoked"') == 3
    assert b"".join(client.get("/open-data/certificates.csv").streaming_content).count(b"\n") > 40
    # Loading again (on any later day) adds nothing.
    count = Certification.objects.count()
    demo_load()
    assert Certification.objects.count() == count
