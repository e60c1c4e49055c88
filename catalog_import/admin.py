"""Staff pages: upload a decision, see its plan, confirm; the import history with undo; the review queue with
the candidates of each close call side by side."""

from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog_import import services
from catalog_import.columns import FIELD_LABELS
from catalog_import.models import ImportRow, ImportRun, Outcome, ReviewItem, RunStatus
from catalog_import.readers import SUFFIXES
from catalog_import.tasks import import_run_apply_task
from marketplace.certification.models import DecisionKind
from marketplace.core.storage import download_name

PREVIEW_ROWS = 500


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp quyết định (CSV, XLSX, DOCX, PDF; bản quét PDF, JPEG, PNG, TIFF)"))
    number = forms.CharField(required=False, label=_("Số quyết định"), help_text=_("vd. 1234/QĐ-UBND"))
    date = forms.DateField(
        required=False, label=_("Ngày quyết định"), help_text=_("năm-tháng-ngày, vd. 2026-03-15")
    )
    issuer = forms.CharField(required=False, label=_("Cơ quan ban hành"), help_text=_("vd. UBND tỉnh Sơn La"))
    kind = forms.ChoiceField(required=False, choices=[("", "—"), *DecisionKind.choices], label=_("Loại"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        from django.conf import settings

        if upload.size > settings.IMPORT_MAX_FILE_BYTES:
            raise ValidationError("The file is over the size limit.")
        if not upload.name.lower().endswith(tuple(SUFFIXES)):
            raise ValidationError("Upload a CSV, XLSX, DOCX, PDF, JPEG, PNG or TIFF file.")
        return upload


@admin.register(ImportRow)
class ImportRowAdmin(admin.ModelAdmin):
    """Every row of every import, read only (filter by import and outcome)."""

    list_display = ["location", "product_name", "producer_name", "stars", "outcome", "message", "run"]
    list_filter = ["outcome"]
    search_fields = ["product_name", "producer_name"]
    list_select_related = ["run"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ImportRow._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["filename", "decision", "status", "summary", "created_by", "created_at", "applied_at"]
    list_filter = ["status"]
    search_fields = ["filename", "checksum", "decision__number"]
    list_select_related = ["decision", "created_by"]
    readonly_fields = [
        "filename",
        "file_link",
        "checksum",
        "decision",
        "status",
        "decision_meta",
        "counts",
        "errors",
        "created_by",
        "created_at",
        "applied_at",
        "undone_at",
        "undone_by",
        "undo_link",
        "rows_link",
        "pages_read",
        "plan_link",
    ]
    exclude = ["upload", "given_meta", "created_decision", "progress"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("số lượng"))
    def summary(self, run):
        counts = run.counts or {}
        return ", ".join(f"{counts[k]} {k}" for k in counts if counts[k]) or "—"

    @admin.display(description=_("trang đã đọc (OCR)"))
    def pages_read(self, run):
        progress = run.progress or {}
        if not progress.get("total"):
            return "—"
        return f"{progress['done']}/{progress['total']} trang"

    @admin.display(description=_("kế hoạch"))
    def plan_link(self, run):
        if run.status != RunStatus.PLANNED or not run.upload:
            return "—"
        url = reverse("admin:catalog_import_importrun_plan", args=[run.pk])
        return format_html('<a class="button" href="{}" data-run-plan>Xem kế hoạch và xác nhận</a>', url)

    @admin.display(description=_("hoàn tác"))
    def undo_link(self, run):
        if run.status != RunStatus.APPLIED:
            return "—"
        url = reverse("admin:catalog_import_importrun_undo", args=[run.pk])
        return format_html('<a class="button" href="{}">Hoàn tác / Undo</a>', url)

    @admin.display(description=_("các dòng"))
    def rows_link(self, run):
        url = reverse("admin:catalog_import_importrow_changelist") + f"?run__id__exact={run.pk}"
        return format_html(
            '<a href="{}">{} rows</a>',
            url,
            sum((run.counts or {}).values()) - (run.counts or {}).get("errors", 0),
        )

    @admin.display(description=_("tệp"))
    def file_link(self, run):
        if not run.upload:
            return "—"
        url = reverse("admin:catalog_import_importrun_file", args=[run.pk])
        return format_html('<a href="{}" download>{}</a>', url, run.filename)

    def file_view(self, request, pk: int):
        """The uploaded file, to staff who may view imports only, as a download under its original name."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun.objects.exclude(upload=""), pk=pk)
        name = download_name(run.filename, fallback=f"decision-{run.pk}{Path(run.upload.name).suffix}")
        return FileResponse(
            run.upload.open("rb"), as_attachment=True, filename=name, content_type="application/octet-stream"
        )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/file/",
                self.admin_site.admin_view(self.file_view),
                name="catalog_import_importrun_file",
            ),
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="catalog_import_importrun_upload",
            ),
            path(
                "<int:pk>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="catalog_import_importrun_confirm",
            ),
            path(
                "<int:pk>/plan/",
                self.admin_site.admin_view(self.plan_view),
                name="catalog_import_importrun_plan",
            ),
            path(
                "<int:pk>/undo/",
                self.admin_site.admin_view(self.undo_view),
                name="catalog_import_importrun_undo",
            ),
        ]
        return own + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "upload_url": reverse("admin:catalog_import_importrun_upload"),
        }
        return super().changelist_view(request, extra_context)

    def _require(self, request, perm: str) -> None:
        if not request.user.has_perm(f"catalog_import.{perm}_importrun"):
            raise PermissionDenied

    def upload_view(self, request):
        self._require(request, "change")
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            run, plan = services.import_run_upload(
                uploaded_file=data["file"],
                by=request.user,
                number=data["number"],
                date=data["date"],
                issuer=data["issuer"],
                kind=data["kind"],
            )
            if plan is None:
                messages.info(
                    request,
                    "Bản quét đang được đọc (OCR) từng trang; trang này cho biết tiến độ, "
                    "rồi có liên kết tới kế hoạch nhập.",
                )
                return HttpResponseRedirect(reverse("admin:catalog_import_importrun_change", args=[run.pk]))
            return self._render_plan(request, run, plan)
        context = {
            **self.admin_site.each_context(request),
            "title": "Nhập quyết định OCOP / Import a decision",
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/catalog_import/upload.html", context)

    def plan_view(self, request, pk: int):
        """The plan of a scan read in the background (its reading comes from the OCR cache)."""
        self._require(request, "change")
        run = get_object_or_404(ImportRun, pk=pk, status=RunStatus.PLANNED)
        return self._render_plan(request, run, services.import_run_plan(run=run, by=request.user))

    def _render_plan(self, request, run, plan):
        context = {
            **self.admin_site.each_context(request),
            "title": "Kế hoạch nhập / Import plan",
            "run": run,
            "plan": plan,
            "rows": plan.rows[:PREVIEW_ROWS],
            "more": max(len(plan.rows) - PREVIEW_ROWS, 0),
            "counts": {k: v for k, v in plan.counts().items() if v},
            "opts": self.model._meta,
        }
        return render(request, "admin/catalog_import/plan.html", context)

    def confirm_view(self, request, pk: int):
        self._require(request, "change")
        run = get_object_or_404(ImportRun, pk=pk, status=RunStatus.PLANNED)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:catalog_import_importrun_change", args=[run.pk]))
        result = import_run_apply_task.delay(run.pk, request.user.pk)
        run.refresh_from_db()
        if run.status == RunStatus.APPLIED:
            messages.success(request, f"Đã áp dụng quyết định {run.decision} / applied.")
        elif run.status == RunStatus.FAILED:
            messages.error(request, "Không áp dụng được: " + "; ".join(e["message"] for e in run.errors[:5]))
        else:
            messages.info(request, f"Đang áp dụng ở nền / applying in the background ({result.id}).")
        return HttpResponseRedirect(reverse("admin:catalog_import_importrun_change", args=[run.pk]))

    def undo_view(self, request, pk: int):
        self._require(request, "change")
        run = get_object_or_404(ImportRun, pk=pk)
        blockers = services.import_undo_blockers(run=run)
        if request.method == "POST" and not blockers:
            services.import_undo(run=run, by=request.user)
            messages.success(request, "Đã hoàn tác / undone.")
            return HttpResponseRedirect(reverse("admin:catalog_import_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Hoàn tác / Undo an import",
            "run": run,
            "blockers": blockers,
            "opts": self.model._meta,
        }
        return render(request, "admin/catalog_import/undo.html", context)


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    """Rows an import could not be sure of; staff picks the right product (or producer), says it is new,
    or rejects it. A scanned row shows the picture of the row beside what was read."""

    list_display = ["product_name", "producer_name", "stars", "decision", "location", "best_candidate", "why"]
    search_fields = ["product_name", "producer_name"]
    list_select_related = ["run__decision"]
    actions = ["accept_confident"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(outcome=Outcome.AMBIGUOUS, resolved_at__isnull=True, run__status=RunStatus.APPLIED)
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("quyết định"))
    def decision(self, row):
        return row.run.decision

    @admin.display(description=_("ứng viên tốt nhất"))
    def best_candidate(self, row):
        if not row.candidates:
            return "—"
        best = row.candidates[0]
        return f"{best.get('product') or best.get('producer')} ({best.get('score')})"

    @admin.display(description=_("lý do"))
    def why(self, row):
        return row.message

    @admin.action(description=_("Chấp nhận các dòng có ứng viên rõ ràng"))
    def accept_confident(self, request, queryset):
        if not request.user.has_perm("catalog_import.change_importrun"):
            raise PermissionDenied
        accepted, left = services.review_accept_confident(
            rows=queryset.select_related("run__decision"), by=request.user
        )
        messages.success(
            request, f"Đã chấp nhận {accepted} dòng; {left} dòng cần người xem / {accepted} accepted."
        )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/image/",
                self.admin_site.admin_view(self.image_view),
                name="catalog_import_reviewitem_image",
            )
        ]
        return own + super().get_urls()

    def image_view(self, request, pk: int):
        """The picture of a scanned row, to staff only (row pictures are never public files)."""
        if not request.user.has_perm("catalog_import.view_importrun") and not request.user.has_perm(
            "catalog_import.change_importrun"
        ):
            raise PermissionDenied
        row = get_object_or_404(ImportRow.objects.exclude(image=""), pk=pk)
        return FileResponse(row.image.open("rb"), content_type="image/png")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        row = get_object_or_404(self.get_queryset(request).select_related("run__decision"), pk=object_id)
        if not request.user.has_perm("catalog_import.change_importrun"):
            raise PermissionDenied
        if request.method == "POST":
            choice = request.POST.get("choice", "")
            kind, _sep, value = choice.partition(":")
            try:
                stars = int(request.POST["stars"]) if request.POST.get("stars") else None
                if kind == "reject":
                    services.review_reject(row=row, by=request.user)
                elif kind == "new":
                    services.review_create_new(row=row, by=request.user, stars=stars)
                else:
                    services.review_resolve(
                        row=row,
                        by=request.user,
                        product_id=int(value) if kind == "product" else None,
                        producer_id=int(value) if kind == "producer" else None,
                        stars=stars,
                    )
            except (ValueError, ValidationError) as exc:
                messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, "Đã xử lý dòng / resolved.")
                return HttpResponseRedirect(reverse("admin:catalog_import_reviewitem_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Xem xét dòng quyết định / Review a row",
            "row": row,
            "candidates": _candidate_details(row),
            "confidence": {FIELD_LABELS.get(k, k): round(v) for k, v in (row.scan_confidence or {}).items()},
            "image_url": reverse("admin:catalog_import_reviewitem_image", args=[row.pk]) if row.image else "",
            "star_choices": [3, 4, 5],
            "is_recognition": row.run.decision.kind == DecisionKind.RECOGNITION,
            "opts": self.model._meta,
        }
        return render(request, "admin/catalog_import/review.html", context)


def _candidate_details(row: ImportRow) -> list[dict]:
    """Candidates with what staff needs to tell them apart: producer address, current stars."""
    from marketplace.catalog.models import Product
    from marketplace.producers.models import Producer

    product_ids = [c["product_id"] for c in row.candidates if c.get("product_id")]
    producer_ids = [c["producer_id"] for c in row.candidates if c.get("producer_id")]
    products = {
        p.pk: p
        for p in Product.objects.filter(pk__in=product_ids)
        .select_related("producer")
        .annotate(active=Count("certifications", filter=Q(certifications__state="active")))
    }
    producers = {p.pk: p for p in Producer.objects.filter(pk__in=producer_ids)}
    details = []
    for candidate in row.candidates:
        product = products.get(candidate.get("product_id"))
        producer = product.producer if product else producers.get(candidate.get("producer_id"))
        details.append(
            {
                **candidate,
                "product_obj": product,
                "producer_obj": producer,
                "choice": f"product:{product.pk}"
                if product
                else f"producer:{producer.pk if producer else ''}",
            }
        )
    return details
