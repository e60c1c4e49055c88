"""Operations of the Saleor storefront, read at test time from a local mirror of its git repository (outside
this repository; absent in CI). Each operation is returned with the fragments it uses, resolved across the
files of its commit, so it can be validated against our schema as the storefront would send it."""

import os
import re
import subprocess
from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    parse,
    print_ast,
    visit,
)
from graphql.error import GraphQLSyntaxError
from graphql.language import FragmentSpreadNode, Visitor

MIRROR = Path(os.environ.get("SALEOR_STOREFRONT_MIRROR", "/work/.mirror/saleor+storefront/repo"))
COMMITS = {"classic": "363dda20", "current": "60fea090"}
_GQL_TAG = re.compile(r"gql(?:\.\w+)?\s*\(?\s*`([^`]*)`")


def available() -> bool:
    return (MIRROR / "HEAD").exists() or (MIRROR / ".git").exists()


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(MIRROR), *args], capture_output=True, text=True, check=True
    ).stdout


def _sources(commit: str) -> list[tuple[str, str]]:
    paths = [p for p in _git("ls-tree", "-r", "--name-only", commit).splitlines() if p.startswith("src/")]
    sources = []
    for path in paths:
        if path.endswith(".graphql"):
            sources.append((path, _git("show", f"{commit}:{path}")))
        elif path.endswith((".ts", ".tsx")) and "/__generated__/" not in path and "/gql/" not in path:
            text = _git("show", f"{commit}:{path}")
            sources.extend((path, match) for match in _GQL_TAG.findall(text) if "${" not in match)
    return sources


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


def operations(commit: str) -> dict[str, str]:
    """{"path#name": document text with the operation and every fragment it needs}."""
    fragments: dict[str, FragmentDefinitionNode] = {}
    found: list[tuple[str, OperationDefinitionNode]] = []
    for path, text in _sources(commit):
        try:
            document: DocumentNode = parse(text)
        except GraphQLSyntaxError:  # a gql`` template that is not a whole document
            continue
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
            elif isinstance(definition, OperationDefinitionNode):
                found.append((path, definition))
    result = {}
    for path, operation in found:
        needed: list[str] = []
        pending = list(_spreads(operation))
        while pending:
            name = pending.pop()
            if name in needed or name not in fragments:
                continue
            needed.append(name)
            pending.extend(_spreads(fragments[name]))
        parts = [print_ast(operation)] + [print_ast(fragments[name]) for name in sorted(needed)]
        name = operation.name.value if operation.name else "anonymous"
        result[f"{path}#{name}"] = "\n\n".join(parts)
    return result
