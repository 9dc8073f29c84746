from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, demo_users_create


class Command(BaseCommand):
    help = "Create one demo login per role (idempotent) and print the logins."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in demo_users_create():
            self.stdout.write(f"  {user.get_role_display():<22} {user.email}")
