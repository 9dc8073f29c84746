"""The written-drill analyzer: transparent rules that read an agent's written answer to a
scenario card and say, rule by rule, what the answer does well and what it misses.

Pure Python (no Django, no model, nothing downloaded): each rule is one function taking the
answer and the card's facts and returning findings. A finding names its rule, a verdict,
the agent's own words it is about (empty when the point is that something is absent) and
one sentence saying why. docs/practice.md describes every rule; coaches mark findings right
or wrong and the precision report (practice.selectors.rule_precision) measures each rule
on real answers.
"""

import re
from dataclasses import dataclass

VERSION = "rules-1"

# Verdicts: what the finding says about the answer.
MET = "met"  # the answer does what the rule looks for
PARTLY = "partly"  # half of it (generic validation, a commitment without a time frame...)
MISSING = "missing"  # the answer does not do it
FLAGGED = "flagged"  # words to avoid were used
NOT_NEEDED = "not_needed"  # the card does not call for it
VERDICTS = (MET, PARTLY, MISSING, FLAGGED, NOT_NEEDED)


@dataclass(frozen=True)
class Card:
    """What the rules need to know of a scenario card."""

    situation: str
    intensity: str  # low / medium / high
    ambiguity: str = ""
    stakes: str = ""


@dataclass(frozen=True)
class Finding:
    rule: str
    verdict: str
    quote: str
    why: str


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    criterion: str  # the rubric criterion it trains (RubricCriterion.key of the seeds' rubric)
    check: object  # the function


# --- text helpers ---------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s.strip()]


