"""Producer-scoped catalogue mutations. Who may act is decided by marketplace.producers.policies, in the
services (every call passes `by`); the lookups here only narrow to the caller's scope so that an object of
another producer answers PermissionDenied whether or not it exists. Stars and certification are not in any
input (only decisions set them)."""

from decimal import Decimal, InvalidOperation

import graphene

from marketplace.catalog import services
from marketplace.catalog.models import PRODUCT_DESCRIPTION_MAX_LENGTH
from marketplace.catalog.models import Category as CategoryModel
from marketplace.catalog.models import Product as ProductModel
from marketplace.catalog.models import ProductVariant as ProductVariantModel
from marketplace.graphql.core.auth import require_login, require_staff_permission
from marketplace.graphql.core.editorjs import editorjs_to_html
from marketplace.graphql.core.errors import InputError, PermissionDenied
from marketplace.graphql.core.ids import decode_id
from marketplace.graphql.core.mutations import BaseMutation, check_max_lengths, error_type
from marketplace.graphql.product.types import Product, ProductVariant
from marketplace.producers.models import Producer
from marketplace.producers.policies import STAFF_PERMISSION, ProducerAction, is_staff_with, producers_in_scope

HIDE_PRODUCT = services.HIDE_PERMISSION
UNHIDE_PRODUCT = services.UNHIDE_PERMISSION
MAX_PRICE = 10**12


class ProductErrorCode(graphene.Enum):
    ALREADY_EXISTS = "already_exists"
    ALREADY_HIDDEN = "already_hidden"
    DUPLICATED_INPUT_ITEM = "duplicated_input_item"
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    INVALID_PRICE = "invalid_price"
    NOT_FOUND = "not_found"
    NOT_HIDDEN = "not_hidden"
    REQUIRED = "required"
    UNIQUE = "unique"


ProductError = error_type("ProductError", ProductErrorCode)


class SeoInput(graphene.InputObjectType):
    title = graphene.String(description="SEO title.")
    description = graphene.String(description="SEO description.")


class ProductInput(graphene.InputObjectType):
    name = graphene.String(description="Product name.")
    slug = graphene.String(description="Product slug (only on create).")
    category = graphene.ID(description="ID of the product's category.")
    description = graphene.JSONString(description="Product description (EditorJS JSON).")
    seo = SeoInput(description="Search engine optimization fields.")
    is_published = graphene.Boolean(description="The producer's switch: offered for sale when certified.")
    origin = graphene.String(description="Area of origin (vùng nguyên liệu); the `origin` attribute.")


class ProductCreateInput(ProductInput):
    producer = graphene.ID(description="Producer that sells it; defaults to the member's only producer.")


class StockInput(graphene.InputObjectType):
    warehouse = graphene.ID(description="Ignored: each producer ships from its single stock point.")
    quantity = graphene.Int(required=True, description="Quantity of items available for sell.")


class ProductVariantInput(graphene.InputObjectType):
    sku = graphene.String(description="Stock keeping unit.")
    name = graphene.String(description="Variant name, e.g. Gói 500g.")
    price = graphene.Decimal(description="Price in VND (whole dong).")
    weight_grams = graphene.Int(description="Shipping weight in grams.")
    volume_ml = graphene.Int(description="Net volume in millilitres (liquids); the `volume` attribute.")


class ProductVariantCreateInput(ProductVariantInput):
    product = graphene.ID(required=True, description="Product ID of which type is the variant.")
    stocks = graphene.List(graphene.NonNull(StockInput), description="Stock of the variant (one entry).")


def _not_found_or_denied(user, action: ProducerAction, field: str, global_id: str) -> Exception:
    """Staff who may act on every producer learn that the object does not exist; anyone else cannot tell."""
    if is_staff_with(user, STAFF_PERMISSION[action]):
        return InputError(field, f"Couldn't resolve to a node: {global_id}", "NOT_FOUND")
    return PermissionDenied()


def _product_in_scope(info, global_id: str, action: ProducerAction, field: str = "id") -> ProductModel:
    user = require_login(info)
    pk = decode_id(global_id, "Product", field=field)
    scope = producers_in_scope(actor=user, action=action)
    product = ProductModel.objects.filter(pk=pk, producer__in=scope).first()
    if product is None:
        raise _not_found_or_denied(user, action, field, global_id)
    return product


def _variant_in_scope(info, global_id: str, field: str) -> ProductVariantModel:
    user = require_login(info)
    pk = decode_id(global_id, "ProductVariant", field=field)
    scope = producers_in_scope(actor=user, action=ProducerAction.MANAGE_CATALOGUE)
    variant = ProductVariantModel.objects.select_related("product").filter(pk=pk, product__producer__in=scope)
    found = variant.first()
    if found is None:
        raise _not_found_or_denied(user, ProducerAction.MANAGE_CATALOGUE, field, global_id)
    return found


