"""Saleor's attribute types over catalog.attributes: product types, attributes, their values as
`SelectedAttribute` (the older list) and as typed `AssignedAttribute`s (Saleor 3.22)."""

import graphene
from graphql import GraphQLError

from marketplace.catalog import models
from marketplace.catalog.attributes import AssignedView, ValueView, spec
from marketplace.graphql.attribute.dataloaders import (
    AttributeTranslationsByLanguageLoader,
    AttributeValueTranslationsByLanguageLoader,
    catalog_for,
    find_translation,
)
from marketplace.graphql.core.connection import CountableConnection, connection_field, paginate
from marketplace.graphql.core.languages import LanguageCodeEnum, LanguageDisplay, code_of
from marketplace.graphql.core.types import Weight


class PositiveInt(graphene.Int):
    """Positive integer scalar (Saleor's PositiveInt)."""

    class Meta:
        name = "PositiveInt"

    @staticmethod
    def parse_literal(ast, _variables=None):
        value = graphene.Int.parse_literal(ast)
        if value is not None and value <= 0:
            raise GraphQLError("Value must be a positive integer.")
        return value

    @staticmethod
    def parse_value(value):
        parsed = graphene.Int.parse_value(value)
        if parsed is not None and parsed <= 0:
            raise GraphQLError("Value must be a positive integer.")
        return parsed


class AttributeInputTypeEnum(graphene.Enum):
    DROPDOWN = "dropdown"
    MULTISELECT = "multiselect"
    FILE = "file"
    REFERENCE = "reference"
    SINGLE_REFERENCE = "single-reference"
    NUMERIC = "numeric"
    RICH_TEXT = "rich-text"
    PLAIN_TEXT = "plain-text"
    SWATCH = "swatch"
    BOOLEAN = "boolean"
    DATE = "date"
    DATE_TIME = "date-time"


class AttributeEntityTypeEnum(graphene.Enum):
    PAGE = "Page"
    PRODUCT = "Product"
    PRODUCT_VARIANT = "ProductVariant"
    CATEGORY = "Category"
    COLLECTION = "Collection"


class AttributeTypeEnum(graphene.Enum):
    PRODUCT_TYPE = "product-type"
    PAGE_TYPE = "page-type"


class ProductTypeKindEnum(graphene.Enum):
    NORMAL = "normal"
    GIFT_CARD = "gift-card"


class VariantAttributeScope(graphene.Enum):
    ALL = "all"
    VARIANT_SELECTION = "variant_selection"
    NOT_VARIANT_SELECTION = "not_variant_selection"


MeasurementUnitsEnum = graphene.Enum(
    "MeasurementUnitsEnum",
    [
        (name, name)
        for name in [
            "MM",
            "CM",
            "DM",
            "M",
            "KM",
            "FT",
            "YD",
            "INCH",
            "SQ_MM",
            "SQ_CM",
            "SQ_DM",
            "SQ_M",
            "SQ_KM",
            "SQ_FT",
            "SQ_YD",
            "SQ_INCH",
            "CUBIC_MILLIMETER",
            "CUBIC_CENTIMETER",
            "CUBIC_DECIMETER",
            "CUBIC_METER",
            "LITER",
            "CUBIC_FOOT",
            "CUBIC_INCH",
            "CUBIC_YARD",
            "QT",
            "PINT",
            "FL_OZ",
            "ACRE_IN",
            "ACRE_FT",
            "G",
            "LB",
            "OZ",
            "KG",
            "TONNE",
        ]
    ],
)


def _language_argument() -> graphene.Argument:
    return graphene.Argument(
        graphene.NonNull(LanguageCodeEnum), description="A language code to return the translation for."
    )


class File(graphene.ObjectType):
    url = graphene.String(required=True)
    content_type = graphene.String()


class AttributeTranslation(graphene.ObjectType):
    language = graphene.Field(LanguageDisplay, required=True)
    name = graphene.String(required=True)

    class Meta:
        interfaces = (graphene.relay.Node,)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.AttributeTranslation)

    @staticmethod
    def resolve_language(root, info):
        return root  # LanguageDisplay reads the row's language_code


class AttributeValueTranslation(graphene.ObjectType):
    language = graphene.Field(LanguageDisplay, required=True)
    name = graphene.String(required=True)
    rich_text = graphene.JSONString()
    plain_text = graphene.String()

    class Meta:
        interfaces = (graphene.relay.Node,)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.AttributeValueTranslation)

    @staticmethod
    def resolve_language(root, info):
        return root  # LanguageDisplay reads the row's language_code


