from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class NorwegianFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are in bokmål unless the person chose English with the language switch.

    A browser's Accept-Language is not asked on pages (many Norwegians run English
    browsers); API clients may still ask for English with it.
    """

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PermissionsPolicyMiddleware:
    """Every response carries the Permissions-Policy of settings.PERMISSIONS_POLICY, unless
    a view has set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
