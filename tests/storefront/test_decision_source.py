"""A decision's source file on its public page: only after staff publish it, and only through the view
(issue 16). Authorisation matrix of the publish action."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from catalog_import.models import ImportRun, RunStatus
from marketplace.certification.models import Decision
from marketplace.certification.services import decision_source_publish
from marketplace.producers.policies import SYSTEM_IMPORT
from tests.factories import DecisionFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

CSV = "STT,Tên sản phẩm,Chủ thể,Số sao\n1,Cà phê bột,HTX Bích Thao,4\n".encode()


@pytest.fixture
def decision():
    decision = DecisionFactory(number="1234/QĐ-UBND")
    run = ImportRun(
        decision=decision,
        status=RunStatus.APPLIED,
        applied_at=timezone.now(),
        filename="qd-1234.csv",
        checksum="0" * 64,
    )
    run.upload.save("qd-1234.csv", SimpleUploadedFile("qd-1234.csv", CSV), save=False)
    run.save()
    return decision


def _publisher():
    staff = StaffFactory(email="publisher@example.vn")
    staff.user_permissions.add(Permission.objects.get(codename="publish_decision_source"))
    return staff


def test_unpublished_source_is_not_offered_nor_served(decision):
    html = Client().get(f"/decisions/{decision.pk}/").content.decode()
    assert "data-decision-source" not in html and "Chưa công bố" in html
    assert Client().get(f"/decisions/{decision.pk}/source/").status_code == 404


def test_published_source_is_served_by_the_view_as_an_attachment(decision):
    decision_source_publish(decision=decision, published=True, by=_publisher())
    html = Client().get(f"/decisions/{decision.pk}/").content.decode()
    assert f'data-decision-source href="/decisions/{decision.pk}/source/"' in html
    assert "/media/" not in html
    response = Client().get(f"/decisions/{decision.pk}/source/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="qd-1234.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == CSV


def test_publishing_without_a_kept_file_offers_nothing():
    bare = DecisionFactory()  # imported from the command line: no upload kept
    decision_source_publish(decision=bare, published=True, by=_publisher())
    assert "Chưa công bố" in Client().get(f"/decisions/{bare.pk}/").content.decode()
    assert Client().get(f"/decisions/{bare.pk}/source/").status_code == 404


def test_only_staff_with_the_permission_may_publish(decision):
    denied = [
        AnonymousUser(),
        UserFactory(email="shopper@example.vn"),
        MembershipFactory().user,
        StaffFactory(email="support@example.vn"),
        SYSTEM_IMPORT,
    ]
    for actor in denied:
        with pytest.raises(PermissionDenied):
            decision_source_publish(decision=decision, published=True, by=actor)
        assert Decision.objects.get(pk=decision.pk).source_published is False, actor
    decision_source_publish(decision=decision, published=True, by=_publisher())
    assert Decision.objects.get(pk=decision.pk).source_published is True
    superuser = StaffFactory(email="root@example.vn", is_superuser=True)
    decision_source_publish(decision=decision, published=False, by=superuser)
    assert Decision.objects.get(pk=decision.pk).source_published is False


def test_admin_action_publishes_for_permitted_staff_only(decision):
    url = "/admin/certification/decision/"
    data = {"action": "publish_source", "_selected_action": [decision.pk]}
    viewer = StaffFactory(email="viewer@example.vn")
    viewer.user_permissions.add(Permission.objects.get(codename="view_decision"))
    client = Client()
    client.force_login(viewer)
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    assert Decision.objects.get(pk=decision.pk).source_published is False
    publisher = _publisher()
    publisher.user_permissions.add(Permission.objects.get(codename="view_decision"))
    client.force_login(publisher)
    assert client.post(url, data).status_code == 302
    assert Decision.objects.get(pk=decision.pk).source_published is True
    assert Client().post(url, data).status_code == 302  # anonymous: to the login page
