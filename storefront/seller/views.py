"""Producer portal (/seller/). Every page acts for one producer named in the URL; the producer is looked up
among the signed-in user's producers (the policy decides), so another producer's slug or object ids answer
404, and every write service checks the policy again with `by=request.user`. A bank transfer is confirmed by
staff or reconciliation, never here: it would confirm the other producers' parts of the order too."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.catalog import selectors as catalog_selectors
from marketplace.catalog import services as catalog_services
from marketplace.catalog.models import ProductImage, ProductVariant, ProductVariantTranslation
from marketplace.certification.selectors import certifications_of_producer
from marketplace.money.selectors import returns_of_part
from marketplace.orders import services as order_services
from marketplace.orders.models import OrderStatus, PaymentState
from marketplace.orders.selectors import order_events, order_part_for_producer, order_parts_for_producer
from marketplace.payments.models import PaymentMethod
from marketplace.producers import services as producer_services
from marketplace.producers.models import Producer, ProducerPhoto
from marketplace.producers.selectors import producers_of_user
from marketplace.reviews import selectors as review_selectors
from marketplace.reviews import services as review_services
from marketplace.reviews.models import REPLY_TEXT_MAX_CHARS
from storefront.seller import forms


def producer_required(view):
    """Sign-in required; the `producer` URL slug must be one of the user's producers (404 otherwise)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, producer: str, **kwargs):
        request.user_producers = list(producers_of_user(user=request.user))
        request.producer = next((p for p in request.user_producers if p.slug == producer), None)
        if request.producer is None:
            raise Http404("Not a producer of this user")
        return view(request, **kwargs)

    return wrapper


def _product_or_404(request, pk: int):
    product = catalog_selectors.producer_product_get(producer_id=request.producer.pk, product_id=pk)
    if product is None:
        raise Http404("No such product for this producer")
    return product


def _apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form (field errors where the field exists)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


OPEN_PART_STATUSES = (OrderStatus.UNCONFIRMED, OrderStatus.CONFIRMED)


def _render(request, template: str, context: dict | None = None, status: int = 200):
    base = {
        "producer": request.producer,
        "user_producers": request.user_producers,
        "today": timezone.localdate(),
    }
    return render(request, template, {**base, **(context or {})}, status=status)


# --- Entry and dashboard ----------------------------------------------------------------------------


@login_required
def index(request):
    producers = list(producers_of_user(user=request.user))
    if not producers:
        return render(request, "seller/not_member.html", status=403)
    if len(producers) == 1:
        return redirect("seller:dashboard", producer=producers[0].slug)
    return render(request, "seller/choose.html", {"user_producers": producers})


@producer_required
def dashboard(request):
    producer_id = request.producer.pk
    today = timezone.localdate()
    counts = catalog_selectors.products_of_producer(producer_id=producer_id).aggregate(
        total=Count("id"),
        published=Count("id", filter=Q(is_published=True)),
        listed=Count("id", filter=Q(is_published=True, is_hidden=False, is_certified=True)),
        hidden=Count("id", filter=Q(is_hidden=True)),
    )
    low_stock = list(
        catalog_selectors.variants_low_on_stock(
            producer_id=producer_id, threshold=settings.SELLER_LOW_STOCK_THRESHOLD
        )[:50]
    )
    certifications = list(certifications_of_producer(producer_id=producer_id)[:100])
    # Names only: no need for the list's prefetches here.
    to_claim = list(catalog_selectors.products_to_claim(producer_id=producer_id).prefetch_related(None))
    listed = list(
        catalog_selectors.products_listed_of_producer(producer_id=producer_id).only("pk", "name", "slug")[:20]
    )
    context = {
        "counts": counts,
        "low_stock": low_stock,
        "threshold": settings.SELLER_LOW_STOCK_THRESHOLD,
        "certifications": [
            (cert, cert.status_on(today), (cert.valid_until - today).days) for cert in certifications
        ],
        "to_claim": to_claim,
        "listed": listed,
    }
    context.update(_orders_summary(request))
    return _render(request, "seller/dashboard.html", context)


def _orders_summary(request) -> dict:
    parts = order_parts_for_producer(producer_id=request.producer.pk).filter(status__in=OPEN_PART_STATUSES)
    return {"orders_to_fulfil": list(parts[:20])}


