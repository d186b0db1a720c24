from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.pagination import LimitOffsetPagination
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


class Pagination(LimitOffsetPagination):
    """DRF's ?limit=&offset= paging, read strictly: a value that is not a whole number in
    range is a 400 naming it, instead of being ignored or overflowing the database."""

    max_limit = 1000
    max_offset = 2**31 - 1

    def get_limit(self, request):
        return self._read(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return self._read(request, self.offset_query_param, 0, self.max_offset, 0)

    @staticmethod
    def _read(request, name, low, high, default):
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return default
        if raw.isascii() and raw.isdecimal() and len(raw) <= len(str(high)):
            value = int(raw)
            if low <= value <= high:
                return value
        message = _("Give a whole number from %(low)d to %(high)d.")
        raise exceptions.ValidationError({name: [message % {"low": low, "high": high}]})

    def get_schema_operation_parameters(self, view):
        bounds = {
            self.limit_query_param: (1, self.max_limit),
            self.offset_query_param: (0, self.max_offset),
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"] = {**parameter["schema"], "minimum": low, "maximum": high}
        return parameters


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404 like the API's own, not the HTML page."""
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
