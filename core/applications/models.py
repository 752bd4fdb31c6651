"""Applications of every kind, their items (one per person), agency checks, history and the
documents asked for. What a kind adds (its rules, checks, fees, what issuing does) is in
``core.applications.kinds``; the rows here are the same for all."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.applications.states import State
from core.articles import Article, Relation
from core.events import ApplicationEventKind
from core.models import Person, ResidencyPermit, Sponsor


class Application(models.Model):
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="applications")
    kind = models.CharField(
        max_length=24, help_text="Which service: a kind in core.applications.kinds."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    state = models.CharField(max_length=24, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    amount_due = models.DecimalField(
        "amount due (KWD)",
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="The total of its current quote, once it awaits payment.",
    )
    payment_round = models.PositiveIntegerField(
        default=0,
        help_text="How many times it has started awaiting payment: a quote is for one round.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["sponsor", "state"], name="application_sponsor_state")]

    def __str__(self) -> str:
        return f"{self.kind} application {self.pk} ({self.state})"


class ApplicationItem(models.Model):
    """One person in an application, with the duration chosen for them; ``permit`` is the
    residency the application is about, when it is about one; ``relation`` and ``article`` say
    who the person is to the application's sponsor and under which article the residency (or
    visit) being applied for falls, as fixed when the person was added."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="items")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="application_items")
    permit = models.ForeignKey(
        ResidencyPermit,
        on_delete=models.PROTECT,
        related_name="application_items",
        null=True,
        blank=True,
    )
    months = models.PositiveSmallIntegerField(null=True, blank=True)
    relation = models.CharField(max_length=20, choices=Relation.choices, blank=True)
    article = models.PositiveSmallIntegerField(choices=Article.choices, null=True, blank=True)
    from_article = models.PositiveSmallIntegerField(
        choices=Article.choices,
        null=True,
        blank=True,
        help_text="A transfer's: the article the residency moves from (``article``: to).",
    )
    state = models.CharField(max_length=24, choices=State.choices, default=State.DRAFT)
    # Kept while the item is in an open application: the database itself refuses a person in
    # two open applications, whatever races the services lose.
    open_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["open_person"], name="one_open_application_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} × {self.months} months"


class AgencyName(models.TextChoices):
    HEALTH = "health", "Ministry of Health insurance"
    FINES = "fines", "Traffic and residency fines"
    COURTS = "courts", "Courts"
    MANPOWER = "manpower", "Manpower Authority work permit"


class CheckStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    RETRYING = "retrying", "Waiting to retry"
    CLEAR = "clear", "Clear"
    REVIEW = "review", "Needs review"
    BLOCKED = "blocked", "Blocked"


FINISHED_CHECKS = frozenset({CheckStatus.CLEAR, CheckStatus.REVIEW, CheckStatus.BLOCKED})


