"""The attribute values of products and variants, read from their sources through the request's loaders
(catalogue, producers, valid certificates, variants): constant queries for a page of products."""

from marketplace.catalog import models
from marketplace.catalog.attributes import AssignedView, AttributeSource, product_values, variant_values
from marketplace.graphql.attribute.dataloaders import catalog_for
from marketplace.graphql.attribute.types import scope_value
from marketplace.graphql.certification.dataloaders import ActiveCertificationByProductIdLoader
from marketplace.graphql.producer.dataloaders import ProducerByIdLoader

_PRODUCER_SOURCES = {AttributeSource.PROVINCE, AttributeSource.PRODUCER_KIND}


def product_type_of(info, product: models.Product) -> models.ProductType | None:
    return catalog_for(info).product_type_for(product.category_id)


def product_attributes(info, product: models.Product) -> list[AssignedView]:
    """Every product-level attribute of the product's type, with its values (possibly none)."""
    catalog = catalog_for(info)
    attributes = catalog.attributes_of(catalog.product_type_for(product.category_id), variant_level=False)
    sources = {attribute.source for attribute in attributes}
    producer = (
        ProducerByIdLoader.for_context(info.context).load(product.producer_id)
        if sources & _PRODUCER_SOURCES
        else None
    )
    stars = None
    if AttributeSource.OCOP_STARS in sources:
        # The certificate valid today, the one behind `Product.ocop` and the storefront badge.
        certification = ActiveCertificationByProductIdLoader.for_context(info.context).load(product.pk)
        stars = certification.stars if certification is not None else None
    return [
        AssignedView(
            attribute=attribute,
            values=product_values(catalog, attribute, product=product, producer=producer, stars=stars),
        )
        for attribute in attributes
    ]


def variant_attributes(
    info, variant: models.ProductVariant, product: models.Product | None, variant_selection=None
) -> list[AssignedView]:
    """The variant-level attributes of the product's type (all of them when the product is not one a
    shopper may see, as in an old order's line). All are numeric pack sizes: Saleor's variant selection."""
    if scope_value(variant_selection) == "not_variant_selection":
        return []
    catalog = catalog_for(info)
    if product is not None:
        attributes = catalog.attributes_of(catalog.product_type_for(product.category_id), variant_level=True)
    else:
        attributes = [
            attribute
            for attribute in catalog.attributes.values()
            if attribute.source in (AttributeSource.WEIGHT, AttributeSource.VOLUME)
            and attribute.visible_in_storefront
        ]
    views = [
        AssignedView(attribute=attribute, values=variant_values(attribute, variant=variant))
        for attribute in attributes
    ]
    if scope_value(variant_selection) == "variant_selection":
        # One product type spans an OCOP group (coffee by weight, sauces by volume): a pack size the variant
        # has no value for is nothing a shopper can choose (storefronts wait for a choice in each one).
        return [view for view in views if view.values]
    return views


def assigned(views: list[AssignedView], *, limit: int | None = None, slug: str | None = None):
    """Saleor's assignedAttributes: only the attributes that hold a value."""
    found = [view for view in views if view.values and (slug is None or view.attribute.slug == slug)]
    return found[:limit] if limit is not None else found
