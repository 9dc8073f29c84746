"""Practice pages: written drills (answer a card, read the feedback at once), coaches'
marks on findings, and the analyzer's per-rule precision report."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from practice import analyzer, flashcards, selectors, services
from practice.models import ANSWER_MAX_CHARS, NOTES_MAX_CHARS, ScenarioDeck, ScenarioSuggestion
from programs.selectors import program_visible_to

ANSWERS_PER_PAGE = 20


def _require_not_hr(user):
    if user.is_hr:
        raise PermissionDenied("Practice answers are people's own; HR reads aggregates only.")


def _require_agent(user):
    if user.role != user.Role.AGENT:
        raise PermissionDenied("Written drills are answered by agents.")


def _require_marker(user):
    if not selectors.can_mark(user=user):
        raise PermissionDenied("Coaches and training managers mark findings.")


class DrillForm(forms.Form):
    text = forms.CharField(
        label="Your reply to the customer",
        max_length=ANSWER_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Write it as you would send or say it.",
    )


@login_required
def drills(request):
    """Agents: the cards to answer and their past answers. Coaches and managers: the
    answers of the agents they review, coach or facilitate, to mark."""
    _require_not_hr(request.user)
    answers = selectors.drill_answer_visible_to(user=request.user).select_related("agent", "card")
    page = Paginator(answers, ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    is_agent = request.user.role == request.user.Role.AGENT
    context = {
        "nav": "practice",
        "cards": selectors.drill_cards_visible_to(user=request.user) if is_agent else [],
        "is_agent": is_agent,
        "page": page,
        "can_mark": selectors.can_mark(user=request.user),
    }
    return render(request, "practice/drills.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def drill_answer(request, card_id):
    """Answer one scenario card in writing; the feedback follows at once."""
    _require_agent(request.user)
    card = get_object_or_404(selectors.drill_cards_visible_to(user=request.user), pk=card_id)
    form = DrillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            answer = services.drill_answer_submit(
                agent=request.user, card=card, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.add_error("text" if hasattr(error, "error_dict") else None, error)
        else:
            return redirect("web:practice-answer", pk=answer.pk)
    context = {"nav": "practice", "card": card, "form": form}
    return render(request, "practice/drill_answer.html", context)


def _grouped(findings):
    """The findings in the rules' order, each rule with its findings (possibly none)."""
    by_rule = {rule.id: [] for rule in analyzer.RULES}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    return [{"rule": rule, "findings": by_rule[rule.id]} for rule in analyzer.RULES]


