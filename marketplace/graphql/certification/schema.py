import graphene

from marketplace.certification.selectors import certificate_check, certificate_register
from marketplace.graphql.certification.types import (
    OcopCertificateVerification,
    OcopRegisterCountableConnection,
    register_node,
    verification_node,
)
from marketplace.graphql.core.connection import connection_field, paginate


class CertificationQueries(graphene.ObjectType):
    ocop_register = connection_field(
        OcopRegisterCountableConnection,
        description="The current register of OCOP certificates (every certificate valid today), by code; "
        "the same rows as /open-data/certificates.csv.",
    )

    ocop_certificate = graphene.Field(
        OcopCertificateVerification,
        code=graphene.String(required=True, description="The code printed under a QR label."),
        description="Verify a certificate by its code, as /v/<code>/ does; null for an unknown code.",
    )

    @staticmethod
    def resolve_ocop_certificate(root, info, code):
        check = certificate_check(code=code[:64])
        return verification_node(check) if check is not None else None

    @staticmethod
    def resolve_ocop_register(root, info, **page):
        connection = paginate(certificate_register(), info, OcopRegisterCountableConnection, **page)
        for edge in connection.edges:
            edge.node = register_node(edge.node)
        return connection
