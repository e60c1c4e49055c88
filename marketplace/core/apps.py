from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "marketplace.core"
    label = "core"

    def ready(self) -> None:
        from marketplace.core import lookups  # noqa: F401  (registers `__any`)
        from marketplace.core.admin_labels import translate_model_labels

        translate_model_labels()
