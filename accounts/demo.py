"""Demo people for every role, so a newcomer can sign in and look around."""

import datetime

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Team, User

DEMO_PASSWORD = "attune-demo"  # a published demo login, never a real secret
# What a training manager does in the admin: the curriculum (programs and their parts,
# rubrics, practice content) and each program's certification gate and badge. People's
# data (users, cohorts, scores, role-plays, interactions) is on the pages and the API,
# scoped to what they manage; the admin shows it to superusers only (SuperuserOnlyAdmin).
MANAGER_PERMISSIONS = {
    "programs": None,  # every model of the app
    "certification": ("certificationgate", "badgeclass"),
    "practice": ("framework", "frameworkstep", "exercise", "scenariodeck", "deckcard"),
}

DEMO_TEAMS = ("Billing", "Technical support")
DEMO_PEOPLE = (
    # email, display name, role, team
    ("manager@attune.example", "Maya Manager", User.Role.MANAGER, None),
    ("coach@attune.example", "Carlos Coach", User.Role.COACH, None),
    ("hr@attune.example", "Hana HR", User.Role.HR, None),
    ("agent@attune.example", "Ada Agent", User.Role.AGENT, "Billing"),
    ("agent2@attune.example", "Ben Agent", User.Role.AGENT, "Billing"),
    ("agent3@attune.example", "Chloe Agent", User.Role.AGENT, "Technical support"),
    ("agent4@attune.example", "Dev Agent", User.Role.AGENT, "Technical support"),
    ("agent5@attune.example", "Eve Agent", User.Role.AGENT, "Billing"),
    ("agent6@attune.example", "Finn Agent", User.Role.AGENT, "Technical support"),
)
# Hire dates (days before today) so the retention view has something to show.
DEMO_HIRED_DAYS_AGO = (900, 700, 420, 380, 200, 150)


def training_managers_group() -> Group:
    """The admin permissions a training manager needs, kept in one group."""
    group, _ = Group.objects.get_or_create(name="Training managers")
    wanted = Q(pk__in=[])
    for app_label, models in MANAGER_PERMISSIONS.items():
        in_app = Q(content_type__app_label=app_label)
        wanted |= in_app & Q(content_type__model__in=models) if models else in_app
    group.permissions.set(Permission.objects.filter(wanted))
    return group


@transaction.atomic
def demo_users_create() -> list[User]:
    """Create (or reset the password of) one demo login per role. Idempotent."""
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in DEMO_TEAMS}
    managers = training_managers_group()
    people = []
    today = timezone.localdate()
    agent_number = 0
    for email, name, role, team in DEMO_PEOPLE:
        user, _ = User.objects.update_or_create(
            email=email,
            defaults={
                "display_name": name,
                "role": role,
                "team": teams.get(team),
                "is_staff": role == User.Role.MANAGER,
                "time_zone": "Europe/London",
            },
        )
        user.set_password(DEMO_PASSWORD)
        if role == User.Role.AGENT:
            user.hired_on = today - datetime.timedelta(days=DEMO_HIRED_DAYS_AGO[agent_number])
            agent_number += 1
        user.save(update_fields=["password", "hired_on"])
        if role == User.Role.MANAGER:
            user.groups.add(managers)
        people.append(user)
    return people
