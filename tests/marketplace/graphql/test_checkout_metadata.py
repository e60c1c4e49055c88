"""`updateMetadata` on a checkout, in the shape the current Saleor storefront sends (a guest's marketing
consent): a real, bounded key/value store on the checkout."""

import pytest
from django.contrib.auth.models import AnonymousUser
from graphql_relay import to_global_id

from marketplace.checkout import services
from marketplace.checkout.models import Checkout

pytestmark = pytest.mark.django_db

UPDATE = """mutation Consent($id: ID!, $input: [MetadataInput!]!) {
  updateMetadata(id: $id, input: $input) {
    errors { field code message }
    item { ... on Checkout { id metadata { key value } metafield(key: "consent") } }
  }
}"""
READ = """query($id: ID!) { checkout(id: $id) { metadata { key value } } }"""


@pytest.fixture
def checkout():
    return services.checkout_create(by=AnonymousUser())


def gid(checkout) -> str:
    return to_global_id("Checkout", str(checkout.token))


def test_a_guest_stores_and_reads_metadata_on_the_checkout(api, checkout):
    payload = api.data(UPDATE, {"id": gid(checkout), "input": [{"key": "consent", "value": "yes"}]})
    assert payload["updateMetadata"] == {
        "errors": [],
        "item": {"id": gid(checkout), "metadata": [{"key": "consent", "value": "yes"}], "metafield": "yes"},
    }
    # Other keys stay; the token works as the id too, as in Saleor.
    api.data(UPDATE, {"id": str(checkout.token), "input": [{"key": "source", "value": "web"}]})
    assert api.data(READ, {"id": gid(checkout)})["checkout"]["metadata"] == [
        {"key": "consent", "value": "yes"},
        {"key": "source", "value": "web"},
    ]
    checkout.refresh_from_db()
    assert checkout.metadata == {"consent": "yes", "source": "web"}


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([{"key": " ", "value": "x"}], "REQUIRED"),
        ([{"key": "k" * (services.METADATA_KEY_MAX_LENGTH + 1), "value": "x"}], "INVALID"),
        ([{"key": "k", "value": "v" * (services.METADATA_VALUE_MAX_LENGTH + 1)}], "INVALID"),
        ([{"key": f"k{n}", "value": "v"} for n in range(services.METADATA_MAX_KEYS + 1)], "INVALID"),
    ],
)
def test_unbounded_metadata_is_refused_and_nothing_changes(api, checkout, items, code):
    services.checkout_metadata_update(checkout=checkout, items=[("consent", "yes")], by=AnonymousUser())
    payload = api.data(UPDATE, {"id": gid(checkout), "input": items})["updateMetadata"]
    assert payload["item"] is None
    assert [error["code"] for error in payload["errors"]] == [code]
    assert Checkout.objects.get(pk=checkout.pk).metadata == {"consent": "yes"}


def test_the_key_count_includes_the_keys_already_stored(checkout):
    full = [(f"k{n}", "v") for n in range(services.METADATA_MAX_KEYS)]
    services.checkout_metadata_update(checkout=checkout, items=full, by=AnonymousUser())
    with pytest.raises(Exception, match="tối đa"):
        services.checkout_metadata_update(checkout=checkout, items=[("one-more", "v")], by=AnonymousUser())
    assert len(Checkout.objects.get(pk=checkout.pk).metadata) == services.METADATA_MAX_KEYS


def test_ids_of_other_objects_and_unknown_checkouts_are_refused(api, checkout):
    unknown = to_global_id("Checkout", "00000000-0000-0000-0000-000000000000")
    for bad in (to_global_id("Product", "1"), unknown):
        payload = api.data(UPDATE, {"id": bad, "input": [{"key": "a", "value": "b"}]})["updateMetadata"]
        assert payload["item"] is None and len(payload["errors"]) == 1
    assert Checkout.objects.get(pk=checkout.pk).metadata == {}
