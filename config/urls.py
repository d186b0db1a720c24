from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.api import not_found
from config.auth import AdminLoginForm, LoginForm

admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/lending/", include("lending.api.urls")),
    path("api/v1/", include("booking.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    re_path(r"^api/.*/$", not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("lending/", include("lending.urls")),
    path("", include("booking.urls")),
]

if settings.DEBUG:  # uploaded photos; in production the reverse proxy serves /media/
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