def _category(global_id: str) -> CategoryModel:
    category = CategoryModel.objects.filter(pk=decode_id(global_id, "Category", field="category")).first()
    if category is None:
        raise InputError("category", f"Couldn't resolve to a node: {global_id}", "NOT_FOUND")
    return category


def _product_changes(data) -> dict:
    changes = {}
    if data.get("name") is not None:
        changes["name"] = data["name"]
    if data.get("category") is not None:
        changes["category"] = _category(data["category"])
    if data.get("description") is not None:
        changes["description"] = editorjs_to_html(data["description"])
    seo = data.get("seo") or {}
    if seo.get("title") is not None:
        changes["seo_title"] = seo["title"]
    if seo.get("description") is not None:
        changes["seo_description"] = seo["description"]
    if data.get("is_published") is not None:
        changes["is_published"] = data["is_published"]
    if data.get("origin") is not None:
        changes["origin"] = data["origin"].strip()
    check_max_lengths(changes, ProductModel, description=PRODUCT_DESCRIPTION_MAX_LENGTH)
    return changes


def _price(value) -> int:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InputError("price", "Giá không hợp lệ.", "INVALID_PRICE") from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_PRICE or amount != amount.to_integral_value():
        raise InputError("price", "Giá phải là số đồng nguyên, không âm.", "INVALID_PRICE")
    return int(amount)


def _single_stock(stocks) -> int | None:
    if not stocks:
        return None
    if len(stocks) > 1:
        raise InputError("stocks", "Each variant has a single stock point.", "DUPLICATED_INPUT_ITEM")
    return stocks[0]["quantity"]


class ProductCreate(BaseMutation):
    product = graphene.Field(Product)
    errors = graphene.List(graphene.NonNull(ProductError), required=True)
    error_codes = ProductErrorCode

    class Arguments:
        input = ProductCreateInput(required=True, description="Fields required to create a product.")

    class Meta:
        description = "Creates a new product for a producer (members: their own producer; staff: any)."

    @classmethod
    def perform(cls, root, info, input):
        user = require_login(info)
        producers = producers_in_scope(actor=user, action=ProducerAction.ADD_PRODUCT)
        if not producers.exists():
            raise PermissionDenied()
        producer: Producer | None
        if input.get("producer") is None:
            candidates = list(producers.order_by("pk")[:2])
            if len(candidates) != 1:
                raise InputError("producer", "Choose the producer that sells this product.", "REQUIRED")
            producer = candidates[0]
        else:
            producer = producers.filter(pk=decode_id(input["producer"], "Producer", field="producer")).first()
            if producer is None:
                raise PermissionDenied()
        if not input.get("name"):
            raise InputError("name", "This field cannot be blank.", "REQUIRED")
        if input.get("category") is None:
            raise InputError("category", "This field is required.", "REQUIRED")
        changes = _product_changes(input)
        product = services.product_create(
            producer=producer,
            category=changes.pop("category"),
            name=changes.pop("name"),
            slug=input.get("slug") or None,
            description=changes.pop("description", ""),
            is_published=changes.pop("is_published", False),
            seo_title=changes.pop("seo_title", ""),
            seo_description=changes.pop("seo_description", ""),
            origin=changes.pop("origin", ""),
            by=user,
        )
        return cls(product=product, errors=[])


class ProductUpdate(BaseMutation):
    product = graphene.Field(Product)
    errors = graphene.List(graphene.NonNull(ProductError), required=True)
    error_codes = ProductErrorCode

    class Arguments:
        id = graphene.ID(required=True, description="ID of a product to update.")
        input = ProductInput(required=True, description="Fields required to update a product.")

    class Meta:
        description = "Updates an existing product."

    @classmethod
    def perform(cls, root, info, id, input):
        product = _product_in_scope(info, id, ProducerAction.MANAGE_CATALOGUE)
        if input.get("slug") is not None and input["slug"] != product.slug:
            raise InputError(
                "slug", "The slug of a product cannot change (links and QR codes use it).", "INVALID"
            )
        product = services.product_update(product=product, by=info.context.user, **_product_changes(input))
        return cls(product=product, errors=[])


class ProductDelete(BaseMutation):
    product = graphene.Field(Product)
    errors = graphene.List(graphene.NonNull(ProductError), required=True)
    error_codes = ProductErrorCode

    class Arguments:
        id = graphene.ID(required=True, description="ID of a product to delete.")

    class Meta:
        description = "Deletes a product that never held an OCOP certificate."

    @classmethod
    def perform(cls, root, info, id):
        product = _product_in_scope(info, id, ProducerAction.DELETE_PRODUCT)
        pk = product.pk
        services.product_delete(product=product, by=info.context.user)
        product.pk = pk  # the payload still shows the deleted product's ID, as Saleor does
        product.id = pk
        return cls(product=product, errors=[])