class AgencyCheck(models.Model):
    """One agency's check of one item: the facts it found and what they mean. The row is also
    the durable work item and its queue: a worker claims it with a lease; a lease that runs
    out (the worker died) hands it back (``core.applications.checks``)."""

    item = models.ForeignKey(ApplicationItem, on_delete=models.CASCADE, related_name="checks")
    agency = models.CharField(max_length=12, choices=AgencyName.choices)
    status = models.CharField(
        max_length=10, choices=CheckStatus.choices, default=CheckStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    detail_en = models.CharField(max_length=500, blank=True)
    detail_ar = models.CharField(max_length=500, blank=True)
    amount = models.DecimalField(
        "owed to the agency (KWD)",
        max_digits=10,
        decimal_places=3,
        default=0,
        help_text="What the agency says is owed to it (unpaid fines); never a price of ours.",
    )
    facts = models.JSONField(default=dict, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    asked_ms = models.PositiveIntegerField(
        null=True, blank=True, help_text="How long the agency took to answer, last attempt."
    )
    request_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="The request that submitted it (core.request_id), in the worker's logs, events.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "agency"], name="one_check_per_agency")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="check_status_due")]

    def __str__(self) -> str:
        return f"{self.agency} check of item {self.item_id}: {self.status}"


class ApplicationEvent(models.Model):
    """Append-only history: every transition, check result, review and document step, with
    the state it describes, the amount due then, the actor and the time.

    Each event has its place in two streams (``core.applications.streams``): its application's
    (``sequence``: 1, 2, 3, … in commit order) and its sponsor's (``sponsor_sequence``), which
    subscriptions resume from."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    sequence = models.PositiveIntegerField(null=True, blank=True)
    sponsor = models.ForeignKey(
        Sponsor, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sponsor_sequence = models.PositiveIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    kind = models.CharField(
        max_length=20, choices=[(k.value, k.name) for k in ApplicationEventKind]
    )
    state = models.CharField(max_length=24, blank=True)
    amount_due = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(
        max_length=64, blank=True, help_text="The request (core.request_id) that caused it."
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["application", "at"], name="event_application_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "sequence"], name="one_event_per_application_sequence"
            ),
            models.UniqueConstraint(
                fields=["sponsor", "sponsor_sequence"], name="one_event_per_sponsor_sequence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_state}→{self.to_state} at {self.at:%H:%M:%S}"


class EventStream(models.Model):
    """The last sequence number given out in one stream of events (``a<application id>`` or
    ``s<sponsor id>``). Taking the next one locks the row until the transaction ends, so a
    stream's numbers commit in order (``core.applications.streams``)."""

    key = models.CharField(max_length=32, primary_key=True)
    last_sequence = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"stream {self.key} at {self.last_sequence}"


class DocumentRequest(models.Model):
    """A document asked of the applicant — by an officer, or by the rules when the archive
    lacks one — that must be uploaded (after the request) before the application goes on."""

    item = models.ForeignKey(
        ApplicationItem, on_delete=models.CASCADE, related_name="document_requests"
    )
    kind = models.CharField(max_length=24)
    owner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person whose document is asked for; empty for a company's own paper.",
    )
    sponsor = models.ForeignKey(
        Sponsor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The sponsor whose own paper is asked for (a company's licence).",
    )
    reason = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="document_request_of_one",
                condition=Q(owner__isnull=False, sponsor__isnull=True)
                | Q(owner__isnull=True, sponsor__isnull=False),
            )
        ]

    def __str__(self) -> str:
        whose = f"person {self.owner_id}" if self.owner_id else f"sponsor {self.sponsor_id}"
        return f"{self.kind} of {whose} for item {self.item_id}"


class ConsentParty(models.TextChoices):
    """Who may be asked to consent to an application about someone (a transfer's parties)."""

    CURRENT_SPONSOR = "current_sponsor", "The current sponsor"
    NEW_SPONSOR = "new_sponsor", "The new sponsor"
    HOLDER = "holder", "The holder of the residency"


class ConsentDecision(models.TextChoices):
    PENDING = "pending", "Pending"
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"


class Consent(models.Model):
    """One party's consent to one item, asked on submission (``core.applications.consents``):
    who was asked (a sponsor, or the holder), what they decided, who decided and when."""

    item = models.ForeignKey(ApplicationItem, on_delete=models.CASCADE, related_name="consents")
    party = models.CharField(max_length=16, choices=ConsentParty.choices)
    sponsor = models.ForeignKey(
        Sponsor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The sponsor asked (a sponsor party); empty for the holder.",
    )
    decision = models.CharField(
        max_length=8, choices=ConsentDecision.choices, default=ConsentDecision.PENDING
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "party"], name="one_consent_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.party} consent to item {self.item_id}: {self.decision}"


class PeriodicJob(models.Model):
    """A job every worker may run every so often (``core.applications.periodic``): its row is
    leased like any other work, so one worker at a time runs it and a killed one hands it on."""

    name = models.CharField(max_length=64, primary_key=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"periodic job {self.name}"
