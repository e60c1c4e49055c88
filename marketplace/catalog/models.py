from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from marketplace.core.languages import language_code_field

if TYPE_CHECKING:
    from marketplace.certification.models import Certification


class Channel(models.Model):
    """Saleor-compatible sales channel. The marketplace has one: `default-channel`, in VND."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    currency_code = models.CharField(max_length=3, default="VND")
    default_country = models.CharField(max_length=2, default="VN")
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.slug


class Category(models.Model):
    """Product group tree; the roots are the six OCOP product groups (Decision 919/QĐ-TTg)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    ocop_group = models.PositiveSmallIntegerField(null=True, blank=True, help_text="OCOP group number 1–6")
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    # The name in the page's language, set by catalog.selectors.categories_with_parents, never stored.
    display_name: str

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=Q(ocop_group__isnull=True) | Q(ocop_group__gte=1, ocop_group__lte=6),
                name="catalog_category_ocop_group_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# The longest description a producer may write (HTML, in the portal form and through the API).
PRODUCT_DESCRIPTION_MAX_LENGTH = 20_000


class Product(models.Model):
    # PROTECT: a product never loses its producer; a producer with products cannot be deleted.
    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(max_length=120, unique=True)
    # Sanitised HTML (nh3) written only through catalog.services.
    description = models.TextField(_("description"), blank=True)
    seo_title = models.CharField(max_length=120, blank=True)
    seo_description = models.CharField(max_length=300, blank=True)
    # The producer's own switch. Certified-but-unlisted products (from imports) start unpublished.
    is_published = models.BooleanField(_("published"), default=False)
    # Where the raw materials come from (vùng nguyên liệu), as the producer writes it; the `origin` attribute.
    origin = models.CharField(_("area of origin"), max_length=255, blank=True)
    # Summary of the shown buyer reviews, kept by reviews.services in the review's transaction so cards,
    # pages and the rating sort read two columns instead of aggregating reviews.
    rating_count = models.PositiveIntegerField(default=0)
    rating_average = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set by the prefetches of catalog.selectors (with_shopper_relations), never stored.
    active_certification_list: list["Certification"]
    certification_history: list["Certification"]

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["producer", "is_published"], name="catalog_product_producer_pub")]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_count=0, rating_average__isnull=True)
                | Q(rating_count__gt=0, rating_average__gte=1, rating_average__lte=5),
                name="catalog_product_rating_summary",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255, blank=True)
    price_amount = models.BigIntegerField(_("price (VND)"))  # whole dong: VND has no minor unit
    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    # Net volume of liquids (bottles of wine, fish sauce, honey); the `volume` attribute.
    volume_ml = models.PositiveIntegerField(_("volume (ml)"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    # The name in the page's language, set by the storefront's product page, never stored.
    display_name: str

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_amount__gte=0), name="catalog_variant_price_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} – {self.name}" if self.name else self.product.name


class Stock(models.Model):
    """Units on hand for a variant (one stock point per variant: the producer ships its own goods)."""

    variant = models.OneToOneField(ProductVariant, on_delete=models.CASCADE, related_name="stock")
    quantity = models.IntegerField(default=0)
    quantity_allocated = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="catalog_stock_quantity_non_negative"),
            models.CheckConstraint(
                condition=Q(quantity_allocated__gte=0), name="catalog_stock_allocated_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.quantity}"

    @property
    def quantity_available(self) -> int:
        return max(self.quantity - self.quantity_allocated, 0)


def stock_available(prefix: str = "", *, more_than: int = 0) -> Q:
    """Stock rows with more than `more_than` units a shopper may buy: `Stock.quantity_available` in SQL (the
    search triggers restate it in migration search 0004). `prefix` reaches the stock through a relation."""
    return Q(**{f"{prefix}quantity__gt": F(f"{prefix}quantity_allocated") + more_than})


def units_available(variant: "ProductVariant") -> int:
    """What a shopper may still buy of a variant; 0 without a stock row."""
    stock = getattr(variant, "stock", None)
    return stock.quantity_available if stock is not None else 0


class ProductImage(models.Model):
    """Stored only after catalog.services.product_image_add validated and re-encoded the upload."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="products/")
    thumbnail = models.ImageField(upload_to="products/thumbs/", blank=True)  # WebP, IMAGE_THUMBNAIL_SIZE
    medium = models.ImageField(upload_to="products/medium/", blank=True)  # WebP, IMAGE_MEDIUM_SIZE
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    alt = models.CharField(max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.alt or self.image.name

    @property
    def responsive(self) -> "ResponsiveImage":
        """`src`, WebP `srcset`, width and height for an <img> (no query)."""
        return responsive_image(
            image=self.image.name,
            thumbnail=self.thumbnail.name,
            medium=self.medium.name,
            width=self.width,
            height=self.height,
        )


class ResponsiveImage(TypedDict):
    src: str
    srcset: str  # "" when the image has no renditions (stored before they existed)
    width: int
    height: int


def _fit_width(width: int, height: int, box: tuple[int, int]) -> int:
    scale = min(box[0] / width, box[1] / height, 1)
    return max(round(width * scale), 1)


def responsive_image(
    *, image: str, thumbnail: str | None, medium: str | None, width: int | None, height: int | None
) -> ResponsiveImage:
    """An <img>'s `src` (the stored display copy) and `srcset` from the WebP renditions made on upload
    (IMAGE_THUMBNAIL_SIZE, IMAGE_MEDIUM_SIZE), by their widths; 4:3 when the stored size is unknown."""
    storage = ProductImage._meta.get_field("image").storage
    width, height = width or 800, height or 600
    candidates: dict[int, str] = {}  # one file per width: a srcset may not repeat a width
    for name, box in ((thumbnail, settings.IMAGE_THUMBNAIL_SIZE), (medium, settings.IMAGE_MEDIUM_SIZE)):
        if name:
            candidates.setdefault(_fit_width(width, height, box), name)
    if candidates:
        candidates.setdefault(width, image)
    srcset = ", ".join(f"{storage.url(name)} {w}w" for w, name in sorted(candidates.items()))
    return ResponsiveImage(src=storage.url(image), srcset=srcset, width=width, height=height)


class Collection(models.Model):
    """Curated lists such as `featured-products` (the home page and Saleor's collection query)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    products: "models.ManyToManyField[Product, CollectionProduct]" = models.ManyToManyField(
        Product, through="CollectionProduct", related_name="collections"
    )

    def __str__(self) -> str:
        return self.name


class CollectionProduct(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="entries")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="collection_entries")
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "product"], name="catalog_collection_product_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}/{self.product_id}"


