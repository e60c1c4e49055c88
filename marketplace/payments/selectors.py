from marketplace.payments.models import Payment, PaymentMethod


def card_payment_for_order(*, order) -> Payment | None:
    return Payment.objects.filter(order=order, method=PaymentMethod.CARD).order_by("id").first()
