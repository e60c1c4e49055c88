from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "marketplace.certification"
    label = "certification"
