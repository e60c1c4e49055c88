"""Product types and attributes as views of real data (Saleor's attribute model, mapped onto OCOP).

No attribute value is stored per product: each attribute names a source (`AttributeSource`) and its value
is read from that source when asked — the OCOP stars from the certificate valid today (the same one the
storefront badge shows), the province and kind from the producer, the area of origin from the product,
weight and volume from the variant. `AttributeValue` rows only name the choices of a choice attribute
(and carry their translations); which choice a product has is still read from the source."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Exists, OuterRef, Q

from marketplace.catalog.models import (
    Attribute,
    AttributeSource,
    AttributeValue,
    Category,
    Product,
    ProductType,
    ProductTypeAttribute,
    ProductVariant,
)
from marketplace.catalog.selectors import active_certifications
from marketplace.core import provinces
from marketplace.producers.models import Producer, ProducerKind


@dataclass(frozen=True)
class SourceSpec:
    input_type: str  # Saleor's AttributeInputTypeEnum value (lower case, as Saleor stores it)
    variant_level: bool  # read from each variant rather than the product
    unit: str | None = None  # Saleor's MeasurementUnitsEnum name
    # Numeric values: stored unit per API unit (volume is stored in ml and served in litres).
    scale: int = 1


SOURCES: dict[str, SourceSpec] = {
    AttributeSource.OCOP_STARS: SourceSpec("dropdown", variant_level=False),
    AttributeSource.PROVINCE: SourceSpec("dropdown", variant_level=False),
    AttributeSource.PRODUCER_KIND: SourceSpec("dropdown", variant_level=False),
    AttributeSource.ORIGIN: SourceSpec("plain-text", variant_level=False),
    AttributeSource.WEIGHT: SourceSpec("numeric", variant_level=True, unit="G"),
    AttributeSource.VOLUME: SourceSpec("numeric", variant_level=True, unit="LITER", scale=1000),
}
STAR_CHOICES = (3, 4, 5)


def spec(attribute: Attribute) -> SourceSpec:
    return SOURCES[attribute.source]


def default_choices(source: str) -> list[tuple[str, str]]:
    """(slug, name) of every choice a choice attribute can show, in display order; [] for the others."""
    if source == AttributeSource.OCOP_STARS:
        return [(str(stars), f"{stars} sao") for stars in STAR_CHOICES]
    if source == AttributeSource.PROVINCE:
        return [(province.code, province.name) for province in provinces.PROVINCES]
    if source == AttributeSource.PRODUCER_KIND:
        return [(str(kind.value), str(kind.label)) for kind in ProducerKind]
    return []


@dataclass(frozen=True)
class ValueView:
    """One value of an attribute as a shopper sees it (Saleor's AttributeValue)."""

    attribute: Attribute
    slug: str
    name: str
    row: AttributeValue | None = None  # the stored choice (name, translations), when staff named it
    numeric: float | None = None
    plain_text: str | None = None

    @property
    def id(self) -> str:
        return f"{self.attribute.pk}:{self.slug}"


@dataclass(frozen=True)
class AssignedView:
    attribute: Attribute
    values: list[ValueView]


@dataclass
class AttributeCatalog:
    """Every product type, attribute, type assignment and named choice (small tables), read once per
    request, plus the OCOP group of every category (None outside the six groups)."""

    product_types: dict[int, ProductType]
    type_by_group: dict[int | None, ProductType]
    attributes: dict[int, Attribute]
    attributes_by_type: dict[int, list[Attribute]]
    choices: dict[int, dict[str, AttributeValue]]
    group_of_category: dict[int, int | None] = field(default_factory=dict)

    def product_type_for(self, category_id: int) -> ProductType | None:
        group = self.group_of_category.get(category_id)
        return self.type_by_group.get(group) or self.type_by_group.get(None)

    def attributes_of(self, product_type: ProductType | None, *, variant_level: bool) -> list[Attribute]:
        if product_type is None:
            return []
        return [
            attribute
            for attribute in self.attributes_by_type.get(product_type.pk, [])
            if spec(attribute).variant_level == variant_level and attribute.visible_in_storefront
        ]

    def attribute_by_slug(self, slug: str) -> Attribute | None:
        return next((a for a in self.attributes.values() if a.slug == slug), None)

    def choice(self, attribute: Attribute, slug: str, default_name: str) -> ValueView:
        row = self.choices.get(attribute.pk, {}).get(slug)
        return ValueView(attribute=attribute, slug=slug, name=row.name if row else default_name, row=row)

    def choice_list(self, attribute: Attribute) -> list[ValueView]:
        return [self.choice(attribute, slug, name) for slug, name in default_choices(attribute.source)]


def attribute_catalog() -> AttributeCatalog:
    """Four small queries: product types, attributes, their assignments, named choices; and the categories."""
    product_types = {row.pk: row for row in ProductType.objects.all()}
    attributes = {row.pk: row for row in Attribute.objects.order_by("sort_order", "id")}
    by_type: dict[int, list[Attribute]] = {pk: [] for pk in product_types}
    for entry in ProductTypeAttribute.objects.order_by("sort_order", "id"):
        by_type[entry.product_type_id].append(attributes[entry.attribute_id])
    choices: dict[int, dict[str, AttributeValue]] = {}
    for value in AttributeValue.objects.order_by("sort_order", "id"):
        value.attribute = attributes[value.attribute_id]
        choices.setdefault(value.attribute_id, {})[value.slug] = value
    tree = {
        pk: (parent, group)
        for pk, parent, group in Category.objects.values_list("pk", "parent", "ocop_group")
    }
    groups: dict[int, int | None] = dict.fromkeys(tree)
    for pk in tree:
        current: int | None = pk
        for _ in range(len(tree)):
            if current is None or current not in tree:
                break
            parent, group = tree[current]
            if group is not None:
                groups[pk] = group
                break
            current = parent
    return AttributeCatalog(
        product_types=product_types,
        type_by_group={row.ocop_group: row for row in product_types.values()},
        attributes=attributes,
        attributes_by_type=by_type,
        choices=choices,
        group_of_category=groups,
    )


def _numeric(attribute: Attribute, stored: int | None) -> list[ValueView]:
    if stored is None:
        return []
    value = stored / spec(attribute).scale
    text = f"{value:g}"
    return [ValueView(attribute=attribute, slug=text.replace(".", "-"), name=text, numeric=value)]


def product_values(
    catalog: AttributeCatalog,
    attribute: Attribute,
    *,
    product: Product,
    producer: Producer | None,
    stars: int | None,
) -> list[ValueView]:
    """The product-level attribute's values for this product, read from their sources. `stars` is the
    valid certificate's (None without one: no star is ever shown without a valid decision)."""
    source = attribute.source
    if source == AttributeSource.OCOP_STARS:
        return [catalog.choice(attribute, str(stars), f"{stars} sao")] if stars else []
    if source == AttributeSource.PROVINCE and producer is not None:
        return [catalog.choice(attribute, producer.province, provinces.name_of(producer.province))]
    if source == AttributeSource.PRODUCER_KIND and producer is not None:
        return [catalog.choice(attribute, producer.kind, str(ProducerKind(producer.kind).label))]
    if source == AttributeSource.ORIGIN and product.origin:
        return [ValueView(attribute=attribute, slug="", name=product.origin, plain_text=product.origin)]
    return []


def variant_values(attribute: Attribute, *, variant: ProductVariant) -> list[ValueView]:
    if attribute.source == AttributeSource.WEIGHT:
        return _numeric(attribute, variant.weight_grams)
    if attribute.source == AttributeSource.VOLUME:
        return _numeric(attribute, variant.volume_ml)
    return []


# ---- filtering: conditions on the shopper-visible product queryset --------------------------------------

MAX_ATTRIBUTE_FILTERS = 10
MAX_ATTRIBUTE_VALUES = 100


class AttributeFilterError(ValueError):
    """A filter the API must refuse with this message (nothing is read)."""


@dataclass(frozen=True)
class AttributeCondition:
    """What a `where: {attributes: [...]}` item asks of one attribute: choice slugs or names, a numeric
    range or list (in the API unit), a plain text."""

    slug: str
    choices: Sequence[str] | None = None
    names: Sequence[str] | None = None
    numbers: Sequence[Decimal] | None = None
    gte: Decimal | None = None
    lte: Decimal | None = None


def _stars(slugs: Iterable[str]) -> list[int]:
    found = []
    for slug in slugs:
        try:
            found.append(int(slug))
        except ValueError:
            continue
    return found


def _stored(number: Decimal, scale: int) -> Decimal:
    try:
        return number * scale
    except InvalidOperation as exc:
        raise AttributeFilterError("Invalid number in an attribute filter.") from exc


def attribute_condition(catalog: AttributeCatalog, condition: AttributeCondition) -> Q:
    """A Q over Product for one attribute condition. An unknown attribute matches nothing (as in Saleor)."""
    attribute = catalog.attribute_by_slug(condition.slug)
    if attribute is None or not attribute.visible_in_storefront:
        return Q(pk__in=[])
    for values in (condition.choices, condition.names, condition.numbers):
        if values is not None and len(values) > MAX_ATTRIBUTE_VALUES:
            raise AttributeFilterError(f"An attribute filter accepts at most {MAX_ATTRIBUTE_VALUES} values.")
    source = attribute.source
    slugs = list(condition.choices or [])
    if condition.names:
        by_name = {view.name.casefold(): view.slug for view in catalog.choice_list(attribute)}
        slugs += [by_name[name.casefold()] for name in condition.names if name.casefold() in by_name]
    if source == AttributeSource.OCOP_STARS:
        stars = _stars(slugs) if (condition.choices is not None or condition.names is not None) else None
        rated = active_certifications().filter(product=OuterRef("pk"))
        if stars is not None:
            rated = rated.filter(stars__in=stars)
        if condition.numbers is not None:
            rated = rated.filter(stars__in=[int(n) for n in condition.numbers if n == int(n)])
        if condition.gte is not None:
            rated = rated.filter(stars__gte=condition.gte)
        if condition.lte is not None:
            rated = rated.filter(stars__lte=condition.lte)
        return Q(Exists(rated))
    if source == AttributeSource.PROVINCE:
        return Q(producer__province__in=slugs)
    if source == AttributeSource.PRODUCER_KIND:
        return Q(producer__kind__in=slugs)
    if source == AttributeSource.ORIGIN:
        if not condition.names:
            raise AttributeFilterError(f"Attribute `{attribute.slug}` is filtered by `value.name` only.")
        texts = Q()
        for name in condition.names:
            texts |= Q(origin__iexact=name.strip())
        return texts
    column = "weight_grams" if source == AttributeSource.WEIGHT else "volume_ml"
    scale = spec(attribute).scale
    variants = ProductVariant.objects.filter(product=OuterRef("pk"))
    if slugs:
        numbers = []
        for slug in slugs:
            try:
                numbers.append(Decimal(slug.replace("-", ".")))
            except InvalidOperation:
                continue
        variants = variants.filter(**{f"{column}__in": [_stored(n, scale) for n in numbers]})
    if condition.numbers is not None:
        variants = variants.filter(**{f"{column}__in": [_stored(n, scale) for n in condition.numbers]})
    if condition.gte is not None:
        variants = variants.filter(**{f"{column}__gte": _stored(condition.gte, scale)})
    if condition.lte is not None:
        variants = variants.filter(**{f"{column}__lte": _stored(condition.lte, scale)})
    if (
        condition.choices is None
        and condition.numbers is None
        and condition.gte is None
        and condition.lte is None
    ):
        variants = variants.filter(**{f"{column}__isnull": False})
    return Q(Exists(variants))


def product_type_condition(catalog: AttributeCatalog, product_type_ids: Iterable[int]) -> Q:
    """Products whose category lies in the groups of these product types (the type follows the group)."""
    wanted = {pk for pk in product_type_ids if pk in catalog.product_types}
    categories = []
    for pk in catalog.group_of_category:
        product_type = catalog.product_type_for(pk)
        if product_type is not None and product_type.pk in wanted:
            categories.append(pk)
    return Q(category_id__in=categories)
