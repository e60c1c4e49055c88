"""The one way the suite puts the seeded rows back (tests/conftest.py): after a flush, the rows the data
migrations wrote return with their ids, and rows a test wrote do not."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from marketplace.catalog.models import Category, Channel, Collection
from marketplace.content.models import Menu
from tests.conftest import _restore_seed
from tests.factories import ProducerFactory

SEEDED = (ContentType, Category, Channel, Collection, Menu)


def _rows() -> dict:
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in SEEDED}


@pytest.mark.django_db(transaction=True)
def test_the_seeded_rows_come_back_with_their_ids_after_a_flush(_seed_snapshot):
    seeded = _rows()
    assert all(seeded.values()), seeded
    producer = ProducerFactory()
    # What a transactional test's teardown does without serialized rollback: flush, then post_migrate
    # recreates the content types under new ids.
    call_command("flush", verbosity=0, interactive=False)
    assert _rows() != seeded

    _restore_seed(_seed_snapshot)

    assert _rows() == seeded
    assert not type(producer).objects.exists()
