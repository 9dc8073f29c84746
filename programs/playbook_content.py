"""Seed content for the built-in Attune programs.

Plain data only: the 90-day Empathy Essentials rollout and the seven-day new-hire primer,
each with its rubric reference, phases, workshops, weekly modules, scenario cards and
micro-scripts. A loader turns these structures into database rows.
"""

EMPATHY_ESSENTIALS = {
    "name": "Empathy Essentials",
    # Completed by day 90: most of the live work, and certified (the third phase's goal).
    "completion": {
        "completion_workshops_min": 3,  # of 4
        "completion_modules_min": 4,  # of 5
        "completion_coaching_min": 3,  # of 5 weeks
        "completion_requires_certification": True,
    },
    "description": (
        "A 90-day rollout that takes a support team from a scored baseline to certified "
        "empathy skills. Agents attend three onboarding workshops, then practise weekly "
        "in short modules with a peer partner, and finish with a live certification "
        "role-play measured against the five-criterion rubric."
    ),
    "rubric": {
        "name": "Empathy rubric",
        "version": 1,
        "description": (
            "Five criteria scored from 1 to 5 and weighted equally. The rubric score is the "
            "average of the five; reaching 70% of the maximum is the certification bar."
        ),
        "criteria": [
            {
                "key": "tone",
                "name": "Tone",
                "description": (
                    "1: flat, rushed or defensive, reads like a form letter. "
                    "5: warm and steady, pace and register fit the customer's mood."
                ),
                "scale_min": 1,
                "scale_max": 5,
                "levels": {
                    "1": "Flat, rushed or defensive; reads like a form letter.",
                    "2": "Polite but mechanical; the pace ignores how the customer feels.",
                    "3": "Friendly, with moments of hurry or stiffness.",
                    "4": "Warm and even; slips only under pressure.",
                    "5": "Warm and steady; pace and register fit the customer's mood.",
                },
                "weight": 1,
            },
            {
                "key": "validation",
                "name": "Validation",
                "description": (
                    "1: skips the feeling or offers a stock apology. 5: names the emotion and "
                    "ties it to what actually happened before moving to the fix."
                ),
                "scale_min": 1,
                "scale_max": 5,
                "levels": {
                    "1": "Skips the feeling, or offers a stock apology.",
                    "2": "Acknowledges that the customer is upset, in generic words.",
                    "3": "Names a feeling, but not what caused it.",
                    "4": "Names the feeling and its cause, a little late or briefly.",
                    "5": "Names the emotion and ties it to what happened before moving to the fix.",
                },
                "weight": 1,
            },
            {
                "key": "paraphrase",
                "name": "Paraphrase",
                "description": (
                    "1: no restatement, so misunderstandings surface late. 5: restates the "
                    "problem and its impact in the agent's own words and checks it is right."
                ),
                "scale_min": 1,
                "scale_max": 5,
                "levels": {
                    "1": "No restatement; misunderstandings surface late.",
                    "2": "Repeats the customer's words back without checking.",
                    "3": "Restates the problem but not what it costs the customer.",
                    "4": "Restates the problem and its impact, without checking it is right.",
                    "5": "Restates problem and impact in the agent's own words and checks them.",
                },
                "weight": 1,
            },
            {
                "key": "question_quality",
                "name": "Question quality",
                "description": (
                    "1: repeats questions already answered or asks for data on file. "
                    "5: few, open, well-timed questions that move the case forward."
                ),
                "scale_min": 1,
                "scale_max": 5,
                "levels": {
                    "1": "Repeats answered questions or asks for data already on file.",
                    "2": "Many closed questions; the customer does the work.",
                    "3": "Useful questions, not always in a useful order.",
                    "4": "Mostly open, well-placed questions; one or two wasted.",
                    "5": "Few, open, well-timed questions that move the case forward.",
                },
                "weight": 1,
            },
            {
                "key": "actionable_closure",
                "name": "Actionable closure",
                "description": (
                    "1: ends vaguely with no owner or timing. 5: confirms what happens next, "
                    "who does it, by when, and how the customer will hear back."
                ),
                "scale_min": 1,
                "scale_max": 5,
                "levels": {
                    "1": "Ends vaguely, with no owner or timing.",
                    "2": "Says something will happen, but not who or when.",
                    "3": "Names the next step and its owner, not the timing.",
                    "4": "Next step, owner and timing; how the customer hears back is left open.",
                    "5": (
                        "Confirms what happens next, who does it, by when, and how the "
                        "customer hears back."
                    ),
                },
                "weight": 1,
            },
        ],
    },
    "phases": [
        {
            "order": 1,
            "name": "Foundation and baseline",
            "first_day": 1,
            "last_day": 30,
            "goals": (
                "Score about 200 recent calls and chats to set the rubric baseline\n"
                "Record baseline CSAT, AHT and escalation rate\n"
                "Complete the three onboarding workshops\n"
                "Publish the micro-script crib sheet in the helpdesk"
            ),
            "workshops": [
                {
                    "order": 1,
                    "title": "Empathy basics",
                    "minutes": 60,
                    "day": 3,
                    "agenda": (
                        "10 min: why empathy moves CSAT and escalations, with team baseline\n"
                        "10 min: the five rubric criteria, one real example of each\n"
                        "15 min: exercise - rewrite three generic apologies so they name "
                        "the situation\n"
                        "20 min: live role-play in trios with a low-intensity card\n"
                        "5 min: debrief and one commitment per agent"
                    ),
                },
                {
                    "order": 2,
                    "title": "Active listening",
                    "minutes": 60,
                    "day": 10,
                    "agenda": (
                        "10 min: listening blockers - jumping to the fix, interrupting\n"
                        "15 min: drill - restate, name the emotion, ask one clarifying "
                        "question\n"
                        "10 min: empathy map (says, thinks, feels, does) for a recorded call\n"
                        "20 min: live role-play with a medium-intensity card, observer "
                        "scores paraphrase\n"
                        "5 min: debrief"
                    ),
                },
                {
                    "order": 3,
                    "title": "Validating language",
                    "minutes": 60,
                    "day": 17,
                    "agenda": (
                        "10 min: strong versus weak empathy statements, side by side\n"
                        "15 min: exercise - draft validation lines for refund, outage and "
                        "lockout cases\n"
                        "10 min: walk through the helpdesk crib sheet\n"
                        "20 min: live role-play with a high-intensity card, roles rotate\n"
                        "5 min: debrief and pick one line to use this week"
                    ),
                },
            ],
            "modules": [],
        },
        {
            "order": 2,
            "name": "Practice and integration",
            "first_day": 31,
            "last_day": 60,
            "peer_coaching": True,
            "goals": (
                "Finish one 30-minute module each week\n"
                "Meet your coaching partner weekly and score one interaction together\n"
                "Use the situation templates and macro prompts on live tickets\n"
                "Raise the rubric average and turn more escalations into resolutions"
            ),
            "workshops": [],
            "modules": [
                {
                    "week": 1,
                    "topic": "Reflective listening",
                    "summary": (
                        "Agents learn to mirror the customer's problem and its impact "
                        "before offering any fix."
                    ),
                    "prework_minutes": 5,
                    "prework_content": (
                        "Read the one-page guide on restating versus parroting, then listen "
                        "to a two-minute call clip and note the moment the agent paraphrased."
                    ),
                    "practice_minutes": 25,
                    "practice_instructions": (
                        "Work in trios as agent, customer and observer, switching roles every "
                        "six minutes across three scenario cards. The agent must restate the "
                        "issue and its impact before proposing anything; the observer scores "
                        "paraphrase and question quality. Use the last seven minutes to "
                        "debrief: what each restatement got right and what it missed."
                    ),
                },
                {
                    "week": 2,
                    "topic": "Tone matching",
                    "summary": (
                        "Agents practise adjusting pace, warmth and formality to the "
                        "customer without mirroring anger."
                    ),
                    "prework_minutes": 5,
                    "prework_content": (
                        "Compare two written replies to the same angry chat and mark the "
                        "words that make one sound calm and the other cold."
                    ),
                    "practice_minutes": 25,
                    "practice_instructions": (
                        "In trios, the customer plays the same card three times in a "
                        "different mood: hurried, anxious, furious. Rotate agent, customer "
                        "and observer each round, about six minutes each. The observer notes "
                        "pace, word choice and formality and scores tone. Debrief for seven "
                        "minutes on which adjustments landed and which felt forced."
                    ),
                },
                {
                    "week": 3,
                    "topic": "Cultural sensitivity",
                    "summary": (
                        "Agents learn to notice different expectations about directness, "
                        "formality and names, and to adapt without stereotyping."
                    ),
                    "prework_minutes": 5,
                    "prework_content": (
                        "Read three short real tickets where a literal or casual reply caused "
                        "offence, and jot down what the customer most likely expected."
                    ),
                    "practice_minutes": 25,
                    "practice_instructions": (
                        "Trios rotate agent, customer and observer over three email and chat "
                        "cards, six minutes a round. The agent checks how the customer wants "
                        "to be addressed and avoids idioms and slang; the observer flags "
                        "assumptions and scores tone and validation. Close with a seven-minute "
                        "debrief on which phrases could travel badly."
                    ),
                },
                {
                    "week": 4,
                    "topic": "De-escalation language",
                    "summary": (
                        "Agents practise lowering the temperature of a heated contact while "
                        "keeping control of the next step."
                    ),
                    "prework_minutes": 5,
                    "prework_content": (
                        "Watch a three-minute clip of an escalating call and list the two "
                        "sentences that made it worse and the one that calmed it down."
                    ),
                    "practice_minutes": 25,
                    "practice_instructions": (
                        "Use high-intensity cards. In trios, rotate agent, customer and "
                        "observer every six minutes; the customer interrupts and repeats "
                        "demands, and reveals the card's curveball halfway. The agent names "
                        "the emotion, states one concrete first action and commits to a time. "
                        "The observer scores validation and actionable closure. Debrief for "
                        "seven minutes, including how the agent will recover afterwards."
                    ),
                },
            ],
        },
        {
            "order": 3,
            "name": "Measurement, scale and certification",
            "first_day": 61,
            "last_day": 90,
            "goals": (
                "Run the 30-day A/B comparison against a business-as-usual group\n"
                "Pass certification: 70% on the rubric plus a passed live role-play\n"
                "Start monthly calibration for managers and plan quarterly refreshers\n"
                "Report ROI, retention and time-to-resolution changes"
            ),
            "workshops": [
                {
                    "order": 1,
                    "title": "Certification role-play preparation",
                    "minutes": 60,
                    "day": 2,
                    "agenda": (
                        "10 min: how certification works - rubric bar, assessor, role-play\n"
                        "10 min: review each agent's rubric trend and weakest criterion\n"
                        "10 min: exercise - 60-second empathy walk through account context\n"
                        "25 min: mock certification role-play, scored by someone other than "
                        "the peer partner\n"
                        "5 min: debrief and a personal plan for the real assessment"
                    ),
                },
            ],
            "modules": [
                {
                    "week": 1,
                    "topic": "Empathy sandwich for hard news",
                    "summary": (
                        "Agents practise delivering a no by validating first, stating the "
                        "constraint plainly and then offering a real alternative."
                    ),
                    "prework_minutes": 5,
                    "prework_content": (
                        "Read the three-part pattern (validate, constraint, alternative) and "
                        "write one sandwich for a refund that falls outside the policy window."
                    ),
                    "practice_minutes": 25,
                    "practice_instructions": (
                        "In trios, rotate agent, customer and observer every six minutes. "
                        "Each card contains news the customer will not like. The agent must "
                        "deliver all three layers in order without hiding the constraint; the "
                        "observer checks that the alternative is concrete and scores "
                        "validation and closure. Debrief for seven minutes on which "
                        "alternatives felt genuine."
                    ),
                },
            ],
        },
    ],
    "scenario_cards": [
        {
            "title": "Double charge on an annual plan",
            "persona": ("Priya, finance lead at a 40-seat design agency, calm but short on time."),
            "situation": (
                "The annual renewal was charged twice on the company card and the second "
                "charge pushed the card over its limit."
            ),
            "channel": "email",
            "intensity": "low",
            "stakes": "Account worth 18,000 a year; renewal processed three days ago.",
            "ambiguity": (
                "It is unclear whether the second charge is a duplicate or a separate "
                "add-on purchase made by a colleague."
            ),
            "curveball": (
                "Halfway through, she mentions a colleague may have upgraded seats the same "
                "day, which contradicts the duplicate theory."
            ),
            "success_signals": (
                "Agent acknowledges the card-limit knock-on, not just the charge\n"
                "Agent checks the seat history before promising a refund\n"
                "Reply gives a clear refund timeline and reference number"
            ),
            "reflection_questions": (
                "Did you confirm which charge was wrong before committing?\n"
                "How did you keep a busy customer's effort low?"
            ),
        },
        {
            "title": "Refund denied outside the window",
            "persona": ("Marcus, a freelance photographer on a monthly plan, feels he was misled."),
            "situation": (
                "He cancelled 35 days after purchase and was refused a refund under the "
                "30-day policy; he says nobody told him about the limit."
            ),
            "channel": "call",
            "intensity": "high",
            "stakes": "Small account, but he has posted about the issue publicly.",
            "ambiguity": (
                "The checkout page showed the policy, but the confirmation email did not."
            ),
            "curveball": (
                "Mid-call, a supervisor note appears saying the policy now allows goodwill "
                "credit, not cash, up to 45 days."
            ),
            "success_signals": (
                "Agent names his frustration about feeling misled\n"
                "Agent states the policy plainly without blaming him\n"
                "Agent offers the goodwill credit as a real alternative\n"
                "Customer agrees to a next step before the call ends"
            ),
            "reflection_questions": (
                "Where did you use the empathy sandwich, and did every layer land?\n"
                "How did you handle the policy change without sounding improvised?"
            ),
        },
        {
            "title": "Partial refund after a failed migration",
            "persona": ("Elena, operations manager at a retailer, anxious about her own boss."),
            "situation": (
                "A paid data-migration service ran late and missed half of her product "
                "records; she wants the fee back."
            ),
            "channel": "chat",
            "intensity": "medium",
            "stakes": "Account worth 45,000 a year; renewal due in six weeks.",
            "ambiguity": (
                "Some records were skipped because of errors in her export file, not ours."
            ),
            "curveball": ("She pastes a message from her director asking to cancel the renewal."),
            "success_signals": (
                "Agent acknowledges the pressure she is under internally\n"
                "Agent separates our failure from the file errors without blame\n"
                "Agent proposes a fix for the records plus a clear position on the fee"
            ),
            "reflection_questions": (
                "Did the upcoming renewal change how you worded things?\n"
                "How did you raise the file errors without sounding defensive?"
            ),
        },
        {
            "title": "Sync error with no clear cause",
            "persona": "Tom, a retired teacher who uses the mobile app for his club's bookings.",
            "situation": (
                "Bookings made on his phone do not appear on the web calendar since the "
                "last app update."
            ),
            "channel": "chat",
            "intensity": "low",
            "stakes": "Personal plan; he runs weekly sessions for 30 people.",
            "ambiguity": (
                "He is not sure which app version he has or whether he is logged into the "
                "same account on both devices."
            ),
            "curveball": ("He mentions he also changed his email address last week."),
            "success_signals": (
                "Agent uses plain, jargon-free steps\n"
                "Agent asks one question at a time and confirms each step worked\n"
                "Agent connects the email change to a possible second account"
            ),
            "reflection_questions": (
                "Which question unlocked the cause?\n"
                "How did you adjust your pace for a less technical customer?"
            ),
        },
        {
            "title": "Outage during a product launch",
            "persona": (
                "Jordan, head of e-commerce at a fashion brand, launching a collection today."
            ),
            "situation": (
                "The checkout integration has returned errors for 40 minutes during the "
                "brand's biggest launch of the year."
            ),
            "channel": "call",
            "intensity": "high",
            "stakes": "Enterprise account worth 120,000 a year; renewal in two months.",
            "ambiguity": (
                "Monitoring shows no incident yet; the errors may come from a recent change "
                "on the customer's side."
            ),
            "curveball": (
                "Mid-call, a platform-wide incident is declared, confirming the fault is ours."
            ),
            "success_signals": (
                "Agent acknowledges the launch and lost sales in specific terms\n"
                "Agent owns the fault promptly once the incident is confirmed\n"
                "Agent sets a callback interval and a named point of contact\n"
                "Agent avoids guessing a fix time it cannot back up"
            ),
            "reflection_questions": (
                "How did your tone shift when the incident was confirmed?\n"
                "What did you promise, and can the team keep it?\n"
                "What do you need to recover after this contact?"
            ),
        },
        {
            "title": "Reports exporting blank files",
            "persona": "Amara, a data analyst who needs figures for a board meeting tomorrow.",
            "situation": ("Every CSV export from the reporting screen downloads as an empty file."),
            "channel": "email",
            "intensity": "medium",
            "stakes": "Mid-size account; board meeting tomorrow morning.",
            "ambiguity": (
                "Exports work for other users in her company, so it may be a permission "
                "or browser issue."
            ),
            "curveball": (
                "A second email arrives from her manager saying the previous agent promised "
                "a fix by today."
            ),
            "success_signals": (
                "Reply acknowledges the deadline, not just the bug\n"
                "Reply gives a workaround she can use tonight\n"
                "Reply addresses the earlier promise honestly"
            ),
            "reflection_questions": (
                "How did you handle a promise made by someone else?\n"
                "Was the workaround usable without a follow-up question?"
            ),
        },
        {
            "title": "Locked out after password reset",
            "persona": "Sam, a small-business owner who is the only admin on the account.",
            "situation": (
                "A password reset email never arrived and the account is now locked after "
                "too many attempts."
            ),
            "channel": "call",
            "intensity": "medium",
            "stakes": "Payroll must be run from the account by end of day.",
            "ambiguity": (
                "Sam cannot access the email address on file, so identity checks are harder."
            ),
            "curveball": (
                "Security policy changed this month: admin recovery now needs a second "
                "verified contact, which Sam does not have."
            ),
            "success_signals": (
                "Agent acknowledges the payroll deadline specifically\n"
                "Agent explains why the checks exist without lecturing\n"
                "Agent lays out the fastest compliant recovery path with times"
            ),
            "reflection_questions": (
                "How did you balance security with urgency?\n"
                "Did you explain the new policy as a constraint, not an excuse?"
            ),
        },
        {
            "title": "Account merged with a stranger's",
            "persona": (
                "Helen, a clinic manager who found another company's invoices in her account."
            ),
            "situation": (
                "After a support request last week, her account shows data belonging to a "
                "different customer."
            ),
            "channel": "email",
            "intensity": "high",
            "stakes": "Account worth 30,000 a year; possible data-protection complaint.",
            "ambiguity": (
                "It is not yet known whether her own data was exposed to the other customer."
            ),
            "curveball": (
                "She forwards a reply from the other company saying they can see her "
                "patient-booking settings."
            ),
            "success_signals": (
                "Reply treats the privacy concern as serious from the first line\n"
                "Reply states what has been locked down already\n"
                "Reply names an owner and a time for the next update"
            ),
            "reflection_questions": (
                "Did you promise anything the security team has not confirmed?\n"
                "How did you stay specific without admitting facts not yet known?"
            ),
        },
        {
            "title": "Wrong plan after an upgrade",
            "persona": "Luis, office manager at an accounting firm, friendly and patient.",
            "situation": (
                "He upgraded to the team plan but the account still shows the single-user limits."
            ),
            "channel": "chat",
            "intensity": "low",
            "stakes": "Twelve staff waiting to be added before tax season.",
            "ambiguity": (
                "The payment succeeded, but the upgrade may have applied to a second, "
                "older account."
            ),
            "curveball": (
                "He asks whether he can also get last month's fee back because of the delay."
            ),
            "success_signals": (
                "Agent thanks him for the detail and confirms the right account\n"
                "Agent fixes or escalates the plan change in the same chat\n"
                "Agent answers the fee question directly"
            ),
            "reflection_questions": (
                "Did a low-intensity contact get the same care over the close?\n"
                "How did you handle the unexpected refund request?"
            ),
        },
    ],
    "micro_scripts": [
        {
            "kind": "opening",
            "situation": "general",
            "intensity": "",
            "locale": "en",
            "title": "Warm call opening",
            "text": (
                "Hi, this is [name] from support. I have your account open, so tell me "
                "what is going on and we will sort it out together."
            ),
        },
        {
            "kind": "opening",
            "situation": "general",
            "intensity": "",
            "locale": "en",
            "title": "Chat opening with context",
            "text": (
                "Hi [customer], thanks for reaching out. I can see your recent ticket about "
                "[topic], so you will not need to repeat yourself. What has changed since?"
            ),
        },
        {
            "kind": "validation",
            "situation": "refund",
            "intensity": "",
            "locale": "en",
            "title": "Charged for something not used",
            "text": (
                "Paying for something you did not get to use is annoying, especially when "
                "you have to chase it. Let me look at the charge with you now."
            ),
        },
        {
            "kind": "validation",
            "situation": "technical_failure",
            "intensity": "",
            "locale": "en",
            "title": "Broken tool, real deadline",
            "text": (
                "With [deadline] coming up, having [feature] fail right now puts you in a "
                "tough spot. I want to get you working again first, then find the cause."
            ),
        },
        {
            "kind": "validation",
            "situation": "account_problem",
            "intensity": "",
            "locale": "en",
            "title": "Locked out of your own account",
            "text": (
                "Being locked out of your own account when your team depends on it is "
                "stressful. I will stay with you until you are back in."
            ),
        },
        {
            "kind": "empathy_bridge",
            "situation": "general",
            "intensity": "",
            "locale": "en",
            "title": "From feeling to fix",
            "text": (
                "That makes sense, and it is exactly what I want to fix. To do that, can you "
                "tell me [one specific detail]?"
            ),
        },
        {
            "kind": "empathy_bridge",
            "situation": "technical_failure",
            "intensity": "",
            "locale": "en",
            "title": "Check understanding first",
            "text": (
                "So since [change], [feature] has stopped working and that is holding up "
                "[impact]. Have I got that right? If so, here is the first thing I will try."
            ),
        },
        {
            "kind": "next_steps",
            "situation": "refund",
            "intensity": "",
            "locale": "en",
            "title": "Refund next steps",
            "text": (
                "I have issued a refund of [amount] to the card ending [digits]. It should "
                "reach you within [n] business days, and your reference is [ref]. If it has "
                "not arrived by [date], reply to this message and I will chase it myself."
            ),
        },
        {
            "kind": "next_steps",
            "situation": "technical_failure",
            "intensity": "",
            "locale": "en",
            "title": "Fault next steps",
            "text": (
                "Here is where we are: [workaround] gets you running today, and our "
                "engineers are working on the root cause under ticket [ref]. I will update "
                "you by [time] whether or not it is fixed."
            ),
        },
        {
            "kind": "next_steps",
            "situation": "account_problem",
            "intensity": "",
            "locale": "en",
            "title": "Account fix next steps",
            "text": (
                "Your access is restored and I have added [backup contact] so this cannot "
                "lock you out again. I will check back on [date] to make sure everything "
                "still looks right."
            ),
        },
        {
            "kind": "intensity_template",
            "situation": "general",
            "intensity": "low",
            "locale": "en",
            "title": "Low intensity",
            "text": (
                "Thanks for laying that out so clearly, it saves us both time. Here is what "
                "I can do for you: [option]."
            ),
        },
        {
            "kind": "intensity_template",
            "situation": "general",
            "intensity": "medium",
            "locale": "en",
            "title": "Medium intensity",
            "text": (
                "Having [problem] happen in the middle of [task] must have thrown off your "
                "day. Right now I will [step one], then [step two]."
            ),
        },
        {
            "kind": "intensity_template",
            "situation": "general",
            "intensity": "high",
            "locale": "en",
            "title": "High intensity",
            "text": (
                "You are right, this should not have happened, and I am taking it on "
                "personally. The first thing I am doing is [action], and you will hear from "
                "me by [time]."
            ),
        },
        {
            "kind": "empathy_sandwich",
            "situation": "refund",
            "intensity": "",
            "locale": "en",
            "title": "Refund outside the policy window",
            "text": (
                "I can see why you expected this to be refunded, since you barely used it. "
                "Our refund window closed on [date], so I cannot return the payment. What I "
                "can do is [credit or pause] so you are not paying for time you do not need."
            ),
        },
        {
            "kind": "empathy_sandwich",
            "situation": "technical_failure",
            "intensity": "",
            "locale": "en",
            "title": "Feature will not return",
            "text": (
                "I know you built your weekly routine around [feature], so losing it is a "
                "real setback. It has been retired and will not be coming back. Let me show "
                "you [replacement] and set it up with you so your routine keeps working."
            ),
        },
    ],
}

