from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from booking.accounts import AccountEmailView
from config import pages, privacy_views
from config.api import not_found
from config.auth import AdminLoginForm

admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before the accounts include, so that these win over anything it mounts there.
    path("accounts/data/", privacy_views.account_data, name="my_data"),
    path("accounts/delete/", privacy_views.account_delete, name="my_account_delete"),
    path("accounts/email/", AccountEmailView.as_view(), name="account_email"),
    path("privacy/", privacy_views.privacy_page, name="privacy"),
    path("accessibility/", pages.accessibility_page, name="accessibility"),
    path("accounts/", include("allauth.urls")),
    path("api/v1/lending/", include("lending.api.urls")),
    path("api/v1/seasons/", include("seasons.api.urls")),
    path("api/v1/", include("community.api.urls")),
    path("api/v1/", include("billing.api.urls")),
    path("api/v1/", include("booking.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's set-up script is a file of its own (the split view), its page's style is
    # static/css/api-docs.css; its stylesheet draws icons as data: images.
    path(
        "api/docs/",
        csp_update({"img-src": ["'self'", "data:"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    re_path(r"^api/.*/$", not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("lending/", include("lending.urls")),
    path("seasons/", include("seasons.urls")),
    path("", include("community.urls")),
    path("", include("billing.urls")),
    path("", include("booking.urls")),
]

handler400 = "config.pages.bad_request"
handler403 = "booking.accounts.permission_denied"
handler404 = "config.pages.page_not_found"
handler500 = "config.pages.server_error"

if settings.DEBUG:  # uploaded photos; in production the reverse proxy serves /media/
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
