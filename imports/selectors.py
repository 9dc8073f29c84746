from django.db.models import QuerySet

from imports.models import ImportJob


def import_job_visible_to(*, user) -> QuerySet[ImportJob]:
    """A job is read by whoever made it (and superusers): its report names people."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    if user.is_superuser:
        return ImportJob.objects.all()
    return ImportJob.objects.filter(created_by=user)
