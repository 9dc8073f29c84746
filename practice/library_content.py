"""The built-in practice library: frameworks and exercises, written for Attune. Loaded by
`manage.py load_playbook` (practice/library.py); `criteria` name rubric criterion keys of
the seeds' rubric, `modules` and `workshops` name topics and titles of Empathy Essentials."""

FRAMEWORKS = [
    {
        "slug": "heart",
        "name": "HEART",
        "summary": "A five-beat path through a complaint: let the customer finish, show you "
        "get why it matters, own the part that is yours, fix what can be fixed, and close "
        "warmly.",
        "when_to_use": "Complaints about something that went wrong on our side.",
        "steps": [
            ("Hear", "Let the customer tell the whole story without interrupting or solving."),
            ("Empathize", "Say back what this cost them: time, money, stress."),
            ("Apologize", "Apologise for the specific thing that went wrong, once, plainly."),
            ("Respond", "Say what you will do and by when, then do it."),
            ("Thank", "Thank them for raising it: it helps us fix it for others."),
        ],
        "criteria": ["validation", "actionable_closure"],
        "workshops": ["Empathy basics"],
        "modules": [],
    },
    {
        "slug": "care",
        "name": "CARE",
        "summary": "Four moves for contacts where the problem is not clear yet: make contact, "
        "find out what is really going on, solve it, then check it worked.",
        "when_to_use": "Technical or account problems with an unclear cause.",
        "steps": [
            ("Connect", "Greet by name and show you are paying attention to this customer."),
            ("Assess", "Ask open questions until you can state the problem in one sentence."),
            ("Resolve", "Agree the fix and the next step with a time frame."),
            ("Evaluate", "Check back that the fix worked and nothing else is open."),
        ],
        "criteria": ["question_quality", "actionable_closure"],
        "workshops": ["Active listening"],
        "modules": ["Reflective listening"],
    },
    {
        "slug": "nurse",
        "name": "NURSE",
        "summary": "Five ways to respond to a strong emotion before moving on to facts.",
        "when_to_use": "High-intensity contacts: anger, fear, distress.",
        "steps": [
            ("Name", "Name the feeling you notice: “you sound worried about the deadline”."),
            ("Understand", "Say that the reaction makes sense given what happened."),
            ("Respect", "Acknowledge the effort they already made to sort it out."),
            ("Support", "Say you will stay with it until it is settled."),
            ("Explore", "Ask what worries them most, so you fix the right thing first."),
        ],
        "criteria": ["validation", "tone"],
        "workshops": ["Validating language"],
        "modules": ["De-escalation language"],
    },
    {
        "slug": "last",
        "name": "L.A.S.T.",
        "summary": "A short sequence for calming an upset customer: listen, apologise, solve, "
        "thank.",
        "when_to_use": "Quick service recoveries, often in chat.",
        "steps": [
            ("Listen", "Read or hear the whole message; note the facts and the feeling."),
            ("Apologize", "Apologise for their specific experience, not “any inconvenience”."),
            ("Solve", "Offer the fix, or the best alternative when policy stands in the way."),
            ("Thank", "Thank them for their patience or for telling us."),
        ],
        "criteria": ["validation", "actionable_closure"],
        "workshops": [],
        "modules": ["Tone matching"],
    },
    {
        "slug": "nonviolent-communication",
        "name": "Nonviolent Communication (observation, feeling, need, request)",
        "summary": "Say what happened without judging it, the feeling it caused, the need "
        "behind the feeling, and a concrete request. Useful to hear a customer's complaint "
        "and to phrase hard news without blame.",
        "when_to_use": "Heated contacts, and feedback to a coaching partner.",
        "steps": [
            ("Observation", "The facts as a camera would record them, without judging."),
            ("Feeling", "The emotion those facts caused (theirs, or yours in feedback)."),
            ("Need", "What matters to the person underneath the feeling."),
            ("Request", "One concrete, doable action, asked rather than demanded."),
        ],
        "criteria": ["paraphrase", "tone"],
        "workshops": [],
        "modules": ["De-escalation language"],
    },
    {
        "slug": "ladder-of-inference",
        "name": "Ladder of Inference",
        "summary": "How we climb from what we observe to conclusions and actions in a few "
        "quick steps. Walking back down it keeps an agent from answering the customer they "
        "imagined rather than the one in front of them.",
        "when_to_use": "When you catch yourself sure of what the customer “really” wants.",
        "steps": [
            ("Observe", "What exactly did the customer say or do?"),
            ("Select", "Which of those facts am I paying attention to, and which not?"),
            ("Interpret", "What meaning am I adding to them?"),
            ("Conclude", "What am I now assuming about the customer?"),
            ("Act", "Check the assumption with a question before acting on it."),
        ],
        "criteria": ["question_quality", "paraphrase"],
        "workshops": ["Active listening"],
        "modules": ["Reflective listening"],
    },
]

