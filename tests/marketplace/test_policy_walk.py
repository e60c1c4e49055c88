"""The codebase checks itself: every write service says who acts (`by`, required, keyword-only), and no code
outside marketplace/producers/policies.py decides producer access by looking at memberships or staff flags."""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import marketplace

ROOT = Path(__file__).resolve().parents[2]

# Public functions of services.py modules that are not writes by someone and so take no `by`. Keep it short:
# a new entry needs a reason here, and a pure helper is better moved to a selector or core module.
NOT_WRITES = {
    # Pure: the date a certificate ends, from its decision date (factories and tests use it too).
    ("marketplace.certification.services", "certificate_valid_until"),
    # Row locks taken inside the caller's transaction (checkout, imports): the caller already authorised.
    ("marketplace.certification.services", "lock_products"),
    ("marketplace.certification.services", "lock_product_ids"),
    # The Stripe client and the webhook's signature check: no database write.
    ("marketplace.payments.services", "stripe_client"),
    ("marketplace.payments.services", "stripe_signature_verify"),
    # Queues products for re-indexing as a consequence of another service's write (that one checked `by`).
    ("marketplace.search.services", "search_products_changed"),
    ("marketplace.search.services", "search_uses_external_index"),  # reads a setting
    ("catalog_import.services", "import_undo_blockers"),  # reads why an import cannot be undone
    # A publishing rule raised inside the catalogue services' writes (they checked `by`).
    ("marketplace.producers.services", "require_verified_seller"),
    # Money arithmetic and reads: a share of an amount, the commission rate in force, the bank webhook's
    # signature check and the COD remittance plan (its apply takes `by`).
    ("marketplace.money.services", "share"),
    ("marketplace.money.services", "commission_rate_bp"),
    ("marketplace.money.services", "bank_signature_verify"),
    ("marketplace.money.services", "remittance_plan"),
}


def services_modules() -> list[str]:
    names = [
        f"marketplace.{module.name}.services"
        for module in pkgutil.iter_modules(marketplace.__path__)
        if module.ispkg and (ROOT / "marketplace" / module.name / "services.py").exists()
    ]
    return [*names, "catalog_import.services"]


def public_functions(module_name: str) -> list[tuple[str, object]]:
    module = importlib.import_module(module_name)
    return [
        (name, function)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and function.__module__ == module_name
    ]


def test_the_walk_sees_every_services_module():
    modules = services_modules()
    assert {"marketplace.catalog.services", "marketplace.orders.services", "catalog_import.services"} <= set(
        modules
    )
    assert len(modules) >= 9
    assert sum(len(public_functions(name)) for name in modules) >= 60


@pytest.mark.parametrize("module_name", services_modules())
def test_every_write_service_takes_the_acting_party(module_name):
    missing = []
    for name, function in public_functions(module_name):
        if (module_name, name) in NOT_WRITES:
            continue
        by = inspect.signature(function).parameters.get("by")
        if (
            by is None
            or by.kind is not inspect.Parameter.KEYWORD_ONLY
            or by.default is not inspect.Parameter.empty
        ):
            missing.append(name)
    assert missing == [], f"{module_name}: give these a required keyword-only `by` (never a default)"


def test_the_allow_list_names_only_functions_that_exist():
    existing = {(module, name) for module in services_modules() for name, _ in public_functions(module)}
    assert existing >= NOT_WRITES


# Membership is looked up only by the policy, and by the one selector that lists a producer's mail
# recipients; the models define the relation, migrations create it.
MEMBERSHIP_CHECK = re.compile(
    r"producer_memberships|memberships__user|ProducerMembership\.objects\.(filter|get|exclude)|\.memberships\."
)
STAFF_CHECK = re.compile(r"\.is_staff\b|\.has_perm\(|\.is_superuser\b")
MEMBERSHIP_ALLOWED = {
    "marketplace/producers/policies.py",
    "marketplace/producers/selectors.py",  # producer_mail_recipients: active members' addresses
    "marketplace/producers/models.py",
}
# Staff flags and permissions: the policy decides; Django's admin asks permissions for its own pages.
STAFF_ALLOWED = {"marketplace/producers/policies.py", "marketplace/accounts/models.py"}


def source_files() -> list[Path]:
    files = []
    for top in ("marketplace", "storefront", "catalog_import"):
        files += [
            path
            for path in (ROOT / top).rglob("*.py")
            if "migrations" not in path.parts and "__pycache__" not in path.parts
        ]
    return files


def test_nothing_outside_the_policy_checks_membership_or_staff_flags():
    offenders = []
    for path in source_files():
        relative = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if MEMBERSHIP_CHECK.search(line) and relative not in MEMBERSHIP_ALLOWED:
                offenders.append(f"{relative}:{number}: {line.strip()}")
            if (
                STAFF_CHECK.search(line)
                and relative not in STAFF_ALLOWED
                and not relative.endswith("admin.py")
            ):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
    assert len(source_files()) > 100  # the walk really read the code


def test_the_check_catches_a_membership_lookup():
    """The patterns match the forms the old duplicate checks used."""
    old = [
        "by.producer_memberships.filter(producer_id=producer_id).exists()",
        "ProducerModel.objects.filter(memberships__user=user)",
        "ProducerMembership.objects.filter(user=user, producer_id=producer_id).exists()",
        "producer.memberships.values_list('user__email', flat=True)",
    ]
    assert all(MEMBERSHIP_CHECK.search(line) for line in old)
    assert STAFF_CHECK.search("if user.is_staff:") and STAFF_CHECK.search("user.has_perm('x')")
