import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.accounts.models import Address, User
from marketplace.accounts.services import address_create, address_delete, user_register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HOME = {
    "full_name": "Lò Văn Pâng",
    "phone": "0912345678",
    "province": "son-la",
    "commune": "Mộc Châu",
    "street": "Bản Áng",
}


def test_register_lowercases_email_and_hashes_password():
    user = user_register(
        email="Lan@Example.VN", password="che-shan-tuyet-2026", first_name="Lan", by=AnonymousUser()
    )
    assert user.email == "lan@example.vn"
    assert user.check_password("che-shan-tuyet-2026")


def test_register_refuses_duplicate_email_case_insensitively():
    UserFactory(email="lan@example.vn")
    with pytest.raises(ValidationError) as exc:
        user_register(email="LAN@example.vn", password="che-shan-tuyet-2026", by=AnonymousUser())
    assert exc.value.error_dict["email"][0].code == "unique"
    assert User.objects.count() == 1


def test_register_refuses_weak_password():
    with pytest.raises(ValidationError) as exc:
        user_register(email="a@example.vn", password="123", by=AnonymousUser())
    assert exc.value.error_dict["password"][0].code == "password_too_weak"
    assert not User.objects.exists()


def test_first_address_is_default_and_one_default_at_a_time():
    user = UserFactory()
    first = address_create(user=user, by=user, **HOME)
    assert first.is_default
    second = address_create(user=user, by=user, **{**HOME, "street": "Tiểu khu 4"}, is_default=True)
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)
    address_delete(user=user, by=user, address_id=second.pk)
    first.refresh_from_db()
    assert first.is_default


def test_address_needs_a_current_province():
    with pytest.raises(ValidationError) as exc:
        shopper = UserFactory()
        address_create(user=shopper, by=shopper, **{**HOME, "province": "ha-tay"})
    assert exc.value.error_dict["province"][0].code == "invalid"
    assert not Address.objects.exists()


def test_cannot_delete_someone_elses_address():
    owner, other = UserFactory(), UserFactory()
    address = address_create(user=owner, by=owner, **HOME)
    with pytest.raises(ValidationError):
        address_delete(user=other, by=other, address_id=address.pk)
    with pytest.raises(PermissionDenied):
        address_delete(user=owner, by=other, address_id=address.pk)
    with pytest.raises(PermissionDenied):
        address_create(user=owner, by=other, **HOME)
    assert list(Address.objects.values_list("pk", flat=True)) == [address.pk]
