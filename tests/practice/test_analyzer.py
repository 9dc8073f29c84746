"""The written-drill analyzer, rule by rule: example answers with the findings each rule is
expected to make (verdict, and the words it quotes)."""

import pytest

from practice import analyzer
from practice.analyzer import FLAGGED, MET, MISSING, NOT_NEEDED, PARTLY, Card

REFUND = Card(
    situation=(
        "He cancelled 35 days after purchase and was refused a refund under the 30-day "
        "policy; he says nobody told him about the limit."
    ),
    intensity="high",
    ambiguity="The checkout page showed the policy, but the confirmation email did not.",
)
DOUBLE_CHARGE = Card(
    situation=(
        "The annual renewal was charged twice on the company card and the second charge "
        "pushed the card over its limit."
    ),
    intensity="low",
    ambiguity="It is unclear whether the second charge is a duplicate or an add-on.",
)
OUTAGE = Card(
    situation="The dashboard has been down since this morning and reports are late.",
    intensity="medium",
)


def _one(findings):
    assert len(findings) == 1, findings
    return findings[0]


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "verdict", "quoted"),
    [
        (
            "Being refused a refund after 35 days must be frustrating. I will look into it.",
            MET,
            "Being refused a refund after 35 days must be frustrating.",
        ),
        (
            "I can see why you feel misled: nobody told you about the limit.",
            MET,
            "I can see why you feel misled: nobody told you about the limit.",
        ),
        ("I hear you. Let me check.", PARTLY, "I hear you."),
        ("Sorry for any inconvenience. Let me check.", PARTLY, "Sorry for any inconvenience"),
        ("Your refund is not possible. Goodbye.", MISSING, ""),
    ],
)
def test_validation_names_the_feeling_or_is_generic_or_absent(answer, verdict, quoted):
    finding = _one(analyzer.rule_validation(answer=answer, card=REFUND))
    assert (finding.rule, finding.verdict, finding.quote) == ("validation", verdict, quoted)
    assert finding.why


def test_a_later_specific_validation_wins_over_an_earlier_generic_one():
    answer = "I hear you. That must be worrying with the card over its limit."
    finding = _one(analyzer.rule_validation(answer=answer, card=DOUBLE_CHARGE))
    assert finding.verdict == MET
    assert finding.quote == "That must be worrying with the card over its limit."


# --- paraphrase ------------------------------------------------------------------------------


def test_a_paraphrase_that_restates_the_facts_is_met_and_names_them():
    answer = "So the renewal was charged twice and the second charge took the card over its limit."
    finding = _one(analyzer.rule_paraphrase(answer=answer, card=DOUBLE_CHARGE))
    assert finding.verdict == MET
    assert finding.quote == answer
    assert "renewal" in finding.why
    assert "limit" in finding.why


def test_a_paraphrase_with_one_fact_is_partial():
    finding = _one(
        analyzer.rule_paraphrase(answer="I will look at your card today.", card=DOUBLE_CHARGE)
    )
    assert finding.verdict == PARTLY
    assert "card" in finding.why


def test_an_answer_that_restates_nothing_misses_the_paraphrase():
    finding = _one(analyzer.rule_paraphrase(answer="Thanks, I will check.", card=DOUBLE_CHARGE))
    assert (finding.verdict, finding.quote) == (MISSING, "")


def test_word_forms_count_as_the_same_fact():
    # "charges" and "charged" are the card's "charged"; "renewals" its "renewal".
    answer = "Both renewals charges hit the card and its limit."
    finding = _one(analyzer.rule_paraphrase(answer=answer, card=DOUBLE_CHARGE))
    assert finding.verdict == MET


# --- open question ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "verdict", "quoted"),
    [
        (
            "Which e-mail address did you buy with? I will check.",
            MET,
            "Which e-mail address did you buy with?",
        ),
        (
            "Just to check, could you tell me what the confirmation said?",
            MET,
            "Just to check, could you tell me what the confirmation said?",
        ),
        ("Did you read the checkout page?", PARTLY, "Did you read the checkout page?"),
        ("I will refund you.", MISSING, ""),
    ],
)
def test_an_ambiguous_card_calls_for_an_open_question(answer, verdict, quoted):
    finding = _one(analyzer.rule_open_question(answer=answer, card=REFUND))
    assert (finding.rule, finding.verdict, finding.quote) == ("open_question", verdict, quoted)


def test_a_clear_card_does_not_need_a_question():
    finding = _one(analyzer.rule_open_question(answer="I will fix it.", card=OUTAGE))
    assert finding.verdict == NOT_NEEDED


# --- actionable closure ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "verdict", "quoted"),
    [
        ("I will call you back by 3 pm.", MET, "I will call you back by 3 pm."),
        (
            "We'll send the refund within 24 hours.",
            MET,
            "We'll send the refund within 24 hours.",
        ),
        ("You will receive an e-mail tomorrow.", MET, "You will receive an e-mail tomorrow."),
        ("I'll look into it.", PARTLY, "I'll look into it."),
        ("These things happen.", MISSING, ""),
    ],
)
def test_closure_needs_a_commitment_with_a_time_frame(answer, verdict, quoted):
    finding = _one(analyzer.rule_closure(answer=answer, card=REFUND))
    assert (finding.rule, finding.verdict, finding.quote) == ("closure", verdict, quoted)