# --- Products ---------------------------------------------------------------------------------------


@producer_required
def product_list(request):
    products = list(catalog_selectors.products_of_producer(producer_id=request.producer.pk))
    return _render(request, "seller/product_list.html", {"products": products})


@producer_required
def product_create(request):
    form = forms.ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = catalog_services.product_create(
                producer=request.producer, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Đã tạo sản phẩm. Thêm phân loại, giá và ảnh rồi đăng bán.")
            return redirect("seller:product_edit", producer=request.producer.slug, pk=product.pk)
    return _render(request, "seller/product_form.html", {"form": form, "product": None})


@producer_required
def product_edit(request, pk: int):
    product = _product_or_404(request, pk)
    initial = {
        "name": product.name,
        "category": product.category_id,
        "description": product.description,
        "seo_title": product.seo_title,
        "seo_description": product.seo_description,
        "origin": product.origin,
    }
    images = [(image.image.url, image.alt) for image in product.images.all()]
    form = forms.ProductForm(request.POST or None, initial=initial, images=images)
    if request.method == "POST" and form.is_valid():
        try:
            catalog_services.product_update(product=product, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Đã lưu sản phẩm.")
            return redirect("seller:product_edit", producer=request.producer.slug, pk=product.pk)
    return _render(request, "seller/product_form.html", _product_edit_context(product, form=form))


ENGLISH = "en"


def _product_edit_context(product, *, form, translation_form=None) -> dict:
    if translation_form is None:
        english = catalog_selectors.product_translation(product_id=product.pk, language_code=ENGLISH)
        initial = {"name": english.name, "description": english.description} if english else {}
        translation_form = forms.ProductTranslationForm(initial=initial)
    return {
        "form": form,
        "product": product,
        "certification": catalog_selectors.product_active_certification(product),
        "access": _shopper_status(product),
        "image_form": forms.ImageForm(),
        "variant_form": forms.VariantForm(),
        "translation_form": translation_form,
    }


@producer_required
@require_POST
def product_translation(request, pk: int):
    """The product's English name and description (a panel of the edit page)."""
    product = _product_or_404(request, pk)
    form = forms.ProductTranslationForm(request.POST)
    if form.is_valid():
        try:
            catalog_services.product_translation_set(
                product=product, language_code=ENGLISH, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Đã lưu bản tiếng Anh.")
            return redirect("seller:product_edit", producer=request.producer.slug, pk=product.pk)
    product_form = forms.ProductForm(
        initial={"name": product.name, "category": product.category_id, "description": product.description}
    )
    context = _product_edit_context(product, form=product_form, translation_form=form)
    return _render(request, "seller/product_form.html", context, status=400)


def _shopper_status(product) -> str:
    if product.is_hidden:
        return "hidden"
    if not product.is_published:
        return "unpublished"
    if not product.is_certified:
        return "uncertified"
    return "listed"


def _confirmed(request) -> bool:
    return request.POST.get("confirmed") == "1"


def _confirm_step(
    request,
    *,
    action: str,
    question: str,
    explanation: str,
    confirm_label: str,
    back_url: str,
    fields: tuple[tuple[str, str], ...] = (),
):
    """The page asking once more before a destructive action (without JavaScript; with it, a dialog asks)."""
    context = {
        "action": action,
        "question": question,
        "explanation": explanation,
        "confirm_label": confirm_label,
        "back_url": back_url,
        "post_url": request.path,
        "fields": fields,
    }
    return _render(request, "seller/confirm.html", context)


@producer_required
@require_POST
def product_publish(request, pk: int):
    product = _product_or_404(request, pk)
    publish = request.POST.get("publish") == "1"
    if not publish and product.is_published and not _confirmed(request):
        return _confirm_step(
            request,
            action="unpublish",
            question=_("Ngừng bán “%(name)s”?") % {"name": product.name},
            explanation=_(
                "Khách hàng sẽ không thấy và không mua được sản phẩm này nữa. Đơn đã đặt vẫn giữ nguyên. "
                "Bạn có thể đăng bán lại bất cứ lúc nào."
            ),
            confirm_label=_("Ngừng bán"),
            back_url=reverse("seller:product_edit", args=[request.producer.slug, product.pk]),
            fields=(("publish", "0"),),
        )
    try:
        catalog_services.product_set_published(product=product, is_published=publish, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Đã đăng bán." if publish else "Đã ngừng bán.")
    return redirect("seller:product_edit", producer=request.producer.slug, pk=product.pk)


@producer_required
def variant_create(request, pk: int):
    product = _product_or_404(request, pk)
    form = forms.VariantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            catalog_services.product_variant_add(product=product, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Đã thêm phân loại.")
            return redirect("seller:product_edit", producer=request.producer.slug, pk=product.pk)
    return _render(request, "seller/variant_form.html", {"form": form, "product": product, "variant": None})


@producer_required
def variant_edit(request, pk: int, variant_pk: int):
    product = _product_or_404(request, pk)
    variant = get_object_or_404(
        ProductVariant.objects.select_related("stock", "product"), pk=variant_pk, product=product
    )
    stock = getattr(variant, "stock", None)
    initial = {
        "name": variant.name,
        "sku": variant.sku,
        "price_amount": variant.price_amount,
        "weight_grams": variant.weight_grams,
        "volume_ml": variant.volume_ml,
        "quantity": stock.quantity if stock else 0,
        "name_en": catalog_selectors.translated_names(ProductVariantTranslation, [variant.pk], ENGLISH).get(
            variant.pk, ""
        ),
    }
    form = forms.VariantEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            catalog_services.variant_update_with_stock(
                variant=variant,
                name=data["name"],
                sku=data["sku"] or variant.sku,
                price_amount=data["price_amount"],
                weight_grams=data["weight_grams"],
                volume_ml=data["volume_ml"],
                quantity=data["quantity"],
                by=request.user,
            )
            catalog_services.variant_translation_set(
                variant=variant, language_code=ENGLISH, name=data["name_en"], by=request.user
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Đã lưu phân loại.")
            return redirect("seller:product_edit", producer=request.producer.slug, pk=product.pk)
    return _render(
        request, "seller/variant_form.html", {"form": form, "product": product, "variant": variant}
    )


@producer_required
def image_add(request, pk: int):
    product = _product_or_404(request, pk)
    form = forms.ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            catalog_services.product_image_add(
                product=product,
                uploaded_file=form.cleaned_data["image"],
                alt=form.cleaned_data["alt"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error("image", exc.messages)
        else:
            messages.success(request, "Đã thêm ảnh.")
            return redirect("seller:product_edit", producer=request.producer.slug, pk=product.pk)
    status = 400 if request.method == "POST" else 200
    return _render(request, "seller/image_form.html", {"form": form, "product": product}, status=status)


@producer_required
@require_POST
def image_delete(request, pk: int, image_pk: int):
    product = _product_or_404(request, pk)
    image = get_object_or_404(ProductImage.objects.select_related("product"), pk=image_pk, product=product)
    if not _confirmed(request):
        return _confirm_step(
            request,
            action="delete-image",
            question=_("Xoá ảnh này?"),
            explanation=_("Ảnh sẽ bị xoá khỏi sản phẩm và không thể khôi phục."),
            confirm_label=_("Xoá ảnh"),
            back_url=reverse("seller:product_edit", args=[request.producer.slug, product.pk]),
        )
    catalog_services.product_image_delete(image=image, by=request.user)
    messages.success(request, "Đã xoá ảnh.")
    return redirect("seller:product_edit", producer=request.producer.slug, pk=product.pk)


# --- Claim and list ---------------------------------------------------------------------------------


@producer_required
def claim_list(request):
    products = list(catalog_selectors.products_to_claim(producer_id=request.producer.pk))
    return _render(request, "seller/claim_list.html", {"products": products})


@producer_required
def claim(request, pk: int):
    product = catalog_selectors.products_to_claim(producer_id=request.producer.pk).filter(pk=pk).first()
    if product is None:
        raise Http404("Nothing to claim here")
    form = forms.ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            catalog_services.product_claim(
                product=product,
                price_amount=data["price_amount"],
                quantity=data["quantity"],
                variant_name=data["variant_name"],
                sku=data["sku"],
                uploaded_image=data["image"],
                alt=data["alt"],
                by=request.user,
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) and str(exc.code).startswith("image_"):
                form.add_error("image", exc.messages)
            else:
                _apply_errors(form, exc)
        else:
            messages.success(request, "Đã đăng bán sản phẩm được chứng nhận OCOP.")
            return redirect("seller:product_edit", producer=request.producer.slug, pk=product.pk)
    context = {
        "form": form,
        "product": product,
        "certification": catalog_selectors.product_active_certification(product),
    }
    return _render(request, "seller/claim_form.html", context, status=400 if form.errors else 200)


# --- Producer profile -------------------------------------------------------------------------------


@producer_required
def profile(request):
    fresh = Producer.objects.get(pk=request.producer.pk)  # the form writes into its instance while validating
    form = forms.ProducerProfileForm(request.POST or None, instance=fresh)
    if request.method == "POST" and form.is_valid():
        try:
            producer_services.producer_profile_update(
                producer=request.producer, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Đã lưu hồ sơ.")
            return redirect("seller:profile", producer=request.producer.slug)
    context = {
        "form": form,
        "logo_form": forms.LogoForm(),
        "photo_form": forms.ImageForm(),
        "photos": list(request.producer.photos.all()),
    }
    return _render(request, "seller/profile.html", context)


@producer_required
def logo_set(request):
    form = forms.LogoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            producer_services.producer_logo_set(
                producer=request.producer, uploaded_file=form.cleaned_data["logo"], by=request.user
            )
        except ValidationError as exc:
            form.add_error("logo", exc.messages)
        else:
            messages.success(request, "Đã cập nhật logo.")
            return redirect("seller:profile", producer=request.producer.slug)
    status = 400 if request.method == "POST" else 200
    return _render(request, "seller/upload_form.html", {"form": form, "title": "Logo"}, status=status)


@producer_required
def photo_add(request):
    form = forms.ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            producer_services.producer_photo_add(
                producer=request.producer,
                uploaded_file=form.cleaned_data["image"],
                alt=form.cleaned_data["alt"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error("image", exc.messages)
        else:
            messages.success(request, "Đã thêm ảnh.")
            return redirect("seller:profile", producer=request.producer.slug)
    status = 400 if request.method == "POST" else 200
    return _render(
        request, "seller/upload_form.html", {"form": form, "title": "Ảnh giới thiệu"}, status=status
    )


@producer_required
@require_POST
def photo_delete(request, photo_pk: int):
    photo = get_object_or_404(
        ProducerPhoto.objects.select_related("producer"), pk=photo_pk, producer=request.producer
    )
    if not _confirmed(request):
        return _confirm_step(
            request,
            action="delete-photo",
            question=_("Xoá ảnh này?"),
            explanation=_("Ảnh sẽ bị xoá khỏi hồ sơ của bạn và không thể khôi phục."),
            confirm_label=_("Xoá ảnh"),
            back_url=reverse("seller:profile", args=[request.producer.slug]),
        )
    producer_services.producer_photo_delete(photo=photo, by=request.user)
    messages.success(request, "Đã xoá ảnh.")
    return redirect(reverse("seller:profile", kwargs={"producer": request.producer.slug}))


# --- Orders: the producer's part of each order ------------------------------------------------------


def _part_or_404(request, part_pk: int):
    part = order_part_for_producer(producer_id=request.producer.pk, part_id=part_pk)
    if part is None:
        raise Http404("No such order part for this producer")
    return part


@producer_required
def order_list(request):
    show_all = request.GET.get("show") == "all"
    parts = order_parts_for_producer(producer_id=request.producer.pk)
    if not show_all:
        parts = parts.filter(status__in=OPEN_PART_STATUSES)
    return _render(request, "seller/order_list.html", {"parts": list(parts[:200]), "show_all": show_all})


def _part_context(part, tracking_form=None, cancel_form=None) -> dict:
    order = part.order
    return {
        "part": part,
        "order": order,
        "events": list(order_events(order_id=order.pk, part_id=part.pk)),
        "returns": list(returns_of_part(part_id=part.pk)),
        "tracking_form": tracking_form or forms.TrackingForm(initial={"tracking_code": part.tracking_code}),
        "cancel_form": cancel_form or forms.PartCancelForm(),
        # A paid order's part is cancelled by staff (a refund is due), not from the portal.
        "can_cancel": part.status in OPEN_PART_STATUSES and order.payment_state == PaymentState.UNPAID,
        "can_confirm": part.status == OrderStatus.UNCONFIRMED,
        "can_ship": part.status in OPEN_PART_STATUSES,
        "can_deliver": part.status == OrderStatus.SHIPPED,
    }


@producer_required
def order_detail(request, part_pk: int):
    part = _part_or_404(request, part_pk)
    return _render(request, "seller/order_detail.html", _part_context(part))


@producer_required
def order_packing_slip(request, part_pk: int):
    """A printable slip for this producer's part: only its own lines, only for its own members (404 else)."""
    part = _part_or_404(request, part_pk)
    order = part.order
    lines = list(part.lines.all())
    collect = (
        part.total_amount
        if order.payment_method == PaymentMethod.COD and (order.payment_state == PaymentState.UNPAID)
        else 0
    )
    context = {
        "part": part,
        "order": order,
        "lines": lines,
        "total_quantity": sum(line.quantity for line in lines),
        "collect_amount": collect,
        "site": settings.SITE_URL,
    }
    return _render(request, "seller/packing_slip.html", context)


def _order_action(request, part_pk: int, action):
    part = _part_or_404(request, part_pk)
    try:
        action(part)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("seller:order_detail", producer=request.producer.slug, part_pk=part.pk)


@producer_required
@require_POST
def order_confirm(request, part_pk: int):
    def confirm(part):
        order_services.order_part_confirm(part=part, by=request.user)
        messages.success(request, "Đã xác nhận đơn.")

    return _order_action(request, part_pk, confirm)


@producer_required
@require_POST
def order_ship(request, part_pk: int):
    part = _part_or_404(request, part_pk)
    form = forms.TrackingForm(request.POST)
    if not form.is_valid():
        return _render(request, "seller/order_detail.html", _part_context(part, form), status=400)
    try:
        order_services.order_part_mark_shipped(
            part=part, by=request.user, tracking_code=form.cleaned_data["tracking_code"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Đã chuyển sang đang giao, kèm mã vận đơn.")
    return redirect("seller:order_detail", producer=request.producer.slug, part_pk=part.pk)


@producer_required
@require_POST
def order_deliver(request, part_pk: int):
    def deliver(part):
        order_services.order_part_mark_delivered(part=part, by=request.user)
        messages.success(request, "Đã giao hàng.")

    return _order_action(request, part_pk, deliver)


@producer_required
@require_POST
def order_cancel(request, part_pk: int):
    """Cancel this producer's part with a reason; the first submit (without JavaScript) asks to confirm."""
    part = _part_or_404(request, part_pk)
    form = forms.PartCancelForm(request.POST)
    if not form.is_valid():
        return _render(request, "seller/order_detail.html", _part_context(part, cancel_form=form), status=400)
    if not form.cleaned_data["confirmed"]:
        confirm_form = forms.PartCancelForm(
            initial={"reason": form.cleaned_data["reason"], "confirmed": True}
        )
        return _render(
            request, "seller/order_cancel.html", {"part": part, "order": part.order, "form": confirm_form}
        )
    try:
        order_services.order_part_cancel(part=part, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Đã hủy phần đơn; số lượng đã trả lại kho.")
    return redirect("seller:order_detail", producer=request.producer.slug, part_pk=part.pk)


# --- Reviews of the producer's products (issue 16): public replies ---------------------------------


@producer_required
def review_list(request):
    reviews = list(review_selectors.reviews_of_producer(producer_id=request.producer.pk)[:200])
    return _render(
        request, "seller/review_list.html", {"reviews": reviews, "reply_max": REPLY_TEXT_MAX_CHARS}
    )


@producer_required
@require_POST
def review_reply(request, review_pk: int):
    review = (
        review_selectors.reviews_of_producer(producer_id=request.producer.pk).filter(pk=review_pk).first()
    )
    if review is None:
        raise Http404("No such review for this producer")
    try:
        review_services.review_reply(review=review, by=request.user, text=request.POST.get("reply_text", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã đăng phản hồi."))
    return redirect("seller:review_list", producer=request.producer.slug)
