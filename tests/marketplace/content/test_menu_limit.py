"""A menu holds at most MENU_MAX_ITEMS items at all levels (issue 13): the model's validation (the admin
forms), the admin inline and a database trigger refuse the next one, with nothing changed."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import inlineformset_factory

from marketplace.content.admin import MenuItemFormSet
from marketplace.content.models import MENU_MAX_ITEMS, Menu, MenuItem
from marketplace.content.selectors import menu_by_slug

pytestmark = pytest.mark.django_db

MESSAGE = f"Một menu có tối đa {MENU_MAX_ITEMS} mục (tính cả các mục con)."


@pytest.fixture
def full_menu() -> Menu:
    menu = Menu.objects.create(name="Đầy", slug="full")
    root = MenuItem.objects.create(menu=menu, name="Gốc")
    MenuItem.objects.bulk_create(
        MenuItem(menu=menu, parent=root, name=f"Mục {index}") for index in range(MENU_MAX_ITEMS - 1)
    )
    return menu


def test_the_database_refuses_the_item_past_the_limit(full_menu):
    with pytest.raises(IntegrityError), transaction.atomic():
        MenuItem.objects.create(menu=full_menu, name="Thừa")
    assert full_menu.items.count() == MENU_MAX_ITEMS
    assert not MenuItem.objects.filter(name="Thừa").exists()


def test_moving_an_item_into_a_full_menu_is_refused(full_menu):
    other = MenuItem.objects.create(menu=Menu.objects.get(slug="navbar"), name="Khác")
    other.menu = full_menu
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()
    assert full_menu.items.count() == MENU_MAX_ITEMS
    assert MenuItem.objects.get(pk=other.pk).menu.slug == "navbar"


def test_validation_tells_staff_in_vietnamese(full_menu):
    item = MenuItem(menu=full_menu, name="Thừa")
    with pytest.raises(ValidationError) as refusal:
        item.full_clean()
    assert refusal.value.messages == [MESSAGE]
    full_menu.items.last().full_clean()  # an existing item of a full menu still validates


def test_the_parent_belongs_to_the_same_menu(full_menu):
    item = MenuItem(menu=Menu.objects.get(slug="navbar"), parent=full_menu.items.first(), name="Lạc")
    with pytest.raises(ValidationError) as refusal:
        item.full_clean()
    assert refusal.value.message_dict == {"parent": ["Mục cha phải thuộc cùng menu."]}


def test_the_admin_refuses_the_item_past_the_limit(staff_client, full_menu):
    response = staff_client.post(
        "/admin/content/menuitem/add/",
        {
            "menu": full_menu.pk,
            "name": "Thừa",
            "sort_order": 0,
            "url": "",
            "translations-TOTAL_FORMS": 0,
            "translations-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert full_menu.items.count() == MENU_MAX_ITEMS


def test_the_inline_formset_counts_the_whole_menu():
    menu = Menu.objects.create(name="Mới", slug="new")
    prefix = "items"
    data = {f"{prefix}-TOTAL_FORMS": MENU_MAX_ITEMS + 1, f"{prefix}-INITIAL_FORMS": 0}
    for index in range(MENU_MAX_ITEMS + 1):
        data.update({f"{prefix}-{index}-name": f"Mục {index}", f"{prefix}-{index}-sort_order": index})
    factory = inlineformset_factory(
        Menu, MenuItem, formset=MenuItemFormSet, fields=["name", "sort_order"], extra=0
    )
    formset = factory(data, instance=menu, prefix=prefix)
    assert not formset.is_valid()
    assert MESSAGE in formset.non_form_errors()
    assert menu.items.count() == 0


def test_menu_by_slug_assembles_the_tree_in_two_queries(django_assert_num_queries, full_menu):
    with django_assert_num_queries(2):
        menu = menu_by_slug(slug="full")
        roots = menu.root_items
        assert [root.tree_level for root in roots] == [0]
        assert len(roots[0].tree_children) == MENU_MAX_ITEMS - 1
        assert {child.tree_level for child in roots[0].tree_children} == {1}
        assert roots[0].tree_children[0].parent is roots[0]
