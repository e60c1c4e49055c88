"""Shopper account pages: sign in/out, register, password reset, order history, addresses."""

import contextlib

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from marketplace.accounts.selectors import addresses_of
from marketplace.accounts.services import (
    address_create,
    address_delete,
    password_reset_email_send,
    user_register,
)
from marketplace.accounts.throttle import Throttled, registration_allowed, reset_email_allowed
from marketplace.checkout.selectors import checkout_by_token
from marketplace.checkout.services import checkout_attach_user
from marketplace.core import provinces
from marketplace.orders.selectors import orders_for_user
from storefront.shop_views import SESSION_KEY


def _keep_cart(request, token) -> None:
    """The cart a guest filled follows them into their account."""
    checkout = checkout_by_token(token=token)
    if checkout is not None and checkout.user_id in (None, request.user.pk):
        kept = checkout_attach_user(checkout=checkout, by=request.user)
        request.session[SESSION_KEY] = str(kept.token)


class LoginView(auth_views.LoginView):
    template_name = "account/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        token = self.request.session.get(SESSION_KEY)
        response = super().form_valid(form)
        _keep_cart(self.request, token)
        return response


class LogoutView(auth_views.LogoutView):
    pass


class RegisterForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))
    first_name = forms.CharField(label=gettext_lazy("Họ tên"), max_length=150, required=False)
    password = forms.CharField(label=gettext_lazy("Mật khẩu"), widget=forms.PasswordInput, strip=False)


@never_cache
def register(request):
    if request.user.is_authenticated:
        return redirect("account:home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = request.session.get(SESSION_KEY)
        try:
            registration_allowed(request)
        except Throttled as exc:
            form.add_error(None, exc.message)
            response = render(request, "account/register.html", {"form": form}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        try:
            user = user_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data["first_name"],
                by=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            _keep_cart(request, token)
            messages.success(request, _("Chào mừng bạn đến với Chợ OCOP!"))
            return redirect("account:home")
    return render(request, "account/register.html", {"form": form}, status=400 if form.errors else 200)


class AddressForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Người nhận"), max_length=120)
    phone = forms.CharField(label=gettext_lazy("Số điện thoại"), max_length=20)
    province = forms.ChoiceField(
        label=gettext_lazy("Tỉnh / thành phố"), choices=[("", "—"), *provinces.CHOICES]
    )
    commune = forms.CharField(label=gettext_lazy("Xã / phường"), max_length=120)
    street = forms.CharField(label=gettext_lazy("Số nhà, đường, thôn/bản"), max_length=255)
    is_default = forms.BooleanField(label=gettext_lazy("Đặt làm mặc định"), required=False)


@never_cache
@login_required
def home(request):
    context = {
        "orders": orders_for_user(user=request.user)[:50],
        "addresses": addresses_of(user=request.user),
    }
    return render(request, "account/home.html", context)


@never_cache
@login_required
def addresses(request):
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            address_create(user=request.user, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Đã lưu địa chỉ."))
            return redirect("account:addresses")
    context = {"form": form, "addresses": addresses_of(user=request.user)}
    return render(request, "account/addresses.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def address_remove(request, address_id: int):
    # Someone else's or already gone: nothing to do, nothing to reveal.
    with contextlib.suppress(ValidationError):
        address_delete(user=request.user, address_id=address_id, by=request.user)
    return redirect("account:addresses")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "account/password_reset.html"
    success_url = reverse_lazy("account:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        try:
            reset_email_allowed(self.request, email=email)
        except Throttled as exc:
            form.add_error(None, exc.message)
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        password_reset_email_send(email=email, by=self.request.user)
        return HttpResponseRedirect(self.get_success_url())


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="account/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="account/password_reset_confirm.html",
    success_url=reverse_lazy("account:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="account/password_reset_complete.html"
)
