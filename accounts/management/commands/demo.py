import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.reminders import reminders_sweep
from certification.badge_links import badge_link_create, badge_link_live, badge_link_urls
from certification.demo import demo_certification_create, demo_expired_certification_create
from certification.openbadges import verify_url
from cohorts.demo import (
    demo_cohort_create,
    demo_finished_cohort_create,
    demo_refresher_schedule_create,
)
from cohorts.services import cohort_status_sweep
from helpdesk.demo import demo_helpdesk_create
from hiring.demo import demo_hiring_create
from insights.case_study import case_study_create
from insights.demo import (
    demo_calibration_create,
    demo_interactions_create,
    demo_measurement_create,
)
from practice.demo import (
    demo_decks_create,
    demo_exercises_create,
    demo_flashcards_create,
    demo_practice_create,
)
from programs.models import Program
from reviews.demo import demo_reviews_create
from wellbeing.demo import demo_wellbeing_create
from wellbeing.exposure_demo import demo_exposure_create


class Command(BaseCommand):
    help = (
        "Set up and serve the demo: migrate, load the playbook, create demo logins, "
        "then run the development server on 127.0.0.1:8000."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the data but do not serve."
        )

    def handle(self, *args, addrport, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_playbook", stdout=self.stdout)
        call_command("create_demo_users", stdout=self.stdout)
        cohort = demo_cohort_create(
            manager=User.objects.get(email="manager@attune.example"),
            agents=list(User.objects.filter(email__startswith="agent").order_by("email")),
        )
        self.stdout.write(f"Demo cohort “{cohort}” is running (day 33 of 90).")
        finished = demo_finished_cohort_create(
            manager=User.objects.get(email="manager@attune.example"),
            agents=list(User.objects.filter(email__startswith="agent").order_by("email")),
        )
        self.stdout.write(
            f"“{finished}” has ended: {finished.enrollments.filter(status='completed').count()} "
            "agents completed the primer, one did not."
        )
        decision = demo_certification_create(
            enrollment=cohort.enrollments.get(agent__email="agent2@attune.example"),
            coach=User.objects.get(email="coach@attune.example"),
        )
        self.stdout.write(f"{decision.agent} is certified; badge: {verify_url(decision.assertion)}")
        # Ben's link shows his badge; Ada's (not certified yet) the empty one.
        for agent in (decision.agent, User.objects.get(email="agent@attune.example")):
            link = badge_link_live(agent=agent) or badge_link_create(agent=agent)
            self.stdout.write(f"{agent}'s badge in the helpdesk: {badge_link_urls(link)['svg']}")
        expired = demo_expired_certification_create(
            enrollment=cohort.enrollments.get(agent__email="agent3@attune.example"),
            coach=User.objects.get(email="coach@attune.example"),
        )
        self.stdout.write(f"{expired.agent}'s badge has expired: {verify_url(expired.assertion)}")
        refresher = demo_refresher_schedule_create(
            manager=User.objects.get(email="manager@attune.example"),
            coach=User.objects.get(email="coach@attune.example"),
        )
        self.stdout.write(
            f"Quarterly refresher “{refresher}” is set up (/refreshers/): each quarter it opens "
            "a cohort for the agents certified in Empathy Essentials who are due."
        )
        demo_interactions_create(agents=[e.agent for e in cohort.enrollments.all()])
        if demo_exposure_create(
            agents=[e.agent for e in cohort.enrollments.order_by("agent__email")]
        ):
            self.stdout.write(
                "One agent took the last five escalations of Northwind Traders: the manager "
                "has a rotation advisory (/wellbeing/exposure/), the agent a recovery prompt."
            )
        coach = User.objects.get(email="coach@attune.example")
        manager = User.objects.get(email="manager@attune.example")
        demo_reviews_create(cohort=cohort, coach=coach)
        demo_calibration_create(
            manager=manager, reviewers=[coach, manager], rubric=cohort.program.rubric
        )
        self.stdout.write(
            "The coach (coach@attune.example) has reviews to do, one overdue, and one "
            "submitted that its agent disputes (the manager resolves it at /reviews/disputes/)."
        )
        study = case_study_create(
            manager=User.objects.get(email="manager@attune.example"),
            program=Program.objects.get(name="Empathy Essentials", cloned_from__isnull=True),
        )
        self.stdout.write(
            f"Case study “{study.team}”: the seeds' 90-day program, for HR's insights page "
            "(filter on the team)."
        )
        demo_measurement_create(
            study=study, manager=User.objects.get(email="manager@attune.example")
        )
        self.stdout.write(
            "Its cohort's baseline and end-of-program assessment are side by side at "
            "/measurement/ (the follow-up comes three months after it finished)."
        )
        demo_wellbeing_create(
            manager=manager,
            agent=User.objects.get(email="agent@attune.example"),
            partner=User.objects.get(email="agent2@attune.example"),
            team_name=study.team.name,
        )
        self.stdout.write(
            "Wellbeing: support resources, Ada's private journal, a debrief Ben asked of her, "
            "and two months of pulse answers (HR's indicators at /wellbeing/)."
        )
        if demo_helpdesk_create(
            manager=manager,
            agent_emails=[e.agent.email for e in cohort.enrollments.order_by("agent__email")],
        ):
            self.stdout.write(
                "Helpdesk: “Demo Zendesk” was synced from a local Zendesk-format server "
                "(/helpdesk/); run `manage.py zendesk_demo_server` and press Sync now for more."
            )
        if demo_hiring_create(
            manager=manager,
            coach=coach,
            team=study.team,
            hired=User.objects.get(email="agent@attune.example"),
        ):
            self.stdout.write(
                "Hiring: an opening with four candidates scored by the coach and the manager "
                "(/hiring/); the manager has one role-play left to score blind. Ada was hired "
                "through an earlier round: her plan shows her starting point."
            )
        if demo_practice_create(agent=User.objects.get(email="agent@attune.example"), coach=coach):
            self.stdout.write(
                "Practice: Ada answered a written drill twice (/practice/); the coach marked "
                "some findings, so /practice/precision/ has figures."
            )
        if demo_flashcards_create(
            agent=User.objects.get(email="agent@attune.example"), now=timezone.now()
        ):
            self.stdout.write("Ada has a week of flashcards behind her (/practice/flashcards/).")
        if demo_exercises_create(agent=User.objects.get(email="agent@attune.example")):
            self.stdout.write(
                "Ada logged two exercises (/practice/exercises/), one shared with her partner."
            )
        if demo_decks_create(
            cohort=cohort, manager=manager, agent=User.objects.get(email="agent@attune.example")
        ):
            self.stdout.write(
                "The cohort's standups draw from the “Standup deck” (/practice/standups/); Ada "
                "suggested a scenario the manager can add (/practice/suggestions/)."
            )
        if no_serve:
            return
        if not settings.REDIS_URL:
            # Embedded mode has no beat: the demo server sweeps reminders and cohorts itself.
            threading.Thread(target=self._sweep_forever, daemon=True).start()
        self.stdout.write(
            f"Open http://{addrport}/ and sign in with a demo login "
            f"(admin: http://{addrport}/admin/, API docs: http://{addrport}/api/docs/)"
        )
        call_command("runserver", addrport, use_reloader=False)

    def _sweep_forever(self):
        while True:
            try:
                reminders_sweep()
                cohort_status_sweep()  # and cohorts start running and end on time
            except Exception as error:  # keep the demo serving whatever happens here
                self.stderr.write(f"Reminder sweep failed: {error}")
            finally:
                connection.close()
            time.sleep(settings.ATTUNE_REMINDER_SWEEP_MINUTES * 60)
