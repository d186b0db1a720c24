"""What a room and its site are like: descriptions, photos, universal design, location."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import roles
from booking.models import Room, RoomPhoto, Site
from booking.photos import ALT_MAX_LENGTH, room_photo_add


class DescriptionsSerializer(serializers.Serializer):
    """The text as staff typed it in each language ("" where not written)."""

    nb = serializers.CharField(source="description_nb")
    nn = serializers.CharField(source="description_nn")
    en = serializers.CharField(source="description_en")


class LocationSerializer(serializers.ModelSerializer):
    map_url = serializers.CharField(
        help_text="A link to the site on OpenStreetMap; empty without address or coordinates."
    )

    class Meta:
        model = Site
        fields = ["address", "latitude", "longitude", "map_url"]


class UniversalDesignSerializer(serializers.Serializer):
    """Each fact true, false, or null when not known."""

    step_free_access = serializers.BooleanField(allow_null=True)
    accessible_toilet = serializers.BooleanField(allow_null=True, source="site.accessible_toilet")
    hearing_loop = serializers.BooleanField(allow_null=True)
    lift = serializers.BooleanField(allow_null=True, source="site.lift")
    parking = serializers.BooleanField(allow_null=True, source="site.parking")


class RoomPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    alt = serializers.CharField(help_text="In the request's language, else bokmål.")

    class Meta:
        model = RoomPhoto
        fields = [
            "id",
            "order",
            "url",
            "width",
            "height",
            "thumbnail_url",
            "thumbnail_width",
            "thumbnail_height",
            "alt",
            "alt_nb",
            "alt_nn",
            "alt_en",
        ]

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_url(self, photo) -> str:
        return self._absolute(photo.image.url)

    def get_thumbnail_url(self, photo) -> str:
        return self._absolute(photo.thumbnail.url)


class RoomInformationMixin(serializers.Serializer):
    """The fields a resident judges a room by; RoomSerializer includes them (prefetch
    ``photos`` and select ``site``)."""

    FIELDS = [
        "description",
        "descriptions",
        "site_description",
        "universal_design",
        "location",
        "photos",
    ]

    description = serializers.CharField(help_text="In the request's language, else bokmål.")
    descriptions = DescriptionsSerializer(source="*")
    site_description = serializers.CharField(source="site.description")
    universal_design = UniversalDesignSerializer(source="*")
    location = LocationSerializer(source="site")
    photos = RoomPhotoSerializer(many=True, read_only=True)


class RoomPhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG or WebP; EXIF is removed.")
    alt_nb = serializers.CharField(max_length=ALT_MAX_LENGTH)
    alt_nn = serializers.CharField(max_length=ALT_MAX_LENGTH, required=False, default="")
    alt_en = serializers.CharField(max_length=ALT_MAX_LENGTH, required=False, default="")
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class RoomPhotoUploadView(APIView):
    """Add a photo to a room (booking officers)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": RoomPhotoUploadSerializer},
        responses={
            201: RoomPhotoSerializer,
            400: OpenApiResponse(description="Not an image, too large, or alt text missing."),
            403: OpenApiResponse(description="Only booking officers add photos."),
        },
    )
    def post(self, request, pk: int):
        if not roles.is_officer(request.user):
            raise PermissionDenied()
        room = get_object_or_404(Room, pk=pk)
        data = RoomPhotoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = room_photo_add(room=room, by=request.user, **data.validated_data)
        return Response(
            RoomPhotoSerializer(photo, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
