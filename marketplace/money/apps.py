from django.apps import AppConfig


class MoneyConfig(AppConfig):
    name = "marketplace.money"
    label = "money"
