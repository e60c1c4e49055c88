"""Query cost and alias limits, computed on the parsed document with the request's variables.

Each field costs 1 plus the cost of its selection; a field with `first`/`last` multiplies its selection by
that page size (100 for a connection whose size comes from a missing variable). Introspection is free."""

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    VariableNode,
)

MAX_QUERY_COST = 50_000
MAX_ALIASES = 30
DEFAULT_PAGE = 100


def _page_size(field: FieldNode, variables: dict) -> int:
    for argument in field.arguments or ():
        if argument.name.value not in ("first", "last"):
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(int(value.value), 1)
        if isinstance(value, VariableNode):
            number = variables.get(value.name.value)
            if isinstance(number, int) and not isinstance(number, bool):
                return max(number, 1)
            return DEFAULT_PAGE
    return 1


def _cost(selection_set, fragments: dict, variables: dict, seen: frozenset) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                continue
            child = _cost(selection.selection_set, fragments, variables, seen)
            total += _page_size(selection, variables) * (1 + child) if child else 1
        elif isinstance(selection, InlineFragmentNode):
            total += _cost(selection.selection_set, fragments, variables, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                total += _cost(fragments[name].selection_set, fragments, variables, seen | {name})
    return total


def query_cost(
    document: DocumentNode, operation: OperationDefinitionNode | None, variables: dict | None
) -> int:
    if operation is None:
        return 0
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return _cost(operation.selection_set, fragments, variables or {}, frozenset())


def alias_count(document: DocumentNode) -> int:
    count = 0

    def walk(node):
        nonlocal count
        if isinstance(node, FieldNode) and node.alias is not None:
            count += 1
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            for child in selection_set.selections:
                walk(child)

    for definition in document.definitions:
        walk(definition)
    return count
