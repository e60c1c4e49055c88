import graphene
from django.utils import timezone

from marketplace.certification.models import OcopStatus as OcopStatusModel


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

    class Meta:
        description = "An OCOP rating backed by an official decision."

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