# An open hiding (not undone yet): the one definition, for queries and the one-open constraint.
OPEN_MODERATION = Q(unhidden_at__isnull=True)


class ProductModerationQuerySet(models.QuerySet["ProductModeration"]):
    def open(self) -> "ProductModerationQuerySet":
        """Hidings not undone yet: each hides its product from shoppers."""
        return self.filter(OPEN_MODERATION)


class ProductModeration(models.Model):
    """Staff hiding a product: who, when, why, and who undid it when. An open record (not undone) hides it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="moderations")
    reason = models.TextField()
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    hidden_at = models.DateTimeField(auto_now_add=True)
    unhidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    unhidden_at = models.DateTimeField(null=True, blank=True)

    objects = ProductModerationQuerySet.as_manager()

    class Meta:
        ordering = ["-hidden_at"]
        constraints = [
            # At most one open hiding per product.
            models.UniqueConstraint(
                fields=["product"], condition=OPEN_MODERATION, name="catalog_moderation_one_open"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="catalog_moderation_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} hidden {self.hidden_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.unhidden_at is None


class ProductExpiringSoon(Product):
    """Admin queue: products whose active certificate ends within CERTIFICATE_REMINDER_DAYS."""

    class Meta:
        proxy = True
        verbose_name = "product with certificate expiring soon"
        verbose_name_plural = "products with certificate expiring within 30 days"


class TakedownStatus(models.TextChoices):
    OPEN = "open", _("Đang xử lý")
    REMOVED = "removed", _("Đã gỡ sản phẩm")
    REJECTED = "rejected", _("Từ chối")


class TakedownRequest(models.Model):
    """A request to remove a listing (an authority, a rights holder, a consumer; Law 122/2025/QH15) and how
    staff handled it. Removal is a staff hiding (`moderation`), so the one visibility rule still decides."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="takedown_requests")
    requester = models.CharField(_("requested by"), max_length=255)
    requester_contact = models.CharField(_("requester contact"), max_length=255, blank=True)
    reference = models.CharField(_("reference (letter / case number)"), max_length=120)
    reason = models.TextField(_("reason"), max_length=4000)
    received_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=TakedownStatus.choices, default=TakedownStatus.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_note = models.TextField(blank=True, max_length=4000)
    moderation = models.ForeignKey(
        ProductModeration, null=True, blank=True, on_delete=models.PROTECT, related_name="takedowns"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TakedownStatus.values), name="catalog_takedown_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=TakedownStatus.OPEN, handled_at__isnull=True)
                | (~Q(status=TakedownStatus.OPEN) & Q(handled_at__isnull=False)),
                name="catalog_takedown_handled_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status=TakedownStatus.REMOVED) | Q(moderation__isnull=False),
                name="catalog_takedown_removed_has_hiding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.product_id})"


class ProductTypeKind(models.TextChoices):
    NORMAL = "normal", _("Sản phẩm thường")
    GIFT_CARD = "gift-card", _("Thẻ quà tặng")


