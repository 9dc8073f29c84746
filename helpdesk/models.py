"""Where interactions arrive from by themselves: a Zendesk account pulled incrementally, or
any other helpdesk pushing signed rows to a webhook. See docs/helpdesk.md."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from config.fields import EncryptedTextField

SUBDOMAIN = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,62}$", "Lowercase letters, digits and hyphens, e.g. acme."
)
# The token's variable must carry this prefix: a source may read its own token from the
# environment, never another secret of the process (SECRET_KEY, DATABASE_URL...).
TOKEN_ENV_PREFIX = "ATTUNE_HELPDESK_TOKEN_"
TOKEN_ENV = RegexValidator(
    rf"^{TOKEN_ENV_PREFIX}[A-Z0-9_]{{1,60}}$",
    f"The name of an environment variable that starts with {TOKEN_ENV_PREFIX}, "
    f"e.g. {TOKEN_ENV_PREFIX}ACME.",
)


class HelpdeskSource(models.Model):
    """A helpdesk whose interactions Attune imports for its owner.

    The owner is a training manager: rows are imported exactly as a CSV import by the owner
    would be (`managed_agents(user=owner)` may be written, nobody else), and the owner is
    the one told when the source stops. `slug` is the interactions' `source`, so the upsert
    by (source, external id) keeps each helpdesk's tickets apart.
    """

    class Kind(models.TextChoices):
        ZENDESK = "zendesk", "Zendesk (pulled every few minutes)"
        WEBHOOK = "webhook", "Webhook (your helpdesk pushes rows)"

    name = models.CharField(max_length=100)
    slug = models.SlugField(
        max_length=50,
        unique=True,
        help_text="Stored on every interaction as its source, e.g. zendesk-acme.",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="helpdesk_sources"
    )
    enabled = models.BooleanField(default=True)
    # Zendesk
    subdomain = models.CharField(max_length=63, blank=True, validators=[SUBDOMAIN])
    api_base_url = models.URLField(
        blank=True,
        help_text="Operators only: replaces ATTUNE_HELPDESK_ZENDESK_URL for this source "
        "(the demo's local server).",
    )
    agent_email = models.EmailField(blank=True, help_text="The Zendesk user the token belongs to.")
    token_env = models.CharField(
        max_length=100,
        blank=True,
        validators=[TOKEN_ENV],
        help_text="The NAME of the environment variable that holds the API token.",
    )
    handle_time_field = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Optional: the id of the ticket field holding the handle time in seconds.",
    )
    start_time = models.DateTimeField(
        null=True, blank=True, help_text="The first sync exports tickets changed since then."
    )
    cursor = models.CharField(max_length=500, blank=True)
    synced_through = models.DateTimeField(
        null=True, blank=True, help_text="Changes up to this moment are imported."
    )
    # Webhook: verification needs the secret itself, so it is stored encrypted (journal keys).
    webhook_secret = EncryptedTextField(null=True, blank=True)
    # State of the sync
    sync_lease_until = models.DateTimeField(null=True, blank=True)
    retry_not_before = models.DateTimeField(null=True, blank=True)
    auth_failed_at = models.DateTimeField(
        null=True, blank=True, help_text="The helpdesk refused the token; syncing is stopped."
    )
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    failures_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveBigIntegerField(default=0)
    rows_updated = models.PositiveBigIntegerField(default=0)
    rows_rejected = models.PositiveBigIntegerField(default=0)
    last_report = models.JSONField(default=dict, blank=True)
    # Micro-scripts pushed as macros (Zendesk only): when, and what came of it.
    last_macro_push_at = models.DateTimeField(null=True, blank=True)
    last_macro_push = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="zendesk")
                | (~models.Q(subdomain="") & ~models.Q(token_env="") & ~models.Q(agent_email="")),
                name="zendesk_source_has_credentials",
                violation_error_message="A Zendesk source needs its subdomain, agent e-mail "
                "and the environment variable with the API token.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def base_url(self) -> str:
        default = settings.ATTUNE_HELPDESK_ZENDESK_URL.format(subdomain=self.subdomain)
        return (self.api_base_url or default).rstrip("/")


class WebhookDelivery(models.Model):
    """A signed delivery already accepted: its digest is unique, so a replay is refused."""

    source = models.ForeignKey(HelpdeskSource, on_delete=models.CASCADE, related_name="deliveries")
    digest = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["received_at"])]

    def __str__(self):
        return f"{self.source} delivery {self.digest[:12]}"


class PushedMacro(models.Model):
    """A micro-script pushed to a Zendesk source as a macro, and the id Zendesk gave it: a
    later push updates that macro instead of adding a second one."""

    source = models.ForeignKey(HelpdeskSource, on_delete=models.CASCADE, related_name="macros")
    script = models.ForeignKey(
        "programs.MicroScript", on_delete=models.CASCADE, related_name="pushed_macros"
    )
    remote_id = models.BigIntegerField(help_text="The macro's id in Zendesk.")
    pushed_at = models.DateTimeField()

    class Meta:
        ordering = ["source", "script"]
        constraints = [
            models.UniqueConstraint(fields=["source", "script"], name="pushed_macro_once"),
        ]

    def __str__(self):
        return f"{self.script} as macro {self.remote_id} of {self.source}"
