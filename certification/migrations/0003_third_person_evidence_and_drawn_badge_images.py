"""Badges already awarded get what new ones get: the public evidence narrative in the
third person, and the drawn medal instead of the plain green disc.

Earlier badges joined the agent-facing criteria ("rubric 74% over your last 3 assessed
interactions"), read on the public verify page by people who are not the agent; the
narrative is rebuilt from each decision's frozen evidence snapshot. Badge class images are
redrawn: baked badges are baked on download from the class's image, so none is stale.
"""

from django.db import migrations


def rewrite(apps, schema_editor):
    # Today's wording and drawing, from the service: both are derived from data that does
    # not change (the evidence snapshot, the program's name), so using them for old badges
    # is what we want.
    from certification.services import badge_class_image, evidence_narrative

    BadgeAssertion = apps.get_model("certification", "BadgeAssertion")
    for assertion in BadgeAssertion.objects.select_related("decision").iterator():
        assertion.evidence_narrative = evidence_narrative(assertion.decision.evidence)
        assertion.save(update_fields=["evidence_narrative"])
    BadgeClass = apps.get_model("certification", "BadgeClass")
    for badge_class in BadgeClass.objects.select_related("program").iterator():
        badge_class.image = badge_class_image(program=badge_class.program)
        badge_class.save(update_fields=["image"])


class Migration(migrations.Migration):
    dependencies = [("certification", "0002_gate_ordering")]

    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
