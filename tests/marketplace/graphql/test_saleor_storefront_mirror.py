"""The Saleor storefront's own operations, taken at test time from a local mirror of its repository (both the
classic and the current commit), validated against our schema with their fragments resolved across files.

The mirror lives outside this repository (SALEOR_STOREFRONT_MIRROR, default /work/.mirror/...): without it
the test is skipped with a notice. Issue 13's account/order part: measured on 2026-12-04, the operations
of this area that validate went from 6 of 13 (classic) and 3 of 24 (current) to 11/13 and 16/24; the rest wait
for translations (LanguageCodeEnum), checkout payment fields and the customer attach/detach and deletion
mutations (docs/graphql.md)."""

import pytest
from graphql import parse, validate

from marketplace.graphql.api import schema
from tests.marketplace.graphql import saleor_storefront_mirror as mirror

pytestmark = pytest.mark.skipif(
    not mirror.available(), reason=f"NOTICE: no Saleor storefront mirror at {mirror.MIRROR}; skipped"
)

# Operations of the account and order area that must validate as the storefront sends them.
ACCOUNT_AREA = [
    ("classic", "src/checkout/graphql/checkout.graphql#checkoutComplete"),
    ("classic", "src/checkout/graphql/user.graphql#user"),
    ("classic", "src/checkout/graphql/user.graphql#userRegister"),
    ("classic", "src/checkout/graphql/user.graphql#requestPasswordReset"),
    ("classic", "src/checkout/graphql/user.graphql#userAddressDelete"),
    ("classic", "src/checkout/graphql/user.graphql#userAddressUpdate"),
    ("classic", "src/checkout/graphql/user.graphql#userAddressCreate"),
    ("classic", "src/graphql/CurrentUser.graphql#CurrentUser"),
    ("classic", "src/graphql/CurrentUserOrderList.graphql#CurrentUserOrderList"),
    ("current", "src/checkout/graphql/user.graphql#user"),
    ("current", "src/checkout/graphql/user.graphql#userRegister"),
    ("current", "src/checkout/graphql/user.graphql#requestPasswordReset"),
    ("current", "src/checkout/graphql/user.graphql#userAddressDelete"),
    ("current", "src/checkout/graphql/user.graphql#userAddressUpdate"),
    ("current", "src/checkout/graphql/user.graphql#userAddressCreate"),
    ("current", "src/checkout/graphql/user.graphql#userSetDefaultAddress"),
    ("current", "src/graphql/AccountAddressCreate.graphql#AccountAddressCreate"),
    ("current", "src/graphql/AccountAddressDelete.graphql#AccountAddressDelete"),
    ("current", "src/graphql/AccountAddressUpdate.graphql#AccountAddressUpdate"),
    ("current", "src/graphql/AccountSetDefaultAddress.graphql#AccountSetDefaultAddress"),
    ("current", "src/graphql/AccountUpdate.graphql#AccountUpdate"),
    ("current", "src/graphql/CurrentUser.graphql#CurrentUser"),
    ("current", "src/graphql/CurrentUserProfile.graphql#CurrentUserProfile"),
    ("current", "src/graphql/PasswordChange.graphql#PasswordChange"),
    ("current", "src/graphql/CheckoutCustomerDetach.graphql#CheckoutCustomerDetach"),
    ("current", "src/graphql/AccountRequestDeletion.graphql#AccountRequestDeletion"),
    ("current", "src/checkout/graphql/checkout.graphql#deliveryOptionsCalculate"),
]


@pytest.fixture(scope="module")
def storefront_operations() -> dict[str, dict[str, str]]:
    return {label: mirror.operations(commit) for label, commit in mirror.COMMITS.items()}


def test_the_mirror_yields_both_commits_operations(storefront_operations):
    assert len(storefront_operations["classic"]) >= 40
    assert len(storefront_operations["current"]) >= 55


@pytest.mark.parametrize(
    ("label", "key"), ACCOUNT_AREA, ids=[f"{label}:{key}" for label, key in ACCOUNT_AREA]
)
def test_account_and_order_operations_validate(storefront_operations, label, key):
    document = storefront_operations[label][key]
    assert [error.message for error in validate(schema.graphql_schema, parse(document))] == []


# The catalogue operations (products, variants, categories, collections, search, content pages): apart
# from the `translation`/`slugLanguageCode` fields that the translations work adds, each validates.
# Measured on 2026-12-04 (catalogue part of issue 13): the current commit's operations that validate apart
# from translation errors went from 32 to 42 of 60 (26 to 27 outright) with product types, attributes,
# productVariants, where: and pages.
CATALOGUE_AREA = [
    ("classic", "src/graphql/ProductDetails.graphql#ProductDetails"),
    ("classic", "src/graphql/ProductList.graphql#ProductList"),
    ("classic", "src/graphql/ProductListByCategory.graphql#ProductListByCategory"),
    ("classic", "src/graphql/ProductListByCollection.graphql#ProductListByCollection"),
    ("classic", "src/graphql/ProductListPaginated.graphql#ProductListPaginated"),
    ("classic", "src/graphql/SearchProducts.graphql#SearchProducts"),
    ("current", "src/graphql/CategoriesBySlug.graphql#CategoriesBySlug"),
    ("current", "src/graphql/ProductDetails.graphql#ProductDetails"),
    ("current", "src/graphql/ProductList.graphql#ProductList"),
    ("current", "src/graphql/ProductListByCategory.graphql#ProductListByCategory"),
    ("current", "src/graphql/ProductListByCollection.graphql#ProductListByCollection"),
    ("current", "src/graphql/ProductListPaginated.graphql#ProductListPaginated"),
    ("current", "src/graphql/ProductVariantForPdp.graphql#ProductVariantForPdp"),
    ("current", "src/graphql/ProductVariantsForPdp.graphql#ProductVariantsForPdp"),
    ("current", "src/graphql/SearchProducts.graphql#SearchProducts"),
    ("current", "src/graphql/StorefrontContentPages.graphql#StorefrontContentPages"),
]
_TRANSLATION_ERRORS = ("'translation'", "slugLanguageCode", "LanguageCodeEnum")


@pytest.mark.parametrize(
    ("label", "key"), CATALOGUE_AREA, ids=[f"{label}:{key}" for label, key in CATALOGUE_AREA]
)
def test_catalogue_operations_validate_apart_from_translations(storefront_operations, label, key):
    document = storefront_operations[label][key]
    errors = [error.message for error in validate(schema.graphql_schema, parse(document))]
    assert [message for message in errors if not any(part in message for part in _TRANSLATION_ERRORS)] == []


# Measured with this branch (all areas); merges only add to these.
VALID_AT_LEAST = {"classic": 33, "current": 29}


def test_report_how_many_operations_validate(storefront_operations, capsys):
    counts = {}
    for label, found in storefront_operations.items():
        counts[label] = sum(not validate(schema.graphql_schema, parse(text)) for text in found.values())
        with capsys.disabled():
            print(f"\nSaleor storefront ({label}): {counts[label]} of {len(found)} operations validate")
    assert all(counts[label] >= minimum for label, minimum in VALID_AT_LEAST.items()), counts
