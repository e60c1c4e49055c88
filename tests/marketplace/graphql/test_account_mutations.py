"""The account page's mutations and `me` fields (issue 13), in the Saleor storefront's shapes: profile,
password change and the address book."""

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.accounts.models import Address, User
from marketplace.accounts.services import MAX_ADDRESSES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = """
fragment AddressDetails on Address {
  id firstName lastName companyName streetAddress1 streetAddress2 city cityArea postalCode countryArea
  country { code country }
  phone
}
"""
USER = """
fragment UserDetails on User { id email firstName lastName avatar { url alt } }
"""
PROFILE = (
    """
query CurrentUserProfile {
  me {
    ...UserDetails
    dateJoined
    addresses { ...AddressDetails }
    defaultShippingAddress { id }
    defaultBillingAddress { id }
  }
}
"""
    + USER
    + ADDRESS
)
CREATE = (
    """
mutation userAddressCreate($address: AddressInput!, $type: AddressTypeEnum) {
  accountAddressCreate(type: $type, input: $address) {
    user { id addresses { ...AddressDetails } defaultShippingAddress { ...AddressDetails } }
    errors { message field code }
    address { ...AddressDetails }
  }
}
"""
    + ADDRESS
)
UPDATE = (
    """
mutation userAddressUpdate($id: ID!, $address: AddressInput!) {
  accountAddressUpdate(id: $id, input: $address) {
    errors { message field code }
    address { ...AddressDetails }
  }
}
"""
    + ADDRESS
)
DELETE = """
mutation AccountAddressDelete($id: ID!) {
  accountAddressDelete(id: $id) { errors { field message code } address { id } }
}
"""
SET_DEFAULT = """
mutation AccountSetDefaultAddress($id: ID!, $type: AddressTypeEnum!) {
  accountSetDefaultAddress(id: $id, type: $type) {
    errors { field message code }
    user { defaultBillingAddress { id } }
  }
}
"""
ACCOUNT_UPDATE = (
    """
mutation AccountUpdate($input: AccountInput!) {
  accountUpdate(input: $input) { user { ...UserDetails } errors { field message code } }
}
"""
    + USER
)
PASSWORD_CHANGE = """
mutation PasswordChange($newPassword: String!, $oldPassword: String!) {
  passwordChange(newPassword: $newPassword, oldPassword: $oldPassword) { errors { field message code } }
}
"""
HOME = {
    "firstName": "Nguyễn Thị",
    "lastName": "Lan",
    "streetAddress1": "12 đường Chu Văn Thịnh",
    "city": "Phường Tô Hiệu",
    "countryArea": "Sơn La",
    "country": "VN",
    "phone": "0912 345 678",
}


def gid(type_name: str, key) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def shown(address: Address) -> dict:
    return {
        "id": gid("Address", address.pk),
        "firstName": address.full_name,
        "lastName": "",
        "companyName": "",
        "streetAddress1": address.street,
        "streetAddress2": "",
        "city": address.commune,
        "cityArea": "",
        "postalCode": "",
        "countryArea": address.province_name,
        "country": {"code": "VN", "country": "Viet Nam"},
        "phone": address.phone,
    }


def saved(user) -> list[tuple]:
    return list(
        Address.objects.filter(user=user)
        .order_by("id")
        .values_list("full_name", "phone", "province", "commune", "street", "is_default")
    )


def test_address_book_create_update_default_and_delete(api):
    lan = UserFactory(email="lan@example.vn", first_name="Lan", last_name="Nguyễn")
    body = api.data(CREATE, {"address": HOME}, user=lan)["accountAddressCreate"]
    home = Address.objects.get(user=lan)
    assert saved(lan) == [
        ("Nguyễn Thị Lan", "0912 345 678", "son-la", "Phường Tô Hiệu", "12 đường Chu Văn Thịnh", True)
    ]
    assert body == {
        "user": {
            "id": gid("User", lan.pk),
            "addresses": [shown(home)],
            "defaultShippingAddress": shown(home),
        },
        "errors": [],
        "address": shown(home),
    }
    office = {**HOME, "firstName": "Lan", "lastName": "", "countryArea": "ha-noi", "city": "Phường Ba Đình"}
    api.data(CREATE, {"address": office}, user=lan)
    second = Address.objects.filter(user=lan).latest("id")
    assert (second.province, second.is_default) == ("ha-noi", False)

    # A partial update keeps the fields it does not name.
    changed = api.data(
        UPDATE, {"id": gid("Address", second.pk), "address": {"phone": "0987 654 321"}}, user=lan
    )
    second.refresh_from_db()
    assert (second.phone, second.commune, second.full_name) == ("0987 654 321", "Phường Ba Đình", "Lan")
    assert changed["accountAddressUpdate"] == {"errors": [], "address": shown(second)}

    result = api.data(SET_DEFAULT, {"id": gid("Address", second.pk), "type": "BILLING"}, user=lan)
    assert result["accountSetDefaultAddress"] == {
        "errors": [],
        "user": {"defaultBillingAddress": {"id": gid("Address", second.pk)}},
    }
    assert [row[-1] for row in saved(lan)] == [False, True]

    profile = api.data(PROFILE, user=lan)["me"]
    assert profile["addresses"] == [shown(second), shown(home)]  # default first
    assert (
        profile["defaultShippingAddress"]
        == profile["defaultBillingAddress"]
        == {"id": gid("Address", second.pk)}
    )
    assert (profile["email"], profile["firstName"], profile["lastName"], profile["avatar"]) == (
        "lan@example.vn",
        "Lan",
        "Nguyễn",
        None,
    )

    assert api.data(DELETE, {"id": gid("Address", second.pk)}, user=lan)["accountAddressDelete"] == {
        "errors": [],
        "address": {"id": gid("Address", second.pk)},
    }
    assert [row[-1] for row in saved(lan)] == [True]  # the remaining one became the default


