"""Reviews on the storefront: a buyer reviews a delivered line (the form is on the product page) and rates
the seller of a delivered part (account page); shoppers report reviews. The services decide who may."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.orders.models import OrderLine, OrderPart
from marketplace.reviews import selectors, services
from marketplace.reviews.models import REPORT_REASON_MAX_CHARS, REVIEW_TEXT_MAX_CHARS, Review

STAR_CHOICES = [(n, str(n)) for n in range(5, 0, -1)]


class ReviewForm(forms.Form):
    stars = forms.TypedChoiceField(label=_("Số sao"), choices=STAR_CHOICES, coerce=int)
    text = forms.CharField(
        label=_("Nhận xét"),
        required=False,
        max_length=REVIEW_TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("Lý do báo cáo"), max_length=REPORT_REASON_MAX_CHARS)


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(label=_("Số sao"), choices=STAR_CHOICES, coerce=int)


def _refused(request, exc: PermissionDenied):
    message = (
        str(exc) if exc.args and exc.args[0] != "permission_denied" else _("Bạn không có quyền làm việc này.")
    )
    return render(request, "storefront/review_refused.html", {"message": message}, status=403)


def _show_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _product_url(line: OrderLine) -> str:
    slug = line.variant.product.slug if line.variant else line.product_slug
    return reverse("storefront:product", args=[slug]) + "#reviews-title"


@login_required
@require_POST
def review_create(request, line_id: int):
    line = get_object_or_404(OrderLine.objects.select_related("variant__product"), pk=line_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:  # an ErrorList yields each error's text
                messages.error(request, str(message))
        return redirect(_product_url(line))
    photos = request.FILES.getlist("photos")
    try:
        services.review_create(
            line=line,
            by=request.user,
            stars=form.cleaned_data["stars"],
            text=form.cleaned_data["text"],
            photos=photos,
        )
    except PermissionDenied as exc:
        return _refused(request, exc)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect(_product_url(line))


@login_required
@require_POST
def review_report(request, review_id: int):
    review = get_object_or_404(Review.objects.select_related("product"), pk=review_id, hidden_at__isnull=True)
    form = ReportForm(request.POST)
    back = reverse("storefront:product", args=[review.product.slug]) + "#reviews-title"
    if not form.is_valid():
        messages.error(
            request, _("Vui lòng ghi lý do báo cáo (tối đa %(n)d ký tự).") % {"n": REPORT_REASON_MAX_CHARS}
        )
        return redirect(back)
    try:
        services.review_report(review=review, by=request.user, reason=form.cleaned_data["reason"])
    except PermissionDenied as exc:
        return _refused(request, exc)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("Đã gửi báo cáo. Nhân viên Chợ OCOP sẽ xem xét."))
    return redirect(back)


@login_required
@require_POST
def producer_rate(request, part_id: int):
    part = get_object_or_404(OrderPart, pk=part_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.producer_rating_create(part=part, by=request.user, stars=form.cleaned_data["stars"])
        except PermissionDenied as exc:
            return _refused(request, exc)
        except ValidationError as exc:
            _show_errors(request, exc)
        else:
            messages.success(request, _("Cảm ơn bạn đã đánh giá người bán."))
    return redirect("account:reviews")


@login_required
def account_reviews(request):
    """What the signed-in buyer may still review: delivered lines and delivered parts."""
    context = {
        "lines": list(selectors.reviewable_lines(by=request.user)[:50]),
        "parts": list(selectors.ratable_parts(by=request.user)[:50]),
        "star_choices": STAR_CHOICES,
    }
    return render(request, "account/reviews.html", context)
