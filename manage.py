#!/usr/bin/env python
"""Django's command-line utility for Attune.

It runs on the local settings (DEBUG, the development key, SQLite and tasks in process) unless
DJANGO_SETTINGS_MODULE names others; production sets config.settings.production.
"""

import os
import sys


def main():
    # Before anything imports `config`: its Celery app would default to production.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
