"""Query limits (issue 12, finding 1 and the per-request mutation budget): list fields count by their real
bound, depth is capped, a list selected inside itself is refused, fragments are expanded, introspection is
bounded, and expensive mutations run at most once per request. Every refusal happens before any SQL runs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql import get_introspection_query, get_operation_ast, parse

from marketplace.accounts.models import User
from marketplace.graphql.api import schema
from marketplace.graphql.core import limits
from marketplace.graphql.core.limits import LIST_BOUNDS, analyse, list_bound
from tests.factories import UserFactory, VariantFactory, visible_product

pytestmark = pytest.mark.django_db


def nested_variants(levels: int) -> str:
    """product { variants { product { variants { … } } } } with `levels` fields in all."""
    selection = "id"
    for level in range(levels - 1, 0, -1):
        selection = f"{'variants' if level % 2 else 'product'} {{ id {selection} }}"
    return f'query {{ product(slug: "nhieu-goi") {{ id {selection} }} }}'


def cost_of(query: str, variables: dict | None = None) -> limits.Analysis:
    document = parse(query)
    operation = document.definitions[0]
    return analyse(schema.graphql_schema, document, operation, variables)


def refused(api, query: str, code: str, variables: dict | None = None) -> dict:
    """The request is answered 400 with one error of `code`, and no SQL ran."""
    with CaptureQueriesContext(connection) as queries:
        response = api.raw(query, variables)
    body = response.json()
    assert response.status_code == 400, body
    assert "data" not in body
    assert [error["extensions"]["exception"]["code"] for error in body["errors"]] == [code]
    assert len(queries) == 0, [query["sql"] for query in queries]
    return body


@pytest.fixture
def product_with_20_variants():
    product = visible_product(slug="nhieu-goi")
    for _ in range(19):
        VariantFactory(product=product)
    return product


def test_nested_variant_cycle_at_depth_18_is_refused(api, product_with_20_variants):
    query = nested_variants(18)
    analysis = cost_of(query)
    assert analysis.error is not None and analysis.error.extensions["exception"]["code"] == "QueryCycleError"
    body = refused(api, query, "QueryCycleError")
    assert body["errors"][0]["message"] == (
        "The query selects the list Product.variants inside itself; select it once."
    )
    # Counted without the cycle rule, the same shape is far over the cost limit: 20 variants a level.
    assert list_bound("Product", "variants") == limits.PRODUCT_MAX_VARIANTS == 20
    once = api.data('query { product(slug: "nhieu-goi") { variants { id product { id } } } }')
    assert len(once["product"]["variants"]) == 20


def test_list_fields_count_by_their_bound(api, product_with_20_variants):
    query = 'query { product(slug: "nhieu-goi") { variants { name media { url } } } }'
    # media: 10 × (1 + url); variant: name + media = 21; variants: 20 × (1 + 21); product: 1 + 440
    assert limits.LIST_BOUNDS["ProductVariant.media"] == 10
    assert cost_of(query).cost == 441
    body = api(query)
    assert "errors" not in body and body["extensions"]["cost"]["requestedQueryCost"] == 441
    # A page of 100 products with their variants' media: the page query + 100 × (edge + node + 20 × …).
    page = "query { products(first: 100) { edges { node { variants { media { url alt } } } } } }"
    analysis = cost_of(page)
    assert analysis.cost == limits.CONNECTION_COST + 100 * (1 + (1 + 20 * (1 + 10 * (1 + 2))))
    assert analysis.cost > limits.MAX_QUERY_COST
    refused(api, page, "QueryCostError")


def test_bounds_hold_when_resolving(api, product_with_20_variants):
    VariantFactory(product=product_with_20_variants, sku="THU-21")
    data = api.data('query { product(slug: "nhieu-goi") { variants { sku } } }')
    assert len(data["product"]["variants"]) == limits.PRODUCT_MAX_VARIANTS
    assert "THU-21" not in [variant["sku"] for variant in data["product"]["variants"]]


def test_every_list_field_has_a_bound():
    from graphql import GraphQLObjectType
    from graphql.type import is_introspection_type

    missing = []
    for graphql_type in schema.graphql_schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or is_introspection_type(graphql_type):
            continue
        for name, field in graphql_type.fields.items():
            if limits._is_list(field.type) and list_bound(graphql_type.name, name) is None:
                missing.append(f"{graphql_type.name}.{name}")
    assert missing == []
    assert all(bound >= 1 for bound in LIST_BOUNDS.values())


def test_depth_is_capped(api, product_with_20_variants):
    # defaultVariant/product alternate without lists: linear, refused by depth alone.
    selection = "id"
    for level in range(limits.MAX_DEPTH - 1, 1, -1):
        selection = f"{'defaultVariant' if level % 2 == 0 else 'product'} {{ {selection} }}"
    deepest = f'query {{ product(slug: "nhieu-goi") {{ {selection} }} }}'
    analysis = cost_of(deepest)
    assert analysis.error is None and analysis.depth == limits.MAX_DEPTH
    assert "errors" not in api(deepest)
    too_deep = deepest.replace("{ id }", "{ product { id } }")
    assert cost_of(too_deep).depth == limits.MAX_DEPTH
    body = refused(api, too_deep, "QueryDepthError")
    assert body["errors"][0]["message"] == f"The query is nested deeper than {limits.MAX_DEPTH} fields."


def test_worst_accepted_query_stays_under_the_cost_bound():
    """The costliest shape the limits let through: a full page of products with every bounded list under
    each one. Its computed cost is what MAX_QUERY_COST (~1 s of CPU here) was measured against."""
    worst = """query { products(first: 100) { edges { node {
        variants { id name sku quantityAvailable pricing { price { gross { amount currency } } } }
        media { url alt } collections { slug } } } } }"""
    analysis = cost_of(worst)
    variant = 1 + 1 + 1 + 1 + (1 + (1 + (1 + 2)))  # id name sku quantityAvailable pricing{price{gross{…}}}
    node = 20 * (1 + variant) + 10 * (1 + 2) + 20 * (1 + 1)
    assert analysis.error is None
    assert analysis.cost == limits.CONNECTION_COST + 100 * (1 + (1 + node)) == 27_400
    assert analysis.cost <= limits.MAX_QUERY_COST
    heavier = worst.replace("collections { slug }", "collections { slug } variants { media { url alt } }")
    assert cost_of(heavier).cost > limits.MAX_QUERY_COST


def test_fragments_are_expanded_and_cannot_hide_a_cycle(api, product_with_20_variants):
    through_fragments = """
    query { product(slug: "nhieu-goi") { ...P } }
    fragment P on Product { variants { product { ...Q } } }
    fragment Q on Product { ... on Product { variants { id } } }
    """
    refused(api, through_fragments, "QueryCycleError")
    counted = """
    query { product(slug: "nhieu-goi") { ...V } }
    fragment V on Product { variants { ... on ProductVariant { name } } }
    """
    assert cost_of(counted).cost == 1 * (1 + 20 * (1 + 1))
    # A fragment that spreads itself is refused by validation (before anything runs).
    body = api(
        'query { product(slug: "x") { ...A } } fragment A on Product { variants { product { ...A } } }'
    )
    assert body["errors"][0]["message"] == "Cannot spread fragment 'A' within itself."


def test_introspection_works_and_is_bounded(api):
    for query in (
        get_introspection_query(),
        get_introspection_query(  # what GraphiQL and newer clients send
            descriptions=True,
            specified_by_url=True,
            directive_is_repeatable=True,
            schema_description=True,
            input_value_deprecation=True,
        ),
    ):
        standard = api(query)
        assert "errors" not in standard
        assert standard["data"]["__schema"]["queryType"]["name"] == "Query"
        # Counted over the schema itself: under half the budget, whatever the schema grows to soon.
        assert standard["extensions"]["cost"]["requestedQueryCost"] < limits.MAX_QUERY_COST // 2
    product_fields = len(schema.graphql_schema.type_map["Product"].fields)
    one_type = '{ __type(name: "Product") { name fields { name } } }'
    assert cost_of(one_type).cost == 1 + 1 + 1 + product_fields
    assert cost_of('{ __type(name: "Nope") { name } }').cost == 1
    # Aliased copies of the whole schema add up and are refused before anything runs.
    selection = "types { fields { name description args { name type { name } } type { name kind } } }"
    copies = " ".join(f"s{n}: __schema {{ {selection} }}" for n in range(30))
    body = refused(api, f"query {{ {copies} }}", "QueryCostError")
    assert body["extensions"]["cost"]["requestedQueryCost"] > limits.MAX_QUERY_COST
    # Within one __schema too: counting stops as soon as the answer would pass the limit.
    fields = " ".join(f"f{n}: fields {{ name args {{ name }} type {{ name kind }} }}" for n in range(30))
    body = refused(api, f"query {{ __schema {{ types {{ {fields} }} }} }}", "QueryCostError")
    assert body["errors"][0]["message"] == (
        f"The query exceeds the maximum cost of {limits.MAX_QUERY_COST} in introspection."
    )
    refused(api, "query { __schema { types { fields { type { fields { name } } } } } }", "QueryCycleError")
    typenames = " ".join(["__typename"] * (limits.MAX_FIELDS + 1))
    body = refused(api, f"query {{ {typenames} }}", "QueryLimitError")
    assert body["errors"][0]["message"] == (
        f"The query selects {limits.MAX_FIELDS + 1} fields; at most {limits.MAX_FIELDS} are allowed."
    )


def test_storefront_operations_fit_the_limits():
    from tests.marketplace.graphql import storefront_operations as ops

    for name in dir(ops):
        query = getattr(ops, name)
        if not isinstance(query, str) or not query.lstrip().startswith(("query", "mutation", "fragment")):
            continue
        document = parse(query)
        operation = get_operation_ast(document)
        if operation is None:  # a fragment
            continue
        analysis = analyse(schema.graphql_schema, document, operation, {"first": 100})
        assert analysis.error is None, (name, analysis.error)
        assert analysis.depth <= limits.MAX_DEPTH - 5, name  # room for clients a little deeper than Saleor's


def test_deep_brackets_are_refused_before_parsing(api):
    query = "query { products(first: 1, filter: {slugs: " + "[" * 5000 + "]" * 5000 + "}) { totalCount } }"
    body = refused(api, query, "QueryLimitError")
    assert body["errors"][0]["message"] == f"The query nests brackets more than {limits.MAX_NESTING} deep."
    nested = "query " + '{ product(slug: "x") ' * 3000 + "}" * 3000
    refused(api, nested, "QueryLimitError")


def test_thirty_aliased_token_creates_are_refused_before_any_runs(api):
    user = UserFactory(email="lan@example.vn")
    guesses = " ".join(
        f'g{n}: tokenCreate(email: "lan@example.vn", password: "guess-{n}") {{ token }}' for n in range(30)
    )
    body = refused(api, f"mutation {{ {guesses} }}", "MutationLimitError")
    assert body["errors"][0]["message"] == "The request runs tokenCreate 30 times; at most 1 per request."
    user.refresh_from_db()
    assert user.last_login is None
    two = """mutation { a: tokenCreate(email: "x@y.vn", password: "p") { token }
                        b: tokenCreate(email: "x@y.vn", password: "q") { token } }"""
    refused(api, two, "MutationLimitError")


def test_two_registrations_in_one_request_create_nobody(api):
    register = """r{n}: accountRegister(
        input: {{email: "moi{n}@example.vn", password: "cà-phê-sơn-la-2026"}}
    ) {{ user {{ email }} errors {{ code }} }}"""
    query = "mutation { " + " ".join(register.format(n=n) for n in range(2)) + " }"
    refused(api, query, "MutationLimitError")
    assert not User.objects.filter(email__startswith="moi").exists()
    # Spread through a fragment on Mutation, they still count.
    hidden = (
        "mutation { ...R } fragment R on Mutation { "
        + " ".join(register.format(n=n) for n in range(2))
        + " }"
    )
    refused(api, hidden, "MutationLimitError")
    assert not User.objects.filter(email__startswith="moi").exists()


def test_checkout_complete_once_per_request(api):
    query = """mutation { a: checkoutComplete(id: "Q2hlY2tvdXQ6MQ==") { order { id } }
                          b: checkoutComplete(id: "Q2hlY2tvdXQ6Mg==") { order { id } } }"""
    refused(api, query, "MutationLimitError")


def test_at_most_ten_mutations_per_request(api):
    create = 'c{n}: checkoutCreate(input: {{channel: "default-channel", lines: []}}) {{ checkout {{ id }} }}'
    query = "mutation { " + " ".join(create.format(n=n) for n in range(limits.MAX_MUTATIONS + 1)) + " }"
    body = refused(api, query, "MutationLimitError")
    assert body["errors"][0]["message"] == (
        f"The request runs {limits.MAX_MUTATIONS + 1} mutations; at most {limits.MAX_MUTATIONS} per request."
    )
    from marketplace.checkout.models import Checkout

    assert not Checkout.objects.exists()


def test_a_search_costs_its_query_and_nested_searches_are_refused(api):
    plain = "query { products(first: 10) { totalCount } }"
    searched = 'query { products(first: 10, filter: {search: "cà phê"}) { totalCount } }'
    by_variable = "query($f: ProductFilterInput) { products(first: 10, filter: $f) { totalCount } }"
    assert cost_of(plain).cost == limits.CONNECTION_COST + limits.COUNT_COST
    assert cost_of(searched).cost == cost_of(plain).cost + limits.SEARCH_COST
    assert cost_of(by_variable, {"f": {"search": "trà"}}).cost == cost_of(searched).cost
    assert cost_of(by_variable, {"f": {"search": ""}}).cost == cost_of(plain).cost
    nested = """query { categories(first: 20) { edges { node {
        products(first: 1, filter: {search: "cà phê"}) { totalCount } } } } }"""
    refused(api, nested, "QueryCostError")


# The order history of Saleor's classic storefront, in our own words: ten orders, every line's product with
# its description. Each description is converted once per distinct text and the request converts at most
# RICH_TEXTS_PER_REQUEST texts' worth of characters, so it is charged that many conversions, not 1,000.
ORDER_HISTORY = """query History($first: Int) { me { id email orders(first: $first) { edges { node {
  id number created total { gross { amount currency } } paymentStatus
  lines { quantity variant { id name pricing { price { gross { amount currency } } }
    product { id name slug description thumbnail { url alt } category { id name } } } }
} } } } }"""


def test_the_order_history_shape_is_accepted_and_charged_its_capped_conversions():
    analysis = cost_of(ORDER_HISTORY, {"first": 10})
    assert analysis.error is None, analysis.error
    assert analysis.rich_texts == 10 * limits.CHECKOUT_MAX_LINES
    assert analysis.rich_text_chars == limits.RICH_TEXTS_PER_REQUEST * limits.RICH_TEXT_CHARS
    without = cost_of(ORDER_HISTORY.replace(" description", ""), {"first": 10})
    assert analysis.cost - without.cost == 1_000 + (limits.RICH_TEXT_COST - 1) * limits.RICH_TEXTS_PER_REQUEST
    assert analysis.cost <= limits.MAX_QUERY_COST


def test_a_hundred_orders_of_the_same_shape_are_still_refused(api):
    analysis = cost_of(ORDER_HISTORY, {"first": 100})
    assert analysis.error is not None
    refused(api, ORDER_HISTORY, "QueryCostError", {"first": 100})


def test_a_few_descriptions_cost_what_they_did():
    listing = "query { products(first: %d) { edges { node { id %s } } } }"
    for count in (10, limits.RICH_TEXTS_PER_REQUEST):
        with_text = cost_of(listing % (count, "description"))
        assert with_text.cost - cost_of(listing % (count, "")).cost == count * limits.RICH_TEXT_COST
        assert with_text.rich_text_chars == count * limits.RICH_TEXT_CHARS
    # A page is up to five descriptions long and is charged so.
    assert cost_of('query { page(slug: "a") { content } }').rich_texts == 5


def test_a_request_converts_each_text_once_and_no_more_than_it_paid_for(monkeypatch):
    from types import SimpleNamespace

    from marketplace.graphql.core import editorjs

    calls = []
    convert = editorjs.html_to_editorjs
    monkeypatch.setattr(editorjs, "html_to_editorjs", lambda value: calls.append(value) or convert(value))
    info = SimpleNamespace(context=SimpleNamespace(rich_text_chars=25))
    first = editorjs.rich_text(info, "<p>Cà phê Arabica</p>")  # 21 characters
    assert editorjs.rich_text(info, "<p>Cà phê Arabica</p>") is first
    assert calls == ["<p>Cà phê Arabica</p>"]
    with pytest.raises(Exception, match="at most 25 characters of rich text"):
        editorjs.rich_text(info, "<p>Trà</p>")
    assert editorjs.rich_text(info, "  ") is None and len(calls) == 1


def test_attribute_bounds_are_what_the_database_allows():
    from marketplace.catalog.attributes import SOURCES

    # catalog.Attribute.source is unique and one of SOURCES: six attributes, two of them variant-level.
    assert limits.MAX_ATTRIBUTES == len(SOURCES) == 6
    assert limits.MAX_VARIANT_ATTRIBUTES == 2
    # A search page in the current Saleor storefront's shape: 20 products, each with its variants' selection
    # attributes, fits.
    search = """query { products(first: 20, filter: {search: "cà phê"}) { totalCount edges { node {
      id name productVariants(first: 50) { totalCount edges { node { id
        attributes(variantSelection: VARIANT_SELECTION) { attribute { id slug name inputType }
          values { id slug name value } } } } } } } } }"""
    assert cost_of(search).error is None
