"""Property-based fuzzing of the live endpoint (schemathesis, GraphQL mode): generated queries and
mutations for every root field must never produce a server error (5xx, or a resolver failure that is not
a labelled client error). Bounded examples keep it to a few seconds."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from marketplace.graphql.core.auth import create_token
from tests.factories import StaffFactory, visible_product

MAX_EXAMPLES = 4
# Transactional (the live server runs in another thread); tests/conftest.py puts the rows seeded by data
# migrations back after the flush.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def graphql_schema(live_server):
    visible_product(slug="ca-phe")
    schema = schemathesis.graphql.from_url(f"{live_server.url}/graphql/")
    # Random generation only (the coverage phase enumerates boundary values for every argument: minutes).
    schema.config.phases.coverage.enabled = False
    return schema


schema = schemathesis.pytest.from_fixture("graphql_schema")


@pytest.fixture
def staff_token():
    # A superuser sees no PermissionDenied, so generated mutations reach the services.
    return create_token(StaffFactory(is_superuser=True), kind="access")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case, staff_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {staff_token}"},
        checks=[schemathesis.checks.not_a_server_error],
    )
