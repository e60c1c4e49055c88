"""Menus (issue 13): the storefront's three-level menu query is priced on the menu's item total
(content.models.MENU_MAX_ITEMS), not on the product of per-level bounds, and answers in a constant number of
SQL queries however large the menu; hostile shapes stay refused."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.catalog.models import Category, Collection
from marketplace.content.models import MENU_MAX_ITEMS, Menu, MenuItem, MenuItemTranslation, Page
from marketplace.graphql.core import limits
from tests.marketplace.graphql.test_limits import cost_of, refused

pytestmark = pytest.mark.django_db

# Our own operation of the shape Saleor's current storefront sends for its navbar and footer: three levels,
# each item with its translation and its target's translation.
MENU_ITEM_FIELDS = """
  id
  name
  level
  translation(languageCode: EN) { name }
  category { id slug name translation(languageCode: EN) { name slug } }
  collection { id slug name translation(languageCode: EN) { name slug } }
  page { id slug title translation(languageCode: EN) { title slug } }
  url
"""
MENU_THREE_LEVELS = f"""
query NavigationMenu($slug: String!, $channel: String!) {{
  menu(slug: $slug, channel: $channel) {{
    items {{
      ...Entry
      children {{
        ...Entry
        children {{ ...Entry }}
      }}
    }}
  }}
}}

fragment Entry on MenuItem {{{MENU_ITEM_FIELDS}}}
"""
VARIABLES = {"slug": "tree", "channel": "default-channel"}


def build_menu(roots: int, children: int, grandchildren: int) -> Menu:
    """A menu `tree` of three levels whose items point in turn at a category, a collection, a page and an URL,
    each with an English label."""
    menu = Menu.objects.create(name="Cây", slug="tree")
    targets = [
        {"category": Category.objects.order_by("pk").first()},
        {"collection": Collection.objects.order_by("pk").first()},
        {"page": Page.objects.get(slug="about")},
        {"url": "/search/"},
    ]
    count = 0

    def add(parent: MenuItem | None, number: int) -> list[MenuItem]:
        nonlocal count
        items = []
        for index in range(number):
            item = MenuItem.objects.create(
                menu=menu, parent=parent, name=f"Mục {count}", sort_order=index, **targets[count % 4]
            )
            MenuItemTranslation.objects.create(menu_item=item, language_code="en", name=f"Item {count}")
            count += 1
            items.append(item)
        return items

    for root in add(None, roots):
        for child in add(root, children):
            add(child, grandchildren)
    return menu


def run(api) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        items = api.data(MENU_THREE_LEVELS, VARIABLES)["menu"]["items"]
    return len(queries), items


def flatten(items: list) -> list:
    return [entry for item in items for entry in [item, *flatten(item.get("children") or [])]]


def test_the_three_level_menu_shape_is_priced_on_the_menu_total():
    analysis = cost_of(MENU_THREE_LEVELS, VARIABLES)
    assert analysis.error is None
    # Each level counts MENU_MAX_ITEMS items once (an upper bound), not 100 × 100 × 100.
    assert analysis.cost == 8_401


# menu, its items; translations of the items, categories, collections and pages (one each)
EXPECTED_QUERIES = 6


def test_a_three_level_menu_answers_in_constant_queries(api):
    build_menu(1, 1, 1)
    small, items = run(api)
    entries = flatten(items)
    assert [(entry["name"], entry["level"]) for entry in entries] == [
        ("Mục 0", 0),
        ("Mục 1", 1),
        ("Mục 2", 2),
    ]
    assert [entry["translation"]["name"] for entry in entries] == ["Item 0", "Item 1", "Item 2"]
    assert entries[2]["page"]["slug"] == "about"
    Menu.objects.all().delete()

    build_menu(4, 4, 5)  # 4 + 16 + 80 = 100 items
    large, items = run(api)
    entries = flatten(items)
    assert len(entries) == MENU_MAX_ITEMS
    assert [len(item["children"]) for item in items] == [4, 4, 4, 4]
    assert {len(child["children"]) for item in items for child in item["children"]} == {5}
    assert [entry["level"] for entry in entries[:6]] == [0, 1, 2, 2, 2, 2]
    assert entries[-1]["translation"]["name"] == "Item 99"
    assert entries[-1]["url"] == "/search/"
    assert small == large == EXPECTED_QUERIES


def test_the_seeded_menus_answer_the_three_level_shape(api):
    footer = api.data(MENU_THREE_LEVELS, {**VARIABLES, "slug": "footer"})["menu"]["items"]
    assert footer[0]["children"][0]["page"]["slug"] == "about"
    assert footer[0]["children"][0]["level"] == 1
    assert footer[0]["children"][0]["children"] == []


@pytest.mark.parametrize(
    ("aliases", "code"),
    [(7, "QueryCostError"), (limits.MAX_ALIASES, "QueryLimitError")],  # 7 × 8,401; 30 × 85 fields
)
def test_many_aliased_menus_are_still_refused(api, aliases, code):
    tree = "items { ...Entry children { ...Entry children { ...Entry } } }"
    aliased = " ".join(f'm{index}: menu(slug: "navbar") {{ {tree} }}' for index in range(aliases))
    query = f"query {{ {aliased} }} fragment Entry on MenuItem {{{MENU_ITEM_FIELDS}}}"
    refused(api, query, code)


def test_children_reached_through_parent_multiply_again(api):
    query = """
    query { menu(slug: "navbar") { items { parent { children { name parent { children {
      name translation(languageCode: EN) { name } category { name } } } } } } } }
    """
    assert cost_of(query).cost > limits.MAX_QUERY_COST
    refused(api, query, "QueryCostError")


def test_a_fourth_level_is_refused(api):
    query = 'query { menu(slug: "navbar") { items { children { children { children { id } } } } } }'
    refused(api, query, "QueryCycleError")


def test_parent_and_menu_of_a_loaded_item_run_no_query(api):
    build_menu(2, 3, 0)
    query = 'query { menu(slug: "tree") { items { children { name parent { name } menu { slug } } } } }'
    with CaptureQueriesContext(connection) as queries:
        items = api.data(query)["menu"]["items"]
    assert [child["parent"]["name"] for child in items[1]["children"]] == ["Mục 1"] * 3
    assert {child["menu"]["slug"] for item in items for child in item["children"]} == {"tree"}
    assert len(queries) == 2  # the menu, its items


def test_an_item_loaded_alone_finds_its_tree_once_per_request(rf, django_assert_num_queries):
    from types import SimpleNamespace

    from marketplace.graphql.content.types import MenuItem as MenuItemType

    build_menu(1, 2, 1)
    child, grandchild = MenuItem.objects.get(name="Mục 1"), MenuItem.objects.get(name="Mục 4")
    info = SimpleNamespace(context=rf.get("/graphql/"))
    with django_assert_num_queries(2):  # its menu, the menu's items
        assert MenuItemType.resolve_level(child, info) == 1
        assert [item.name for item in MenuItemType.resolve_children(child, info)] == ["Mục 3"]
    with django_assert_num_queries(0):
        assert MenuItemType.resolve_level(grandchild, info) == 2
