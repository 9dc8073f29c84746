from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programs and content"

    def ready(self) -> None:
        from programs import signals  # noqa: F401  (keeps content_changed_at current)
