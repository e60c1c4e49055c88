from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "marketplace.core"
    label = "core"

    def ready(self) -> None:
        from marketplace.core import lookups  # noqa: F401  (registers `__any`)
