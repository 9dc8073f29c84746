"""Request bodies the API accepts."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Nothing Attune accepts nests deeper than a few levels; a body that does is refused
# before a serializer (or an error message about it) recurses through it.
MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering 400 to a body nested too deep instead of crashing."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(_too_deep()) from error
        if _depth(data) > MAX_JSON_DEPTH:
            raise ParseError(_too_deep())
        return data


def _too_deep() -> str:
    return f"JSON parse error - the body nests deeper than {MAX_JSON_DEPTH} levels."


def _depth(data) -> int:
    """How deeply lists and objects nest in `data`, without recursing."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            stack.extend((item, depth + 1) for item in value)
    return deepest
