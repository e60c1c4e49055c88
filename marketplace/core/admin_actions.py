"""Admin actions that need input (a reason, a document): ask for it on an intermediate page, then call a
service once per selected object, reporting each refusal by name and never failing the whole batch."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render


def run_action_with_form(
    model_admin: admin.ModelAdmin,
    request,
    queryset,
    *,
    form_class: type[forms.Form],
    action: str,
    title: str,
    apply: Callable[[object, dict], object],
    explanation: str = "",
):
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


def reason_action(*, name: str, description: str, apply: Callable[..., object], explanation: str = ""):
    """An admin action (`actions = [name]`, defined as a class attribute `name`) that asks for a reason and
    calls `apply(obj, by=<the staff user>, reason=<the reason>)` for each selected object."""

    @admin.action(description=description)
    def action(model_admin, request, queryset):
        return run_action_with_form(
            model_admin,
            request,
            queryset,
            form_class=ReasonForm,
            action=name,
            title=description,
            explanation=explanation,
            apply=lambda obj, data: apply(obj, by=request.user, reason=data["reason"]),
        )

    action.__name__ = name
    return action


class ReadOnlyInline(admin.TabularInline):
    """An audit trail shown on its parent's page: written by services only, never here."""

    extra = 0

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
