import graphene

from marketplace.accounts.models import User as UserModel
from marketplace.graphql.core.types import Image


class User(graphene.ObjectType):
    email = graphene.String(required=True)
    first_name = graphene.String(required=True)
    last_name = graphene.String(required=True)
    is_staff = graphene.Boolean(required=True)
    is_active = graphene.Boolean(required=True)
    date_joined = graphene.DateTime(required=True)
    avatar = graphene.Field(Image, size=graphene.Int(), format=graphene.String())

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "Represents user data."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, UserModel)

    @staticmethod
    def resolve_avatar(root, info, size=None, format=None):
        return None
