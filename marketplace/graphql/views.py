"""The /graphql/ endpoint.

Authentication: `Authorization: Bearer <JWT>` for API clients; the view is CSRF-exempt for them. A session
cookie is honoured only on a POST that passes Django's CSRF check (GraphiQL sends the token), otherwise the
request runs as anonymous, so a cross-site form can never act with a shopper's session."""

import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView as BaseGraphQLView
from graphene_django.views import HttpError
from graphql import ExecutionResult, GraphQLError, OperationType, execute, get_operation_ast, parse, validate

from marketplace.core.middleware import is_database_unavailable
from marketplace.graphql.core import limits
from marketplace.graphql.core.auth import TokenError, user_from_token
from marketplace.graphql.core.errors import BadRequest

logger = logging.getLogger(__name__)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _csrf_ok(request) -> bool:
    def view(request):  # a callback without csrf_exempt, so the middleware really checks
        return None

    return CsrfViewMiddleware(view).process_view(request, view, (), {}) is None


@method_decorator(csrf_exempt, name="dispatch")
class GraphQLView(BaseGraphQLView):
    graphiql_template = "graphql/graphiql.html"

    @classmethod
    def can_display_graphiql(cls, request, data):
        # GraphiQL (with our vendored assets) only in DEBUG; production answers JSON only.
        return settings.DEBUG and super().can_display_graphiql(request, data)

    def dispatch(self, request, *args, **kwargs):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header[:7].lower() == "bearer ":
            try:
                request.user = user_from_token(header[7:].strip(), kind="access")
            except TokenError as exc:
                return JsonResponse(
                    {"errors": [{"message": str(exc), "extensions": {"exception": {"code": exc.code}}}]},
                    status=401,
                )
        elif request.user.is_authenticated and not (request.method == "POST" and _csrf_ok(request)):
            request.user = AnonymousUser()
        request.dataloaders = {}
        request.graphql_extensions = {}
        return super().dispatch(request, *args, **kwargs)

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseBadRequest("Must provide query string."))
        if variables is not None and not isinstance(variables, dict):
            return ExecutionResult(errors=[BadRequest("Variables must be a JSON object.")])
        if "\x00" in query or "\\u0000" in query or _has_nul(variables):
            # PostgreSQL cannot store NUL in text; refuse it up front instead of failing in a resolver.
            return ExecutionResult(errors=[BadRequest("NUL characters are not allowed.")])
        try:
            document = parse(query, max_tokens=20_000)
        except GraphQLError as exc:
            return ExecutionResult(errors=[exc])
        operation = get_operation_ast(document, operation_name)
        if request.method == "GET" and operation is not None and operation.operation != OperationType.QUERY:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseNotAllowed(["POST"], "Mutations need a POST request."))
        schema = self.schema.graphql_schema
        errors = validate(schema, document, max_errors=50)
        if errors:
            return ExecutionResult(errors=errors)
        aliases = limits.alias_count(document)
        if aliases > limits.MAX_ALIASES:
            return ExecutionResult(
                errors=[
                    GraphQLError(
                        f"The query uses {aliases} aliases; at most {limits.MAX_ALIASES} are allowed."
                    )
                ]
            )
        cost = limits.query_cost(document, operation, variables)
        request.graphql_extensions["cost"] = {
            "requestedQueryCost": cost,
            "maximumAvailable": limits.MAX_QUERY_COST,
        }
        if cost > limits.MAX_QUERY_COST:
            return ExecutionResult(
                errors=[
                    GraphQLError(
                        f"The query exceeds the maximum cost of {limits.MAX_QUERY_COST}. "
                        f"Actual cost is {cost}",
                        extensions={"exception": {"code": "QueryCostError"}},
                    )
                ]
            )
        options = {
            "context_value": request,
            "variable_values": variables,
            "operation_name": operation_name,
            "middleware": self.get_middleware(request),
        }
        try:
            if operation is not None and operation.operation == OperationType.MUTATION:
                # A mutation that reports errors changes nothing: its services' writes are rolled back.
                with transaction.atomic():
                    result = execute(schema, document, **options)
                    if result.errors or getattr(request, "graphql_mutation_failed", False):
                        transaction.set_rollback(True)
                return result
            return execute(schema, document, **options)
        except GraphQLError as exc:
            return ExecutionResult(errors=[exc])

    def get_response(self, request, data, show_graphiql=False):
        query, variables, operation_name, _id = self.get_graphql_params(request, data)
        result = self.execute_graphql_request(request, data, query, variables, operation_name, show_graphiql)
        if result is None:
            return None, 200
        unavailable = next((e for e in result.errors or () if is_database_unavailable(e)), None)
        if unavailable is not None:
            raise unavailable  # the middleware answers 503 JSON, not errors that quote the DSN
        response = {}
        status = 200
        if result.errors:
            response["errors"] = [self.format_error(error) for error in result.errors]
        if result.errors and result.data is None and any(not error.path for error in result.errors):
            status = 400
        else:
            response["data"] = result.data
        extensions = getattr(request, "graphql_extensions", None)
        if extensions:
            response["extensions"] = extensions
        return self.json_encode(request, response, pretty=show_graphiql), status

    @staticmethod
    def format_error(error):
        if isinstance(error, GraphQLError):
            original = error.original_error
            if original is not None and not isinstance(original, GraphQLError):
                # A bug, not a client mistake: log it, and do not leak internals outside DEBUG.
                logger.error("GraphQL resolver error", exc_info=original)
                formatted = error.formatted
                if not settings.DEBUG:
                    formatted["message"] = "Internal Server Error"
                formatted["extensions"] = {"exception": {"code": type(original).__name__}}
                return formatted
            return error.formatted
        return {"message": str(error)}
