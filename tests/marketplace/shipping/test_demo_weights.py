import pytest

from marketplace.core.demo.loader import demo_weight_grams


@pytest.mark.parametrize(
    ("unit", "grams"),
    [
        ("Gói 500g", 600),
        ("Túi 2kg", 2_100),
        ("Chai 500ml", 600),
        ("Hộp 20 túi lọc", 500),
        ("Bộ 6 chiếc", 500),
    ],
)
def test_demo_packs_weigh_what_their_unit_says_plus_packaging(unit, grams):
    assert demo_weight_grams(unit) == grams
