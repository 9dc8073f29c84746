"""The plan page's "Your starting point" section: cohorts' plan template loads this tag, so
an agent hired through Attune finds their interview scores on their plan without cohorts
importing hiring (hiring depends on cohorts). One query; nothing shown to other agents."""

from django import template

from hiring import selectors

register = template.Library()


@register.inclusion_tag("hiring/_plan_starting_point.html")
def starting_point_section(agent):
    candidate = selectors.starting_point_candidate(agent=agent, user=agent)
    return {"candidate": candidate}