def test_invalid_addresses_are_payload_errors_and_nothing_is_saved(api):
    lan = UserFactory()
    bad = {**HOME, "countryArea": "Hà Tây", "phone": "12", "city": ""}
    body = api.data(CREATE, {"address": bad}, user=lan)["accountAddressCreate"]
    assert body["address"] is None
    assert sorted((e["field"], e["code"]) for e in body["errors"]) == [
        ("city", "REQUIRED"),
        ("countryArea", "INVALID"),
        ("phone", "INVALID"),
    ]
    abroad = api.data(CREATE, {"address": {**HOME, "country": "TH"}}, user=lan)["accountAddressCreate"]
    assert abroad["errors"] == [
        {"field": "country", "message": "Delivery is only within Viet Nam.", "code": "INVALID"}
    ]
    too_long = api.data(CREATE, {"address": {**HOME, "streetAddress1": "x" * 256}}, user=lan)
    assert too_long["accountAddressCreate"]["errors"][0]["field"] == "streetAddress1"
    assert saved(lan) == []


def test_the_address_book_is_bounded(api):
    lan = UserFactory()
    Address.objects.bulk_create(
        Address(
            user=lan, full_name="Lan", phone="0912345678", province="son-la", commune="Tô Hiệu", street=f"{i}"
        )
        for i in range(MAX_ADDRESSES)
    )
    body = api.data(CREATE, {"address": HOME}, user=lan)["accountAddressCreate"]
    assert body["errors"] == [
        {"field": None, "message": "Sổ địa chỉ chứa tối đa 20 địa chỉ.", "code": "INVALID"}
    ]
    assert Address.objects.filter(user=lan).count() == MAX_ADDRESSES


def test_another_users_address_is_not_found_and_unchanged(api):
    lan, mai = UserFactory(), UserFactory()
    api.data(CREATE, {"address": HOME}, user=mai)
    theirs = Address.objects.get(user=mai)
    before = saved(mai)
    for query, variables in [
        (UPDATE, {"id": gid("Address", theirs.pk), "address": {"phone": "0987654321"}}),
        (DELETE, {"id": gid("Address", theirs.pk)}),
        (SET_DEFAULT, {"id": gid("Address", theirs.pk), "type": "SHIPPING"}),
    ]:
        payload = next(iter(api.data(query, variables, user=lan).values()))
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("id", "NOT_FOUND")], query
    assert saved(mai) == before


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (CREATE, {"address": HOME}),
        (UPDATE, {"id": gid("Address", 1), "address": {"phone": "0987654321"}}),
        (DELETE, {"id": gid("Address", 1)}),
        (SET_DEFAULT, {"id": gid("Address", 1), "type": "SHIPPING"}),
        (ACCOUNT_UPDATE, {"input": {"firstName": "X"}}),
        (PASSWORD_CHANGE, {"oldPassword": "pass-word-123", "newPassword": "another-pass-456"}),
    ],
)
def test_anonymous_callers_are_refused(api, query, variables):
    lan = UserFactory(first_name="Lan")
    Address.objects.create(
        user=lan, pk=1, full_name="Lan", phone="0912345678", province="son-la", commune="a", street="b"
    )
    body = api(query, variables)
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    lan.refresh_from_db()
    assert (lan.first_name, lan.check_password("pass-word-123"), saved(lan)) == (
        "Lan",
        True,
        [("Lan", "0912345678", "son-la", "a", "b", False)],
    )


