"""The directory, read-only and public: listed organisations and their public profiles.

Only what the organisation chose to show: never a member (its contact person included),
the organisation's phone only when its administrators chose to show it.
"""

import django_filters
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from booking.models import Organisation, Site
from community import search
from community.models import AgeGroup, Category
from config.api import Pagination


class SiteRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "name"]


class DirectoryEntrySerializer(serializers.ModelSerializer):
    introduction = serializers.CharField(source="public_description", read_only=True)
    activities = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    age_groups = serializers.SerializerMethodField()
    area = serializers.SerializerMethodField()
    sites = serializers.SerializerMethodField()
    how_to_join = serializers.SerializerMethodField()
    website = serializers.SerializerMethodField()
    public_email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    logo = serializers.SerializerMethodField()
    logo_thumbnail = serializers.SerializerMethodField()
    verified_voluntary = serializers.BooleanField(source="voluntary_verified", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id", "name", "introduction", "activities", "categories", "age_groups", "area",
            "sites", "how_to_join", "website", "public_email", "phone", "logo",
            "logo_thumbnail", "verified_voluntary", "url",
        ]  # fmt: skip
        read_only_fields = fields

    @staticmethod
    def _profile(organisation):
        return getattr(organisation, "public_profile", None)

    def _text(self, organisation, name) -> str:
        profile = self._profile(organisation)
        return getattr(profile, name) if profile else ""

    def get_activities(self, organisation) -> str:
        return self._text(organisation, "activities")

    def get_area(self, organisation) -> str:
        return self._text(organisation, "area")

    def get_how_to_join(self, organisation) -> str:
        return self._text(organisation, "how_to_join")

    def get_public_email(self, organisation) -> str:
        return self._text(organisation, "public_email")

    def get_website(self, organisation) -> str:
        website = self._text(organisation, "website")
        return website if website.startswith(("https://", "http://")) else ""

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Category.choices)))
    def get_categories(self, organisation):
        profile = self._profile(organisation)
        return list(profile.categories) if profile else []

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(AgeGroup.choices)))
    def get_age_groups(self, organisation):
        profile = self._profile(organisation)
        return list(profile.age_groups) if profile else []

    @extend_schema_field(SiteRefSerializer(many=True))
    def get_sites(self, organisation):
        profile = self._profile(organisation)
        sites = sorted(profile.sites.all(), key=lambda s: s.name) if profile else []
        return SiteRefSerializer(sites, many=True).data

    @extend_schema_field(OpenApiTypes.STR)
    def get_phone(self, organisation) -> str:
        profile = self._profile(organisation)
        return organisation.contact_phone if profile and profile.show_phone else ""

    def _file_url(self, organisation, name) -> str | None:
        profile = self._profile(organisation)
        file = getattr(profile, name, None) if profile else None
        if not file:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(file.url) if request else file.url

    @extend_schema_field(OpenApiTypes.URI)
    def get_logo(self, organisation):
        return self._file_url(organisation, "logo")

    @extend_schema_field(OpenApiTypes.URI)
    def get_logo_thumbnail(self, organisation):
        return self._file_url(organisation, "logo_thumbnail")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, organisation) -> str:
        url = reverse("community:organisation_about", kwargs={"pk": organisation.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


@extend_schema_field(OpenApiTypes.INT)
class SiteFilter(django_filters.ModelChoiceFilter):
    """A site by its id."""


class DirectoryFilter(django_filters.FilterSet):
    """One search (community.search.directory) over every parameter; a bad value is a 400
    naming the parameter."""

    q = django_filters.CharFilter(
        max_length=search.MAX_QUERY_LENGTH, method="_unused", label="Name or activity words"
    )
    category = django_filters.ChoiceFilter(choices=Category.choices, method="_unused")
    age_group = django_filters.ChoiceFilter(choices=AgeGroup.choices, method="_unused")
    site = SiteFilter(queryset=Site.objects.all(), method="_unused")

    class Meta:
        model = Organisation
        fields = []

    def _unused(self, queryset, name, value):  # pragma: no cover - filter_queryset does all
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        site = data.get("site")
        found = search.directory(
            search.Filters(
                q=data.get("q") or "",
                category=data.get("category") or "",
                age_group=data.get("age_group") or "",
                site=site.pk if site else None,
            )
        )
        return found.prefetch_related("public_profile__sites")


class WindowCountPagination(Pagination):
    """Limit and offset as everywhere, with the page and its total read in one statement
    (community.search.page_of): a search is matched once, not twice."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        rows, self.count = search.page_of(queryset, offset=self.offset, limit=self.limit)
        return rows


class DirectoryList(generics.ListAPIView):
    """Organisations listed in the directory, best match first when searching."""

    permission_classes = [AllowAny]
    serializer_class = DirectoryEntrySerializer
    filterset_class = DirectoryFilter
    pagination_class = WindowCountPagination
    queryset = Organisation.objects.none()

    def get_queryset(self):
        return search.listed()


class DirectoryDetail(generics.RetrieveAPIView):
    """One listed organisation (not listed: 404)."""

    permission_classes = [AllowAny]
    serializer_class = DirectoryEntrySerializer
    queryset = Organisation.objects.none()
    filter_backends = []

    def get_queryset(self):
        return search.listed().prefetch_related("public_profile__sites")


urlpatterns = [
    path("directory/", DirectoryList.as_view(), name="api-directory"),
    path("directory/<int:pk>/", DirectoryDetail.as_view(), name="api-directory-detail"),
]
