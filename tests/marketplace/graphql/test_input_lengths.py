"""GraphQL inputs are bounded like the portal forms (issue 12, finding 9): the model's max_length (and the
description's PRODUCT_DESCRIPTION_MAX_LENGTH) refuse longer text with errors{field code}, nothing saved."""

import json

import pytest
from graphql_relay import to_global_id

from marketplace.catalog.models import PRODUCT_DESCRIPTION_MAX_LENGTH, Product
from marketplace.checkout.models import Checkout
from storefront.seller.forms import ProductForm, VariantForm
from tests.factories import MembershipFactory, visible_product
from tests.marketplace.graphql import storefront_operations as ops

pytestmark = pytest.mark.django_db

CREATE = """mutation($input: ProductCreateInput!) {
  productCreate(input: $input) { product { name seoTitle } errors { field code } } }"""
UPDATE = """mutation($id: ID!, $input: ProductInput!) {
  productUpdate(id: $id, input: $input) { product { name } errors { field code } } }"""
VARIANT = """mutation($input: ProductVariantCreateInput!) {
  productVariantCreate(input: $input) { productVariant { sku } errors { field code } } }"""
ADDRESS = """mutation($id: ID!, $address: AddressInput!) {
  checkoutShippingAddressUpdate(id: $id, shippingAddress: $address) {
    checkout { shippingAddress { streetAddress1 } } errors { field code } } }"""
EMAIL = """mutation($id: ID!, $email: String!) {
  checkoutEmailUpdate(id: $id, email: $email) { checkout { email } errors { field code } } }"""


def editorjs(text: str) -> str:
    return json.dumps({"blocks": [{"type": "paragraph", "data": {"text": text}}]})


@pytest.fixture
def member():
    return MembershipFactory()


def product_input(member, **fields) -> dict:
    return {
        "name": "Trà Shan tuyết",
        "category": to_global_id("Category", 1),
        "producer": to_global_id("Producer", member.producer_id),
        **fields,
    }


def test_form_and_api_share_the_bounds():
    assert ProductForm.base_fields["name"].max_length == Product._meta.get_field("name").max_length == 255
    assert ProductForm.base_fields["seo_title"].max_length == 120
    assert ProductForm.base_fields["seo_description"].max_length == 300
    assert ProductForm.base_fields["description"].max_length == PRODUCT_DESCRIPTION_MAX_LENGTH == 20_000
    assert VariantForm.base_fields["sku"].max_length == 64


def test_product_create_refuses_long_text_and_saves_nothing(api, member):
    from marketplace.catalog.models import Category

    category = to_global_id("Category", Category.objects.get(slug="do-uong").pk)
    too_long = product_input(
        member,
        category=category,
        name="T" * 256,
        description=editorjs("x" * PRODUCT_DESCRIPTION_MAX_LENGTH),
        seo={"title": "S" * 121, "description": "D" * 301},
    )
    body = api.data(CREATE, {"input": too_long}, user=member.user)["productCreate"]
    assert body["product"] is None
    assert sorted(body["errors"], key=lambda error: error["field"]) == [
        {"field": "description", "code": "INVALID"},
        {"field": "name", "code": "INVALID"},
        {"field": "seoDescription", "code": "INVALID"},
        {"field": "seoTitle", "code": "INVALID"},
    ]
    assert not Product.objects.filter(producer=member.producer).exists()
    at_the_bound = product_input(
        member, category=category, name="T" * 255, seo={"title": "S" * 120, "description": "D" * 300}
    )
    body = api.data(CREATE, {"input": at_the_bound}, user=member.user)["productCreate"]
    assert body["errors"] == []
    assert body["product"]["seoTitle"] == "S" * 120


def test_product_update_refuses_long_seo_instead_of_cutting_it(api, member):
    product = visible_product(producer=member.producer, name="Cà phê", seo_title="Cũ")
    body = api.data(
        UPDATE,
        {"id": to_global_id("Product", product.pk), "input": {"name": "Mới", "seo": {"title": "S" * 121}}},
        user=member.user,
    )["productUpdate"]
    assert body == {"product": None, "errors": [{"field": "seoTitle", "code": "INVALID"}]}
    product.refresh_from_db()
    assert (product.name, product.seo_title) == ("Cà phê", "Cũ")


def test_deeply_nested_description_is_a_clean_answer(api, member):
    product = visible_product(producer=member.producer, name="Cà phê", description="<p>Cũ</p>")
    variables = {"id": to_global_id("Product", product.pk)}
    # Deeper than json.loads goes: the JSONString input is refused, nothing saved.
    deepest = "[" * 10_000 + "]" * 10_000
    response = api.raw(UPDATE, {**variables, "input": {"description": deepest}}, user=member.user)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("Variable '$input' got invalid value")
    product.refresh_from_db()
    assert product.description == "<p>Cũ</p>"
    # Parsed, but nested where text belongs: never a 500.
    nested_text = json.loads("[" * 500 + "]" * 500)
    document = json.dumps({"blocks": [{"type": "paragraph", "data": {"text": nested_text}}]})
    body = api.data(UPDATE, {**variables, "input": {"description": document}}, user=member.user)
    assert body["productUpdate"]["errors"] == []


def test_variant_name_and_sku_are_bounded(api, member):
    product = visible_product(producer=member.producer)
    variant = {"product": to_global_id("Product", product.pk), "price": "100000"}
    body = api.data(VARIANT, {"input": {**variant, "sku": "K" * 65, "name": "N" * 256}}, user=member.user)
    errors = body["productVariantCreate"]["errors"]
    assert sorted(errors, key=lambda error: error["field"]) == [
        {"field": "name", "code": "INVALID"},
        {"field": "sku", "code": "INVALID"},
    ]
    assert product.variants.count() == 1


def test_address_and_email_are_bounded(api):
    checkout_id = api.data(ops.CHECKOUT_CREATE)["checkoutCreate"]["checkout"]["id"]
    address = {
        "firstName": "N" * 121,
        "streetAddress1": "S" * 256,
        "city": "C" * 121,
        "countryArea": "Sơn La",
        "country": "VN",
        "phone": "0912345678",
    }
    body = api.data(ADDRESS, {"id": checkout_id, "address": address})["checkoutShippingAddressUpdate"]
    assert body["checkout"] is None
    assert sorted(body["errors"], key=lambda error: error["field"]) == [
        {"field": "city", "code": "INVALID"},
        {"field": "firstName", "code": "INVALID"},
        {"field": "streetAddress1", "code": "INVALID"},
    ]
    long_email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".vn"
    body = api.data(EMAIL, {"id": checkout_id, "email": long_email})["checkoutEmailUpdate"]
    assert body == {"checkout": None, "errors": [{"field": "email", "code": "INVALID"}]}
    checkout = Checkout.objects.get()
    assert (checkout.street, checkout.full_name, checkout.email) == ("", "", "")


def test_registration_names_and_email_are_bounded(api):
    from marketplace.accounts.models import User

    register = """mutation($input: AccountRegisterInput!) {
      accountRegister(input: $input) { user { email } errors { field code } } }"""
    long_email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".vn"
    fields = {"password": "cà-phê-sơn-la-2026", "firstName": "N" * 151, "lastName": "L" * 151}
    body = api.data(register, {"input": {**fields, "email": long_email}})["accountRegister"]
    assert body["user"] is None
    assert sorted(body["errors"], key=lambda error: error["field"]) == [
        {"field": "email", "code": "INVALID"},
        {"field": "firstName", "code": "INVALID"},
        {"field": "lastName", "code": "INVALID"},
    ]
    assert not User.objects.exists()
