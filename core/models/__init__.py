"""Models of the residency domain.

Rules are not here: validation of a value lives in ``validators.py``, what an article allows in
``articles.py``, who may see what in ``access.py``, and every write in ``services/``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.articles import EXPIRING_WITHIN_DAYS, Article, Profession, Relation, SponsorKind
from core.civil_id import normalize_digits
from core.clock import residency_today
from core.names import NAME_MAX_LENGTH, normalize_text
from core.validators import (
    validate_arabic_name,
    validate_civil_id,
    validate_latin_name,
    validate_nationality,
)

KUWAITI = "KWT"


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"


class Person(models.Model):
    """Anyone the residency services know: residents by their civil ID (sponsors, dependents,
    workers), visitors from abroad, who have none, by passport number and nationality. Names as
    on the civil ID or passport."""

    civil_id = models.CharField(
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_civil_id],
        help_text="Residents only: a visitor from abroad has none.",
    )
    name_ar = models.CharField(
        "name (Arabic)", max_length=NAME_MAX_LENGTH, validators=[validate_arabic_name]
    )
    name_en = models.CharField(
        "name (Latin letters)", max_length=NAME_MAX_LENGTH, validators=[validate_latin_name]
    )
    nationality = models.CharField(
        max_length=3, validators=[validate_nationality], help_text="ISO 3166 alpha-3"
    )
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    passport_number = models.CharField(max_length=20)
    passport_expiry = models.DateField()
    residency_grounds = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "Grounds for a long residency an officer has verified (property owner, investor): "
            "values of core.law ResidencyGround."
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["name_en"]), models.Index(fields=["name_ar"])]
        constraints = [
            # Twelve ASCII digits, whatever wrote the row: one spelling, so one person.
            models.CheckConstraint(
                name="civil_id_ascii_digits",
                condition=Q(civil_id__isnull=True) | Q(civil_id__regex=r"^[0-9]{12}$"),
            ),
            # A visitor is known by passport: one person per passport and nationality.
            models.UniqueConstraint(
                fields=["nationality", "passport_number"],
                condition=Q(civil_id__isnull=True),
                name="one_visitor_per_passport",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_en} ({self.civil_id or f'passport {self.passport_number}'})"

    @property
    def is_visitor(self) -> bool:
        return self.civil_id is None

    @property
    def is_kuwaiti(self) -> bool:
        """A citizen: holds no residency, and sponsors as a Kuwaiti household."""
        return self.nationality == KUWAITI

    def clean_fields(self, exclude: set[str] | None = None) -> None:
        """Values as they are stored (the admin, services' ``full_clean``), then validated:
        digits of any script as ASCII, names in normal form with single spaces."""
        if self.civil_id is not None:
            self.civil_id = normalize_digits(self.civil_id) or None
        self.name_ar = normalize_text(self.name_ar)
        self.name_en = normalize_text(self.name_en)
        self.passport_number = normalize_digits(self.passport_number).upper()
        super().clean_fields(exclude=exclude)


class Sponsor(models.Model):
    """Whoever a residency depends on: an individual, a company, a government body or a
    diplomatic mission. Who acts for one is its staff (``SponsorStaff``)."""

    kind = models.CharField(max_length=12, choices=SponsorKind.choices)
    person = models.OneToOneField(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsor_profile",
        help_text="Individuals only.",
    )
    name_ar = models.CharField("name (Arabic)", max_length=200, blank=True)
    name_en = models.CharField("name (Latin letters)", max_length=200, blank=True)
    commercial_registration = models.CharField(max_length=20, blank=True)
    manpower_file_number = models.CharField(
        "Manpower Authority file number", max_length=20, blank=True
    )
    monthly_salary = models.DecimalField(
        "monthly salary (KWD)", max_digits=10, decimal_places=3, null=True, blank=True
    )
    profession = models.CharField(
        max_length=32,
        choices=Profession.choices,
        blank=True,
        help_text="Individuals: as on the work permit (some are exempt from salary rules).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="sponsor_kind_fields",
                condition=(
                    Q(kind=SponsorKind.INDIVIDUAL, person__isnull=False)
                    | Q(
                        kind=SponsorKind.COMPANY,
                        person__isnull=True,
                        name_en__gt="",
                        commercial_registration__gt="",
                        manpower_file_number__gt="",
                    )
                    | Q(
                        kind__in=[SponsorKind.GOVERNMENT, SponsorKind.MISSION],
                        person__isnull=True,
                        name_en__gt="",
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["commercial_registration"],
                condition=Q(kind=SponsorKind.COMPANY),
                name="unique_company_registration",
            ),
            models.UniqueConstraint(
                fields=["manpower_file_number"],
                condition=Q(kind=SponsorKind.COMPANY),
                name="unique_company_manpower_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name_en} [{self.kind}]"

    @property
    def display_name_en(self) -> str:
        return self.person.name_en if self.person_id else self.name_en

    @property
    def display_name_ar(self) -> str:
        return self.person.name_ar if self.person_id else self.name_ar


class Dependent(models.Model):
    """A person whose residency depends on a sponsor, and in what relation."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="dependents")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sponsorships")
    relation = models.CharField(max_length=20, choices=Relation.choices)
    since = models.DateField(default=dt.date.today)
    ended_on = models.DateField(null=True, blank=True)
    # When the person came onto this file: the sponsor sees the documents archived from then on,
    # not what an earlier sponsor or the person archived before (core/documents/access.py).
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sponsor", "person"],
                condition=Q(ended_on__isnull=True),
                name="unique_active_dependent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.relation} of {self.sponsor}"


