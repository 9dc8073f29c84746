from django.core.management import call_command
from django.core.management.base import BaseCommand


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
        if no_serve:
            return
        self.stdout.write(f"Open http://{addrport}/admin/ or http://{addrport}/api/docs/")
        call_command("runserver", addrport, use_reloader=False)
