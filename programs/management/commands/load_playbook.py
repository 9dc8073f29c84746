from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from programs.playbook import PLAYBOOKS, playbook_load


class Command(BaseCommand):
    help = (
        "Create the built-in programs (Empathy Essentials 30/60/90, the seven-day new-hire "
        "primer and the four-week Empathy Refresher) with their rubric, scenario cards and "
        "micro-scripts, then what other apps add to it (the practice library). Safe to run "
        "again: "
        "programs that exist already are left as they are."
    )

    def handle(self, *args, **options):
        for content in PLAYBOOKS:
            program, created = playbook_load(content=content)
            verb = "Created" if created else "Already present:"
            self.stdout.write(f"{verb} “{program.name}” ({program.get_status_display()}).")
        # Other apps' content that goes with the playbook (the practice library), named in
        # settings so that programs imports none of them.
        for path in settings.ATTUNE_AFTER_PLAYBOOK_LOAD:
            import_string(path)(stdout=self.stdout)
