"""Invitations: people made from an enrolment CSV get a link to set a password."""

import datetime
import re

import pytest
import time_machine
from django.core import mail

from accounts import invitations
from accounts.models import Invitation, Outbox, ReminderOptOut, User
from cohorts.enrollment_import import enrollment_import
from tests.factories import AgentFactory, CohortFactory, EnrollmentFactory, ManagerFactory

pytestmark = pytest.mark.django_db

# 23:30 in New York: inside quiet hours, which must not hold an invitation back.
LATE_EVENING = datetime.datetime(2026, 11, 3, 4, 30, tzinfo=datetime.UTC)


@pytest.fixture
def manager():
    return ManagerFactory()


@pytest.fixture
def cohort(manager):
    return CohortFactory(facilitators=[manager])


def enrol_from_csv(cohort, manager, *rows):
    data = "email,name,team,time_zone\r\n" + "".join(f"{row}\r\n" for row in rows)
    AgentFactory(team__name="Billing")  # makes the team
    return enrollment_import(cohort=cohort, data=data.encode(), dry_run=False, by=manager)


def link_in(message) -> str:
    return re.search(r"https://attune\.test(/invitations/[^/\s]+/)", message.body).group(1)


@time_machine.travel(LATE_EVENING, tick=False)
def test_a_new_person_from_a_csv_is_e_mailed_an_invitation_at_once(
    cohort, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrol_from_csv(cohort, manager, "ana@example.com,Ana Silva,Billing,America/New_York")

    (message,) = mail.outbox
    assert message.to == ["ana@example.com"]
    assert "set your password" in message.subject.lower()
    assert "List-Unsubscribe" not in message.extra_headers
    invitation = Invitation.objects.get(user__email="ana@example.com")
    assert (invitation.invited_by, invitation.times_sent) == (manager, 1)
    row = Outbox.objects.get(object_type="invitation", object_id=invitation.pk)
    assert row.status == Outbox.Status.SENT


def test_people_who_exist_already_are_not_invited(cohort, manager):
    agent = AgentFactory(team__name="Billing")

    enrol_from_csv(cohort, manager, f"{agent.email},{agent.display_name},Billing,")

    assert not Invitation.objects.exists()


def test_a_dry_run_or_a_refused_file_invites_nobody(cohort, manager):
    data = b"email,name,team\r\nana@example.com,Ana,Billing\r\nbad,Bo,Billing\r\n"
    AgentFactory(team__name="Billing")

    enrollment_import(cohort=cohort, data=data, dry_run=False, by=manager)
    enrollment_import(cohort=cohort, data=data.replace(b"bad", b"bo@x.com"), dry_run=True)

    assert not Invitation.objects.exists()
    assert not Outbox.objects.exists()


def test_the_link_sets_the_password_signs_in_and_works_only_once(
    client, cohort, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrol_from_csv(cohort, manager, "ana@example.com,Ana Silva,Billing,")
    link = link_in(mail.outbox[0])

    assert client.get(link).status_code == 200
    response = client.post(
        link, {"new_password1": "a-long-new-pass-93", "new_password2": "a-long-new-pass-93"}
    )

    assert response.status_code == 302
    assert client.get("/api/me/").json()["email"] == "ana@example.com"
    assert User.objects.get(email="ana@example.com").check_password("a-long-new-pass-93")
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert b"already set your password" in again.content


def test_a_weak_password_is_refused_with_the_reason_and_the_link_still_works(client, cohort):
    (invitation,) = invitations.invitations_send(users=[AgentFactory()], by=None)
    link = invitations.invitation_url(invitation=invitation, sending=1)

    response = client.post(link, {"new_password1": "123", "new_password2": "123"})

    assert response.status_code == 200
    assert b"too short" in response.content
    assert invitations.invitation_check(token=link.split("/")[-2]).problem is None


def test_an_expired_link_says_so_and_sends_a_new_one_on_request(client):
    agent = AgentFactory()
    with time_machine.travel(LATE_EVENING, tick=False):
        (invitation,) = invitations.invitations_send(users=[agent], by=None)
        old = invitations.invitation_url(invitation=invitation, sending=1).split("/")[-2]

    with time_machine.travel(LATE_EVENING + datetime.timedelta(days=8), tick=False):
        page = client.get(f"/invitations/{old}/")
        renewed = client.post(f"/invitations/{old}/renew/")
        twice = client.post(f"/invitations/{old}/renew/")

    assert page.status_code == 410
    assert b"has expired" in page.content
    assert b"new link is on its way" in renewed.content
    assert twice.status_code == 410  # the old link asked once; it is superseded now
    invitation.refresh_from_db()
    assert invitation.times_sent == 2
    assert Outbox.objects.filter(object_id=invitation.pk, object_type="invitation").count() == 2


def test_resending_makes_older_links_stop_working(client):
    agent = AgentFactory()
    (invitation,) = invitations.invitations_send(users=[agent], by=None)
    first = invitations.invitation_url(invitation=invitation, sending=1)

    invitations.invitation_resend(invitation=invitation, by=None)

    assert b"newer invitation was sent" in client.get(first).content


def test_a_revoked_invitation_cannot_be_used_and_its_unsent_mail_is_cancelled(client):
    agent = AgentFactory()
    (invitation,) = invitations.invitations_send(users=[agent], by=None)
    link = invitations.invitation_url(invitation=invitation, sending=1)

    invitations.invitation_revoke(invitation=invitation, by=ManagerFactory())

    assert b"was withdrawn" in client.get(link).content
    assert Outbox.objects.get(object_id=invitation.pk).status == Outbox.Status.CANCELLED
    response = client.post(
        link, {"new_password1": "x-long-pw-1234", "new_password2": "x-long-pw-1234"}
    )
    assert response.status_code == 410
    assert not User.objects.get(pk=agent.pk).check_password("x-long-pw-1234")


def test_a_tampered_link_is_refused_plainly(client):
    response = client.get("/invitations/not-a-real-token/")

    assert response.status_code == 400
    assert b"not valid" in response.content


def test_nobody_can_opt_out_of_invitations():
    agent = AgentFactory()
    from accounts.reminders import unsubscribe_token

    token = unsubscribe_token(user_id=agent.pk, kind="invitation")

    from django.test import Client

    Client().post(f"/reminders/off/{token}/")
    assert not ReminderOptOut.objects.exists()


# --- The manager's side ------------------------------------------------------------------


def test_the_cohort_page_lists_waiting_invitations_to_resend_or_revoke(client, cohort, manager):
    waiting = EnrollmentFactory(cohort=cohort).agent
    accepted = EnrollmentFactory(cohort=cohort).agent
    invitations.invitations_send(users=[waiting, accepted], by=manager)
    Invitation.objects.filter(user=accepted).update(accepted_at=LATE_EVENING)
    client.force_login(manager)

    page = client.get(f"/cohorts/{cohort.pk}/").content.decode()
    invitation = Invitation.objects.get(user=waiting)
    client.post(f"/cohorts/{cohort.pk}/invitations/{invitation.pk}/resend/")
    invitation.refresh_from_db()

    assert waiting.email in page
    assert accepted.email not in page
    assert invitation.times_sent == 2
    client.post(f"/cohorts/{cohort.pk}/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


def test_a_manager_cannot_touch_invitations_of_another_managers_cohort(client, cohort):
    other_cohort = CohortFactory(facilitators=[ManagerFactory()])
    agent = EnrollmentFactory(cohort=other_cohort).agent
    (invitation,) = invitations.invitations_send(users=[agent], by=None)
    outsider = ManagerFactory()
    cohort.facilitators.add(outsider)
    client.force_login(outsider)

    through_own = client.post(f"/cohorts/{cohort.pk}/invitations/{invitation.pk}/revoke/")
    through_theirs = client.post(f"/cohorts/{other_cohort.pk}/invitations/{invitation.pk}/resend/")

    assert (through_own.status_code, through_theirs.status_code) == (404, 404)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.times_sent) == ("waiting", 1)


def test_an_agent_cannot_resend_invitations(client, cohort):
    agent = EnrollmentFactory(cohort=cohort).agent
    (invitation,) = invitations.invitations_send(users=[agent], by=None)
    client.force_login(AgentFactory())

    response = client.post(f"/cohorts/{cohort.pk}/invitations/{invitation.pk}/resend/")

    assert response.status_code == 403


# --- The API, for integrations -----------------------------------------------------------


def test_the_api_lists_waiting_invitations_of_the_managers_cohorts_only(manager_api):
    mine = CohortFactory(facilitators=[manager_api.user])
    waiting = EnrollmentFactory(cohort=mine).agent
    elsewhere = EnrollmentFactory(cohort=CohortFactory()).agent
    invitations.invitations_send(users=[waiting, elsewhere], by=None)

    response = manager_api.get("/api/invitations/", {"cohort": mine.pk})

    assert [row["email"] for row in response.json()["results"]] == [waiting.email]
    theirs = Invitation.objects.get(user=elsewhere)
    assert manager_api.post(f"/api/invitations/{theirs.pk}/revoke/").status_code == 404


def test_the_api_resends_and_revokes(manager_api):
    cohort = CohortFactory(facilitators=[manager_api.user])
    (invitation,) = invitations.invitations_send(
        users=[EnrollmentFactory(cohort=cohort).agent], by=None
    )

    resent = manager_api.post(f"/api/invitations/{invitation.pk}/resend/").json()
    revoked = manager_api.post(f"/api/invitations/{invitation.pk}/revoke/").json()

    assert resent["times_sent"] == 2
    assert revoked["status"] == "revoked"


@pytest.mark.parametrize("client_name", ["agent_api", "coach_api", "hr_api"])
def test_only_training_managers_read_invitations(request, client_name):
    assert request.getfixturevalue(client_name).get("/api/invitations/").status_code == 403