NEW_HIRE_PRIMER = {
    "name": "New-hire empathy primer",
    "description": (
        "A one-week starter track for agents who have just joined. Day one covers the core "
        "phrases, days two and three are spent observing and scoring real interactions, "
        "and the rest of the week is live handling with a supervisor alongside."
    ),
    "rubric": {"name": "Empathy rubric", "version": 1},
    "phases": [
        {
            "order": 1,
            "name": "Learn the language",
            "first_day": 1,
            "last_day": 1,
            "goals": (
                "Memorise five openings, three validation phrases and one closing line\n"
                "Understand what each rubric criterion looks for\n"
                "Say each phrase aloud in a short role-play"
            ),
            "workshops": [
                {
                    "order": 1,
                    "title": "Your first empathy phrases",
                    "minutes": 60,
                    "day": 1,
                    "agenda": (
                        "10 min: the five rubric criteria in plain terms\n"
                        "15 min: read and adapt the five openings to your own voice\n"
                        "10 min: exercise - turn two generic apologies into specific ones\n"
                        "20 min: live role-play in pairs using the low-intensity cards\n"
                        "5 min: debrief and questions"
                    ),
                },
            ],
            "modules": [],
        },
        {
            "order": 2,
            "name": "Observe and score",
            "first_day": 2,
            "last_day": 3,
            "goals": (
                "Score ten real interactions with the rubric\n"
                "Compare your scores with an experienced reviewer's\n"
                "Note three phrases from strong agents you want to reuse"
            ),
            "workshops": [],
            "modules": [
                {
                    "week": 1,
                    "topic": "Observe and score ten interactions",
                    "summary": (
                        "New agents watch and score ten real contacts to learn what good "
                        "empathy sounds like on each channel."
                    ),
                    "prework_minutes": 5,
                    "prework_content": (
                        "Reread the rubric descriptions for scores 1 and 5 on each criterion "
                        "and keep the sheet open while you observe."
                    ),
                    "practice_minutes": 25,
                    "practice_instructions": (
                        "With a buddy, take turns as agent, customer and observer on two "
                        "recorded contacts, replaying the key moments; the observer scores "
                        "all five criteria. Then compare your scores with the reviewer's "
                        "reference scores and debrief on any gap of two points or more."
                    ),
                },
            ],
        },
        {
            "order": 3,
            "name": "Supervised handling",
            "first_day": 4,
            "last_day": 7,
            "goals": (
                "Handle live contacts with a supervisor listening in\n"
                "Use your openings, validation lines and closing every time\n"
                "Review one scored contact with your supervisor each day"
            ),
            "workshops": [],
            "modules": [
                {
                    "week": 1,
                    "topic": "First live contacts with a safety net",
                    "summary": (
                        "New agents take real contacts while a supervisor observes and "
                        "gives short feedback after each one."
                    ),
                    "prework_minutes": 5,
                    "prework_content": (
                        "Pick the opening, validation line and closing you will use today "
                        "and practise the 60-second account check before each reply."
                    ),
                    "practice_minutes": 25,
                    "practice_instructions": (
                        "Warm up with a short role-play, rotating agent, customer and "
                        "observer with your supervisor and a peer. Then handle live low-risk "
                        "contacts while the supervisor observes and scores. After each one, "
                        "debrief for two minutes: one thing that worked, one to change."
                    ),
                },
            ],
        },
    ],
    "scenario_cards": [
        {
            "title": "Where is my refund?",
            "persona": "Nadia, a longtime customer on a personal plan, polite and curious.",
            "situation": (
                "She was promised a refund last week and it has not shown on her statement."
            ),
            "channel": "chat",
            "intensity": "low",
            "stakes": "Personal plan; customer for six years.",
            "ambiguity": "The refund was issued, but her bank may still be processing it.",
            "curveball": "She mentions she has since changed banks.",
            "success_signals": (
                "Agent thanks her for her patience in specific terms\n"
                "Agent confirms the refund date and reference\n"
                "Agent explains what to do if it goes to the old account"
            ),
            "reflection_questions": (
                "Did you use one of your openings and a closing line?\n"
                "What would you check first next time?"
            ),
        },
        {
            "title": "Cannot change the account email",
            "persona": "Owen, a student using the free plan, slightly confused.",
            "situation": ("The settings page rejects his new email address with an unclear error."),
            "channel": "email",
            "intensity": "low",
            "stakes": "Free plan; considering an upgrade.",
            "ambiguity": "The new address may already belong to another account.",
            "curveball": "He says he might have signed up twice years ago.",
            "success_signals": (
                "Reply restates his goal before giving steps\n"
                "Reply gives numbered, simple steps\n"
                "Reply closes with what happens next"
            ),
            "reflection_questions": (
                "Did your paraphrase match what he actually wanted?\n"
                "Which validation phrase fitted best here?"
            ),
        },
    ],
    "micro_scripts": [
        {
            "kind": "opening",
            "situation": "general",
            "intensity": "",
            "locale": "en",
            "title": "Simple greeting",
            "text": "Hi, I'm [name]. Thanks for getting in touch. How can I help today?",
        },
        {
            "kind": "opening",
            "situation": "general",
            "intensity": "",
            "locale": "en",
            "title": "Returning customer",
            "text": (
                "Welcome back, [customer]. I can see your earlier message, so let's pick up "
                "where it left off."
            ),
        },
        {
            "kind": "opening",
            "situation": "general",
            "intensity": "",
            "locale": "en",
            "title": "After a wait",
            "text": (
                "Thanks for waiting, [customer]. I'm here now and I'll stay with this "
                "until it's sorted."
            ),
        },
        {
            "kind": "opening",
            "situation": "general",
            "intensity": "",
            "locale": "en",
            "title": "Email reply opening",
            "text": (
                "Hi [customer], thank you for the clear description of [issue]. "
                "Here is what I have found so far."
            ),
        },
        {
            "kind": "opening",
            "situation": "general",
            "intensity": "",
            "locale": "en",
            "title": "Invite the full story",
            "text": (
                "Hi, this is [name]. Take me through what happened from the start, and I "
                "will take notes as you go."
            ),
        },
        {
            "kind": "validation",
            "situation": "general",
            "intensity": "",
            "locale": "en",
            "title": "Name the impact",
            "text": (
                "So [problem] has stopped you from [task], which is a real hassle. "
                "Let's change that."
            ),
        },
        {
            "kind": "validation",
            "situation": "general",
            "intensity": "",
            "locale": "en",
            "title": "Recognise the effort",
            "text": (
                "You have already tried [steps], so I won't ask you to repeat them. "
                "Thanks for doing that groundwork."
            ),
        },
        {
            "kind": "validation",
            "situation": "general",
            "intensity": "",
            "locale": "en",
            "title": "Fair expectation",
            "text": (
                "It's fair to expect [thing] to just work, and I understand why this "
                "caught you off guard."
            ),
        },
        {
            "kind": "next_steps",
            "situation": "general",
            "intensity": "",
            "locale": "en",
            "title": "Standard closing",
            "text": (
                "To recap: I have [action], and next [what happens] by [time]. If anything "
                "looks off before then, reply here and it comes straight back to me."
            ),
        },
    ],
}

