import graphene

from marketplace.graphql.account.mutations import (
    AccountAddressCreate,
    AccountAddressDelete,
    AccountAddressUpdate,
    AccountDelete,
    AccountRegister,
    AccountRequestDeletion,
    AccountSetDefaultAddress,
    AccountUpdate,
    CreateToken,
    DeactivateAllUserTokens,
    PasswordChange,
    RefreshToken,
    RequestPasswordReset,
    SetPassword,
)
from marketplace.graphql.account.types import User
from marketplace.graphql.checkout.customer import CheckoutCustomerAttach, CheckoutCustomerDetach


class AccountQueries(graphene.ObjectType):
    me = graphene.Field(User, description="Return the currently authenticated user.")

    @staticmethod
    def resolve_me(root, info):
        user = info.context.user
        return user if user.is_authenticated else None


class AccountMutations(graphene.ObjectType):
    token_create = CreateToken.Field()
    token_refresh = RefreshToken.Field()
    account_register = AccountRegister.Field()
    request_password_reset = RequestPasswordReset.Field()
    tokens_deactivate_all = DeactivateAllUserTokens.Field()
    account_update = AccountUpdate.Field()
    password_change = PasswordChange.Field()
    set_password = SetPassword.Field()
    checkout_customer_attach = CheckoutCustomerAttach.Field()
    checkout_customer_detach = CheckoutCustomerDetach.Field()
    account_address_create = AccountAddressCreate.Field()
    account_address_update = AccountAddressUpdate.Field()
    account_address_delete = AccountAddressDelete.Field()
    account_set_default_address = AccountSetDefaultAddress.Field()
    account_request_deletion = AccountRequestDeletion.Field()
    account_delete = AccountDelete.Field()
