import graphene

from marketplace.certification.selectors import certificate_register
from marketplace.graphql.certification.types import OcopRegisterCountableConnection, register_node
from marketplace.graphql.core.connection import connection_field, paginate


class CertificationQueries(graphene.ObjectType):
    ocop_register = connection_field(
        OcopRegisterCountableConnection,
        description="The current register of OCOP certificates (every certificate valid today), by code; "
        "the same rows as /open-data/certificates.csv.",
    )

    @staticmethod
    def resolve_ocop_register(root, info, **page):
        connection = paginate(certificate_register(), info, OcopRegisterCountableConnection, **page)
        for edge in connection.edges:
            edge.node = register_node(edge.node)
        return connection
