"""Name the person behind each request on the audit entries it writes.

django-auditlog's middleware reads `request.user` before the view runs. For the pages
that is the session's user, but Django REST framework authenticates inside the view
(HTTP Basic today, API tokens tomorrow) and only then sets `request.user`. So the actor is
read lazily: when the first audit entry of the request is written, by which time DRF has
set the user it authenticated.
"""

from auditlog.middleware import AuditlogMiddleware
from django.utils.functional import SimpleLazyObject


class AuditActorMiddleware(AuditlogMiddleware):
    @staticmethod
    def _get_actor(request):
        # auditlog names the actor only if this resolves to a User; anonymous stays None.
        return SimpleLazyObject(lambda: getattr(request, "user", None))
