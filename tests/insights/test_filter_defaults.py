"""The insight endpoints skip building their filter serializers when a request has no query
parameters (insights.api._valid): the defaults they use instead must be what validating no
parameters gives."""

import pytest
from django.http import QueryDict

from insights.api import ExperimentResultFilters, InsightFilters


@pytest.mark.parametrize("filters_class", [InsightFilters, ExperimentResultFilters])
def test_the_defaults_are_what_validating_no_parameters_gives(filters_class):
    filters_ = filters_class(data=QueryDict())

    assert filters_.is_valid(), filters_.errors
    assert filters_.validated_data == filters_class.DEFAULTS