class PermitStatus(models.TextChoices):
    VALID = "valid", "Valid"
    EXPIRING = "expiring", "Expiring"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


def permit_status_q(status: str, today: dt.date) -> Q:
    """The filter matching permits in a status on a day; status is derived, never stale."""
    soon = today + dt.timedelta(days=EXPIRING_WITHIN_DAYS)
    live = Q(cancelled_at__isnull=True)
    return {
        PermitStatus.VALID: live & Q(expires_on__gt=soon),
        PermitStatus.EXPIRING: live & Q(expires_on__gte=today, expires_on__lte=soon),
        PermitStatus.EXPIRED: live & Q(expires_on__lt=today),
        PermitStatus.CANCELLED: Q(cancelled_at__isnull=False),
    }[PermitStatus(status)]


class ResidencyPermit(models.Model):
    holder = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="permits")
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="permits")
    article = models.PositiveSmallIntegerField(choices=Article.choices)
    issued_on = models.DateField()
    expires_on = models.DateField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=200, blank=True)
    sponsored_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the permit came to its sponsor by a transfer; empty: since issued. "
        "The sponsor sees the holder's documents archived from then on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["expires_on", "id"]
        indexes = [models.Index(fields=["expires_on"]), models.Index(fields=["article"])]
        constraints = [
            models.CheckConstraint(
                name="permit_expires_after_issue", condition=Q(expires_on__gt=models.F("issued_on"))
            )
        ]

    def __str__(self) -> str:
        return f"Art. {self.article} permit of {self.holder_id} until {self.expires_on}"

    def status_on(self, today: dt.date) -> PermitStatus:
        if self.cancelled_at is not None:
            return PermitStatus.CANCELLED
        if self.expires_on < today:
            return PermitStatus.EXPIRED
        if self.expires_on <= today + dt.timedelta(days=EXPIRING_WITHIN_DAYS):
            return PermitStatus.EXPIRING
        return PermitStatus.VALID

    @property
    def status(self) -> PermitStatus:
        return self.status_on(residency_today())


class PermitChangeKind(models.TextChoices):
    ISSUED = "issued", "Issued"
    RENEWED = "renewed", "Renewed"
    CANCELLED = "cancelled", "Cancelled"
    SPONSOR_TRANSFERRED = "sponsor_transferred", "Sponsor transferred"


class PermitChange(models.Model):
    """Append-only history of a permit: what changed, when, by whom."""

    permit = models.ForeignKey(ResidencyPermit, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=24, choices=PermitChangeKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    expires_on_before = models.DateField(null=True, blank=True)
    expires_on_after = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


# Staff and their tokens, the record of what they did, and the answers kept for retried
# writes: models of their own modules.
from core.models.audit import AuditAction, AuditEntry  # noqa: E402
from core.models.idempotency import IdempotentWrite  # noqa: E402
from core.models.staff import ApiToken, SponsorStaff  # noqa: E402

__all__ = [
    "KUWAITI",
    "ApiToken",
    "AuditAction",
    "AuditEntry",
    "Dependent",
    "IdempotentWrite",
    "PermitChange",
    "PermitChangeKind",
    "PermitStatus",
    "Person",
    "ResidencyPermit",
    "Sex",
    "Sponsor",
    "SponsorStaff",
    "permit_status_q",
]
