from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from marketplace.core.admin_actions import ReadOnlyInline, reason_action, run_action_with_form
from marketplace.producers import services
from marketplace.producers.models import (
    IdentityDocument,
    Producer,
    ProducerMembership,
    ProducerPhoto,
    SellerEvent,
)


class VerifyForm(forms.Form):
    document = forms.ChoiceField(label=_("Đối chiếu với"), choices=IdentityDocument.choices)
    code = forms.CharField(label=_("Số đăng ký / mã số thuế / số CCCD"), max_length=32)


class SellerEventInline(ReadOnlyInline):
    """The audit trail of verification and suspension, written by producers.services."""

    model = SellerEvent
    fields = ["created_at", "kind", "actor_label", "document", "code", "reason"]


class MembershipInline(admin.TabularInline):
    # Saved through producers.services (ProducerAdmin.save_formset): who acts for a producer is staff's call.
    model = ProducerMembership
    extra = 0
    autocomplete_fields = ["user"]


class PhotoInline(admin.TabularInline):
    # Producers upload through the portal (validated, re-encoded); staff may only review and remove.
    model = ProducerPhoto
    extra = 0
    fields = ("image", "alt", "sort_order")  # a tuple suits both attributes
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province", "registration_code", "verified_at", "suspended_at"]
    list_filter = ["kind", "province", ("verified_at", admin.EmptyFieldListFilter), "suspended_at"]
    search_fields = ["name", "slug", "registration_code", "address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, PhotoInline, SellerEventInline]
    # Changed only through the actions below (each checks its permission and writes the audit trail).
    readonly_fields = [
        "logo",  # uploaded through the portal's image checks
        "verified_at",
        "verified_document",
        "verified_code",
        "suspended_at",
        "suspension_reason",
    ]
    actions = ["verify_sellers", "suspend_sellers", "reinstate_sellers"]

    @admin.action(description=_("Xác minh danh tính người bán"))
    def verify_sellers(self, request, queryset):
        return run_action_with_form(
            self,
            request,
            queryset,
            form_class=VerifyForm,
            action="verify_sellers",
            title="Xác minh người bán / Verify sellers",
            explanation="Đối chiếu với đăng ký kinh doanh, mã số thuế hoặc CCCD của chủ hộ.",
            apply=lambda producer, data: services.producer_verify(
                producer=producer, by=request.user, document=data["document"], code=data["code"]
            ),
        )

    suspend_sellers = reason_action(
        name="suspend_sellers",
        description=_("Tạm ngừng người bán"),
        explanation="Mọi sản phẩm của người bán biến mất khỏi cửa hàng, tìm kiếm và API ngay lập tức.",
        apply=lambda producer, **change: services.producer_suspend(producer=producer, **change),
    )
    reinstate_sellers = reason_action(
        name="reinstate_sellers",
        description=_("Cho bán lại"),
        apply=lambda producer, **change: services.producer_reinstate(producer=producer, **change),
    )

    def save_model(self, request, obj, form, change):
        """Through the services as the staff user (the same policy as everywhere)."""
        data = {
            field: form.cleaned_data[field] for field in services.STAFF_FIELDS if field in form.cleaned_data
        }
        if change:
            services.producer_update(producer=obj, by=request.user, **data)
            return
        producer = services.producer_create(
            name=data["name"],
            kind=data["kind"],
            province=data["province"],
            slug=data.get("slug") or None,
            by=request.user,
        )
        rest = {
            field: value for field, value in data.items() if field not in {"name", "kind", "province", "slug"}
        }
        services.producer_update(producer=producer, by=request.user, **rest)
        obj.pk = producer.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is ProducerPhoto:
            for photo_form in formset.deleted_forms:
                if photo_form.instance.pk is not None:
                    formset.deleted_objects.append(photo_form.instance)
                    services.producer_photo_delete(photo=photo_form.instance, by=request.user)
            return
        for member_form in formset.forms:
            membership = member_form.instance
            if member_form in formset.deleted_forms:
                if membership.pk is not None:
                    formset.deleted_objects.append(membership)
                    services.membership_remove(membership=membership, by=request.user)
            elif member_form.has_changed():
                data = member_form.cleaned_data
                saved = services.membership_add(
                    producer=form.instance, user=data["user"], role=data["role"], by=request.user
                )
                if membership.pk is not None and membership.pk != saved.pk:  # the user was swapped
                    services.membership_remove(membership=membership, by=request.user)
                if membership.pk is None:
                    formset.new_objects.append(saved)
                else:
                    formset.changed_objects.append((saved, member_form.changed_data))
