from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "marketplace.shipping"
    label = "shipping"
    verbose_name = _("Vận chuyển")