def _value_translation(info, view: ValueView, language):
    if view.row is None:
        return None
    return find_translation(info, AttributeValueTranslationsByLanguageLoader, view.row.pk, _code(language))


class AttributeValue(graphene.ObjectType):
    name = graphene.String()
    slug = graphene.String()
    value = graphene.String(description="Swatch colour; null (no swatches).")
    translation = graphene.Field(AttributeValueTranslation, language_code=_language_argument())
    input_type = graphene.Field(AttributeInputTypeEnum)
    reference = graphene.ID()
    file = graphene.Field(File)
    rich_text = graphene.JSONString()
    plain_text = graphene.String()
    boolean = graphene.Boolean()
    date = graphene.Date()
    date_time = graphene.DateTime()
    external_reference = graphene.String()

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "A value of an attribute, read from the product's real data."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, ValueView)

    @staticmethod
    def resolve_slug(root: ValueView, info):
        return root.slug or None

    @staticmethod
    def resolve_translation(root: ValueView, info, language_code):
        return _value_translation(info, root, language_code)

    @staticmethod
    def resolve_input_type(root: ValueView, info):
        return spec(root.attribute).input_type


class AttributeValueCountableConnection(CountableConnection):
    class Meta:
        node = AttributeValue


class Attribute(graphene.ObjectType):
    input_type = graphene.Field(AttributeInputTypeEnum)
    entity_type = graphene.Field(AttributeEntityTypeEnum)
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    type = graphene.Field(AttributeTypeEnum, required=True)
    unit = graphene.Field(MeasurementUnitsEnum)
    choices = connection_field(
        AttributeValueCountableConnection, description="The choices of a choice attribute."
    )
    value_required = graphene.Boolean(required=True)
    visible_in_storefront = graphene.Boolean(required=True)
    filterable_in_storefront = graphene.Boolean(required=True)
    filterable_in_dashboard = graphene.Boolean(required=True)
    available_in_grid = graphene.Boolean(required=True)
    storefront_search_position = graphene.Int(required=True)
    translation = graphene.Field(AttributeTranslation, language_code=_language_argument())
    with_choices = graphene.Boolean(required=True)
    external_reference = graphene.String()

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "An attribute showing one kind of the marketplace's real data (catalog.attributes)."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.Attribute)

    @staticmethod
    def resolve_input_type(root, info):
        return spec(root).input_type

    @staticmethod
    def resolve_type(root, info):
        return "product-type"

    @staticmethod
    def resolve_unit(root, info):
        return spec(root).unit

    @staticmethod
    def resolve_choices(root, info, **page):
        return paginate(catalog_for(info).choice_list(root), info, AttributeValueCountableConnection, **page)

    @staticmethod
    def resolve_value_required(root, info):
        return False

    @staticmethod
    def resolve_filterable_in_storefront(root, info):
        return True

    @staticmethod
    def resolve_filterable_in_dashboard(root, info):
        return True

    @staticmethod
    def resolve_available_in_grid(root, info):
        return True

    @staticmethod
    def resolve_storefront_search_position(root, info):
        return root.sort_order

    @staticmethod
    def resolve_translation(root, info, language_code):
        return find_translation(info, AttributeTranslationsByLanguageLoader, root.pk, _code(language_code))

    @staticmethod
    def resolve_with_choices(root, info):
        return spec(root).input_type == "dropdown"


def _code(language) -> str:
    return code_of(language) or ""  # the argument is non-null


class AttributeCountableConnection(CountableConnection):
    class Meta:
        node = Attribute


class SelectedAttribute(graphene.ObjectType):
    attribute = graphene.Field(Attribute, required=True)
    values = graphene.List(graphene.NonNull(AttributeValue), required=True)

    class Meta:
        description = "An attribute and the values it has for a product or variant."


class AssignedAttribute(graphene.Interface):
    attribute = graphene.Field(Attribute, required=True)

    @classmethod
    def resolve_type(cls, instance: AssignedView, info):
        input_type = spec(instance.attribute).input_type
        if input_type == "numeric":
            return AssignedNumericAttribute
        if input_type == "plain-text":
            return AssignedPlainTextAttribute
        return AssignedSingleChoiceAttribute


class AssignedChoiceAttributeValue(graphene.ObjectType):
    name = graphene.String()
    slug = graphene.String()
    translation = graphene.String(language_code=_language_argument())

    @staticmethod
    def resolve_slug(root: ValueView, info):
        return root.slug or None

    @staticmethod
    def resolve_translation(root: ValueView, info, language_code):
        translated = _value_translation(info, root, language_code)
        return translated.name if translated is not None else None


