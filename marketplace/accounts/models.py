from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from marketplace.core import provinces


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """Shoppers, producer members and staff all sign in with their e-mail address."""

    username = None  # type: ignore[assignment]  # e-mail is the login
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Part of every JWT's fingerprint: bumping it revokes all the user's tokens (tokensDeactivateAll).
    token_version = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email


class Address(models.Model):
    """A shopper's saved delivery address (province is one of the 34 current provinces)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    full_name = models.CharField(_("recipient"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20)
    province = models.CharField(_("province"), max_length=40, choices=provinces.CHOICES)
    commune = models.CharField(_("commune / ward"), max_length=120)
    street = models.CharField(_("street address"), max_length=255)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(is_default=True), name="accounts_address_one_default"
            ),
            models.CheckConstraint(
                condition=models.Q(province__in=[code for code, _name in provinces.CHOICES]),
                name="accounts_address_province_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.street}, {self.commune}, {self.province_name}"

    @property
    def province_name(self) -> str:
        return provinces.name_of(self.province)


class ThrottleEvent(models.Model):
    """One counted attempt (a registration, a reset e-mail) against a rate limit, shared by every process.

    `key` is a hash of what is limited (an IP address, an e-mail), so addresses of strangers are not stored.
    Sign-in failures are counted by django-axes in its own table."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["scope", "key", "created_at"], name="accounts_throttle_lookup"),
            models.Index(fields=["created_at"], name="accounts_throttle_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.created_at:%Y-%m-%d %H:%M}"
