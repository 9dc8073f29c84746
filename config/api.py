"""Project-wide REST API plumbing."""

import copy

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def as_drf_validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """Translate a Django ValidationError into DRF's, keeping the field names."""
    if hasattr(error, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    """Services raise Django's ValidationError; the API answers it with a 400."""
    if isinstance(exc, DjangoValidationError):
        exc = as_drf_validation_error(exc)
    return drf_exception_handler(exc, context)


class ModelCleanSerializer(serializers.ModelSerializer):
    """A ModelSerializer that also runs the model's `full_clean()`.

    The admin validates through `full_clean()`; running it here too means the API enforces
    exactly the same rules (field validators, `clean()`, constraints) with the same
    messages, and bad input is a 400 naming the field rather than an IntegrityError.
    """

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance is not None else model()
        many_to_many = {field.name for field in model._meta.many_to_many}
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise as_drf_validation_error(error) from error
        return attrs
