"""Hiring's parts of cohorts' pages, loaded by their templates so that cohorts does not
import hiring (hiring depends on cohorts): the plan page's "Your starting point" section,
where an agent hired through Attune finds their interview scores (one query; nothing
shown to other agents), and which agents of a cohort page's list have a starting point
their manager may open (one query for the page)."""

from django import template

from hiring import selectors

register = template.Library()


@register.inclusion_tag("hiring/_plan_starting_point.html")
def starting_point_section(agent):
    candidate = selectors.starting_point_candidate(agent=agent, user=agent)
    return {"candidate": candidate}


@register.simple_tag(takes_context=True)
def starting_points(context, enrolled):
    """The ids of the agents among `enrolled` (the cohort page's (enrolment, progress,
    history) rows) whose starting point the signed-in manager may read."""
    agent_ids = [enrollment.agent_id for enrollment, *_ in enrolled]
    return selectors.starting_points_readable(agent_ids=agent_ids, user=context["user"])
