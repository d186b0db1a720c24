"""The OpenAPI schema's generator class (kept apart from config.api, which DRF's settings
import while drf-spectacular's own modules are still importing DRF)."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """An error: ``detail`` says what went wrong; a 400 names each field instead."""

    detail = serializers.CharField(required=False)


ERROR_ANSWERS = {
    "400": "Invalid input; the body names each field.",
    "401": "Not signed in, or the token is not valid.",
    "403": "Not allowed for you.",
    "404": "Not found, or not yours to see.",
    "415": "The body's content type is not JSON or a form.",
    "429": "Too many tries; wait and try again.",
}


class Schema(AutoSchema):
    """drf-spectacular's schema, plus the error answers any operation can give that it
    does not document itself, so that a client (and schemathesis) knows every status."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, direction=direction
                )
                responses[code]["description"] = ERROR_ANSWERS[code]
        return responses

    def _error_codes(self) -> list[str]:
        writes = self.method not in ("GET", "HEAD", "OPTIONS")
        public = {} in (self.get_auth() or [])
        queried = any(p["in"] == "query" for p in self._get_parameters())
        codes = ["401"]  # any request may carry a token that is not valid
        if writes or queried:
            codes.append("400")
        if writes or not public:
            codes.append("403")
        if "{" in self.path:
            codes.append("404")
        if writes:
            codes.append("415")
        if self.view.get_throttles():
            codes.append("429")
        return sorted(codes)
