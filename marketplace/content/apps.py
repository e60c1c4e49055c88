from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "marketplace.content"
    label = "content"
    verbose_name = "Content (menus and pages)"
