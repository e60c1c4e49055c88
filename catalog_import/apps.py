from django.apps import AppConfig


class CatalogImportConfig(AppConfig):
    name = "catalog_import"
