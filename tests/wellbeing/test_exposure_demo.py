"""The demo shows exposure: intensities, a streak with its rotation advisory, and a
recovery prompt; running it again adds nothing."""

import pytest

from accounts.models import Notification, ReminderKind
from insights.demo import demo_interactions_create
from insights.models import Interaction
from tests.factories import AgentFactory, CohortFactory, EnrollmentFactory, ManagerFactory
from wellbeing.exposure_demo import demo_exposure_create
from wellbeing.models import RecoveryPrompt, RotationAdvisory

pytestmark = pytest.mark.django_db


def test_the_demo_has_intensities_an_advisory_and_a_prompt_once():
    manager = ManagerFactory()
    cohort = CohortFactory(facilitators=[manager])
    agents = [AgentFactory() for _ in range(3)]
    for agent in agents:
        EnrollmentFactory(agent=agent, cohort=cohort)
    demo_interactions_create(agents=agents)

    result = demo_exposure_create(agents=agents)

    assert result == {"rotation_advisories": 1, "recovery_prompts": 1}
    assert not Interaction.objects.filter(intensity="").exists()
    assert Interaction.objects.filter(intensity="medium").exists()  # repeat contacts
    assert RotationAdvisory.objects.get().agent == agents[0]
    assert RecoveryPrompt.objects.get().agent == agents[0]
    assert (
        Notification.objects.filter(user=manager, kind=ReminderKind.ROTATION_ADVISORY).count() == 1
    )
    assert demo_exposure_create(agents=agents) == {}