class AssignedPlainTextAttribute(graphene.ObjectType):
    value = graphene.String()
    translation = graphene.String(
        language_code=_language_argument(), description="Null: free texts are not translated yet."
    )

    class Meta:
        interfaces = (AssignedAttribute,)

    @staticmethod
    def resolve_value(root: AssignedView, info):
        return root.values[0].plain_text if root.values else None


class AssignedNumericAttribute(graphene.ObjectType):
    value = graphene.Float()

    class Meta:
        interfaces = (AssignedAttribute,)

    @staticmethod
    def resolve_value(root: AssignedView, info):
        return root.values[0].numeric if root.values else None


class AssignedSingleChoiceAttribute(graphene.ObjectType):
    value = graphene.Field(AssignedChoiceAttributeValue)

    class Meta:
        interfaces = (AssignedAttribute,)

    @staticmethod
    def resolve_value(root: AssignedView, info):
        return root.values[0] if root.values else None


class AssignedMultiChoiceAttribute(graphene.ObjectType):
    value = graphene.List(
        graphene.NonNull(AssignedChoiceAttributeValue),
        required=True,
        limit=graphene.Argument(PositiveInt, default_value=100),
    )

    class Meta:
        interfaces = (AssignedAttribute,)
        description = "Not used: no OCOP attribute holds several choices."

    @staticmethod
    def resolve_value(root: AssignedView, info, limit=100):
        return root.values[:limit]


class AssignedBooleanAttribute(graphene.ObjectType):
    value = graphene.Boolean()

    class Meta:
        interfaces = (AssignedAttribute,)
        description = "Not used: no OCOP attribute is a yes/no flag (so `bestseller` lookups answer null)."


class AssignedFileAttribute(graphene.ObjectType):
    value = graphene.Field(File)

    class Meta:
        interfaces = (AssignedAttribute,)
        description = "Not used: no OCOP attribute holds a file."


def _collection_type():
    from marketplace.graphql.product.types import Collection

    return Collection


class AssignedSingleCollectionReferenceAttribute(graphene.ObjectType):
    value = graphene.Field(_collection_type)

    class Meta:
        interfaces = (AssignedAttribute,)
        description = "Not used: no OCOP attribute refers to a collection."


# Types reached only through the AssignedAttribute interface: the schema must list them.
ASSIGNED_ATTRIBUTE_TYPES = [
    AssignedPlainTextAttribute,
    AssignedNumericAttribute,
    AssignedSingleChoiceAttribute,
    AssignedMultiChoiceAttribute,
    AssignedBooleanAttribute,
    AssignedFileAttribute,
    AssignedSingleCollectionReferenceAttribute,
]


class AssignedVariantAttribute(graphene.ObjectType):
    attribute = graphene.Field(Attribute, required=True)
    variant_selection = graphene.Boolean(required=True)


def _variant_attributes(info, root, variant_selection):
    attributes = catalog_for(info).attributes_of(root, variant_level=True)
    # Every variant attribute (weight, volume: numeric) tells pack sizes apart: Saleor's variant selection.
    return [] if scope_value(variant_selection) == "not_variant_selection" else attributes


def scope_value(variant_selection) -> str:
    return getattr(variant_selection, "value", variant_selection) or "all"


class ProductType(graphene.ObjectType):
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    has_variants = graphene.Boolean(required=True)
    is_shipping_required = graphene.Boolean(required=True)
    weight = graphene.Field(Weight)
    kind = graphene.Field(ProductTypeKindEnum, required=True)
    product_attributes = graphene.List(graphene.NonNull(Attribute))
    variant_attributes = graphene.List(
        graphene.NonNull(Attribute), variant_selection=graphene.Argument(VariantAttributeScope)
    )
    assigned_variant_attributes = graphene.List(
        graphene.NonNull(AssignedVariantAttribute),
        variant_selection=graphene.Argument(VariantAttributeScope),
    )

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "A product type: one per OCOP product group; a product's type follows its category."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.ProductType)

    @staticmethod
    def resolve_product_attributes(root, info):
        return catalog_for(info).attributes_of(root, variant_level=False)

    @staticmethod
    def resolve_variant_attributes(root, info, variant_selection=None):
        return _variant_attributes(info, root, variant_selection)

    @staticmethod
    def resolve_assigned_variant_attributes(root, info, variant_selection=None):
        return [
            {"attribute": attribute, "variant_selection": True}
            for attribute in _variant_attributes(info, root, variant_selection)
        ]


class ProductTypeCountableConnection(CountableConnection):
    class Meta:
        node = ProductType
