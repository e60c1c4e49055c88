"""Bounds on one GraphQL request, all checked before any resolver runs, so one anonymous request stays
well under a second of CPU.

0. The body (views.GraphQLView.parse_body): at most MAX_BODY_BYTES, one JSON object; variables at most
   MAX_VARIABLE_DEPTH deep and MAX_VARIABLE_ITEMS values.
1. The source (`check_source`, before parsing): at most MAX_TOKENS tokens and brackets nested at most
   MAX_NESTING deep, so neither the parser nor the validators recurse deeply.
2. The document (`check_document`, before validation, whose overlap check is quadratic in repeated fields):
   at most MAX_FIELDS field selections, MAX_ALIASES aliases and MAX_FRAGMENTS fragments.
3. The operation (`analyse`, after validation, fragments expanded, with the request's variables):
   - depth at most MAX_DEPTH fields (`ofType` steps of introspection excluded: the standard introspection
     query nests them nine deep, and they follow a type's finite wrapping);
   - no list field selected inside itself (product → variants → product → variants) except the tree fields
     of TREE_DEPTH, up to the tree's depth;
   - cost at most MAX_QUERY_COST: a field costs 1 plus its selection, a list field multiplies by the list's
     bound (LIST_BOUNDS, also enforced when resolving: `bound_list_resolvers`), a connection by its
     `first`/`last` (the page, at most 100);
   - mutations: at most MUTATION_BUDGET[name] of each expensive mutation (checked before the first one
     runs) and MAX_MUTATIONS root mutation fields in all.
Introspection (`__schema`, `__type`) costs exactly what it answers: its selection is counted over the
schema itself (`_Walker.count_over_schema`), so the standard introspection query passes and thirty aliased
copies of it do not."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.conf import settings
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    Source,
    VariableNode,
)
from graphql.language import Lexer, TokenKind
from graphql.type import SchemaMetaFieldDef, TypeMetaFieldDef, is_introspection_type

from marketplace.catalog.attributes import SOURCES
from marketplace.content.models import MENU_MAX_ITEMS
from marketplace.graphql.core.connection import MAX_PAGE_SIZE

MAX_BODY_BYTES = 1024 * 1024
MAX_VARIABLE_DEPTH = 32
MAX_VARIABLE_ITEMS = 10_000
MAX_TOKENS = 20_000
MAX_NESTING = 64
MAX_FIELDS = 1_000
MAX_ALIASES = 30
MAX_FRAGMENTS = 50
MAX_DEPTH = 15
MAX_QUERY_COST = 50_000
MAX_MUTATIONS = 10
DEFAULT_PAGE = MAX_PAGE_SIZE
MAX_PAYLOAD_ERRORS = 100

# Mutations that hash a password, send an e-mail or take stock: at most this many per request, so 30
# aliased tokenCreate are refused before the first one checks a password.
MUTATION_BUDGET = {
    "tokenCreate": 1,
    "tokenRefresh": 1,
    "accountRegister": 1,
    "requestPasswordReset": 1,
    "setPassword": 1,
    "passwordChange": 1,
    "tokensDeactivateAll": 1,
    "checkoutComplete": 1,
    # Each counts against the promo-code throttle and calls Stripe: one per request.
    "checkoutAddPromoCode": 1,
    "transactionInitialize": 1,
    "transactionProcess": 1,
}

# The most items each list field returns ("Type.field"); a test requires an entry for every list field of
# the schema. Resolvers are cut to these bounds (bound_list_resolvers) so the cost above stays true.
PRODUCT_MAX_VARIANTS = 20
# One attribute per source at most (catalog.Attribute.source is unique and one of SOURCES, in the database),
# and only the variant-level sources (weight, volume) on variants.
MAX_ATTRIBUTES = len(SOURCES)
MAX_VARIANT_ATTRIBUTES = sum(1 for source in SOURCES.values() if source.variant_level)
CHECKOUT_MAX_LINES = 100
LIST_BOUNDS = {
    "Query.channels": 10,
    "Channel.countries": 5,
    "Product.variants": PRODUCT_MAX_VARIANTS,
    "Product.certificationTimeline": 20,
    "ProductReview.photos": 5,  # REVIEW_MAX_PHOTOS  # a decision every 36 months at most, and each re-rating
    "Product.media": settings.PRODUCT_MAX_IMAGES,
    "ProductVariant.media": settings.PRODUCT_MAX_IMAGES,
    # Attributes are the six of catalog.attributes.SOURCES; a product shows at most these, a variant two.
    "Product.attributes": MAX_ATTRIBUTES,
    "Product.assignedAttributes": MAX_ATTRIBUTES,
    "ProductVariant.attributes": MAX_VARIANT_ATTRIBUTES,
    "ProductVariant.assignedAttributes": MAX_VARIANT_ATTRIBUTES,
    "ProductType.productAttributes": MAX_ATTRIBUTES,
    "ProductType.variantAttributes": MAX_VARIANT_ATTRIBUTES,
    "ProductType.assignedVariantAttributes": MAX_VARIANT_ATTRIBUTES,
    "SelectedAttribute.values": 1,  # every OCOP attribute holds one value
    "AssignedMultiChoiceAttribute.value": 1,  # not used (no multi-choice attribute)
    "Product.collections": 20,
    "Page.assignedAttributes": 1,  # always empty: pages carry no attributes
    "Producer.certifications": 100,
    # A menu holds at most MENU_MAX_ITEMS items at all levels (in the database): see MENU_TREE below.
    "Menu.items": MENU_MAX_ITEMS,
    "MenuItem.children": MENU_MAX_ITEMS,
    "Checkout.lines": CHECKOUT_MAX_LINES,
    "Checkout.unavailableLines": CHECKOUT_MAX_LINES,
    "Checkout.problems": CHECKOUT_MAX_LINES,
    "Checkout.availablePaymentGateways": 5,  # one per PaymentMethod
    "PaymentGateway.config": 5,
    "PaymentGateway.currencies": 1,
    "PaymentGatewayInitialize.gatewayConfigs": 10,  # MAX_GATEWAYS_PER_CALL
    "TransactionItem.actions": 3,
    "AddressValidationData.allowedFields": 20,
    "AddressValidationData.requiredFields": 20,
    "AddressValidationData.upperFields": 20,
    "AddressValidationData.countryAreaChoices": 40,  # the 34 provinces
    "AddressValidationData.cityChoices": 1,  # empty: communes are typed
    "AddressValidationData.cityAreaChoices": 1,
    "AddressValidationData.postalCodeMatchers": 1,
    "AddressValidationData.postalCodeExamples": 1,
    "Checkout.shippingMethods": 5,  # one per DeliveryMethod
    "DeliveryOptionsCalculate.deliveries": 5,  # one per DeliveryMethod
    "Checkout.availableShippingMethods": 5,
    "Order.lines": CHECKOUT_MAX_LINES,
    # One fulfilment per shipped producer part. Their product with the lines' bound is what the cost counts,
    # so both are kept to what a real order holds (docs/graphql.md: longer lists are cut).
    "Order.fulfillments": 20,
    "User.addresses": 20,  # accounts.services.MAX_ADDRESSES
    "Fulfillment.lines": 50,
    "CheckoutError.variants": CHECKOUT_MAX_LINES,
    "CheckoutError.lines": CHECKOUT_MAX_LINES,
    "Order.discounts": 1,  # one voucher per order
    "Checkout.giftCards": 1,  # always empty
    "Checkout.metadata": 20,  # checkout.services.METADATA_MAX_KEYS
    "ObjectWithMetadata.metadata": 20,
    "Order.transactions": 5,  # one payment per order, a few card attempts at most
}
# Tree fields may nest inside themselves as deep as the tree goes (menus: the three levels Saleor's
# storefront renders, `items { children { children } }`).
TREE_DEPTH = {"MenuItem.children": 2, "Category.children": 3}
# The lists of one menu's tree: the first one selected multiplies by its bound, MENU_MAX_ITEMS, and the
# `children` selected directly inside it (through `children` only) by 1: the items at one level of one
# menu's tree are distinct items of that menu, at most MENU_MAX_ITEMS in all, so each level is counted at
# most MENU_MAX_ITEMS times (an upper bound), not the product of the levels' bounds. A `children` reached
# any other way (`items { parent { children } }`) multiplies by its bound again.
MENU_TREE = {"Menu.items", "MenuItem.children"}
MENU_TREE_NESTED = "MenuItem.children"
# Fields that cost more than one resolver call, in the unit above (~16 µs of CPU measured here): a page or
# count query ~3 ms; an HTML description of up to 20,000 characters turned into EditorJS ~5 ms.
CONNECTION_COST = 200
SEARCH_COST = 3_000  # a connection with a full-text search: ~50 ms (docs/adr/0003)
COUNT_COST = 200  # a connection's totalCount
FIELD_COSTS: dict[str, int] = {}
# Rich text: stored as sanitised HTML, answered as EditorJS (editorjs.rich_text). Converting one text of
# RICH_TEXT_CHARS characters (the longest product description) costs ~4 ms and its JSON ~0.4 ms (measured
# 2026-12-05): RICH_TEXT_COST.
# A request converts each distinct text once (the answer is memoised per request, as a DataLoader would)
# and at most as many characters as it paid for, so a rich-text field costs 1 per occurrence (the resolver
# call) plus RICH_TEXT_COST - 1 per text it may convert: its occurrences × its size in texts (pages hold up to
# 100,000 characters: 5), counted up to RICH_TEXTS_PER_REQUEST for the whole request. The order history
# (10 orders × 100 lines × a product description) is thus charged 80 conversions, and the request may
# convert no more than 80 × RICH_TEXT_CHARS characters (views.GraphQLView sets the budget; further texts
# answer null with an error).
RICH_TEXT_COST = 300
RICH_TEXT_CHARS = 20_000  # catalog.models.PRODUCT_DESCRIPTION_MAX_LENGTH
RICH_TEXTS_PER_REQUEST = 80
RICH_TEXT_FIELDS = {
    "Product.description": 1,
    "ProductTranslation.description": 1,
    "ProductTranslation.descriptionJson": 1,
    "Category.description": 1,
    "CategoryTranslation.description": 1,
    "CategoryTranslation.descriptionJson": 1,
    "Collection.description": 1,
    "CollectionTranslation.description": 1,
    "CollectionTranslation.descriptionJson": 1,
    "Page.content": 5,  # content.services.PAGE_CONTENT_MAX_LENGTH
    "PageTranslation.content": 5,
    "PageTranslation.contentJson": 5,
}
# Connections whose nodes a DataLoader already holds for the whole page of parents (no SQL of their own):
# they cost no CONNECTION_COST and their page is cut to the bound (the resolver cuts `first`/`last` too).
LOADED_CONNECTIONS = {"Product.productVariants": PRODUCT_MAX_VARIANTS}
# A connection's `edges` hold one page: its `first`/`last`.
PAGE_LIST_FIELD = "edges"
PAYLOAD_ERRORS_FIELD = "errors"

_OPENING = {TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L}
_CLOSING = {TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R}


class LimitError(GraphQLError):
    """A request over one of the bounds above; nothing ran."""

    def __init__(self, message: str, code: str = "QueryLimitError"):
        super().__init__(message, extensions={"exception": {"code": code}})


def check_source(query: str) -> LimitError | None:
    """Token count and bracket nesting, read with the lexer alone (no recursion). Syntax errors are left
    to the parser, which reports them with their location."""
    lexer = Lexer(Source(query))
    tokens = nesting = 0
    try:
        while True:
            kind = lexer.advance().kind
            if kind == TokenKind.EOF:
                return None
            tokens += 1
            if tokens > MAX_TOKENS:
                return LimitError(f"The query has more than {MAX_TOKENS} tokens.")
            if kind in _OPENING:
                nesting += 1
                if nesting > MAX_NESTING:
                    return LimitError(f"The query nests brackets more than {MAX_NESTING} deep.")
            elif kind in _CLOSING:
                nesting -= 1
    except GraphQLError:
        return None


def check_document(document: DocumentNode) -> LimitError | None:
    """Field, alias and fragment counts of the whole document as written."""
    fields = aliases = fragments = 0
    stack = list(document.definitions)
    while stack:
        node = stack.pop()
        if isinstance(node, FragmentDefinitionNode):
            fragments += 1
        elif isinstance(node, FieldNode):
            fields += 1
            aliases += node.alias is not None
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            stack.extend(selection_set.selections)
    if aliases > MAX_ALIASES:
        return LimitError(f"The query uses {aliases} aliases; at most {MAX_ALIASES} are allowed.")
    if fields > MAX_FIELDS:
        return LimitError(f"The query selects {fields} fields; at most {MAX_FIELDS} are allowed.")
    if fragments > MAX_FRAGMENTS:
        return LimitError(f"The query defines {fragments} fragments; at most {MAX_FRAGMENTS} are allowed.")
    return None


def list_bound(type_name: str, field_name: str) -> int | None:
    """How many items the list field returns at most (a connection's edges: its page); None for a field
    without a bound."""
    if field_name == PAGE_LIST_FIELD and type_name.endswith("Connection"):
        return MAX_PAGE_SIZE
    if field_name == PAYLOAD_ERRORS_FIELD:
        return MAX_PAYLOAD_ERRORS
    return LIST_BOUNDS.get(f"{type_name}.{field_name}")


def _is_list(graphql_type) -> bool:
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return isinstance(graphql_type, GraphQLList)


def _named(graphql_type):
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type


class _Refused(Exception):
    def __init__(self, error: LimitError):
        self.error = error


@dataclass
class Analysis:
    cost: int = 0
    depth: int = 0
    fields: int = 0
    mutations: Counter = field(default_factory=Counter)
    error: LimitError | None = None
    # Rich texts the operation may convert (RICH_TEXT_FIELDS), before the per-request cap.
    rich_texts: int = 0

    @property
    def rich_text_chars(self) -> int:
        """The characters of rich text the request may convert: what its cost paid for."""
        return min(self.rich_texts, RICH_TEXTS_PER_REQUEST) * RICH_TEXT_CHARS


class _Walker:
    def __init__(self, schema: GraphQLSchema, fragments: dict, variables: dict, analysis: Analysis):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.analysis = analysis

    def page_size(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(int(value.value), 1)
            if isinstance(value, VariableNode):
                number = self.variables.get(value.name.value)
                if isinstance(number, int) and not isinstance(number, bool):
                    return max(number, 1)
        return DEFAULT_PAGE

    def searches(self, node: FieldNode) -> bool:
        """Whether the connection runs a full-text search (`search` or `filter.search` given)."""

        def given(value) -> bool:
            if isinstance(value, VariableNode):
                return bool(self.variables.get(value.name.value))
            return not isinstance(value, NullValueNode) and bool(getattr(value, "value", True))

        for argument in node.arguments or ():
            value = argument.value
            if argument.name.value == "search" and given(value):
                return True
            if argument.name.value != "filter":
                continue
            if isinstance(value, VariableNode):
                variable = self.variables.get(value.name.value)
                if isinstance(variable, dict) and variable.get("search"):
                    return True
            elif isinstance(value, ObjectValueNode):
                if any(f.name.value == "search" and given(f.value) for f in value.fields):
                    return True
        return False

    def field_definition(self, parent, name: str):
        if parent is self.schema.query_type and name == "__schema":
            return SchemaMetaFieldDef
        if parent is self.schema.query_type and name == "__type":
            return TypeMetaFieldDef
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return parent.fields.get(name)
        return None

    def walk(
        self,
        selection_set,
        parent,
        depth: int,
        lists: Counter,
        spreads: frozenset,
        page: int,
        scale: int = 1,
        in_menu_tree: bool = False,
    ) -> int:
        """The selection's cost; `scale` is how many times the enclosing lists repeat it; `in_menu_tree`:
        the selection is that of a menu tree's list (MENU_TREE), already counted on the menu's total."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.walk(
                    selection.selection_set, inner, depth, lists, spreads, page, scale, in_menu_tree
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None:
                    continue
                if name in spreads:
                    raise _Refused(LimitError(f"Fragment {name} spreads itself."))
                inner = self.schema.get_type(fragment.type_condition.name.value)
                total += self.walk(
                    fragment.selection_set, inner, depth, lists, spreads | {name}, page, scale, in_menu_tree
                )
            else:
                total += self.field(selection, parent, depth, lists, spreads, page, scale, in_menu_tree)
        return total

    def field(
        self,
        node: FieldNode,
        parent,
        depth: int,
        lists: Counter,
        spreads: frozenset,
        page: int,
        scale: int = 1,
        in_menu_tree: bool = False,
    ) -> int:
        """The field's cost. `page` is the page size of the connection whose selection this is."""
        analysis = self.analysis
        analysis.fields += 1
        if analysis.fields > MAX_FIELDS:
            raise _Refused(
                LimitError(f"The query selects more than {MAX_FIELDS} fields once fragments are expanded.")
            )
        name = node.name.value
        if depth == 0 and parent is self.schema.mutation_type:
            analysis.mutations[name] += 1
        definition = self.field_definition(parent, name)
        if definition is None:  # __typename (validation has refused unknown fields)
            return 1
        introspection = is_introspection_type(parent) or name in ("__schema", "__type")
        if not (introspection and name == "ofType"):
            depth += 1
        if depth > MAX_DEPTH:
            raise _Refused(
                LimitError(f"The query is nested deeper than {MAX_DEPTH} fields.", code="QueryDepthError")
            )
        analysis.depth = max(analysis.depth, depth)
        coordinate = f"{parent.name}.{name}"
        named = _named(definition.type)
        repeats = lists
        if "first" in definition.args or "last" in definition.args:
            # A connection: its own SQL, then its `edges` hold one page of nodes.
            repeats = lists + Counter({coordinate: 1})
            self.check_repeats(coordinate, repeats)
            loaded = LOADED_CONNECTIONS.get(coordinate)
            page_size = self.page_size(node) if loaded is None else min(self.page_size(node), loaded)
            selection = self.walk(node.selection_set, named, depth, repeats, spreads, page_size, scale)
            if loaded is not None:
                return 1 + selection
            return CONNECTION_COST + (SEARCH_COST if self.searches(node) else 0) + selection
        weight = FIELD_COSTS.get(coordinate, 1)
        if coordinate in RICH_TEXT_FIELDS:
            analysis.rich_texts += scale * RICH_TEXT_FIELDS[coordinate]
        if name == "totalCount" and parent.name.endswith("Connection"):
            weight = COUNT_COST
        multiplier = 1
        if _is_list(definition.type):
            if name == PAGE_LIST_FIELD and parent.name.endswith("Connection"):
                multiplier = page
            else:
                repeats = lists + Counter({coordinate: 1})
                self.check_repeats(coordinate, repeats)
                if not introspection:
                    bound = list_bound(parent.name, name)
                    multiplier = DEFAULT_PAGE if bound is None else bound
                if in_menu_tree and coordinate == MENU_TREE_NESTED:
                    multiplier = 1
        if node.selection_set is None:
            return multiplier * weight
        child = self.walk(
            node.selection_set,
            named,
            depth,
            repeats,
            spreads,
            page,
            scale * multiplier,
            coordinate in MENU_TREE,
        )
        if depth == 1 and name in ("__schema", "__type"):
            return 1 + self.introspection_cost(node, name)
        return multiplier * (weight + child)

    def introspection_cost(self, node: FieldNode, name: str) -> int:
        if name == "__schema":
            return self.count_over_schema(node.selection_set, "__Schema", self.schema)
        argument = next((arg.value for arg in node.arguments or () if arg.name.value == "name"), None)
        type_name = self.variables.get(argument.name.value) if isinstance(argument, VariableNode) else None
        type_name = getattr(argument, "value", None) if type_name is None else type_name
        graphql_type = self.schema.get_type(type_name) if isinstance(type_name, str) else None
        return (
            0 if graphql_type is None else self.count_over_schema(node.selection_set, "__Type", graphql_type)
        )

    def count_over_schema(self, selection_set, type_name: str, item) -> int:
        """The number of fields the introspection selection answers for `item`, counted over the schema's
        own objects; refused as soon as it passes the cost limit."""
        total = 0
        for node in self.expand(selection_set, frozenset()):
            total += 1
            if node.selection_set is not None:
                child_type, children = _introspection_children(self.schema, type_name, node.name.value, item)
                for child in children:
                    total += self.count_over_schema(node.selection_set, child_type, child)
                    if total > MAX_QUERY_COST:
                        raise _Refused(
                            LimitError(
                                f"The query exceeds the maximum cost of {MAX_QUERY_COST} in introspection.",
                                code="QueryCostError",
                            )
                        )
        return total

    def expand(self, selection_set, spreads: frozenset):
        """The fields of a selection with its fragments expanded (validation has refused fragment cycles)."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from self.expand(selection.selection_set, spreads)
            elif selection.name.value in self.fragments and selection.name.value not in spreads:
                fragment = self.fragments[selection.name.value]
                yield from self.expand(fragment.selection_set, spreads | {selection.name.value})

    @staticmethod
    def check_repeats(coordinate: str, repeats: Counter) -> None:
        if repeats[coordinate] > TREE_DEPTH.get(coordinate, 1):
            raise _Refused(
                LimitError(
                    f"The query selects the list {coordinate} inside itself; select it once.",
                    code="QueryCycleError",
                )
            )


def _introspection_children(schema: GraphQLSchema, type_name: str, field_name: str, item) -> tuple[str, list]:
    """What an introspection field answers for `item`: (the introspection type of the answer, its items)."""
    if type_name == "__Schema":
        if field_name == "types":
            return "__Type", list(schema.type_map.values())
        if field_name == "directives":
            return "__Directive", list(schema.directives)
        root = {"queryType": schema.query_type, "mutationType": schema.mutation_type}.get(field_name)
        return "__Type", [root] if root is not None else []
    if type_name == "__Type":
        if field_name == "ofType":
            return "__Type", [item.of_type] if isinstance(item, GraphQLNonNull | GraphQLList) else []
        if field_name == "possibleTypes":
            abstract = isinstance(item, GraphQLInterfaceType | GraphQLUnionType)
            return "__Type", list(schema.get_possible_types(item)) if abstract else []
        fields = getattr(item, "fields", None) or {}
        if field_name == "fields":
            return "__Field", [] if isinstance(item, GraphQLInputObjectType) else list(fields.values())
        if field_name == "inputFields":
            return "__InputValue", list(fields.values()) if isinstance(item, GraphQLInputObjectType) else []
        if field_name == "interfaces":
            return "__Type", list(getattr(item, "interfaces", None) or [])
        if field_name == "enumValues":
            return "__EnumValue", list(item.values.values()) if isinstance(item, GraphQLEnumType) else []
        return "__Type", []
    if field_name == "args":
        return "__InputValue", list(item.args.values())
    if field_name == "type":
        return "__Type", [item.type]
    return "__Type", []


def analyse(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode | None,
    variables: dict | None,
) -> Analysis:
    """Cost, depth, cycles and mutation budget of the operation to run (the document is valid)."""
    analysis = Analysis()
    if operation is None:
        return analysis
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(operation.operation)
    walker = _Walker(schema, fragments, variables or {}, analysis)
    try:
        analysis.cost = walker.walk(operation.selection_set, root, 0, Counter(), frozenset(), 1)
    except _Refused as refused:
        analysis.error = refused.error
        return analysis
    analysis.cost += (RICH_TEXT_COST - 1) * min(analysis.rich_texts, RICH_TEXTS_PER_REQUEST)
    if analysis.cost > MAX_QUERY_COST:
        analysis.error = LimitError(
            f"The query exceeds the maximum cost of {MAX_QUERY_COST}. Actual cost is {analysis.cost}",
            code="QueryCostError",
        )
    elif operation.operation == OperationType.MUTATION:
        analysis.error = _mutation_budget_error(analysis.mutations)
    return analysis


def _mutation_budget_error(mutations: Counter) -> LimitError | None:
    for name, count in sorted(mutations.items()):
        budget = MUTATION_BUDGET.get(name)
        if budget is not None and count > budget:
            return LimitError(
                f"The request runs {name} {count} times; at most {budget} per request.",
                code="MutationLimitError",
            )
    total = sum(mutations.values())
    if total > MAX_MUTATIONS:
        return LimitError(
            f"The request runs {total} mutations; at most {MAX_MUTATIONS} per request.",
            code="MutationLimitError",
        )
    return None


def bound_list_resolvers(schema: GraphQLSchema) -> None:
    """Cut every bounded list field's result to its bound, so data past the bound (a product with more
    variants than PRODUCT_MAX_VARIANTS) never costs more than the query analysis counted."""
    from graphql import default_field_resolver

    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or is_introspection_type(graphql_type):
            continue
        for name, definition in graphql_type.fields.items():
            bound = LIST_BOUNDS.get(f"{graphql_type.name}.{name}")
            if bound is None or getattr(definition.resolve, "list_bound", None) is not None:
                continue
            definition.resolve = _BoundedResolver(definition.resolve or default_field_resolver, bound)


class _BoundedResolver:
    """A field resolver whose list result is cut to `list_bound` items (it marks the field as done)."""

    def __init__(self, resolve: Callable[..., Any], bound: int) -> None:
        self.resolve = resolve
        self.list_bound = bound

    def __call__(self, root: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        result = self.resolve(root, info, **arguments)
        if result is None or (isinstance(result, list | tuple) and len(result) <= self.list_bound):
            return result
        if hasattr(result, "__getitem__"):
            return result[: self.list_bound]
        return list(islice(result, self.list_bound))
