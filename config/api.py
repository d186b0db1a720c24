from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import ConflictError, EmailUnverified


def exception_handler(exc, context):
    """DRF's handler, plus domain errors: Django ValidationError → 400, ConflictError → 409."""
    if isinstance(exc, ConflictError):
        return Response(
            {"detail": exc.detail, "conflicts": exc.conflicts}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, EmailUnverified):
        exc = exceptions.PermissionDenied(detail=exc.message, code="email_unverified")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
