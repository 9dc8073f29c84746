"""Account-free pages reached from e-mails and calendar apps."""

from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import reminders
from accounts.calendar import user_feed
from accounts.models import ReminderKind, ReminderOptOut, User


@csrf_exempt  # mail clients POST here for one-click unsubscribe (RFC 8058), without a form
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One click turns a kind of reminder off; the signed token says who and which kind."""
    try:
        _user_id, kind = reminders.unsubscribe(token=token)
    except signing.BadSignature:
        return render(request, "accounts/unsubscribed.html", {"ok": False}, status=400)
    context = {"ok": True, "token": token, "kind_label": ReminderKind(kind).label}
    return render(request, "accounts/unsubscribed.html", context)


@require_POST
def resubscribe(request, token):
    try:
        user_id, kind = reminders.unsubscribe_token_read(token)
    except signing.BadSignature:
        return render(request, "accounts/unsubscribed.html", {"ok": False}, status=400)
    ReminderOptOut.objects.filter(user_id=user_id, kind=kind).delete()
    return HttpResponse("Reminders turned back on.", content_type="text/plain")


@require_GET
def calendar_feed(request, token):
    """The private feed; an unknown or revoked token is a 404."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404("No such calendar.")
    response = HttpResponse(user_feed(user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
