"""Buyers' reviews of a product in the API: Product.reviews (shown reviews, newest first)."""

import graphene

from marketplace.graphql.core.connection import CountableConnection, connection_field, paginate
from marketplace.graphql.core.types import Image, absolute_media_url
from marketplace.reviews import models
from marketplace.reviews.selectors import product_reviews_queryset


class ProductReviewReply(graphene.ObjectType):
    text = graphene.String(required=True, description="The producer's public reply (plain text).")
    created = graphene.DateTime(required=True)


class ProductReview(graphene.ObjectType):
    rating = graphene.Int(required=True, description="Stars given by the buyer, 1 to 5.")
    text = graphene.String(required=True, description="The review (plain text; may be empty).")
    author_name = graphene.String(required=True, description="The buyer's shown name, e.g. 'Lan N.'.")
    created = graphene.DateTime(required=True)
    photos = graphene.List(graphene.NonNull(Image), required=True)
    reply = graphene.Field(ProductReviewReply, description="The producer's reply; null without one.")

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "A review by a buyer who received the product (one per delivered order line)."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.Review)

    @staticmethod
    def resolve_rating(root, info):
        return root.stars

    @staticmethod
    def resolve_created(root, info):
        return root.created_at

    @staticmethod
    def resolve_photos(root, info):
        return [{"url": absolute_media_url(info, photo.image.name), "alt": ""} for photo in root.photos.all()]

    @staticmethod
    def resolve_reply(root, info):
        if not root.reply_text:
            return None
        return {"text": root.reply_text, "created": root.replied_at}


class ProductReviewCountableConnection(CountableConnection):
    class Meta:
        node = ProductReview


def reviews_connection_field() -> graphene.Field:
    return connection_field(ProductReviewCountableConnection, description="Buyers' reviews, newest first.")


def resolve_product_reviews(product, info, **page):
    return paginate(
        product_reviews_queryset(product_id=product.pk), info, ProductReviewCountableConnection, **page
    )
