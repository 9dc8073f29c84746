"""The practice API: written drills (an agent answers a card and reads the findings at
once), coaches' marks on findings, and each analyzer rule's measured precision."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAgent, IsManagerOrReadOnly, IsNotHR
from cohorts.models import Cohort
from config.api import ScopedRelatedField
from practice import decks, flashcards, selectors, services
from practice.models import (
    ANSWER_MAX_CHARS,
    NOTES_MAX_CHARS,
    DrillAnswer,
    DrillFinding,
    Exercise,
    ExerciseLog,
    Framework,
    FrameworkStep,
    ScenarioDeck,
    ScenarioSuggestion,
)
from programs.models import Program, ScenarioCard
from programs.selectors import program_visible_to


class IsCoachOrManager(BasePermission):
    message = "Only coaches and training managers may do this."

    def has_permission(self, request, view):
        return selectors.can_mark(user=request.user)


class IsAgentOrManager(BasePermission):
    message = "Only agents and training managers may do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user and user.is_authenticated and (user.is_manager or user.role == user.Role.AGENT)
        )


class DrillFindingSerializer(serializers.ModelSerializer):
    my_mark = serializers.SerializerMethodField(
        help_text="The asking coach's mark: true (right), false (wrong) or null."
    )

    class Meta:
        model = DrillFinding
        fields = ["id", "order", "rule", "verdict", "quote", "why", "my_mark"]
        read_only_fields = fields

    def get_my_mark(self, finding) -> bool | None:
        marks = getattr(finding, "my_marks", None)
        return marks[0].correct if marks else None


class DrillAnswerSerializer(serializers.ModelSerializer):
    card = ScopedRelatedField(
        scope=selectors.drill_cards_visible_to, queryset=ScenarioCard.objects.all()
    )
    text = serializers.CharField(max_length=ANSWER_MAX_CHARS)
    findings = DrillFindingSerializer(many=True, read_only=True)

    class Meta:
        model = DrillAnswer
        fields = ["id", "agent", "card", "text", "analyzer_version", "created_at", "findings"]
        read_only_fields = ["agent", "analyzer_version", "created_at", "findings"]


class DrillAnswerViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Written drills. An agent posts an answer to a scenario card and gets the findings in
    the response; they list their own answers. Coaches and managers read the answers of the
    agents they review, coach or facilitate; HR gets 403."""

    serializer_class = DrillAnswerSerializer
    permission_classes = [IsNotHR]
    filterset_fields = ["card", "agent"]

    def get_queryset(self):
        return selectors.drill_answer_detail_queryset(user=self.request.user)

    def create(self, request, *args, **kwargs):
        if request.user.role != request.user.Role.AGENT:
            raise PermissionDenied("Written drills are answered by agents.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answer = services.drill_answer_submit(
            agent=request.user,
            card=serializer.validated_data["card"],
            text=serializer.validated_data["text"],
        )
        answer = self.get_queryset().get(pk=answer.pk)
        return Response(self.get_serializer(answer).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Delete your own answer with its findings (another's you may read answers 403)."""
        answer = get_object_or_404(self.get_queryset(), pk=pk)
        if answer.agent_id != request.user.pk:
            raise PermissionDenied("Only the agent who wrote an answer deletes it.")
        services.drill_answer_delete(answer=answer, agent=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FindingMarkSerializer(serializers.Serializer):
    correct = serializers.BooleanField(help_text="true: the finding is right; false: wrong.")


class DrillFindingViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Findings a coach or manager may judge; `mark` records right or wrong (again to
    change it). Findings of answers outside their scope answer 404."""

    serializer_class = DrillFindingSerializer
    permission_classes = [IsCoachOrManager]

    def get_queryset(self):
        return selectors.finding_markable_by(user=self.request.user).order_by("pk")

    @extend_schema(request=FindingMarkSerializer, responses={200: DrillFindingSerializer})
    @action(detail=True, methods=["post"])
    def mark(self, request, pk=None):
        finding = self.get_object()
        body = FindingMarkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.finding_mark(
            finding=finding, coach=request.user, correct=body.validated_data["correct"]
        )
        finding = (
            selectors.drill_answer_detail_queryset(user=request.user)
            .get(pk=finding.answer_id)
            .findings.get(pk=finding.pk)
        )
        finding.my_marks = list(finding.marks.filter(coach=request.user))
        return Response(DrillFindingSerializer(finding).data)


class RulePrecisionSerializer(serializers.Serializer):
    rule = serializers.CharField()
    name = serializers.CharField()
    findings = serializers.IntegerField()
    marked = serializers.IntegerField()
    right = serializers.IntegerField()
    wrong = serializers.IntegerField()
    precision = serializers.FloatField(allow_null=True)


class RulePrecisionView(APIView):
    """Each analyzer rule's precision from coaches' marks (right marks / all marks). Counts
    per rule only; coaches and managers."""

    permission_classes = [IsCoachOrManager]

    @extend_schema(responses={200: RulePrecisionSerializer(many=True)})
    def get(self, request):
        return Response(RulePrecisionSerializer(selectors.rule_precision(), many=True).data)


class FlashcardSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=flashcards.KIND_CHOICES,
        help_text="A micro-script, or a framework's steps.",
    )
    id = serializers.IntegerField(source="pk", help_text="The micro-script's or framework's id.")
    front = serializers.CharField()
    back = serializers.CharField()
    box = serializers.IntegerField(allow_null=True, help_text="1-5; null for a new card.")
    due_on = serializers.DateField(allow_null=True)


class FlashcardProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    seen = serializers.IntegerField()
    new = serializers.IntegerField()
    learned = serializers.IntegerField()
    due_today = serializers.IntegerField()
    reviewed_today = serializers.IntegerField()
    streak_days = serializers.IntegerField()
    boxes = serializers.DictField(child=serializers.IntegerField())


class FlashcardReviewSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=flashcards.KIND_CHOICES)
    id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    knew = serializers.BooleanField()


class FlashcardReviewedSerializer(serializers.Serializer):
    kind = serializers.SerializerMethodField()
    id = serializers.SerializerMethodField()
    box = serializers.IntegerField()
    due_on = serializers.DateField()

    def get_kind(self, box) -> str:
        return flashcards.SCRIPT if box.script_id else flashcards.FRAMEWORK

    def get_id(self, box) -> int:
        return box.script_id or box.framework_id


class FlashcardViewSet(viewsets.ViewSet):
    """An agent's flashcards (their programs' micro-scripts and frameworks' steps) with
    Leitner boxes: today's session, a review (knew it or not), and their progress. Agents
    only."""

    permission_classes = [IsAgent]

    @extend_schema(responses={200: FlashcardSerializer(many=True)})
    def list(self, request):
        """Today's session: the cards due, then a few new ones."""
        cards = flashcards.session_cards(agent=request.user, now=timezone.now())
        return Response(FlashcardSerializer(cards, many=True).data)

    @extend_schema(request=FlashcardReviewSerializer, responses={200: FlashcardReviewedSerializer})
    @action(detail=False, methods=["post"])
    def review(self, request):
        """The agent went through a card: `knew` moves it up a box, otherwise back to box 1."""
        body = FlashcardReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        card = flashcards.card_of(
            agent=request.user, kind=body.validated_data["kind"], pk=body.validated_data["id"]
        )
        if card is None:
            raise serializers.ValidationError({"id": ["Not one of your flashcards."]})
        box = flashcards.flashcard_review(
            agent=request.user, knew=body.validated_data["knew"], now=timezone.now(), **card
        )
        return Response(FlashcardReviewedSerializer(box).data)

    @extend_schema(responses={200: FlashcardProgressSerializer})
    @action(detail=False, methods=["get"])
    def progress(self, request):
        progress = flashcards.flashcard_progress(agent=request.user, now=timezone.now())
        data = {**progress.__dict__, "new": progress.new,
                "boxes": {str(k): v for k, v in progress.boxes.items()}}  # fmt: skip
        return Response(FlashcardProgressSerializer(data).data)


# --- library -------------------------------------------------------------------------------


class FrameworkStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = FrameworkStep
        fields = ["order", "name", "text"]


class FrameworkSerializer(serializers.ModelSerializer):
    steps = FrameworkStepSerializer(many=True, read_only=True)
    criteria = serializers.SlugRelatedField(
        slug_field="key", many=True, read_only=True, help_text="Rubric criterion keys."
    )

    class Meta:
        model = Framework
        fields = ["id", "slug", "name", "summary", "when_to_use", "steps", "criteria",
                  "modules", "workshops", "exercises"]  # fmt: skip
        read_only_fields = fields


class ExerciseSerializer(serializers.ModelSerializer):
    frameworks = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    criteria = serializers.SlugRelatedField(
        slug_field="key", many=True, read_only=True, help_text="Rubric criterion keys."
    )

    class Meta:
        model = Exercise
        fields = ["id", "slug", "name", "summary", "instructions", "minutes", "solo",
                  "frameworks", "criteria", "modules", "workshops"]  # fmt: skip
        read_only_fields = fields


class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """The practice library's frameworks (curriculum: everyone signed in reads them;
    training managers edit them in the admin)."""

    serializer_class = FrameworkSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.frameworks_for(user=self.request.user).order_by("name", "id")


class ExerciseViewSet(viewsets.ReadOnlyModelViewSet):
    """The practice library's exercises."""

    serializer_class = ExerciseSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.exercises_for(user=self.request.user).order_by("name", "id")


class ExerciseLogSerializer(serializers.ModelSerializer):
    exercise = serializers.SlugRelatedField(slug_field="slug", queryset=Exercise.objects.all())
    notes = serializers.CharField(
        max_length=NOTES_MAX_CHARS, required=False, allow_blank=True, default=""
    )
    done_at = serializers.DateTimeField(required=False)

    class Meta:
        model = ExerciseLog
        fields = ["id", "agent", "exercise", "done_at", "notes", "shared_with_partner"]
        read_only_fields = ["agent"]


class ExerciseLogUpdateSerializer(serializers.Serializer):
    notes = serializers.CharField(max_length=NOTES_MAX_CHARS, required=False, allow_blank=True)
    shared_with_partner = serializers.BooleanField(required=False)


class ExerciseLogViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """An agent's exercise log: their own entries, and the ones their coaching partners
    shared with them. Agents only; the notes are private unless shared."""

    serializer_class = ExerciseLogSerializer
    permission_classes = [IsAgent]
    filterset_fields = ["shared_with_partner"]

    def get_queryset(self):
        return selectors.exercise_log_visible_to(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.exercise_log_create(
            agent=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=ExerciseLogUpdateSerializer, responses={200: ExerciseLogSerializer})
    def partial_update(self, request, pk=None):
        """Change your own entry's notes or sharing (a partner's entry answers 404)."""
        log = get_object_or_404(selectors.exercise_log_own(user=request.user), pk=pk)
        body = ExerciseLogUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.exercise_log_update(log=log, agent=request.user, **body.validated_data)
        return Response(ExerciseLogSerializer(log).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Delete your own entry, notes and all (a partner's entry answers 404)."""
        log = get_object_or_404(selectors.exercise_log_own(user=request.user), pk=pk)
        services.exercise_log_delete(log=log, agent=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- decks, standups, suggestions ----------------------------------------------------------------


def _published_cards(*, user):
    return selectors.drill_cards_visible_to(user=user)


class ScenarioDeckSerializer(serializers.ModelSerializer):
    program = ScopedRelatedField(scope=program_visible_to, queryset=Program.objects.all())
    cards = ScopedRelatedField(
        scope=_published_cards, queryset=ScenarioCard.objects.all(), many=True, required=False
    )

    class Meta:
        model = ScenarioDeck
        fields = ["id", "name", "description", "program", "cards", "created_at"]
        read_only_fields = ["created_at"]

    def to_representation(self, deck):
        data = super().to_representation(deck)
        data["cards"] = [card.pk for card in selectors.deck_cards(deck)]
        return data


class ScenarioDeckViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """Scenario decks for standup drills: everyone signed in reads them; training managers
    make them and set their cards (in order)."""

    serializer_class = ScenarioDeckSerializer
    permission_classes = [IsManagerOrReadOnly]
    filterset_fields = ["program"]

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return ScenarioDeck.objects.none()
        return ScenarioDeck.objects.filter(
            program__in=program_visible_to(user=self.request.user)
        ).order_by("name", "id")

    def perform_create(self, serializer):
        serializer.instance = services.deck_create(**serializer.validated_data)

    def perform_update(self, serializer):
        deck = serializer.instance
        data = dict(serializer.validated_data)
        cards = data.pop("cards", None)
        if "program" in data and data["program"] != deck.program:
            raise serializers.ValidationError({"program": ["A deck keeps its program."]})
        for name, value in data.items():
            setattr(deck, name, value)
        deck.full_clean()
        deck.save()
        if cards is not None:
            services.deck_cards_set(deck=deck, cards=cards)


class StandupDrillSerializer(serializers.Serializer):
    cohort = serializers.IntegerField()
    deck = serializers.IntegerField(allow_null=True)
    week = serializers.IntegerField(allow_null=True)
    card = serializers.IntegerField(allow_null=True)
    card_title = serializers.CharField(allow_null=True)
    next_card = serializers.IntegerField(allow_null=True)
    minutes = serializers.IntegerField()


class CohortDeckSerializer(serializers.Serializer):
    cohort = ScopedRelatedField(scope=selectors.standup_cohorts, queryset=Cohort.objects.all())
    deck = serializers.PrimaryKeyRelatedField(queryset=ScenarioDeck.objects.all())


class StandupDrillViewSet(viewsets.ViewSet):
    """This week's standup drill of each cohort the user facilitates (the card of its deck's
    weekly rotation), and choosing a cohort's deck."""

    permission_classes = [IsCoachOrManager]

    @extend_schema(responses={200: StandupDrillSerializer(many=True)})
    def list(self, request):
        cohorts = selectors.standup_cohorts(user=request.user).exclude(
            status__in=selectors.ENDED_COHORTS
        ).order_by("name", "id")  # fmt: skip
        drills = selectors.standup_drills(cohorts=cohorts, now=timezone.now())
        rows = []
        for cohort_id, drill in drills.items():
            rows.append({
                "cohort": cohort_id,
                "deck": drill["deck"].pk if drill else None,
                "week": drill["week"] if drill else None,
                "card": drill["card"].pk if drill else None,
                "card_title": drill["card"].title if drill else None,
                "next_card": drill["next_card"].pk if drill else None,
                "minutes": decks.DRILL_MINUTES,
            })  # fmt: skip
        return Response(StandupDrillSerializer(rows, many=True).data)

    @extend_schema(request=CohortDeckSerializer, responses={200: CohortDeckSerializer})
    @action(detail=False, methods=["post"], url_path="choose-deck")
    def choose_deck(self, request):
        """The deck a cohort's standups draw from (a facilitating manager chooses it)."""
        if not request.user.is_manager:
            raise PermissionDenied("Training managers choose a cohort's deck.")
        body = CohortDeckSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        services.cohort_deck_set(user=request.user, **body.validated_data)
        return Response(
            {"cohort": body.validated_data["cohort"].pk, "deck": body.validated_data["deck"].pk}
        )


class ScenarioSuggestionSerializer(serializers.ModelSerializer):
    program = ScopedRelatedField(scope=program_visible_to, queryset=Program.objects.all())

    class Meta:
        model = ScenarioSuggestion
        fields = ["id", "agent", "program", "title", "persona", "situation", "intensity",
                  "ambiguity", "status", "reviewed_by", "reviewed_at", "review_note", "card",
                  "created_at"]  # fmt: skip
        read_only_fields = ["agent", "status", "reviewed_by", "reviewed_at", "review_note",
                            "card", "created_at"]  # fmt: skip


class SuggestionReviewSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    deck = serializers.PrimaryKeyRelatedField(
        queryset=ScenarioDeck.objects.all(), required=False, allow_null=True, default=None
    )


REVIEWED = {200: ScenarioSuggestionSerializer}


class ScenarioSuggestionViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Scenarios agents suggest. Agents suggest and read their own; training managers read
    their agents' and accept (a new scenario card, optionally added to a deck) or decline
    with a note. Coaches and HR get 403."""

    serializer_class = ScenarioSuggestionSerializer
    permission_classes = [IsAgentOrManager]
    filterset_fields = ["status", "program"]

    def get_queryset(self):
        return selectors.suggestion_visible_to(user=self.request.user)

    def perform_create(self, serializer):
        if self.request.user.role != self.request.user.Role.AGENT:
            raise PermissionDenied("Scenarios are suggested by agents.")
        serializer.instance = services.suggestion_submit(
            agent=self.request.user, **serializer.validated_data
        )

    def _review(self, request, accept: bool):
        if not request.user.is_manager:
            raise PermissionDenied("Training managers review suggestions.")
        suggestion = self.get_object()
        body = SuggestionReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if accept:
            services.suggestion_accept(
                suggestion=suggestion, manager=request.user, **body.validated_data
            )
        else:
            services.suggestion_decline(
                suggestion=suggestion, manager=request.user, note=body.validated_data["note"]
            )
        suggestion.refresh_from_db()
        return Response(self.get_serializer(suggestion).data)

    @extend_schema(
        request=SuggestionReviewSerializer, responses={200: ScenarioSuggestionSerializer}
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Add it to its program as a scenario card (and to `deck`, if given)."""
        return self._review(request, accept=True)

    @extend_schema(
        request=SuggestionReviewSerializer, responses={200: ScenarioSuggestionSerializer}
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline with a `note` the agent reads."""
        return self._review(request, accept=False)
