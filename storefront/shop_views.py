"""Cart, checkout, order pages and the Stripe webhook. They parse input, call a service/selector, render."""

import logging
from typing import Literal, cast, overload

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.accounts.selectors import default_address
from marketplace.accounts.throttle import Throttled, promo_code_allowed
from marketplace.checkout.models import Checkout
from marketplace.checkout.selectors import (
    checkout_by_token,
    checkout_latest_for_user,
    checkout_quantity,
    checkout_summary,
    parse_token,
    payment_methods_available,
)
from marketplace.checkout.services import (
    CheckoutDetails,
    checkout_create,
    checkout_line_update,
    checkout_lines_add,
    checkout_promo_code_add,
    checkout_promo_code_remove,
    checkout_submit,
)
from marketplace.core import provinces
from marketplace.core.client_ip import client_ip
from marketplace.money.selectors import order_has_returnable_part, returnable_lines
from marketplace.orders.models import Order, OrderLine, OrderStatus, PaymentState
from marketplace.orders.policies import buyer_actor, is_order_buyer, may_cancel_order
from marketplace.orders.selectors import order_by_checkout_token, order_by_token
from marketplace.orders.services import REASON_MAX_LENGTH, order_cancel_allowed
from marketplace.payments.models import PaymentMethod
from marketplace.payments.services import (
    WebhookPayloadError,
    WebhookSignatureError,
    card_payment_start,
    order_cancel_with_payment,
    stripe_event_process,
    stripe_signature_verify,
)
from marketplace.payments.vietqr import order_reference, qr_svg, vietqr_payload_for_order
from marketplace.producers.policies import SYSTEM_WEBHOOK
from storefront.cart_count import remember_cart_count
from storefront.shipping_views import province_context

logger = logging.getLogger(__name__)
SESSION_KEY = "checkout_token"


# --- Session cart ---------------------------------------------------------------------------------
@overload
def session_checkout(request: HttpRequest, *, create: Literal[True]) -> Checkout: ...
@overload
def session_checkout(request: HttpRequest, *, create: bool = False) -> Checkout | None: ...
def session_checkout(request: HttpRequest, *, create: bool = False) -> Checkout | None:
    """The shopper's cart: the token kept in the session, else (signed in) their latest checkout."""
    checkout = checkout_by_token(token=request.session.get(SESSION_KEY))
    if checkout is not None and checkout.user_id is not None and checkout.user_id != request.user.pk:
        checkout = None  # somebody else's cart (signed out, another account): never shown
    if checkout is None and request.user.is_authenticated:
        checkout = checkout_latest_for_user(user=request.user)
    if checkout is None and create:
        checkout = checkout_create(by=request.user)
    if checkout is not None and request.session.get(SESSION_KEY) != str(checkout.token):
        request.session[SESSION_KEY] = str(checkout.token)
    return checkout


def _error_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@overload
def _positive_int(raw: str | None, default: int) -> int: ...
@overload
def _positive_int(raw: str | None, default: None = None) -> int | None: ...
def _positive_int(raw: str | None, default: int | None = None) -> int | None:
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        return default


@never_cache
@require_GET
def cart(request):
    shipping = province_context(request)
    summary = checkout_summary(checkout=session_checkout(request), to_province=shipping["shipping_province"])
    count = summary.quantity if summary else 0
    response = render(request, "shop/cart.html", {"summary": summary, "cart_count": count, **shipping})
    return remember_cart_count(response, count)


def _wants_json(request: HttpRequest) -> bool:
    """The product page's script adds to the cart without leaving the page (forms still post without it)."""
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def cart_add(request):
    variant_id = _positive_int(request.POST.get("variant"))
    quantity = _positive_int(request.POST.get("quantity"), 1)
    as_json = _wants_json(request)
    if variant_id is None:
        if as_json:
            return JsonResponse({"ok": False, "errors": [_("Hãy chọn loại sản phẩm.")]}, status=400)
        messages.error(request, _("Hãy chọn loại sản phẩm."))
        return redirect("shop:cart")
    checkout = session_checkout(request, create=True)
    try:
        line = checkout_lines_add(
            checkout=checkout, variant_id=variant_id, quantity=quantity, by=request.user
        )
    except ValidationError as exc:
        if as_json:
            return JsonResponse({"ok": False, "errors": _error_messages(exc)}, status=400)
        for message in _error_messages(exc):
            messages.error(request, message)
        return redirect("shop:cart")
    message = _("Đã thêm «%(name)s» vào giỏ hàng.") % {"name": line.variant.product.name}
    count = checkout_quantity(checkout=checkout)
    if as_json:
        body = {"ok": True, "message": message, "cart_count": count, "cart_url": reverse("shop:cart")}
        return remember_cart_count(JsonResponse(body), count)
    messages.success(request, message)
    return remember_cart_count(redirect("shop:cart"), count)


