"""marketplace/graphql/schema.graphql is the committed contract; it must match the code."""

from pathlib import Path

from graphql import print_schema

from marketplace.graphql.api import schema

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "marketplace" / "graphql" / "schema.graphql"
REGENERATE = (
    "DJANGO_DEBUG=1 .venv/bin/python manage.py graphql_schema --out marketplace/graphql/schema.graphql"
)


def test_committed_schema_matches_code():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == print_schema(schema.graphql_schema), (
        f"schema.graphql drifted from the code; regenerate it with: {REGENERATE}"
    )


def test_contract_names_exist():
    printed = print_schema(schema.graphql_schema)
    for fragment in [
        "producer: Producer!",
        "ocop: OcopCertification",
        "ocopStars: [Int!]",
        "provinces: [String!]",
        "producers: [ID!]",
        "producer(slug: String!): Producer",
        "productHide(",
        "productUnhide(",
    ]:
        assert fragment in printed, fragment
    types = schema.graphql_schema.type_map
    assert list(types["OcopStatus"].values) == ["ACTIVE", "EXPIRING", "EXPIRED", "REVOKED"]
    assert list(types["ProducerKind"].values) == ["COMPANY", "COOPERATIVE", "COOPERATIVE_GROUP", "HOUSEHOLD"]
    certification = types["OcopCertification"].fields
    assert {name: str(field.type) for name, field in certification.items()} == {
        "stars": "Int!",
        "status": "OcopStatus!",
        "decisionNumber": "String!",
        "decisionDate": "Date!",
        "issuer": "String!",
        "validUntil": "Date!",
        "score": "Int",
        "code": "String!",  # issue 16: the certificate's public code and verification page
        "verifyUrl": "String!",
    }
