"""Account-free pages reached from e-mails and calendar apps."""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import invitations, reminders
from accounts.calendar import feed_user, user_feed
from accounts.models import ReminderKind, ReminderOptOut

UNSUBSCRIBE_TEMPLATE = "accounts/unsubscribed.html"


def _unreadable_link(request, error: signing.BadSignature):
    state, status = (
        ("expired", 410) if isinstance(error, signing.SignatureExpired) else ("invalid", 400)
    )
    return render(request, UNSUBSCRIBE_TEMPLATE, {"state": state}, status=status)


# The signed token is what authenticates these POSTs, and mail clients send RFC 8058's
# one-click POST (body "List-Unsubscribe=One-Click") with no form and no cookie.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks to confirm (mail scanners follow links); POST turns the kind off."""
    try:
        _user_id, kind = reminders.unsubscribe_token_read(token)
        if request.method == "POST":
            reminders.unsubscribe(token=token)
    except signing.BadSignature as error:
        return _unreadable_link(request, error)
    context = {
        "state": "done" if request.method == "POST" else "confirm",
        "token": token,
        "kind_label": ReminderKind(kind).label,
    }
    return render(request, UNSUBSCRIBE_TEMPLATE, context)


@csrf_exempt  # the undo button on the page above; the signed token authenticates it
@require_POST
def resubscribe(request, token):
    try:
        user_id, kind = reminders.unsubscribe_token_read(token)
    except signing.BadSignature as error:
        return _unreadable_link(request, error)
    ReminderOptOut.objects.filter(user_id=user_id, kind=kind).delete()
    return HttpResponse("Reminders turned back on.", content_type="text/plain")


@require_GET
def calendar_feed(request, token):
    """The private feed; an unknown or revoked token is a 404."""
    user = feed_user(token)
    if user is None:
        raise Http404("No such calendar.")
    response = HttpResponse(user_feed(user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Invitations ---------------------------------------------------------------------------

INVITATION_TEMPLATE = "accounts/invitation.html"


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """Set a password from an invitation link, then land signed in on one's own plan."""
    check = invitations.invitation_check(token=token)
    context = {
        "token": token,
        "invitation": check.invitation,
        "problem": check.problem,
        "days": settings.ATTUNE_INVITATION_DAYS,
    }
    if check.problem:
        status = 400 if check.problem == "invalid" else 410
        return render(request, INVITATION_TEMPLATE, context, status=status)
    form = SetPasswordForm(check.invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, INVITATION_TEMPLATE, {**context, "form": form})


@require_POST
def invitation_renew(request, token):
    """From an expired link: send a new one to the address on file."""
    try:
        invitations.invitation_renew(token=token)
    except ValidationError:
        # No longer expired-and-newest (used, revoked, renewed already): say what it is.
        check = invitations.invitation_check(token=token)
        context = {
            "token": token,
            "invitation": check.invitation,
            "problem": check.problem or "invalid",
            "days": settings.ATTUNE_INVITATION_DAYS,
        }
        return render(request, INVITATION_TEMPLATE, context, status=410)
    context = {"token": token, "problem": "renewed", "days": settings.ATTUNE_INVITATION_DAYS}
    return render(request, INVITATION_TEMPLATE, context)