def test_a_time_without_a_commitment_is_not_a_closure():
    finding = _one(analyzer.rule_closure(answer="The outage started at 9 am today.", card=OUTAGE))
    assert finding.verdict == MISSING


# --- weak and scripted phrases ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "quoted"),
    [
        ("We apologise for any inconvenience caused.", "apologise for any inconvenience caused"),
        ("Sorry for the inconvenience.", "Sorry for the inconvenience"),
        ("We value your business.", "We value your business"),
        ("Please calm down so I can help.", "Please calm down"),
        ("I apologize if you felt misled.", "I apologize if"),
        ("I understand your frustration.", "I understand your frustration."),
        (
            "I understand your frustration, but the policy is clear.",
            "I understand your frustration, but the policy is clear",
        ),
    ],
)
def test_weak_phrases_are_flagged_with_the_words_used(answer, quoted):
    finding = _one(analyzer.rule_weak_phrases(answer=answer, card=REFUND))
    assert (finding.rule, finding.verdict) == ("weak_phrase", FLAGGED)
    assert finding.quote.rstrip(".") == quoted.rstrip(".")


def test_understanding_followed_by_specifics_is_not_flagged():
    answer = "I understand your frustration about paying twice when the card was already full."
    assert analyzer.rule_weak_phrases(answer=answer, card=DOUBLE_CHARGE) == []


def test_each_weak_phrase_is_a_finding_of_its_own():
    answer = "Sorry for any inconvenience. We value your business."
    assert len(analyzer.rule_weak_phrases(answer=answer, card=REFUND)) == 2


# --- blame and defensive language --------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "quoted"),
    [
        ("You should have read the policy.", "You should have read the policy."),
        ("You didn't cancel in time.", "You didn't cancel in time."),
        ("It's not our fault the bank was slow.", "It's not our fault the bank was slow."),
        ("There is nothing we can do.", "There is nothing we can do."),
        ("As I already said, the window is 30 days.", "As I already said, the window is 30 days."),
        ("That is our policy.", "That is our policy."),
        ("That was the other team's mistake.", "That was the other team's mistake."),
    ],
)
def test_blame_and_defensive_language_is_flagged_in_its_sentence(answer, quoted):
    finding = _one(analyzer.rule_blame(answer=answer, card=REFUND))
    assert (finding.rule, finding.verdict, finding.quote) == ("blame", FLAGGED, quoted)


def test_an_answer_without_blame_has_no_blame_finding():
    answer = "Let's fix this together: first I will check the confirmation e-mail."
    assert analyzer.rule_blame(answer=answer, card=REFUND) == []


# --- intensity -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("card", "answer", "verdict"),
    [
        (REFUND, "This is not acceptable, let's fix it together.", MET),
        (REFUND, "First, I will check the e-mail you were sent.", MET),
        (REFUND, "Thanks for the detail, here is what we can do.", MISSING),
        (OUTAGE, "Here is what I am doing right now.", MET),
        (OUTAGE, "Thanks for writing in.", MISSING),
        (DOUBLE_CHARGE, "Thanks for the detail, here is what we can do.", MET),
        (DOUBLE_CHARGE, "I am deeply sorry, this is a nightmare.", FLAGGED),
        (DOUBLE_CHARGE, "The refund is on its way.", PARTLY),
    ],
)
def test_the_register_fits_the_cards_intensity(card, answer, verdict):
    finding = _one(analyzer.rule_intensity(answer=answer, card=card))
    assert (finding.rule, finding.verdict) == ("intensity", verdict)
    if verdict in (MET, FLAGGED):
        assert finding.quote == answer


# --- the whole analysis ----------------------------------------------------------------------


def test_a_strong_answer_meets_every_rule_and_is_flagged_for_nothing():
    answer = (
        "Marcus, being refused a refund after 35 days when nobody told you about the 30-day "
        "limit must be frustrating. That's not acceptable, so let's fix it together: first I "
        "will check what your confirmation e-mail said. Which address did you buy with? I "
        "will call you back by 3 pm today with the answer."
    )
    findings = analyzer.analyze(answer=answer, card=REFUND)
    assert {f.rule: f.verdict for f in findings} == {
        "validation": MET,
        "paraphrase": MET,
        "open_question": MET,
        "closure": MET,
        "intensity": MET,
    }


def test_a_weak_answer_gets_a_finding_from_every_rule():
    answer = "Sorry for any inconvenience. I understand your frustration. You should have read it."
    findings = analyzer.analyze(answer=answer, card=REFUND)
    assert [(f.rule, f.verdict) for f in findings] == [
        ("validation", PARTLY),
        ("paraphrase", MISSING),
        ("open_question", MISSING),
        ("closure", MISSING),
        ("weak_phrase", FLAGGED),
        ("weak_phrase", FLAGGED),
        ("blame", FLAGGED),
        ("intensity", MISSING),
    ]


def test_every_rule_is_documented():
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "practice.md").read_text()
    for rule in analyzer.RULES:
        assert f"`{rule.id}`" in guide, rule.id
