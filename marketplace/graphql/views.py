"""The /graphql/ endpoint.

Authentication: `Authorization: Bearer <JWT>` for API clients; the view is CSRF-exempt for them. A session
cookie is honoured only on a POST that passes Django's CSRF check (GraphiQL sends the token), otherwise the
request runs as anonymous, so a cross-site form can never act with a shopper's session."""

import json
import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import transaction
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView as BaseGraphQLView
from graphene_django.views import HttpError
from graphql import (
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute_sync,
    get_operation_ast,
    parse,
    validate,
)

from marketplace.core.middleware import is_database_unavailable
from marketplace.graphql.core import limits
from marketplace.graphql.core.auth import TokenError, user_from_token
from marketplace.graphql.core.errors import BadRequest

logger = logging.getLogger(__name__)


def _variables_problem(value) -> str | None:
    """Depth, size and NUL characters of the variables, walked without recursion (json.loads accepts
    nesting far deeper than any input type)."""
    stack = [(value, 1)]
    items = 0
    while stack:
        item, depth = stack.pop()
        items += 1
        if items > limits.MAX_VARIABLE_ITEMS:
            return f"The variables hold more than {limits.MAX_VARIABLE_ITEMS} values."
        if depth > limits.MAX_VARIABLE_DEPTH:
            return f"The variables nest deeper than {limits.MAX_VARIABLE_DEPTH} levels."
        if isinstance(item, str):
            if "\x00" in item:
                return "NUL characters are not allowed."
        elif isinstance(item, dict):
            stack.extend((key, depth + 1) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return None


def _bad_request(message: str) -> HttpError:
    return HttpError(HttpResponseBadRequest(message))


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
        # Before anything reads the body (the CSRF check reads form fields).
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limits.MAX_BODY_BYTES:
            message = f"The request body is larger than {limits.MAX_BODY_BYTES} bytes."
            return JsonResponse({"errors": [self.format_error(_bad_request(message))]}, status=400)
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

    def parse_body(self, request):
        """The request body as one GraphQL request; every malformed body is a 400 with a JSON error."""
        content_type = self.get_content_type(request)
        try:
            if content_type not in ("application/json", "application/graphql"):
                return super().parse_body(request)  # form fields: Django's own field count limit
            body = request.body.decode("utf-8")
        except (UnicodeDecodeError, RequestDataTooBig, TooManyFieldsSent, MultiPartParserError):
            raise _bad_request("The request body must be UTF-8 text of a bounded size.") from None
        if content_type == "application/graphql":
            return {"query": body}
        try:
            data = json.loads(body)
        except RecursionError:
            raise _bad_request("The request body nests JSON too deeply.") from None
        except ValueError:
            raise _bad_request("The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            # Batches are not supported: one operation per request keeps the limits per request true.
            raise _bad_request("The request body must be one JSON object with a query.")
        return data

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseBadRequest("Must provide query string."))
        if not isinstance(query, str) or not isinstance(operation_name, str | None):
            return ExecutionResult(errors=[BadRequest("The query and operationName must be strings.")])
        if variables is not None and not isinstance(variables, dict):
            return ExecutionResult(errors=[BadRequest("Variables must be a JSON object.")])
        problem = _variables_problem(variables)
        if problem is not None:
            return ExecutionResult(errors=[BadRequest(problem)])
        if "\x00" in query or "\\u0000" in query:
            # PostgreSQL cannot store NUL in text; refuse it up front instead of failing in a resolver.
            return ExecutionResult(errors=[BadRequest("NUL characters are not allowed.")])
        refused = limits.check_source(query)
        if refused is not None:
            return ExecutionResult(errors=[refused])
        try:
            document = parse(query, max_tokens=limits.MAX_TOKENS)
        except GraphQLError as exc:
            return ExecutionResult(errors=[exc])
        operation = get_operation_ast(document, operation_name)
        if request.method == "GET" and operation is not None and operation.operation != OperationType.QUERY:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseNotAllowed(["POST"], "Mutations need a POST request."))
        refused = limits.check_document(document)
        if refused is not None:
            return ExecutionResult(errors=[refused])
        schema = self.schema.graphql_schema
        errors = validate(schema, document, max_errors=50)
        if errors:
            return ExecutionResult(errors=errors)
        analysis = limits.analyse(schema, document, operation, variables)
        request.graphql_extensions["cost"] = {
            "requestedQueryCost": analysis.cost,
            "maximumAvailable": limits.MAX_QUERY_COST,
        }
        if analysis.error is not None:
            return ExecutionResult(errors=[analysis.error])
        request.rich_text_chars = analysis.rich_text_chars
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
                    result = execute_sync(schema, document, **options)
                    if result.errors or getattr(request, "graphql_mutation_failed", False):
                        transaction.set_rollback(True)
                return result
            return execute_sync(schema, document, **options)
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
        return {"message": str(error), "extensions": {"exception": {"code": "BadRequest"}}}