@require_POST
def cart_line(request, line_id: int):
    checkout = session_checkout(request)
    if checkout is None:
        return redirect("shop:cart")
    quantity = 0 if "remove" in request.POST else _positive_int(request.POST.get("quantity"))
    if quantity is None:
        messages.error(request, _("Số lượng không hợp lệ."))
        return redirect("shop:cart")
    try:
        checkout_line_update(checkout=checkout, line_id=line_id, quantity=quantity, by=request.user)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    return redirect("shop:cart")


PROMO_CODE_MAX_LENGTH = 100


@require_POST
def cart_promo(request):
    """Apply the promo code typed in the cart (each try counts against the promo-code throttle), or remove
    the one applied."""
    checkout = session_checkout(request)
    if checkout is None:
        return redirect("shop:cart")
    if "remove" in request.POST:
        checkout_promo_code_remove(checkout=checkout, by=request.user)
        messages.success(request, _("Đã bỏ mã giảm giá."))
        return redirect("shop:cart")
    code = (request.POST.get("code") or "").strip()
    if not code or len(code) > PROMO_CODE_MAX_LENGTH:
        messages.error(request, _("Mã giảm giá không hợp lệ hoặc đã hết hạn."))
        return redirect("shop:cart")
    try:
        promo_code_allowed(request, checkout_token=str(checkout.token))
        checkout = checkout_promo_code_add(checkout=checkout, promo_code=code, by=request.user)
    except Throttled as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("Đã áp dụng mã %(code)s.") % {"code": checkout.voucher_code})
    return remember_cart_count(redirect("shop:cart"), checkout_quantity(checkout=checkout))


