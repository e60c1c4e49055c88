"""Mutation base: payload `errors{field message code}` for input problems, top-level PermissionDenied for
authorisation. A mutation that reports errors flags the request so the view rolls its writes back."""

from collections.abc import Callable
from typing import Any

import graphene
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.validators import MaxLengthValidator
from django.db import models

from marketplace.graphql.core.errors import InputError, PermissionDenied, validation_error_entries


def error_type(name: str, code_enum: type[graphene.Enum], **extra) -> type[graphene.ObjectType]:
    fields = {
        "field": graphene.String(
            description="Name of a field that caused the error. A value of `null` indicates that the error "
            "isn't associated with a particular field."
        ),
        "message": graphene.String(description="The error message."),
        "code": graphene.Field(code_enum, required=True, description="The error code."),
        **extra,
    }
    return type(name, (graphene.ObjectType,), fields)


class BaseMutation(graphene.Mutation):
    class Meta:
        abstract = True

    error_codes: type[graphene.Enum]
    field_map: dict[str, str] = {}
    # Service error codes that Saleor names differently.
    code_map: dict[str, str] = {}

    # Each mutation's classmethod `perform(cls, root, info, <its arguments>)`; typed loosely because every
    # mutation takes its own keyword arguments.
    perform: Callable[..., Any]

    @classmethod
    def mutate(cls, root, info, **data):
        try:
            return cls.perform(root, info, **data)
        except DjangoPermissionDenied as exc:
            # A service's own policy check refused: the same top-level error as the mutation's checks.
            info.context.graphql_mutation_failed = True
            raise PermissionDenied() from exc
        except InputError as exc:
            errors = [{"field": exc.field, "message": exc.message, "code": cls._code(exc.code)}]
        except ValidationError as exc:
            allowed = [member.name for member in cls.error_codes] + list(cls.code_map)
            errors = [
                {**entry, "code": cls._code(entry["code"])}
                for entry in validation_error_entries(exc, allowed_codes=allowed, field_map=cls.field_map)
            ]
        except ObjectDoesNotExist as exc:
            errors = [{"field": None, "message": str(exc), "code": cls._code("NOT_FOUND")}]
        info.context.graphql_mutation_failed = True
        return cls(errors=errors)

    @classmethod
    def _code(cls, code: str):
        code = cls.code_map.get(code, code)
        names = {member.name for member in cls.error_codes}
        name = code if code in names else ("INVALID" if "INVALID" in names else "GRAPHQL_ERROR")
        return getattr(cls.error_codes, name)


def check_max_lengths(values: dict, model: type[models.Model], **limits: int) -> None:
    """Refuse text longer than the model field allows (the bound the portal forms use too), every field at
    once, before anything is written. `limits` gives the bound of text fields without a max_length."""
    errors = {}
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        limit = limits.get(name) or getattr(model._meta.get_field(name), "max_length", None)
        if limit is None:
            continue
        try:
            MaxLengthValidator(limit)(value)
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)
