"""What schema-building clients (GraphQL Code Generator in Saleor's storefront, graphql-js 16) read from our
introspection: only the spec's directive locations, and the older `checkoutId` argument the current Saleor
storefront still sends, even without `includeDeprecated`."""

import pytest

pytestmark = pytest.mark.django_db

DIRECTIVES = "{ __schema { directives { name locations } } }"
PROMO_ARGS = """{ __type(name: "Mutation") { fields { name args { name } } } }"""


def test_deprecated_has_the_spec_locations_only(api):
    directives = {d["name"]: d["locations"] for d in api.data(DIRECTIVES)["__schema"]["directives"]}
    assert directives["deprecated"] == [
        "FIELD_DEFINITION",
        "ARGUMENT_DEFINITION",
        "INPUT_FIELD_DEFINITION",
        "ENUM_VALUE",
    ]


def test_the_older_checkout_id_argument_is_listed_without_include_deprecated(api):
    fields = {f["name"]: [a["name"] for a in f["args"]] for f in api.data(PROMO_ARGS)["__type"]["fields"]}
    for name in ("checkoutAddPromoCode", "checkoutRemovePromoCode"):
        assert "checkoutId" in fields[name], name
