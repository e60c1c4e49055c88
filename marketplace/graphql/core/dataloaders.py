"""Request-scoped batch loaders. Execution is synchronous (graphene-django), so batching works by
priming: whoever loads a page of parents announces their keys, and the first nested field that asks for
one key loads all announced keys in one query. Results are cached for the request."""

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar


class DataLoader:
    context_key: ClassVar[str]

    def __init__(self, context):
        self.context = context
        self.cache: dict[Any, Any] = {}
        self.pending: set = set()

    @classmethod
    def for_context(cls, context) -> "DataLoader":
        loaders = getattr(context, "dataloaders", None)
        if loaders is None:
            loaders = {}
            context.dataloaders = loaders
        if cls.context_key not in loaders:
            loaders[cls.context_key] = cls(context)
        return loaders[cls.context_key]

    def prime_keys(self, keys: Iterable) -> None:
        self.pending.update(key for key in keys if key is not None and key not in self.cache)

    def prime(self, key, value) -> None:
        self.cache[key] = value
        self.pending.discard(key)

    def load(self, key):
        if key not in self.cache:
            self._fetch({key})
        return self.cache[key]

    def load_many(self, keys: Sequence) -> list:
        missing = {key for key in keys if key not in self.cache}
        if missing:
            self._fetch(missing)
        return [self.cache[key] for key in keys]

    def _fetch(self, keys: set) -> None:
        batch = sorted((self.pending | keys) - set(self.cache), key=str)
        self.pending.clear()
        results = self.batch_load(batch)
        self.cache.update(zip(batch, results, strict=True))

    def batch_load(self, keys: list) -> list:
        raise NotImplementedError


def group_by(rows: Iterable, key_attr: str, keys: list) -> list[list]:
    grouped: dict = {key: [] for key in keys}
    for row in rows:
        grouped[getattr(row, key_attr)].append(row)
    return [grouped[key] for key in keys]


def by_key(rows: Iterable, keys: list, key_attr: str = "pk") -> list:
    found = {getattr(row, key_attr): row for row in rows}
    return [found.get(key) for key in keys]