def _sentence_with(text: str, start: int, end: int) -> str:
    """The sentence of `text` around the span start:end (what a finding quotes)."""
    left = max(text.rfind(mark, 0, start) for mark in (".", "!", "?", "\n"))
    rights = [i for i in (text.find(mark, end) for mark in (".", "!", "?", "\n")) if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return text[left + 1 : right].strip()


def _first(patterns, text: str):
    """The first match of any of `patterns` in `text` (earliest position), or None."""
    found = [m for m in (p.search(text) for p in patterns) if m]
    return min(found, key=lambda m: m.start()) if found else None


def _words(*phrases: str) -> list[re.Pattern]:
    return [re.compile(rf"\b{p}\b", re.IGNORECASE) for p in phrases]


# --- validation -----------------------------------------------------------------------------

FEELINGS = (
    "frustrat\\w*", "annoy\\w*", "upset", "angry", "anger", "worr\\w*", "anxious", "stress\\w*",
    "disappoint\\w*", "confus\\w*", "concern\\w*", "embarrass\\w*", "let down", "misled",
    "unfair", "scared", "afraid", "overwhelm\\w*", "exhaust\\w*", "fed up", "hurt",
    "inconvenien\\w*", "alarm\\w*", "shock\\w*", "panic\\w*", "urgent", "pressure",
)  # fmt: skip
FEELING = re.compile(rf"\b({'|'.join(FEELINGS)})\b", re.IGNORECASE)
VALIDATION_OPENERS = _words(
    r"that must (be|have been|feel)",
    r"must (be|have been|feel) (so |really |very |pretty )?(frustrating|worrying|stressful|"
    r"upsetting|annoying|inconvenient|infuriating|confusing|disappointing|alarming|hard|awful)",
    r"(it|that) (sounds|sounded|must be|is) (really |so |very )?(hard|difficult|stressful|"
    r"frustrating|worrying|upsetting|annoying|inconvenient|awful|unsettling|disappointing)",
    r"i can (see|hear|imagine|understand) (why|how|that)",
    r"i (completely |totally |really )?understand (why|how|that)",
    r"(it|that) makes (complete |total )?sense",
    r"you('re| are) right to",
    r"no wonder",
    r"i('m| am) (so |really |very )?sorry (that|this|to hear)",
    r"i hear (you|that)",
    r"thank(s| you) for (the detail|your patience|explaining|telling|flagging|bearing)",
    r"this is not acceptable",
    r"that('s| is) not (acceptable|ok|okay|good enough)",
)
# Validation that names no feeling and no fact of this situation.
GENERIC_VALIDATION = _words(
    r"(sorry|apolog\w+) for (any|the) inconvenience( caused)?",
    r"i understand your frustration",
    r"we value (you|your business)",
)


def rule_validation(*, answer: str, card: Card) -> list[Finding]:
    """Validation present, and whether it names the customer's feeling or a fact of theirs
    (specific) or could be said to anyone (generic)."""
    matches = sorted(
        (m for p in VALIDATION_OPENERS for m in p.finditer(answer)), key=lambda m: m.start()
    )
    if not matches:
        generic = _first(GENERIC_VALIDATION, answer)
        if generic is None:
            return [
                Finding(
                    "validation",
                    MISSING,
                    "",
                    "No sentence acknowledges how the customer feels before moving to the fix.",
                )
            ]
        return [
            Finding(
                "validation",
                PARTLY,
                generic.group(0),
                "This acknowledgement is generic: it could be sent to anyone. Name what the "
                "customer feels or what happened to them.",
            )
        ]
    facts = situation_facts(card.situation)
    candidates = [_sentence_with(answer, m.start(), m.end()) for m in matches]
    for sentence in candidates:
        if FEELING.search(sentence) or any(_mentions(sentence, fact) for fact in facts):
            return [
                Finding(
                    "validation",
                    MET,
                    sentence,
                    "The acknowledgement is specific: it names the feeling or the situation.",
                )
            ]
    return [
        Finding(
            "validation",
            PARTLY,
            candidates[0],
            "There is an acknowledgement, but it names neither the customer's feeling nor "
            "what happened to them.",
        )
    ]


# --- paraphrase -----------------------------------------------------------------------------

_STOPWORD_TEXT = (
    "a about above after again against all also am an and any are as at be because been "
    "before being below between both but by can could did do does doing down during each few "
    "for from further had has have having he her here hers him his how i if in into is it its "
    "itself just me more most my no nor not now of off on once only or other our out over own "
    "same she should so some such than that the their them then there these they this those "
    "through to too under until up very was we were what when where which while who whom why "
    "will with would you your yours says said told tells nobody someone something still even "
    "since already which however while "
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'-]*", re.IGNORECASE)


def _stem(word: str) -> str:
    word = word.lower().strip("'-")
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def situation_facts(situation: str) -> dict[str, str]:
    """The key facts of a situation: numbers and content words of 4+ letters, as
    {stem: the word as the card writes it}, in the card's order."""
    facts = {}
    for token in _TOKEN.findall(situation or ""):
        if token.lower() in STOPWORDS:
            continue
        if token.isdigit() or len(token) >= 4:
            facts.setdefault(_stem(token), token.lower())
    return facts


def _mentions(text: str, fact: str) -> bool:
    return any(_stem(token) == fact for token in _TOKEN.findall(text))


def rule_paraphrase(*, answer: str, card: Card) -> list[Finding]:
    """The answer restates the customer's key facts: the share of the situation's facts
    (numbers and content words) the answer repeats."""
    facts = situation_facts(card.situation)
    if not facts:
        return [Finding("paraphrase", NOT_NEEDED, "", "The card states no facts to restate.")]
    echoed = [word for fact, word in facts.items() if _mentions(answer, fact)]
    share = len(echoed) / len(facts)
    best = max(sentences(answer), key=lambda s: sum(_mentions(s, f) for f in facts), default="")
    if len(echoed) >= 3 or share >= 0.3:
        return [
            Finding(
                "paraphrase",
                MET,
                best,
                f"The answer restates {len(echoed)} of the situation's {len(facts)} key "
                f"facts ({', '.join(echoed)}), so the customer knows they were heard.",
            )
        ]
    if echoed:
        return [
            Finding(
                "paraphrase",
                PARTLY,
                best,
                f"Only {', '.join(echoed)} of the situation's facts come back; restate what "
                "happened in a sentence of your own.",
            )
        ]
    return [
        Finding(
            "paraphrase",
            MISSING,
            "",
            "None of the situation's facts are restated: the customer cannot tell you "
            "understood what happened.",
        )
    ]


# --- open question --------------------------------------------------------------------------

OPEN_START = re.compile(
    r"^(what|how|which|when|where|why|who|could you (tell|walk|describe|share|explain)|"
    r"can you (tell|walk|describe|share|explain)|would you (tell|walk|describe|share)|"
    r"tell me)\b",
    re.IGNORECASE,
)
# Soft openers before the question itself ("So, ...", "Just to check, ...").
LEAD_IN = re.compile(r"^(so|and|also|just to (check|be sure|confirm)|one thing)[,:]?\s+", re.I)


def rule_open_question(*, answer: str, card: Card) -> list[Finding]:
    """Where the card's situation is ambiguous, the answer asks an open question (what,
    how, which, could you tell me...) rather than only yes/no questions or none."""
    if not card.ambiguity.strip():
        return [
            Finding(
                "open_question",
                NOT_NEEDED,
                "",
                "The card's situation is not ambiguous: a question is optional here.",
            )
        ]
    questions = [s for s in sentences(answer) if s.endswith("?")]
    for question in questions:
        if OPEN_START.search(LEAD_IN.sub("", question)):
            return [
                Finding(
                    "open_question",
                    MET,
                    question,
                    "An open question invites the customer to fill in what is unclear.",
                )
            ]
    if questions:
        return [
            Finding(
                "open_question",
                PARTLY,
                questions[0],
                "This question can be answered yes or no; the situation is ambiguous, so "
                "ask what, how or which to learn what you do not know.",
            )
        ]
    return [
        Finding(
            "open_question",
            MISSING,
            "",
            "The situation is ambiguous but the answer asks nothing: check before you commit.",
        )
    ]


# --- actionable closure ---------------------------------------------------------------------

COMMITMENT = _words(
    r"i('ll| will)",
    r"we('ll| will)",
    r"i('m| am) going to",
    r"let me",
    r"i('ve| have) (just )?"
    r"(sent|issued|refunded|raised|escalated|booked|started|opened|credited|restored)",
    r"first,? i",
    r"next,? i",
    r"you('ll| will) (get|receive|see|have|hear)",
)
TIME_FRAME = re.compile(
    r"\b(by|before|until)\s+(\d{1,2}([:.]\d{2})?\s*(am|pm)|noon|midday|tonight|tomorrow|"
    r"today|end of (the )?(day|week|business)|close of business|eod|"
    r"(this |next )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday))"
    r"|\bwithin\s+(the\s+next\s+)?(\d+|one|two|three|four|five|a|an|24|48)\s+"
    r"(minutes?|hours?|h|days?|business days?|working days?|weeks?)"
    r"|\bin\s+(the\s+next\s+)?(\d+|one|two|three|a|an)\s+(minutes?|hours?|days?|business days?)"
    r"|\b(today|tomorrow|this afternoon|this morning|this evening|tonight)\b"
    r"|\bat\s+\d{1,2}([:.]\d{2})?\s*(am|pm)\b",
    re.IGNORECASE,
)


def rule_closure(*, answer: str, card: Card) -> list[Finding]:
    """The answer ends with something the customer can hold you to: a commitment (I will,
    we will, you will receive) with a time frame (by 3 pm, within 24 hours, tomorrow)."""
    timed = [s for s in sentences(answer) if TIME_FRAME.search(s) and _first(COMMITMENT, s)]
    if timed:
        return [
            Finding(
                "closure",
                MET,
                timed[-1],
                "A commitment with a time frame: the customer knows what happens next and when.",
            )
        ]
    committed = [s for s in sentences(answer) if _first(COMMITMENT, s)]
    if committed:
        return [
            Finding(
                "closure",
                PARTLY,
                committed[-1],
                "There is a next step but no time frame: say when (“by 3 pm”, “within 24 hours”).",
            )
        ]
    return [
        Finding(
            "closure",
            MISSING,
            "",
            "The answer does not say what will happen next or when.",
        )
    ]


# --- weak and scripted phrases ----------------------------------------------------------------

WEAK_PHRASES = (
    (
        re.compile(
            r"\b(sorry|apolog\w*) for (any|the) inconvenience(( (this|that))?( may have)? caused)?",
            re.I,
        ),
        "A stock apology: it names neither what went wrong nor how it affected the customer.",
    ),
    (
        re.compile(r"\bwe value (you|your business|your custom)\b", re.I),
        "A scripted line customers recognise; show it with what you do instead.",
    ),
    (
        re.compile(r"\byour (call|message|request) is (very )?important to us\b", re.I),
        "A queue message, not something a person says.",
    ),
    (
        re.compile(r"\bi apologi[sz]e if\b", re.I),
        "A conditional apology (“if”) reads as doubting that anything happened.",
    ),
    (
        re.compile(r"\bplease (calm down|be patient|relax)\b", re.I),
        "Telling a customer how to feel tends to raise the temperature.",
    ),
    (
        re.compile(r"\b(to be honest|honestly speaking)\b", re.I),
        "Suggests the rest of the answer might not be honest.",
    ),
)
# "I understand your frustration" is weak when nothing specific follows it: the sentence ends
# there, or turns at once to "but".
EMPTY_UNDERSTANDING = re.compile(
    r"\bi (completely |totally |fully )?understand (your|the) (frustration|concern|feelings?)"
    r"\s*(?P<after>[^.!?\n]*)",
    re.IGNORECASE,
)


def rule_weak_phrases(*, answer: str, card: Card) -> list[Finding]:
    """Stock or scripted phrases, each flagged with the words used; "I understand your
    frustration" only when nothing specific follows it in the same sentence."""
    findings = []
    for pattern, why in WEAK_PHRASES:
        for match in pattern.finditer(answer):
            findings.append(Finding("weak_phrase", FLAGGED, match.group(0), why))
    for match in EMPTY_UNDERSTANDING.finditer(answer):
        after = match.group("after").strip(" ,;:-")
        if not after or re.match(r"^(but|however|though)\b", after, re.I):
            findings.append(
                Finding(
                    "weak_phrase",
                    FLAGGED,
                    match.group(0).strip(),
                    "“I understand your frustration” with nothing specific after it sounds "
                    "scripted; say what you understand.",
                )
            )
    return findings


# --- blame and defensive language -------------------------------------------------------------

BLAME = (
    (
        re.compile(r"\byou (should|could|would) have\b", re.I),
        "Tells the customer what they did wrong: it sounds like blame.",
    ),
    (
        re.compile(r"\byou (didn't|did not|failed to|forgot to|never)\b", re.I),
        "Points at the customer's mistake rather than at what can be done.",
    ),
    (
        re.compile(r"\b(it'?s|it is|that'?s|that is) not (my|our) fault\b", re.I),
        "Defending yourself moves the conversation away from the customer's problem.",
    ),
    (
        re.compile(r"\b(there'?s|there is) nothing (i|we) can do\b", re.I),
        "A dead end: say what you can do, even if it is not what they asked for.",
    ),
    (
        re.compile(r"\bas i (already|just) (said|explained|mentioned)\b", re.I),
        "Sounds impatient and puts the misunderstanding on the customer.",
    ),
    (
        re.compile(r"\b(it'?s|that'?s|it is|that is) (our|company|the) policy\b", re.I),
        "Hiding behind policy: explain the constraint and offer an alternative.",
    ),
    (
        re.compile(r"\b(the other|another) (team|department)('s)? (fault|mistake|problem)\b", re.I),
        "Blaming a colleague's team does not help the customer and hurts trust.",
    ),
    (
        re.compile(r"\byou need to understand\b", re.I),
        "Lectures the customer instead of acknowledging them.",
    ),
)


def rule_blame(*, answer: str, card: Card) -> list[Finding]:
    """Blame or defensive language, each flagged with the words used."""
    return [
        Finding("blame", FLAGGED, _sentence_with(answer, m.start(), m.end()), why)
        for pattern, why in BLAME
        for m in pattern.finditer(answer)
    ]


# --- intensity matched to the card --------------------------------------------------------------

# The seeds' templates: low "thanks for the detail, here is what we can do"; medium "that
# must have been inconvenient, here are the immediate steps"; high "this is not acceptable,
# let's fix it together; first I will...".
HIGH_OWNERSHIP = _words(
    r"not acceptable",
    r"unacceptable",
    r"let'?s (fix|sort|solve|resolve) (this|it)",
    r"together",
    r"first,? i('ll| will)?",
    r"i('m| am) (personally )?(taking|going to take) "
    r"(ownership|care|charge)",
    r"i('ll| will) personally",
    r"i own this",
    r"my priority",
)
MEDIUM_STEPS = _words(
    r"right (now|away)",
    r"immediate(ly)?",
    r"straight away",
    r"here('s| is| are) what",
    r"(the )?(next|first) steps?",
    r"first,? i",
    r"i('ve| have) already",
)
LOW_THANKS = _words(
    r"thank(s| you)",
    r"here('s| is) what (we|i) can do",
    r"appreciate",
)
OVERSTATED = _words(
    r"(deeply|terribly|extremely|incredibly|so so) sorry",
    r"unacceptable",
    r"i can only imagine",
    r"devastat\w*",
    r"horrible",
    r"nightmare",
)


def _register_called_for(answer: str, patterns, *, met: str, missing: str) -> list[Finding]:
    """`met`, quoting the sentence, when the answer uses one of `patterns`; else `missing`."""
    match = _first(patterns, answer)
    if match is None:
        return [Finding("intensity", MISSING, "", missing)]
    return [Finding("intensity", MET, _sentence_with(answer, match.start(), match.end()), met)]


def rule_intensity(*, answer: str, card: Card) -> list[Finding]:
    """The register fits the card's intensity: a high-intensity card calls for ownership
    and a first step ("let's fix this together; first I will..."), a medium one for
    immediate steps, a low one for a light touch (thanks, what we can do) without
    dramatic apologies."""
    intensity = (card.intensity or "").lower()
    if intensity == "high":
        return _register_called_for(
            answer,
            HIGH_OWNERSHIP,
            met="A high-intensity customer hears ownership and a first step.",
            missing="The card is high intensity: take ownership and say what you do first "
            "(“let's fix this together; first I will...”).",
        )
    if intensity == "medium":
        return _register_called_for(
            answer,
            MEDIUM_STEPS,
            met="A medium-intensity answer that moves to immediate steps.",
            missing="The card is medium intensity: acknowledge the inconvenience and give the "
            "immediate steps.",
        )
    over = _first(OVERSTATED, answer)
    if over:
        return [
            Finding(
                "intensity",
                FLAGGED,
                _sentence_with(answer, over.start(), over.end()),
                "The card is low intensity: this is stronger than the customer's mood and "
                "can sound insincere.",
            )
        ]
    thanks = _first(LOW_THANKS, answer)
    if thanks:
        return [
            Finding(
                "intensity",
                MET,
                _sentence_with(answer, thanks.start(), thanks.end()),
                "A light, matter-of-fact register fits a low-intensity customer.",
            )
        ]
    return [
        Finding(
            "intensity",
            PARTLY,
            "",
            "The card is low intensity: a short thanks for the detail and what you can do "
            "is enough.",
        )
    ]


RULES = (
    Rule("validation", "Validation", "validation", rule_validation),
    Rule("paraphrase", "Paraphrase of the facts", "paraphrase", rule_paraphrase),
    Rule("open_question", "Open question", "question_quality", rule_open_question),
    Rule("closure", "Actionable closure", "actionable_closure", rule_closure),
    Rule("weak_phrase", "Weak or scripted phrase", "validation", rule_weak_phrases),
    Rule("blame", "Blame or defensive language", "tone", rule_blame),
    Rule("intensity", "Intensity matched to the card", "tone", rule_intensity),
)
RULE_IDS = tuple(rule.id for rule in RULES)
RULE_NAMES = {rule.id: rule.name for rule in RULES}


def analyze(*, answer: str, card: Card) -> list[Finding]:
    """Every rule's findings for `answer`, in the rules' order."""
    return [finding for rule in RULES for finding in rule.check(answer=answer, card=card)]
