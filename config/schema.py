"""The OpenAPI schema documents the errors every operation can answer, not only its 2xx.

docs/api.md describes the shapes: a 400 is an object of field names to messages (see
`config.api.exception_handler`), every other error an object with a `detail` message.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Messages by field name; `non_field_errors` holds those about the request as a whole."
    ),
    "additionalProperties": {},
}
ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
ERROR_DESCRIPTIONS = {
    "400": ("ValidationError", "The request is invalid; the body names each field."),
    "403": ("Error", "Not signed in, or not allowed to do this."),
    "404": ("Error", "No such object among those you may see, or no such page."),
    "409": ("Error", "Something still refers to this object, so it is kept."),
    "415": ("Error", "The request body is not in a content type this operation accepts."),
    "429": ("Error", "Too many requests, or too many wrong passwords: try again later."),
}


class AttuneAutoSchema(AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for code in self._error_codes(operation):
            name, description = ERROR_DESCRIPTIONS[code]
            operation["responses"].setdefault(
                code,
                {
                    "description": description,
                    "content": {"application/json": {"schema": self._component(name)}},
                },
            )
        return operation

    def _error_codes(self, operation) -> list[str]:
        locations = {parameter["in"] for parameter in operation.get("parameters", [])}
        has_body = "requestBody" in operation
        changes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        # Every operation is throttled (settings.REST_FRAMEWORK's throttle classes).
        codes = ["403", "429"]
        # A change can be refused whatever its body: a service raises ValidationError.
        if changes or has_body or "query" in locations:
            codes.append("400")
        if "path" in locations or (self.method == "GET" and self._is_paginated_list()):
            codes.append("404")
        if self.method == "DELETE":
            codes.append("409")
        if has_body:
            codes.append("415")
        return codes

    def _get_paginator(self):
        # DRF paginates in ListModelMixin.list only; an action answering a list answers
        # all of it, so the schema must not describe it as a page.
        if getattr(self.view, "action", "list") != "list":
            return None
        return super()._get_paginator()

    def _is_paginated_list(self) -> bool:
        return self._is_list_view() and self._get_paginator() is not None

    def _component(self, name: str) -> dict:
        schema = VALIDATION_ERROR if name == "ValidationError" else ERROR
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        return component.ref