class ProductType(models.Model):
    """Saleor's product type: one per OCOP product group. A product's type follows its category's root group
    (`catalog.attributes.product_type_of`), so it is never stored on the product."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    ocop_group = models.PositiveSmallIntegerField(
        _("OCOP group"), null=True, blank=True, unique=True, help_text=_("Nhóm sản phẩm OCOP 1–6")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ProductTypeKind.choices, default=ProductTypeKind.NORMAL
    )
    has_variants = models.BooleanField(_("has variants"), default=True)
    is_shipping_required = models.BooleanField(_("shipping required"), default=True)
    attributes: "models.ManyToManyField[Attribute, ProductTypeAttribute]" = models.ManyToManyField(
        "Attribute", through="ProductTypeAttribute", related_name="product_types"
    )

    class Meta:
        ordering = ["ocop_group", "name"]
        verbose_name = _("product type")
        verbose_name_plural = _("product types")
        constraints = [
            models.CheckConstraint(
                condition=Q(ocop_group__isnull=True) | Q(ocop_group__gte=1, ocop_group__lte=6),
                name="catalog_producttype_ocop_group_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ProductTypeKind.values), name="catalog_producttype_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AttributeSource(models.TextChoices):
    """The real data an attribute shows. Attributes store no per-product values: each is a view of the
    field named here, read when asked (stars from the valid certificate, never a copy that could go stale)."""

    OCOP_STARS = "ocop_stars", _("Hạng sao OCOP (chứng nhận còn hiệu lực)")
    PROVINCE = "province", _("Tỉnh/thành của chủ thể")
    PRODUCER_KIND = "producer_kind", _("Loại hình chủ thể")
    ORIGIN = "origin", _("Vùng nguyên liệu (xuất xứ)")
    WEIGHT = "weight", _("Khối lượng của phiên bản")
    VOLUME = "volume", _("Thể tích của phiên bản")


class Attribute(models.Model):
    """Saleor's attribute. Its input type, unit and level (product or variant) follow from its source
    (`catalog.attributes.SOURCES`); staff choose the name, slug, order, visibility and translations."""

    source = models.CharField(_("data source"), max_length=20, choices=AttributeSource.choices, unique=True)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    visible_in_storefront = models.BooleanField(_("visible in storefront"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=AttributeSource.values), name="catalog_attribute_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProductTypeAttribute(models.Model):
    """Which attributes a product type shows (product-level or variant-level as the source says)."""

    product_type = models.ForeignKey(ProductType, on_delete=models.CASCADE, related_name="type_attributes")
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="type_entries")
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("product type attribute")
        verbose_name_plural = _("product type attributes")
        constraints = [
            models.UniqueConstraint(
                fields=["product_type", "attribute"], name="catalog_producttypeattribute_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_type_id}/{self.attribute_id}"


class AttributeValue(models.Model):
    """A named choice of a choice attribute (stars "4", producer kind "cooperative", a province code): its
    display name and translations. Which value a product has is still read from the source, by slug."""

    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="values")
    slug = models.SlugField(max_length=100)
    name = models.CharField(_("name"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        constraints = [
            models.UniqueConstraint(fields=["attribute", "slug"], name="catalog_attributevalue_unique")
        ]

    def __str__(self) -> str:
        return self.name


class AttributeTranslation(models.Model):
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language code"), max_length=35)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("attribute translation")
        verbose_name_plural = _("attribute translations")
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "language_code"], name="catalog_attributetranslation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attribute_id} [{self.language_code}]"


class AttributeValueTranslation(models.Model):
    attribute_value = models.ForeignKey(AttributeValue, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language code"), max_length=35)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("attribute value translation")
        verbose_name_plural = _("attribute value translations")
        constraints = [
            models.UniqueConstraint(
                fields=["attribute_value", "language_code"], name="catalog_attributevaluetranslation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attribute_value_id} [{self.language_code}]"


# --- Translations (Saleor's `translation(languageCode)`): Vietnamese is the source, these add languages. ----


class DescribedTranslation(models.Model):
    """The translatable fields of products, categories and collections (Saleor's `<Entity>Translation`);
    the description is sanitised HTML like the base one, written only through catalog.services."""

    name = models.CharField(_("name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    seo_title = models.CharField(max_length=120, blank=True)
    seo_description = models.CharField(max_length=300, blank=True)
    slug = models.SlugField(max_length=120, null=True, blank=True)
    language_code = language_code_field()

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["language_code", "slug"], name="%(app_label)s_%(class)s_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.language_code}: {self.name}"


class ProductTranslation(DescribedTranslation):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="translations")

    class Meta(DescribedTranslation.Meta):
        constraints = [
            *DescribedTranslation.Meta.constraints,
            models.UniqueConstraint(
                fields=["product", "language_code"], name="catalog_product_translation_unique"
            ),
        ]


class ProductVariantTranslation(models.Model):
    product_variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="translations")
    language_code = language_code_field()
    name = models.CharField(_("name"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product_variant", "language_code"], name="catalog_variant_translation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language_code}: {self.name}"


class CategoryTranslation(DescribedTranslation):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="translations")

    class Meta(DescribedTranslation.Meta):
        constraints = [
            *DescribedTranslation.Meta.constraints,
            models.UniqueConstraint(
                fields=["category", "language_code"], name="catalog_category_translation_unique"
            ),
        ]


class CollectionTranslation(DescribedTranslation):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="translations")

    class Meta(DescribedTranslation.Meta):
        constraints = [
            *DescribedTranslation.Meta.constraints,
            models.UniqueConstraint(
                fields=["collection", "language_code"], name="catalog_collection_translation_unique"
            ),
        ]
