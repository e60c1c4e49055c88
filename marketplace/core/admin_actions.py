"""Admin actions that need input (a reason, a document): ask for it on an intermediate page, then call a
service once per selected object, reporting each refusal by name and never failing the whole batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def run_action_with_form(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    form_class: type[forms.Form],
    action: str,
    title: str,
    apply: Callable[[Any, dict[str, Any]], object],
    explanation: str = "",
) -> HttpResponse | None:
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            done = 0
            for obj in queryset.order_by("pk"):
                try:
                    apply(obj, form.cleaned_data)
                    done += 1
                except (ValidationError, PermissionDenied) as exc:
                    reasons = exc.messages if isinstance(exc, ValidationError) else ["permission denied"]
                    model_admin.message_user(request, f"{obj}: {'; '.join(reasons)}", messages.WARNING)
            model_admin.message_user(request, f"{title}: {done}", messages.SUCCESS)
            return None
    else:
        form = form_class()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "explanation": explanation,
        "objects": list(queryset),
        "form": form,
        "action": action,
        "opts": model_admin.model._meta,
    }
    return render(request, "admin/action_form.html", context)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Lý do / reason", max_length=2000
    )


AdminAction: TypeAlias = "Callable[[admin.ModelAdmin[Any], HttpRequest, QuerySet[Any]], HttpResponse | None]"


def reason_action(
    *, name: str, description: str | _StrPromise, apply: Callable[..., object], explanation: str = ""
) -> AdminAction:
    """An admin action (`actions = [name]`, defined as a class attribute `name`) that asks for a reason and
    calls `apply(obj, by=<the staff user>, reason=<the reason>)` for each selected object."""

    @admin.action(description=description)
    def action(
        model_admin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse | None:
        return run_action_with_form(
            model_admin,
            request,
            queryset,
            form_class=ReasonForm,
            action=name,
            title=str(description),
            explanation=explanation,
            apply=lambda obj, data: apply(obj, by=request.user, reason=data["reason"]),
        )

    action.__name__ = name
    return action


class ReadOnlyInline(admin.TabularInline):
    """An audit trail shown on its parent's page: written by services only, never here."""

    extra = 0

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return self.fields

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