class ProductVariantCreate(BaseMutation):
    product_variant = graphene.Field(ProductVariant)
    errors = graphene.List(graphene.NonNull(ProductError), required=True)
    error_codes = ProductErrorCode

    class Arguments:
        input = ProductVariantCreateInput(required=True, description="Fields required to create a variant.")

    class Meta:
        description = "Creates a new variant for a product."

    @classmethod
    def perform(cls, root, info, input):
        user = require_login(info)
        product = _product_in_scope(info, input["product"], ProducerAction.MANAGE_CATALOGUE, field="product")
        if not input.get("sku"):
            raise InputError("sku", "This field is required.", "REQUIRED")
        if input.get("price") is None:
            raise InputError("price", "This field is required.", "REQUIRED")
        quantity = _single_stock(input.get("stocks"))
        variant = services.variant_create(
            product=product,
            sku=input["sku"].strip(),
            price_amount=_price(input["price"]),
            name=input.get("name") or "",
            weight_grams=input.get("weight_grams"),
            volume_ml=input.get("volume_ml"),
            quantity=quantity or 0,
            by=user,
        )
        return cls(product_variant=variant, errors=[])


class ProductVariantUpdate(BaseMutation):
    product_variant = graphene.Field(ProductVariant)
    errors = graphene.List(graphene.NonNull(ProductError), required=True)
    error_codes = ProductErrorCode

    class Arguments:
        id = graphene.ID(required=True, description="ID of a product variant to update.")
        input = ProductVariantInput(required=True, description="Fields required to update a variant.")

    class Meta:
        description = "Updates an existing variant for product."

    @classmethod
    def perform(cls, root, info, id, input):
        variant = _variant_in_scope(info, id, "id")
        changes = {}
        if input.get("sku") is not None:
            changes["sku"] = input["sku"].strip()
        if input.get("name") is not None:
            changes["name"] = input["name"]
        if input.get("price") is not None:
            changes["price_amount"] = _price(input["price"])
        for measure in ("weight_grams", "volume_ml"):
            if input.get(measure) is not None:
                changes[measure] = input[measure]
        variant = services.variant_update(variant=variant, by=info.context.user, **changes)
        return cls(product_variant=variant, errors=[])


class ProductVariantStocksUpdate(BaseMutation):
    product_variant = graphene.Field(ProductVariant)
    errors = graphene.List(graphene.NonNull(ProductError), required=True)
    error_codes = ProductErrorCode

    class Arguments:
        variant_id = graphene.ID(
            required=True, description="ID of a product variant for which stocks will be updated."
        )
        stocks = graphene.List(
            graphene.NonNull(StockInput), required=True, description="Input list of stocks."
        )

    class Meta:
        description = "Update the stock of a product variant."

    @classmethod
    def perform(cls, root, info, variant_id, stocks):
        variant = _variant_in_scope(info, variant_id, "variantId")
        quantity = _single_stock(stocks)
        if quantity is not None:
            services.stock_set(variant=variant, quantity=quantity, by=info.context.user)
        variant = ProductVariantModel.objects.select_related("stock").get(pk=variant.pk)
        return cls(product_variant=variant, errors=[])


class ProductHide(BaseMutation):
    product = graphene.Field(Product)
    errors = graphene.List(graphene.NonNull(ProductError), required=True)
    error_codes = ProductErrorCode

    class Arguments:
        id = graphene.ID(required=True, description="ID of the product to hide.")
        reason = graphene.String(required=True, description="Why staff hide it (kept in the moderation log).")

    class Meta:
        description = "Staff: hide a product from shoppers everywhere at once."

    @classmethod
    def perform(cls, root, info, id, reason):
        user = require_staff_permission(info, HIDE_PRODUCT)
        product = _existing_product(id)
        services.product_hide(product=product, by=user, reason=reason)
        return cls(product=product, errors=[])


class ProductUnhide(BaseMutation):
    product = graphene.Field(Product)
    errors = graphene.List(graphene.NonNull(ProductError), required=True)
    error_codes = ProductErrorCode

    class Arguments:
        id = graphene.ID(required=True, description="ID of the product to show again.")

    class Meta:
        description = "Staff: undo the hiding of a product."

    @classmethod
    def perform(cls, root, info, id):
        user = require_staff_permission(info, UNHIDE_PRODUCT)
        product = _existing_product(id)
        services.product_unhide(product=product, by=user)
        return cls(product=product, errors=[])


def _existing_product(global_id: str) -> ProductModel:
    product = ProductModel.objects.filter(pk=decode_id(global_id, "Product", field="id")).first()
    if product is None:
        raise InputError("id", f"Couldn't resolve to a node: {global_id}", "NOT_FOUND")
    return product


class ProductMutations(graphene.ObjectType):
    product_create = ProductCreate.Field()
    product_update = ProductUpdate.Field()
    product_delete = ProductDelete.Field()
    product_variant_create = ProductVariantCreate.Field()
    product_variant_update = ProductVariantUpdate.Field()
    product_variant_stocks_update = ProductVariantStocksUpdate.Field()
    product_hide = ProductHide.Field()
    product_unhide = ProductUnhide.Field()
