"""Answer a read again when the database connection was lost while answering it."""

import logging

from django.db import connections, transaction

from config.db import connection_lost, connections_drop

logger = logging.getLogger(__name__)

# Only these are retried: answering them twice changes nothing. A write that was cut may
# or may not have been committed, so it is answered with its error, never run again.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadRetryMiddleware:
    """Runs a GET, HEAD or OPTIONS view once more, on a fresh connection, when it failed
    because its database connection was lost (terminated by the server, a failover, a
    network cut) after the request's health check had passed. Once per request; never
    inside a transaction, whose earlier work went with the connection."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.method not in READ_METHODS or getattr(request, "_read_retried", False):
            return None
        if any(wrapper.in_atomic_block for wrapper in connections.all(initialized_only=True)):
            return None
        if not connection_lost(exception):
            return None
        request._read_retried = True
        logger.warning(
            "Database connection lost answering %s %s (%s); answering it again on a new one",
            request.method,
            request.path,
            exception,
        )
        connections_drop()
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        # Django renders a template response after the view returns; this one was not.
        if callable(getattr(response, "render", None)) and not response.is_rendered:
            response = response.render()
        return response


class AtomicWritesMiddleware:
    """Runs each POST, PUT, PATCH and DELETE in one transaction, rolled back when the
    request ends in a server error.

    Services are atomic already; this covers the plain create, update and delete of a
    viewset or the admin, whose row and audit entry are two statements: a connection lost
    between them answered 500 with the row saved and its audit entry missing. Client errors
    (4xx) are not rolled back: a refused sign-in must still count towards the lock-out, and
    a service that refuses a change has rolled back its own work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in READ_METHODS or request.method == "TRACE":
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response