EMPATHY_REFRESHER = {
    "name": "Empathy Refresher",
    # Completed by day 28: most of the weekly practice and the closing role-play session.
    "completion": {
        "completion_workshops_min": 1,  # of 1
        "completion_modules_min": 3,  # of 4
        "completion_coaching_min": 2,  # of 4 weeks
        "completion_requires_certification": False,
    },
    "description": (
        "A four-week tune-up for certified agents, run every quarter. Each week is five "
        "minutes of reading and twenty-five minutes of live practice with a partner on one "
        "of the habits that fade first under queue pressure: naming the feeling, "
        "restating the problem, closing with a concrete next step. The last week ends with a "
        "short scored role-play."
    ),
    "rubric": {"name": "Empathy rubric", "version": 1},
    "phases": [
        {
            "order": 1,
            "name": "Quarterly tune-up",
            "first_day": 1,
            "last_day": 28,
            "peer_coaching": True,
            "goals": (
                "Bring validation, paraphrase and closure back to the level you certified at\n"
                "Practise each habit live with a partner, one habit a week\n"
                "Finish with a scored role-play on the empathy rubric"
            ),
            "workshops": [
                {
                    "order": 1,
                    "title": "Closing role-play",
                    "minutes": 30,
                    "day": 26,
                    "agenda": (
                        "5 min: what changed since last quarter - one habit each\n"
                        "20 min: the refresher scenario in pairs, a facilitator scoring with "
                        "the rubric\n"
                        "5 min: one thing to keep, one thing to watch next quarter"
                    ),
                },
            ],
            "modules": [
                {
                    "week": 1,
                    "topic": "Name the feeling, then the cause",
                    "summary": (
                        "Validation slips first: under pressure agents jump to the fix. This "
                        "week brings back the habit of naming what the customer feels and why."
                    ),
                    "prework_minutes": 5,
                    "prework_content": (
                        "Pick two of your own recent contacts. For each, write the sentence "
                        "where you acknowledged the customer's feeling, or note that there was "
                        "none. Rewrite one so that it names the feeling and what caused it."
                    ),
                    "practice_minutes": 25,
                    "practice_instructions": (
                        "With your partner, take turns reading a frustrated customer's first "
                        "message aloud. The agent answers with one validating sentence before "
                        "anything else; the listener says whether the feeling and its cause "
                        "were both named. Five rounds each, then swap your best lines."
                    ),
                },
                {
                    "week": 2,
                    "topic": "Restate and check",
                    "summary": (
                        "A quick paraphrase catches misunderstandings early. This week agents "
                        "practise restating the problem and its cost, then checking."
                    ),
                    "prework_minutes": 5,
                    "prework_content": (
                        "Reread the paraphrase criterion of the rubric. Find one contact where "
                        "the real problem only came out late, and write the restatement that "
                        "would have surfaced it in the first minute."
                    ),
                    "practice_minutes": 25,
                    "practice_instructions": (
                        "Your partner describes a messy problem in a rambling way. Restate it "
                        "in two sentences - what happened and what it is stopping them from "
                        "doing - and end with a check question. The partner scores the "
                        "restatement from 1 to 5; swap after three problems."
                    ),
                },
                {
                    "week": 3,
                    "topic": "Close with owner, timing and follow-up",
                    "summary": (
                        "Vague endings are the most common reason a case comes back. This "
                        "week agents rehearse closings that say who does what by when."
                    ),
                    "prework_minutes": 5,
                    "prework_content": (
                        "Look at the last three cases you closed. Did each ending say what "
                        "happens next, who does it, by when, and how the customer hears back? "
                        "Rewrite the weakest ending."
                    ),
                    "practice_minutes": 25,
                    "practice_instructions": (
                        "Each of you brings one open case. Role-play only its last two "
                        "minutes: the agent closes, the partner ticks off owner, timing and "
                        "follow-up channel. Redo any closing that misses one, then swap."
                    ),
                },
                {
                    "week": 4,
                    "topic": "Put it together under pressure",
                    "summary": (
                        "A full contact with a harder customer, using the three habits in "
                        "order, to prepare for the closing role-play."
                    ),
                    "prework_minutes": 5,
                    "prework_content": (
                        "Read the refresher scenario card and plan your first validating "
                        "sentence, your restatement and your closing before the session."
                    ),
                    "practice_minutes": 25,
                    "practice_instructions": (
                        "Run the scenario twice, once in each role. The listener scores "
                        "validation, paraphrase and actionable closure with the rubric and "
                        "names the moment where each one landed or was missed."
                    ),
                },
            ],
        },
    ],
    "scenario_cards": [
        {
            "title": "The fix that did not stick",
            "persona": (
                "Marta, office manager at a small firm, usually patient, now short on time."
            ),
            "situation": (
                "Her team's shared calendar stopped syncing again, two weeks after support "
                "said it was fixed. A client meeting was missed this morning because of it."
            ),
            "channel": "call",
            "intensity": "medium",
            "stakes": "Business plan with twelve seats; renewal is next month.",
            "ambiguity": (
                "The earlier fix was real, but a new device on her team may have brought the "
                "old settings back."
            ),
            "curveball": "Halfway through she asks to speak to whoever handled it last time.",
            "success_signals": (
                "Agent names her frustration and the missed meeting before troubleshooting\n"
                "Agent restates the problem, including that it came back, and checks it\n"
                "Agent closes with the next step, who owns it, when, and how she hears back"
            ),
            "reflection_questions": (
                "Which of the three habits came most naturally, and which did you rush?\n"
                "How did you handle the request for the previous agent?"
            ),
        },
    ],
    "micro_scripts": [],
}