EXERCISES = [
    {
        "slug": "empathy-map",
        "name": "Empathy map",
        "summary": "Fill in what a customer says, thinks, feels and does in one real contact.",
        "instructions": "Pick a recent contact. Draw four boxes: says, thinks, feels, does. "
        "Fill each with what you know and what you guess (mark guesses). Then write one "
        "sentence you could have said that answers the “feels” box.",
        "minutes": 10,
        "solo": True,
        "frameworks": ["ladder-of-inference"],
        "criteria": ["validation"],
        "workshops": ["Empathy basics"],
        "modules": ["Reflective listening"],
    },
    {
        "slug": "active-listening-drill",
        "name": "Active-listening drill",
        "summary": "In pairs: restate, name the emotion, ask one clarifying question.",
        "instructions": "Your partner reads a customer message from a scenario card. You "
        "answer with exactly three things: a restatement of the facts, the emotion you "
        "hear, and one open question. Swap roles after each card; the observer scores the "
        "three with the rubric.",
        "minutes": 15,
        "solo": False,
        "frameworks": ["care", "nurse"],
        "criteria": ["paraphrase", "question_quality", "validation"],
        "workshops": ["Active listening"],
        "modules": ["Reflective listening"],
    },
    {
        "slug": "strong-weak-statements",
        "name": "Strong versus weak statements",
        "summary": "Rewrite generic empathy lines into ones specific to the situation.",
        "instructions": "Take five stock lines (“sorry for any inconvenience”, “I understand "
        "your frustration”...). For each, pick a scenario card and rewrite the line so it "
        "names what happened and how it affected the customer. Try one as a written drill "
        "to see the feedback.",
        "minutes": 10,
        "solo": True,
        "frameworks": ["heart", "last"],
        "criteria": ["validation", "tone"],
        "workshops": ["Validating language"],
        "modules": ["Tone matching"],
    },
    {
        "slug": "cause-and-effect-map",
        "name": "Cause-and-effect map",
        "summary": "Map what led to a customer's problem and what it set off for them.",
        "instructions": "Write the customer's problem in the middle. To the left, the causes "
        "you know of (product, policy, process, communication); to the right, the knock-on "
        "effects on the customer. Circle the effect you would acknowledge first.",
        "minutes": 15,
        "solo": True,
        "frameworks": ["ladder-of-inference"],
        "criteria": ["paraphrase"],
        "workshops": [],
        "modules": ["De-escalation language"],
    },
    {
        "slug": "csat-comment-review",
        "name": "CSAT-comment review",
        "summary": "Read ten survey comments and sort what customers praise and miss.",
        "instructions": "Take ten recent CSAT comments, good and bad. Mark each: did the "
        "customer feel heard, was the next step clear, was the tone right? Write down the "
        "one habit you will change this week.",
        "minutes": 20,
        "solo": True,
        "frameworks": [],
        "criteria": ["tone", "actionable_closure"],
        "workshops": [],
        "modules": ["Tone matching"],
    },
    {
        "slug": "account-walk",
        "name": "The 60-second account walk",
        "summary": "Before replying, spend one minute on the account: value, renewal date, "
        "recent tickets.",
        "instructions": "On your next five contacts, set a 60-second timer before replying. "
        "Note the account's value, its renewal date and its last three tickets, and use one "
        "of those facts in your reply.",
        "minutes": 5,
        "solo": True,
        "frameworks": [],
        "criteria": ["paraphrase"],
    },
    {
        "slug": "empathy-wins",
        "name": "Empathy wins: tell the story",
        "summary": "Tell a two-minute story of a contact where empathy changed the outcome.",
        "instructions": "Situation, what the customer felt, what you said, what changed. "
        "Tell it at the next standup or write it down; the team keeps the best ones.",
        "minutes": 5,
        "solo": True,
        "frameworks": ["heart"],
        "criteria": ["validation"],
        "workshops": ["Empathy basics"],
        "modules": [],
    },
    {
        "slug": "micro-script-flashcards",
        "name": "Flashcards",
        "summary": "Go through today's micro-script flashcards in a few minutes.",
        "instructions": "Open your flashcards, say each line to yourself before showing the "
        "answer, and be honest about “I knew it”.",
        "minutes": 5,
        "solo": True,
        "frameworks": [],
        "criteria": ["validation", "actionable_closure"],
    },
    {
        "slug": "reflection",
        "name": "Reflection",
        "summary": "Five minutes on one contact: what went well, what you would try next.",
        "instructions": "Pick one contact of today. Write what you did that helped, what you "
        "would say differently, and which framework step you skipped.",
        "minutes": 5,
        "solo": True,
        "frameworks": ["nonviolent-communication"],
        "criteria": ["tone"],
    },
]