# --- Checkout -------------------------------------------------------------------------------------
class CheckoutForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    email = forms.EmailField(label=gettext_lazy("Email"))
    full_name = forms.CharField(label=gettext_lazy("Người nhận"), max_length=120)
    phone = forms.CharField(label=gettext_lazy("Số điện thoại"), max_length=20)
    province = forms.ChoiceField(
        label=gettext_lazy("Tỉnh / thành phố"), choices=[("", "—"), *provinces.CHOICES]
    )
    commune = forms.CharField(label=gettext_lazy("Xã / phường"), max_length=120)
    street = forms.CharField(label=gettext_lazy("Số nhà, đường, thôn/bản"), max_length=255)
    note = forms.CharField(
        label=gettext_lazy("Ghi chú giao hàng"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    payment_method = forms.ChoiceField(label=gettext_lazy("Thanh toán"), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        available = payment_methods_available()
        cast(forms.ChoiceField, self.fields["payment_method"]).choices = [
            (value, label) for value, label in PaymentMethod.choices if value in available
        ]
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["full_name"].widget.attrs.update({"autocomplete": "name"})


def _initial_for(request, checkout: Checkout) -> dict:
    initial = {
        "idempotency_key": checkout.token,
        "email": checkout.email or (request.user.email if request.user.is_authenticated else ""),
        "full_name": checkout.full_name,
        "phone": checkout.phone,
        "province": checkout.province,
        "commune": checkout.commune,
        "street": checkout.street,
        "note": checkout.note,
        "payment_method": checkout.payment_method or PaymentMethod.COD,
    }
    address = default_address(user=request.user)
    if address is not None and not checkout.street:
        initial.update(
            full_name=address.full_name,
            phone=address.phone,
            province=address.province,
            commune=address.commune,
            street=address.street,
        )
    return initial


def _after_order(order: Order):
    if order.payment_method == PaymentMethod.CARD and order.payment_state == PaymentState.UNPAID:
        return redirect("shop:order_pay", token=order.token)
    return redirect("shop:order", token=order.token)


@never_cache
def checkout(request):
    if request.method == "POST":
        return _checkout_post(request)
    checkout_obj = session_checkout(request)
    to_province = province_context(request)["shipping_province"]
    summary = checkout_summary(checkout=checkout_obj, to_province=to_province)
    if checkout_obj is None or summary is None or not summary.lines:
        return redirect("shop:cart")
    initial = _initial_for(request, checkout_obj)
    initial["province"] = initial["province"] or summary.to_province  # where the fees shown are for
    form = CheckoutForm(initial=initial)
    return render(request, "shop/checkout.html", {"form": form, "summary": summary})


def _checkout_post(request):
    # The idempotency key is the checkout's token: a second submit of the same form (double click, retry
    # after a timeout) finds the order already made from it.
    key = parse_token(request.POST.get("idempotency_key"))
    if key is not None:
        done = order_by_checkout_token(token=key)
        if done is not None:
            request.session.pop(SESSION_KEY, None)
            return remember_cart_count(_after_order(done), 0)
    checkout_obj = session_checkout(request)
    if checkout_obj is None or key != checkout_obj.token:
        messages.error(request, _("Giỏ hàng đã thay đổi, vui lòng kiểm tra lại."))
        return redirect("shop:cart")
    form = CheckoutForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        details = CheckoutDetails(
            email=data["email"],
            phone=data["phone"],
            full_name=data["full_name"],
            province=data["province"],
            commune=data["commune"],
            street=data["street"],
            note=data["note"],
            payment_method=data["payment_method"],
        )
        try:
            order = checkout_submit(
                token=checkout_obj.token, by=request.user, details=details, client_ip=client_ip(request)
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        else:
            request.session.pop(SESSION_KEY, None)
            return remember_cart_count(_after_order(order), 0)
    summary = checkout_summary(
        checkout=checkout_by_token(token=checkout_obj.token),
        to_province=province_context(request)["shipping_province"],
    )
    return render(request, "shop/checkout.html", {"form": form, "summary": summary}, status=400)


# --- Orders ---------------------------------------------------------------------------------------
def _order_or_404(token) -> Order:
    order = order_by_token(token=token)
    if order is None:
        raise Http404("No such order")
    return order


@never_cache
@require_GET
def order_detail(request, token):
    order = _order_or_404(token)
    context = {
        "order": order,
        "can_cancel": order_cancel_allowed(
            order=order, by=buyer_actor(order=order, user=request.user, token=order.token)
        ),
        "cancel_form": OrderCancelForm(),
    }
    context["can_return"] = order_has_returnable_part(order)
    # Back from Stripe.js before the webhook arrived: the payment is on its way, not missing.
    context["payment_processing"] = (
        order.payment_state == PaymentState.UNPAID and request.GET.get("redirect_status") == "succeeded"
    )
    if (
        order.payment_method == PaymentMethod.BANK_TRANSFER
        and order.payment_state == PaymentState.UNPAID
        and order.status != OrderStatus.CANCELLED  # never ask for money for a cancelled order
    ):
        context.update(
            vietqr_svg=qr_svg(vietqr_payload_for_order(order)),
            transfer_reference=order_reference(order),
            bank_bin=settings.VIETQR_BANK_BIN,
            bank_account=settings.VIETQR_ACCOUNT_NUMBER,
            bank_account_name=settings.VIETQR_ACCOUNT_NAME,
            transfer_hold_hours=settings.BANK_TRANSFER_HOLD_HOURS,
        )
    return render(request, "shop/order_detail.html", context)


@never_cache
@require_GET
def order_pay(request, token):
    order = _order_or_404(token)
    if order.payment_method != PaymentMethod.CARD or order.payment_state != PaymentState.UNPAID:
        return redirect("shop:order", token=order.token)
    try:
        payment = card_payment_start(order=order, by=request.user)
    except ValidationError:
        messages.error(request, _("Thanh toán thẻ tạm thời không khả dụng."))
        return redirect("shop:order", token=order.token)
    except Exception:  # the gateway is down or refused: tell the shopper, keep the order
        logger.exception("stripe payment intent for order %s failed", order.pk)
        messages.error(request, _("Không kết nối được cổng thanh toán, vui lòng thử lại sau."))
        return redirect("shop:order", token=order.token)
    context = {
        "order": order,
        "payment": payment,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "return_url": request.build_absolute_uri(f"/orders/{order.token}/"),
    }
    return render(request, "shop/order_pay.html", context)


class OrderCancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do hủy (không bắt buộc)"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Set by the confirmation step (the page below, or site.js's confirm dialog).
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


@never_cache
@require_http_methods(["GET", "POST"])
def order_cancel_view(request, token):
    """The buyer cancels: the signed-in shopper who placed the order, or whoever holds its token link (a
    guest). A first submit (or a GET) shows the confirmation step; the confirmed POST cancels."""
    order = _order_or_404(token)
    actor = buyer_actor(order=order, user=request.user, token=order.token)
    if not may_cancel_order(order=order, by=actor):
        raise Http404("No such order")  # not this visitor's order to cancel: as if it did not exist
    form = OrderCancelForm(request.POST or None)
    valid = request.method == "POST" and form.is_valid()
    if valid and form.cleaned_data["confirmed"]:
        try:
            order_cancel_with_payment(order=order, by=actor, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in _error_messages(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("Đơn hàng đã được hủy."))
        return redirect("shop:order", token=order.token)
    if not order_cancel_allowed(order=order, by=actor):
        messages.error(request, _("Đơn hàng này không thể hủy."))
        return redirect("shop:order", token=order.token)
    if valid or request.method == "GET":
        reason = form.cleaned_data["reason"] if valid else ""
        form = OrderCancelForm(initial={"reason": reason, "confirmed": True})
    context = {"order": order, "form": form}
    return render(request, "shop/order_cancel.html", context, status=400 if form.is_bound else 200)


class ReturnForm(forms.Form):
    line = forms.ModelChoiceField(
        label=gettext_lazy("Sản phẩm"), queryset=OrderLine.objects.none(), empty_label=None
    )
    quantity = forms.IntegerField(label=gettext_lazy("Số lượng"), min_value=1, max_value=999)
    reason = forms.CharField(
        label=gettext_lazy("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["line"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = lines


@require_http_methods(["GET", "POST"])
def order_return_view(request, token):
    """The buyer asks to return delivered units within the return window, with up to three photos."""
    from marketplace.money.services import return_request_create

    order = _order_or_404(token)
    actor = buyer_actor(order=order, user=request.user, token=order.token)
    if not is_order_buyer(order=order, actor=actor):
        raise Http404("No such order")
    form = ReturnForm(request.POST or None, lines=returnable_lines(order_id=order.pk))
    if request.method == "POST" and form.is_valid():
        try:
            return_request_create(
                line=form.cleaned_data["line"],
                quantity=form.cleaned_data["quantity"],
                reason=form.cleaned_data["reason"],
                photos=request.FILES.getlist("photos")[:4],
                by=actor,
            )
        except (ValidationError, PermissionDenied) as exc:
            for message in (
                _error_messages(exc) if isinstance(exc, ValidationError) else [_("Không có quyền.")]
            ):
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã gửi yêu cầu trả hàng; người bán sẽ trả lời sớm."))
            return redirect("shop:order", token=order.token)
    status = 400 if form.is_bound else 200
    return render(request, "shop/order_return.html", {"order": order, "form": form}, status=status)


@csrf_exempt  # Stripe cannot send a CSRF token; the request is authenticated by its signature instead
@require_POST
def stripe_webhook(request):
    try:
        event = stripe_signature_verify(
            payload=request.body, signature_header=request.headers.get("Stripe-Signature", "")
        )
    except WebhookPayloadError as exc:
        # Signed by Stripe but not readable: refused (Stripe shows the failure and retries), nothing written.
        logger.warning("malformed stripe event: %s", exc)
        return HttpResponseBadRequest("malformed event")
    except WebhookSignatureError:
        return HttpResponseBadRequest("invalid signature")
    processed = stripe_event_process(event=event, by=SYSTEM_WEBHOOK)
    return HttpResponse("ok" if processed else "duplicate", content_type="text/plain")


@csrf_exempt  # the bank-notification service authenticates by its HMAC signature, not a CSRF token
@require_POST
def bank_notify(request):
    """Incoming transfers from the bank-notification service (SePay/Casso-style JSON). Bounded: body size,
    a rate per client IP, signature and replay window checked before anything is parsed or written."""
    from marketplace.accounts.throttle import Throttled, throttle_attempt
    from marketplace.money.services import (
        BankSignatureError,
        bank_notification_receive,
        bank_signature_verify,
    )

    length = request.headers.get("Content-Length", "")
    if not length.isdigit() or int(length) > settings.BANK_NOTIFY_MAX_BODY_BYTES:
        return JsonResponse({"success": False, "error": "body too large"}, status=413)
    try:
        throttle_attempt(request, limits={"bank_notify_ip": client_ip(request) or "-"}, message="%(minutes)d")
    except Throttled as exc:
        response = JsonResponse({"success": False, "error": "rate limited"}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    try:
        data = bank_signature_verify(
            payload=request.body,
            signature=request.headers.get("X-Signature", ""),
            timestamp=request.headers.get("X-Timestamp", ""),
        )
    except BankSignatureError:
        return JsonResponse({"success": False, "error": "invalid signature"}, status=401)
    try:
        notification, created = bank_notification_receive(data=data, by=SYSTEM_WEBHOOK)
    except ValidationError as exc:
        return JsonResponse({"success": False, "error": "; ".join(exc.messages)}, status=400)
    return JsonResponse({"success": True, "status": notification.status, "duplicate": not created})
