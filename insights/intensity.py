"""The emotional intensity of an interaction: the rules that derive it, and a manager's
correction (docs/wellbeing-exposure.md).

Where an interaction's intensity comes from, the latest word winning:

1. **Given in an import** (an `intensity` cell: low, medium or high): "given in the import".
2. **Corrected by a manager** of the agent: "corrected by <manager>". A later import that
   gives no intensity for the row (no column, or an empty cell) keeps the correction; one
   that gives a value replaces it (the helpdesk's word is then the newer one).
3. **Derived** by the rules below, wherever neither applies; re-derived whenever the row or
   an earlier contact of its account is imported again.

The rules, first match wins, the reason stored with the value:

- high: escalated ("escalated"); CSAT 1 or 2 ("CSAT 1", "CSAT 2"); a tag in HIGH_TAGS
  ("tag: complaint");
- medium: a repeat contact, i.e. the same account had another contact (any agent, any
  source) in the REPEAT_WINDOW before this one ("repeat contact within 7 days"); CSAT 3
  ("CSAT 3");
- low otherwise ("no sign of intensity").

The helpdesk's own `repeat_contact` flag (a ticket reopened) is not the rule's repeat
contact: that one is about the customer coming back, whichever ticket they open.

Both import paths call `intensity_derive` in the transaction that writes the rows, with the
rows written: one UPDATE, set-based on every database.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from cohorts.scope import manages_agent
from insights.models import Intensity, IntensitySource, Interaction

HIGH_TAGS = ("complaint", "cancellation", "legal", "threat")
REPEAT_WINDOW = datetime.timedelta(days=7)
GIVEN_REASON = "given in the import"
LOW_REASON = "no sign of intensity"
REPEAT_REASON = "repeat contact within 7 days"
TAGS_MAX = 2000  # characters of a row's tags


# The rules on a row's own values, as data: (column, value, intensity, reason), tried in
# this order, the repeat-contact rule (other rows) between the high and the medium ones.
# `_rules` makes them Django conditions, `intensity_guess_sql` SQL for an import's INSERT.
HIGH_RULES = (
    ("escalated", True, Intensity.HIGH, "escalated"),
    ("csat", 1, Intensity.HIGH, "CSAT 1"),
    ("csat", 2, Intensity.HIGH, "CSAT 2"),
    *(("tags", tag, Intensity.HIGH, f"tag: {tag}") for tag in HIGH_TAGS),
)
MEDIUM_RULES = (("csat", 3, Intensity.MEDIUM, "CSAT 3"),)


def _condition(column: str, value) -> Q:
    return Q(tags__contains=f",{value},") if column == "tags" else Q(**{column: value})


def _rules() -> list[tuple[Q | Exists, str, str]]:
    """(condition, intensity, reason), in the order they are tried."""
    earlier_contact = Interaction.objects.filter(
        account=OuterRef("account"),
        occurred_at__lt=OuterRef("occurred_at"),
        occurred_at__gte=OuterRef("occurred_at") - REPEAT_WINDOW,
    )
    # The account test first: most exports have none, and then no lookup is needed.
    repeat = (Q(account__isnull=False) & Exists(earlier_contact), Intensity.MEDIUM, REPEAT_REASON)
    return [
        *((_condition(column, value), level, why) for column, value, level, why in HIGH_RULES),
        repeat,
        *((_condition(column, value), level, why) for column, value, level, why in MEDIUM_RULES),
    ]


def _sql_literal(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def intensity_guess_sql(*, columns: set[str], alias: str) -> dict[str, str]:
    """SQL for an import's INSERT: each new row's intensity, reason and source from its own
    values (`alias`.`column`, for the model columns the file has), as `intensity_derive`
    would set them but for the repeat-contact rule, which needs the other rows. The
    derivation then rewrites only the rows it finds otherwise: a first import writes each
    row once. PostgreSQL's SQL (the set-based import's)."""
    whens = []
    if "intensity_given" in columns:
        given = f"{alias}.intensity_given"
        whens.append((f"{given} IS NOT NULL", given, _sql_literal(GIVEN_REASON), "'given'"))
    for column, value, level, why in (*HIGH_RULES, *MEDIUM_RULES):
        if column not in columns:
            continue
        cell = f"{alias}.{column}"
        if column == "tags":
            test = f"strpos({cell}, {_sql_literal(f',{value},')}) > 0"  # no % in a statement
        elif value is True:
            test = cell
        else:
            test = f"{cell} = {int(value)}"
        whens.append((test, _sql_literal(level), _sql_literal(why), "'derived'"))

    def case(index: int, default: str) -> str:
        if not whens:
            return default
        branches = " ".join(f"WHEN {when[0]} THEN {when[index]}" for when in whens)
        return f"CASE {branches} ELSE {default} END"

    return {
        "intensity": case(1, _sql_literal(Intensity.LOW)),
        "intensity_reason": case(2, _sql_literal(LOW_REASON)),
        "intensity_source": case(3, "'derived'"),
    }


def intensity_expressions() -> dict[str, Case]:
    """The intensity, its reason and source as SQL expressions: the import's value where
    it gave one, else the rules."""
    given = Q(intensity_given__isnull=False)
    rules = _rules()
    return {
        "intensity": Case(
            When(given, then=F("intensity_given")),
            *(When(condition, then=Value(value)) for condition, value, _ in rules),
            default=Value(Intensity.LOW),
            output_field=CharField(),
        ),
        "intensity_reason": Case(
            When(given, then=Value(GIVEN_REASON)),
            *(When(condition, then=Value(reason)) for condition, _, reason in rules),
            default=Value(LOW_REASON),
            output_field=CharField(),
        ),
        "intensity_source": Case(
            When(given, then=Value(IntensitySource.GIVEN)),
            default=Value(IntensitySource.DERIVED),
            output_field=CharField(),
        ),
    }


def intensity_derive(*, interactions: QuerySet[Interaction]) -> int:
    """Set the intensity of `interactions` (rows an import just wrote, in its transaction)
    and of the later contacts of their accounts that they may have made repeat contacts.

    A row with an intensity given in the import takes it; one a manager corrected (and the
    import gave none) keeps the correction; every other one, and every derived contact of
    the same accounts up to REPEAT_WINDOW after one of them, is derived by the rules. Two
    UPDATEs (the rows, then their accounts' later contacts: apart, each can use its own
    index rather than one scan of the table); idempotent. Returns the rows set."""
    expressions = intensity_expressions()
    corrected = Q(intensity_given__isnull=True, intensity_source=IntensitySource.CORRECTED)
    # Rows already as the rules say (an INSERT that guessed right) are not written again.
    settled = Q(**expressions)
    written = Interaction.objects.filter(pk__in=interactions.order_by().values("pk"))
    count = written.exclude(corrected).exclude(settled).update(**expressions)
    with_account = interactions.filter(account__isnull=False).order_by()
    first = with_account.order_by("occurred_at").values("occurred_at")[:1]
    last = with_account.order_by("-occurred_at").values("occurred_at")[:1]
    later_contacts = Interaction.objects.filter(
        account__in=with_account.values("account"),
        occurred_at__gt=Subquery(first),
        occurred_at__lte=ExpressionWrapper(
            Subquery(last) + REPEAT_WINDOW, output_field=DateTimeField()
        ),
        intensity_source__in=[IntensitySource.DERIVED, ""],  # "": stored before the rules
    )
    return count + later_contacts.exclude(settled).update(**expressions)


def interaction_intensity_correct(*, interaction: Interaction, intensity: str, by) -> Interaction:
    """A manager of the agent sets the intensity; it stands until an import gives one."""
    if not manages_agent(user=by, agent=interaction.agent):
        raise PermissionDenied("Only a manager of this agent corrects the intensity.")
    if intensity not in Intensity.values:
        raise ValidationError({"intensity": "Choose low, medium or high."})
    interaction.intensity = intensity
    interaction.intensity_source = IntensitySource.CORRECTED
    interaction.intensity_reason = f"corrected by {by.display_name or by.email}"[:120]
    interaction.intensity_given = None
    interaction.save(
        update_fields=["intensity", "intensity_source", "intensity_reason", "intensity_given"]
    )
    return interaction


def tags_normalize(value: str) -> str | None:
    """A tags cell ("Complaint, billing" or Zendesk's "complaint billing") as stored:
    lowercase, each between commas, each once. Raises ValueError when too long."""
    if len(value) > TAGS_MAX:
        raise ValueError(f"longer than {TAGS_MAX:,} characters")
    tags = dict.fromkeys(tag for tag in value.lower().replace(";", ",").replace(",", " ").split())
    return f",{','.join(tags)}," if tags else None


def intensity_parse(value: str) -> str:
    lowered = value.lower()
    if lowered not in Intensity.values:
        raise ValueError(f"“{value}” is not an intensity (low, medium or high)")
    return lowered
