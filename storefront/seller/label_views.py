"""QR label sheets for a product's certificate (issue 16). Staff holding the catalogue permission may
download them for any producer, members for their own: decided by producers.policies, not by the
portal's membership lookup."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from marketplace.catalog.selectors import active_certifications, producer_product_get
from marketplace.certification.labels import LabelText, label_sheet_pdf
from marketplace.certification.selectors import certificate_verify_url
from marketplace.core.rate_limits import within_budget
from marketplace.producers.models import Producer
from marketplace.producers.policies import ProducerAction, require_producer_action


@login_required
@require_GET
def product_qr_labels(request, producer: str, pk: int):
    producer_row = Producer.objects.filter(slug=producer).only("pk", "name", "slug").first()
    if producer_row is None:
        raise Http404("No such producer")
    require_producer_action(
        actor=request.user, action=ProducerAction.MANAGE_CATALOGUE, producer_id=producer_row.pk
    )
    product = producer_product_get(producer_id=producer_row.pk, product_id=pk)
    if product is None:
        raise Http404("No such product for this producer")
    if not within_budget(
        scope="qr-labels", client=str(request.user.pk), limit=settings.QR_LABELS_PER_MINUTE, window_seconds=60
    ):
        return _refuse(request, _("Bạn đã tải quá nhiều tờ tem trong một phút; vui lòng thử lại sau."), 429)
    certification = active_certifications().filter(product=product).select_related("decision").first()
    if certification is None:
        return _refuse(
            request,
            _("Sản phẩm “%(name)s” không có chứng nhận OCOP còn hiệu lực, nên không thể in tem QR.")
            % {"name": product.name},
            409,
        )
    pdf = label_sheet_pdf(
        LabelText(
            code=certification.code,
            stars=certification.stars,
            product=product.name,
            producer=producer_row.name,
            url=certificate_verify_url(certification.code),
            scan_hint=_("Quét để kiểm tra"),
            title=_("Tem QR chứng nhận OCOP %(stars)s sao") % {"stars": certification.stars},
            print_hint=_("In đúng tỷ lệ 100%, khổ A4"),
        )
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tem-qr-{product.slug}-{certification.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _refuse(request, message: str, status: int):
    return render(request, "seller/qr_unavailable.html", {"message": message}, status=status)