@login_required
def answer_feedback(request, pk):
    """One answer with the analyzer's findings, rule by rule; coaches mark each one."""
    _require_not_hr(request.user)
    answer = get_object_or_404(selectors.drill_answer_detail_queryset(user=request.user), pk=pk)
    context = {
        "nav": "practice",
        "answer": answer,
        "rules": _grouped(answer.findings.all()),
        "can_mark": selectors.can_mark(user=request.user) and answer.agent_id != request.user.pk,
    }
    return render(request, "practice/answer.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def answer_delete(request, pk):
    """An agent deletes their own answer with its feedback, after confirming (GET asks)."""
    _require_agent(request.user)
    answer = get_object_or_404(selectors.drill_answer_own(user=request.user), pk=pk)
    if request.method == "POST":
        services.drill_answer_delete(answer=answer, agent=request.user)
        messages.success(request, f"Your answer to “{answer.card.title}” is deleted.")
        return redirect("web:practice")
    context = {
        "nav": "practice",
        "title": f"Delete your answer to “{answer.card.title}”",
        "what": "Your reply and its feedback are deleted for good, for you and for the "
        "coaches who could read them.",
        "back": reverse("web:practice-answer", args=[answer.pk]),
    }
    return render(request, "practice/confirm_delete.html", context)


@login_required
@require_POST
def finding_mark(request, pk):
    """A coach marks a finding right or wrong, back to the answer."""
    _require_marker(request.user)
    finding = get_object_or_404(selectors.finding_markable_by(user=request.user), pk=pk)
    verdict = request.POST.get("correct")
    if verdict not in ("yes", "no"):
        messages.error(request, "Choose right or wrong.")
    else:
        services.finding_mark(finding=finding, coach=request.user, correct=verdict == "yes")
        word = "right" if verdict == "yes" else "wrong"
        messages.success(request, f"Marked “{finding.get_rule_display()}” {word}.")
    answer_url = reverse("web:practice-answer", args=[finding.answer_id])
    return redirect(f"{answer_url}#finding-{finding.pk}")


@login_required
def precision(request):
    """Each rule's precision measured from coaches' marks."""
    _require_marker(request.user)
    context = {"nav": "practice", "rows": selectors.rule_precision()}
    return render(request, "practice/precision.html", context)


@login_required
def flashcards_session(request):
    """Today's flashcards, one at a time: the front, the answer behind "Show the answer",
    then "I knew it" or "Not yet"."""
    _require_agent(request.user)
    now = timezone.now()
    cards = flashcards.session_cards(agent=request.user, now=now)
    context = {
        "nav": "practice",
        "card": cards[0] if cards else None,
        "left": len(cards),
        "progress": flashcards.flashcard_progress(agent=request.user, now=now),
        "intervals": flashcards.INTERVAL_DAYS,
    }
    return render(request, "practice/flashcards.html", context)


@login_required
@require_POST
def flashcard_review(request, kind, pk):
    _require_agent(request.user)
    card = flashcards.card_of(agent=request.user, kind=kind, pk=pk)
    if card is None:
        raise Http404("Not one of your flashcards.")
    knew = request.POST.get("knew")
    if knew not in ("yes", "no"):
        messages.error(request, "Say whether you knew it.")
        return redirect("web:practice-flashcards")
    try:
        box = flashcards.flashcard_review(
            agent=request.user, knew=knew == "yes", now=timezone.now(), **card
        )
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        days = (box.due_on - flashcards.agent_today(agent=request.user, now=timezone.now())).days
        when = "tomorrow" if days == 1 else f"in {days} days"
        messages.success(request, f"Box {box.box}: it comes back {when}.")
    return redirect("web:practice-flashcards")


# --- library and exercise log -------------------------------------------------------------------


class ExerciseLogForm(forms.Form):
    notes = forms.CharField(
        label="Your notes (optional)",
        required=False,
        max_length=NOTES_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Private: only you read them, unless you share them below.",
    )
    shared_with_partner = forms.BooleanField(
        label="Share these notes with my coaching partner", required=False
    )


@login_required
def library(request):
    """The frameworks and exercises, each with the rubric criteria it trains."""
    context = {
        "nav": "practice",
        "frameworks": selectors.frameworks_for(user=request.user),
        "exercises": selectors.exercises_for(user=request.user),
    }
    return render(request, "practice/library.html", context)


@login_required
def framework_detail(request, slug):
    framework = get_object_or_404(selectors.frameworks_for(user=request.user), slug=slug)
    return render(request, "practice/framework.html", {"nav": "practice", "framework": framework})


@login_required
@require_http_methods(["GET", "POST"])
def exercise_detail(request, slug):
    """An exercise; an agent logs it as done, with private or shared notes."""
    exercise = get_object_or_404(selectors.exercises_for(user=request.user), slug=slug)
    is_agent = request.user.role == request.user.Role.AGENT
    form = ExerciseLogForm(request.POST or None) if is_agent else None
    if request.method == "POST":
        _require_agent(request.user)
        if form.is_valid():
            services.exercise_log_create(agent=request.user, exercise=exercise, **form.cleaned_data)
            messages.success(request, f"“{exercise}” logged as done.")
            return redirect("web:practice-exercise-log")
    context = {"nav": "practice", "exercise": exercise, "form": form}
    return render(request, "practice/exercise.html", context)


@login_required
def exercise_log(request):
    """What I did, with my notes, and what my coaching partners shared with me."""
    _require_agent(request.user)
    logs = selectors.exercise_log_visible_to(user=request.user)
    context = {
        "nav": "practice",
        "mine": logs.filter(agent=request.user),
        "shared": logs.exclude(agent=request.user),
    }
    return render(request, "practice/exercise_log.html", context)


@login_required
@require_POST
def exercise_log_share(request, pk):
    """Share my notes of one exercise with my coaching partners, or stop sharing them."""
    _require_agent(request.user)
    log = get_object_or_404(selectors.exercise_log_own(user=request.user), pk=pk)
    share = request.POST.get("share") == "yes"
    services.exercise_log_update(log=log, agent=request.user, shared_with_partner=share)
    messages.success(
        request,
        "Your coaching partner can read these notes now."
        if share
        else "These notes are private again.",
    )
    return redirect("web:practice-exercise-log")


@login_required
@require_http_methods(["GET", "POST"])
def exercise_log_delete(request, pk):
    """An agent deletes one of their own exercise log entries, after confirming."""
    _require_agent(request.user)
    log = get_object_or_404(
        selectors.exercise_log_own(user=request.user).select_related("exercise"), pk=pk
    )
    if request.method == "POST":
        services.exercise_log_delete(log=log, agent=request.user)
        messages.success(request, f"“{log.exercise.name}” is deleted from your exercises.")
        return redirect("web:practice-exercise-log")
    context = {
        "nav": "practice",
        "title": f"Delete “{log.exercise.name}”",
        "moment": log.done_at,  # shown in the agent's zone, as the log page shows it
        "what": "The entry and your notes are deleted for good"
        + (", also for your coaching partner." if log.shared_with_partner else "."),
        "back": reverse("web:practice-exercise-log"),
    }
    return render(request, "practice/confirm_delete.html", context)


# --- standup drills, decks, suggestions ---------------------------------------------------------


def _require_facilitator_role(user):
    if not selectors.can_mark(user=user):
        raise PermissionDenied("Standup drills are run by facilitators.")


class DeckForm(forms.Form):
    name = forms.CharField(max_length=120)
    program = forms.ModelChoiceField(queryset=None)
    cards = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Cards, in this order"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = program_visible_to(user=user)
        self.fields["cards"].queryset = selectors.drill_cards_visible_to(user=user).order_by(
            "program__name", "title", "id"
        )
        self.fields["cards"].label_from_instance = lambda c: f"{c.title} ({c.program})"


class CohortDeckForm(forms.Form):
    deck = forms.ModelChoiceField(queryset=None, label="Deck for this cohort's standups")

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deck"].queryset = ScenarioDeck.objects.filter(program=cohort.program_id)


@login_required
def standups(request):
    """The cohorts I facilitate, each with this week's standup drill."""
    _require_facilitator_role(request.user)
    cohorts = list(
        selectors.standup_cohorts(user=request.user)
        .exclude(status__in=selectors.ENDED_COHORTS)
        .order_by("name", "id")
    )
    drills = selectors.standup_drills(cohorts=cohorts, now=timezone.now())
    rows = [{"cohort": cohort, "drill": drills[cohort.pk]} for cohort in cohorts]
    return render(request, "practice/standups.html", {"nav": "practice", "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def standup_drill(request, cohort_id):
    """This week's standup drill: the card, a five-minute timer, and (for a facilitating
    manager) the deck the cohort draws from."""
    _require_facilitator_role(request.user)
    cohort = get_object_or_404(selectors.standup_cohorts(user=request.user), pk=cohort_id)
    form = CohortDeckForm(request.POST or None, cohort=cohort) if request.user.is_manager else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Training managers choose a cohort's deck.")
        if form.is_valid():
            services.cohort_deck_set(
                cohort=cohort, deck=form.cleaned_data["deck"], user=request.user
            )
            messages.success(
                request, f"Standups of {cohort} now draw from “{form.cleaned_data['deck']}”."
            )
            return redirect("web:practice-standup", cohort_id=cohort.pk)
    context = {
        "nav": "practice",
        "cohort": cohort,
        "drill": selectors.standup_drill(cohort=cohort, now=timezone.now()),
        "form": form,
    }
    return render(request, "practice/standup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def deck_list(request):
    """The scenario decks; managers make one."""
    _require_not_hr(request.user)
    form = DeckForm(request.POST or None, user=request.user) if request.user.is_manager else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Training managers make decks.")
        if form.is_valid():
            try:
                deck = services.deck_create(**form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Deck “{deck}” made with {deck.entries.count()} cards.")
                return redirect("web:practice-decks")
    decks_shown = (
        ScenarioDeck.objects.filter(program__in=program_visible_to(user=request.user))
        .select_related("program")
        .annotate(card_count=Count("entries"))
    )
    context = {"nav": "practice", "decks": decks_shown, "form": form}
    return render(request, "practice/decks.html", context)


class SuggestionForm(forms.ModelForm):
    class Meta:
        model = ScenarioSuggestion
        fields = ["program", "title", "persona", "situation", "intensity", "ambiguity"]
        labels = {"ambiguity": "What is unclear (optional)"}
        widgets = {
            "persona": forms.Textarea(attrs={"rows": 2}),
            "situation": forms.Textarea(attrs={"rows": 3}),
            "ambiguity": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = program_visible_to(user=user)


class ReviewForm(forms.Form):
    note = forms.CharField(label="Note for the agent", required=False, max_length=2000)
    deck = forms.ModelChoiceField(queryset=None, required=False, label="Add to deck (optional)")

    def __init__(self, *args, suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deck"].queryset = ScenarioDeck.objects.filter(program=suggestion.program_id)


@login_required
@require_http_methods(["GET", "POST"])
def suggestions(request):
    """Agents suggest a scenario and follow their suggestions; managers review their
    agents' suggestions."""
    user = request.user
    if not (user.is_manager or user.role == user.Role.AGENT):
        raise PermissionDenied("Agents suggest scenarios; training managers review them.")
    is_agent = user.role == user.Role.AGENT
    form = SuggestionForm(request.POST or None, user=user) if is_agent else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Scenarios are suggested by agents.")
        if form.is_valid():
            services.suggestion_submit(agent=user, **form.cleaned_data)
            messages.success(request, "Thank you: a training manager will review it.")
            return redirect("web:practice-suggestions")
    shown = selectors.suggestion_visible_to(user=user).select_related("agent", "program", "card")
    rows = [
        {
            "suggestion": s,
            "review": ReviewForm(suggestion=s, auto_id=f"s{s.pk}_%s")
            if not is_agent and s.status == ScenarioSuggestion.Status.PENDING
            else None,
        }
        for s in shown[:100]
    ]
    context = {"nav": "practice", "form": form, "rows": rows, "is_agent": is_agent}
    return render(request, "practice/suggestions.html", context)


@login_required
@require_POST
def suggestion_review(request, pk):
    """A manager accepts (a new card, optionally into a deck) or declines a suggestion."""
    if not request.user.is_manager:
        raise PermissionDenied("Training managers review suggestions.")
    suggestion = get_object_or_404(selectors.suggestion_visible_to(user=request.user), pk=pk)
    form = ReviewForm(request.POST, suggestion=suggestion)
    decision = request.POST.get("decision")
    if not form.is_valid() or decision not in ("accept", "decline"):
        messages.error(request, "Choose a deck of the program, then accept or decline.")
        return redirect("web:practice-suggestions")
    try:
        if decision == "accept":
            services.suggestion_accept(
                suggestion=suggestion,
                manager=request.user,
                deck=form.cleaned_data["deck"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, f"“{suggestion}” is now a scenario card.")
        else:
            services.suggestion_decline(
                suggestion=suggestion, manager=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, f"“{suggestion}” declined.")
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    return redirect("web:practice-suggestions")
