from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Background work"

    def ready(self) -> None:
        from jobs import signals  # noqa: F401  (marks intents done when their task succeeds)
