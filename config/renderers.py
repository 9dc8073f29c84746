"""Response bodies the API writes."""

import math

from rest_framework import renderers, status


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer; a number JSON cannot hold (inf, nan) is a 400, never a 500.

    Inputs are validated so that figures stay finite; this is the net under that: the
    client asked for figures too large to compute, and learns so instead of a crash.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except ValueError:
            if not _has_non_finite(data):
                raise
        response = (renderer_context or {}).get("response")
        if response is not None:
            response.status_code = status.HTTP_400_BAD_REQUEST
        detail = "The figures asked for are too large to compute; give smaller inputs."
        return super().render({"detail": detail}, accepted_media_type, renderer_context)


def _has_non_finite(data) -> bool:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return True
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
    return False