def test_account_update_changes_names_and_a_default_address(api):
    lan = UserFactory(first_name="Lan", last_name="Nguyễn")
    body = api.data(ACCOUNT_UPDATE, {"input": {"lastName": "Trần", "defaultShippingAddress": HOME}}, user=lan)
    assert body["accountUpdate"] == {
        "user": {
            "id": gid("User", lan.pk),
            "email": lan.email,
            "firstName": "Lan",
            "lastName": "Trần",
            "avatar": None,
        },
        "errors": [],
    }
    assert saved(lan)[0][-1] is True
    long_name = api.data(ACCOUNT_UPDATE, {"input": {"firstName": "x" * 151}}, user=lan)["accountUpdate"]
    assert [(e["field"], e["code"]) for e in long_name["errors"]] == [("firstName", "INVALID")]
    lan.refresh_from_db()
    assert (lan.first_name, lan.last_name) == ("Lan", "Trần")


def test_password_change_checks_the_old_password_and_revokes_tokens(api):
    lan = UserFactory(email="lan@example.vn")
    token = api.data('mutation { tokenCreate(email: "lan@example.vn", password: "pass-word-123") { token } }')
    access = token["tokenCreate"]["token"]
    wrong = api.data(PASSWORD_CHANGE, {"oldPassword": "nope", "newPassword": "another-pass-456"}, user=lan)
    assert wrong["passwordChange"]["errors"] == [
        {"field": "oldPassword", "message": "Mật khẩu hiện tại không đúng.", "code": "INVALID_PASSWORD"}
    ]
    weak = api.data(PASSWORD_CHANGE, {"oldPassword": "pass-word-123", "newPassword": "123"}, user=lan)
    assert {(e["field"], e["code"]) for e in weak["passwordChange"]["errors"]} == {
        ("newPassword", "INVALID_PASSWORD")
    }
    lan.refresh_from_db()
    assert lan.check_password("pass-word-123")
    ok = api(
        PASSWORD_CHANGE,
        {"oldPassword": "pass-word-123", "newPassword": "another-pass-456"},
        headers={"HTTP_AUTHORIZATION": f"Bearer {access}"},
    )
    assert ok["data"]["passwordChange"] == {"errors": []}
    lan.refresh_from_db()
    assert lan.check_password("another-pass-456")
    assert api.raw("{ me { email } }", headers={"HTTP_AUTHORIZATION": f"Bearer {access}"}).status_code == 401


def test_profile_runs_a_constant_number_of_queries(api):
    lan = UserFactory()
    api.data(CREATE, {"address": HOME}, user=lan)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            api.data(PROFILE, user=lan)
        return len(queries)

    one = count()
    for _ in range(4):
        api.data(CREATE, {"address": HOME}, user=lan)
    assert count() == one
    assert User.objects.count() == 1


SET_PASSWORD = """
mutation SetPassword($email: String!, $password: String!, $token: String!) {
  setPassword(email: $email, password: $password, token: $token) {
    errors { field message code }
    token refreshToken
    user { email }
  }
}
"""


def _reset_token(api) -> str:
    import re

    from django.core import mail

    api.data(
        'mutation { requestPasswordReset(email: "lan@example.vn", redirectUrl: "x") { errors { code } } }'
    )
    return re.search(r"/account/password-reset/\S+/(\S+)/", mail.outbox[-1].body).group(1)


def test_set_password_with_the_emailed_token_signs_in_once(api):
    lan = UserFactory(email="lan@example.vn")
    token = _reset_token(api)
    bad = api.data(SET_PASSWORD, {"email": "lan@example.vn", "password": "moc-chau-2026", "token": "1-x"})
    assert bad["setPassword"]["errors"] == [
        {
            "field": "token",
            "message": "Liên kết đặt lại mật khẩu không hợp lệ hoặc đã hết hạn.",
            "code": "INVALID",
        }
    ]
    other = api.data(SET_PASSWORD, {"email": "mai@example.vn", "password": "moc-chau-2026", "token": token})
    assert other["setPassword"]["errors"] == bad["setPassword"]["errors"]  # no account disclosed
    weak = api.data(SET_PASSWORD, {"email": "lan@example.vn", "password": "123", "token": token})
    assert {(e["field"], e["code"]) for e in weak["setPassword"]["errors"]} == {
        ("password", "INVALID_PASSWORD")
    }
    lan.refresh_from_db()
    assert lan.check_password("pass-word-123")

    body = api.data(SET_PASSWORD, {"email": "LAN@example.vn", "password": "moc-chau-2026", "token": token})
    result = body["setPassword"]
    assert (result["errors"], result["user"]) == ([], {"email": "lan@example.vn"})
    me = api("{ me { email } }", headers={"HTTP_AUTHORIZATION": f"Bearer {result['token']}"})
    assert me["data"] == {"me": {"email": "lan@example.vn"}}
    lan.refresh_from_db()
    assert lan.check_password("moc-chau-2026")
    again = api.data(SET_PASSWORD, {"email": "lan@example.vn", "password": "another-2026-x", "token": token})
    assert again["setPassword"]["errors"][0]["code"] == "INVALID"  # the token died with the change
    lan.refresh_from_db()
    assert lan.check_password("moc-chau-2026")
