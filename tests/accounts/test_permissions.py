import pytest

pytestmark = pytest.mark.django_db
# What HR may never read: people's individual feedback, pairs, role-plays, certifications
# and interactions. HR's figures come from insights, in aggregate.
HR_NEVER_READS = [
    "/api/rubric-scores/",
    "/api/coaching-pairs/",
    "/api/certification/assessments/",
    "/api/certification/decisions/",
    "/api/interactions/",
]


@pytest.mark.parametrize("url", HR_NEVER_READS)
def test_hr_is_refused_individual_feedback_with_a_403(hr_api, url):
    response = hr_api.get(url)

    assert response.status_code == 403
    assert response.json() == {"detail": "HR reads this only in aggregate, through insights."}


@pytest.mark.parametrize("url", HR_NEVER_READS)
def test_the_other_roles_still_read_their_own_share(manager_api, agent_api, coach_api, url):
    for client in (manager_api, agent_api, coach_api):
        assert client.get(url).status_code == 200, client.user.role
