"""Serve the demo's tickets in Zendesk's incremental export format on 127.0.0.1."""

import time

from django.core.management.base import BaseCommand

from helpdesk.demo import DEMO_EMAIL, DEMO_PORT, DEMO_TOKEN, DEMO_TOKEN_ENV, demo_zendesk

DEMO_AGENTS = sorted(["agent@attune.example", *(f"agent{n}@attune.example" for n in range(2, 7))])


class Command(BaseCommand):
    help = (
        "Serve the demo helpdesk tickets in Zendesk's cursor-based incremental export "
        "format, for the demo's Zendesk source (press Sync now on /helpdesk/)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=DEMO_PORT)
        parser.add_argument(
            "--new",
            type=int,
            default=10,
            help="Tickets of the last hour served after the demo's own (a sync picks them up).",
        )

    def handle(self, *args, port, new, **options):
        server = demo_zendesk(agent_emails=DEMO_AGENTS, recent=new).start(port)
        self.stdout.write(
            f"Serving {len(server.tickets)} tickets at {server.url} for {DEMO_EMAIL} "
            f"(token “{DEMO_TOKEN}”, read from {DEMO_TOKEN_ENV}). Ctrl-C stops."
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            server.stop()
