"""Every operation and fragment of the Saleor storefront's two reference commits, read from the local
mirror of its repository (outside this repository, so absent in CI), validated against our schema."""

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from graphql import GraphQLError, GraphQLSchema, parse, print_ast, validate
from graphql.language import FragmentDefinitionNode, FragmentSpreadNode, OperationDefinitionNode, visit
from graphql.language.visitor import Visitor

MIRROR = Path(os.environ.get("STOREFRONT_MIRROR", "/work/.mirror/saleor+storefront/repo"))
COMMITS = ("363dda20", "60fea090")  # classic (early 2026) and current
GQL_TAG = re.compile(r"(?:gql|graphql)\(?`([^`]*)`", re.S)


@dataclass
class Operation:
    commit: str
    path: str
    name: str
    source: str  # the operation and every fragment it spreads, transitively
    errors: list[GraphQLError]


CHECKOUT_AREA = (
    "src/checkout/graphql/checkout.graphql",
    "src/checkout/graphql/payment.graphql",
    "src/graphql/Checkout",
)
CHECKOUT_AREA_TS = {"paymentGatewaysInitialize", "transactionInitialize", "transactionProcess"}


def in_checkout_area(operation: "Operation") -> bool:
    """The checkout module's operations (accounts, orders and the catalogue are other helpers' areas)."""
    return operation.path.startswith(CHECKOUT_AREA) or (
        operation.path == "src/checkout/graphql/index.ts" and operation.name in CHECKOUT_AREA_TS
    )


def available() -> bool:
    return (MIRROR / "HEAD").exists() or (MIRROR / ".git").exists()


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(MIRROR), *args], check=True, capture_output=True, text=True, timeout=60
    ).stdout


def _documents(commit: str) -> list[tuple[str, str]]:
    documents = []
    for path in _git("ls-tree", "-r", "--name-only", commit).splitlines():
        if not path.startswith("src/") or path.startswith("src/gql/"):
            continue  # src/gql/ is code generated from the documents below
        if path.endswith(".graphql"):
            documents.append((path, _git("show", f"{commit}:{path}")))
        elif path.endswith((".ts", ".tsx")):
            text = _git("show", f"{commit}:{path}")
            documents.extend((path, match) for match in GQL_TAG.findall(text) if "${" not in match)
    return documents


class _Spreads(Visitor):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args):
        self.names.add(node.name.value)


def _spreads(node) -> set[str]:
    visitor = _Spreads()
    visit(node, visitor)
    return visitor.names


def operations(schema: GraphQLSchema, commit: str) -> list[Operation]:
    """Each operation of the commit, with the fragments it needs resolved across files."""
    fragments: dict[str, tuple[str, FragmentDefinitionNode]] = {}
    parsed = []
    for path, text in _documents(commit):
        document = parse(text)
        parsed.append((path, document))
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = (path, definition)
    found = []
    for path, document in parsed:
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            needed: dict[str, FragmentDefinitionNode] = {}
            pending = _spreads(definition)
            while pending:
                name = pending.pop()
                if name in needed or name not in fragments:
                    continue
                needed[name] = fragments[name][1]
                pending |= _spreads(needed[name])
            source = "\n".join([print_ast(definition), *(print_ast(node) for node in needed.values())])
            found.append(
                Operation(
                    commit=commit,
                    path=path,
                    name=definition.name.value if definition.name else "",
                    source=source,
                    errors=validate(schema, parse(source)),
                )
            )
    return found
