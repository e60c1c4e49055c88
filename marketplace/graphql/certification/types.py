import datetime

import graphene
from django.utils import timezone

from marketplace.certification.models import OcopStatus as OcopStatusModel
from marketplace.certification.selectors import Outcome, certificate_verify_url, register_entry
from marketplace.graphql.core.connection import CountableConnection


class OcopStatus(graphene.Enum):
    ACTIVE = "ACTIVE"
    EXPIRING = "EXPIRING"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"

    @property
    def description(self):
        descriptions = {
            "ACTIVE": "Certified and valid.",
            "EXPIRING": "Certified, with under 90 days of validity left.",
            "EXPIRED": "The certificate's 36 months have passed.",
            "REVOKED": "Withdrawn by a revocation decision.",
        }
        return descriptions.get(self.name)


class OcopCertification(graphene.ObjectType):
    stars = graphene.Int(required=True, description="OCOP rating, 3 to 5 stars.")
    status = graphene.Field(OcopStatus, required=True)
    decision_number = graphene.String(required=True, description="Number of the recognising decision.")
    decision_date = graphene.Date(required=True)
    issuer = graphene.String(required=True, description="Authority that issued the decision.")
    valid_until = graphene.Date(required=True, description="Last day of validity (inclusive).")
    score = graphene.Int(description="Evaluation score out of 100, when published.")
    code = graphene.String(required=True, description="Public certificate code (printed under QR labels).")
    verify_url = graphene.String(required=True, description="The certificate's public verification page.")

    class Meta:
        description = "An OCOP rating backed by an official decision."

    @staticmethod
    def resolve_verify_url(root, info):
        return certificate_verify_url(root.code)

    @staticmethod
    def resolve_status(root, info):
        status = root.status_on(timezone.localdate())
        # Superseded certificates are never served; map defensively to the closest public value.
        return OcopStatus.EXPIRED if status == OcopStatusModel.SUPERSEDED else OcopStatus.get(str(status))

    @staticmethod
    def resolve_decision_number(root, info):
        return root.decision.number

    @staticmethod
    def resolve_decision_date(root, info):
        return root.decision.date

    @staticmethod
    def resolve_issuer(root, info):
        return root.decision.issuer


class OcopOutcome(graphene.Enum):
    NEW = Outcome.NEW.value
    RENEWED = Outcome.RENEWED.value
    UPGRADED = Outcome.UPGRADED.value
    DOWNGRADED = Outcome.DOWNGRADED.value
    REVOKED = Outcome.REVOKED.value
    EXPIRED = Outcome.EXPIRED.value

    @property
    def description(self):
        return {
            "NEW": "First recognition of the product.",
            "RENEWED": "Recognised again with the same stars.",
            "UPGRADED": "Re-rated with more stars.",
            "DOWNGRADED": "Re-rated with fewer stars.",
            "REVOKED": "The certificate was withdrawn by a revocation decision.",
            "EXPIRED": "The certificate's validity ended without renewal.",
        }.get(self.name)


class OcopTimelineEvent(graphene.ObjectType):
    outcome = graphene.Field(OcopOutcome, required=True)
    date = graphene.Date(required=True, description="When it took effect (an expiry: the last valid day).")
    decision_number = graphene.String(required=True)
    decision_date = graphene.Date(required=True)
    issuer = graphene.String(required=True)
    decision_url = graphene.String(required=True, description="The decision's public page.")
    stars = graphene.Int(required=True, description="Stars of the certificate concerned.")
    previous_stars = graphene.Int(description="Stars held before a re-rating or renewal.")
    certificate_code = graphene.String(required=True)

    class Meta:
        description = "One step of a product's OCOP certification history."

    @staticmethod
    def resolve_outcome(root, info):
        return OcopOutcome.get(root.outcome)

    @staticmethod
    def resolve_decision_number(root, info):
        return root.decision.number

    @staticmethod
    def resolve_decision_date(root, info):
        return root.decision.date

    @staticmethod
    def resolve_issuer(root, info):
        return root.decision.issuer

    @staticmethod
    def resolve_decision_url(root, info):
        return info.context.build_absolute_uri(f"/decisions/{root.decision.pk}/")

    @staticmethod
    def resolve_certificate_code(root, info):
        return root.certification.code


class OcopRegisterEntry(graphene.ObjectType):
    """One row of the open register; the same values as /open-data/certificates.csv and .json."""

    code = graphene.String(required=True)
    product = graphene.String(required=True, description="Product name.")
    product_slug = graphene.String(required=True)
    producer = graphene.String(required=True, description="Producer name.")
    producer_slug = graphene.String(required=True)
    province = graphene.String(required=True)
    stars = graphene.Int(required=True)
    decision_number = graphene.String(required=True)
    decision_date = graphene.Date(required=True)
    issuer = graphene.String(required=True)
    valid_until = graphene.Date(required=True)
    verify_url = graphene.String(required=True)

    class Meta:
        description = "A certificate that backs an OCOP star today."


def register_node(row: tuple) -> dict:
    entry = register_entry(row)
    entry["decision_date"] = datetime.date.fromisoformat(entry["decision_date"])
    entry["valid_until"] = datetime.date.fromisoformat(entry["valid_until"])
    return entry


class OcopRegisterCountableConnection(CountableConnection):
    class Meta:
        node = OcopRegisterEntry


class OcopCertificateStatus(graphene.Enum):
    """The verification page's status (its data-certificate-status, upper-cased)."""

    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"

    @property
    def description(self):
        return {
            "VALID": "Backs the product's stars today.",
            "EXPIRING": "Valid, with under 90 days left.",
            "EXPIRED": "Its 36 months have passed.",
            "REVOKED": "Withdrawn by a revocation decision.",
            "SUPERSEDED": "Replaced by a newer certificate (see supersededByCode).",
        }.get(self.name)


class OcopCertificateVerification(graphene.ObjectType):
    """What /v/<code>/ shows, for programs: the same selector, the same status."""

    code = graphene.String(required=True)
    status = graphene.Field(OcopCertificateStatus, required=True)
    days_left = graphene.Int(description="Days of validity left, while valid.")
    stars = graphene.Int(required=True)
    product_name = graphene.String(required=True)
    product_slug = graphene.String(description="Set when the product is on sale here.")
    producer_name = graphene.String(required=True)
    decision_number = graphene.String(required=True)
    decision_date = graphene.Date(required=True)
    issuer = graphene.String(required=True)
    valid_from = graphene.Date(required=True)
    valid_until = graphene.Date(required=True)
    revoked_by_number = graphene.String(description="Number of the revocation decision, when revoked.")
    superseded_by_code = graphene.String(description="Code of the newer certificate, when superseded.")
    verify_url = graphene.String(required=True)


def verification_node(check) -> OcopCertificateVerification:
    cert = check.certification
    return OcopCertificateVerification(
        code=cert.code,
        status=OcopCertificateStatus.get(check.status),
        days_left=check.days_left,
        stars=cert.stars,
        product_name=cert.product.name,
        product_slug=cert.product.slug if check.product_on_sale else None,
        producer_name=cert.product.producer.name,
        decision_number=cert.decision.number,
        decision_date=cert.decision.date,
        issuer=cert.decision.issuer,
        valid_from=cert.valid_from,
        valid_until=cert.valid_until,
        revoked_by_number=cert.revoked_by.number if cert.revoked_by else None,
        superseded_by_code=check.successor.code if check.successor else None,
        verify_url=certificate_verify_url(cert.code),
    )
