"""API: a site's guidelines, which booking a room there requires accepting."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from booking.guidelines import current_guidelines
from booking.models import Site


class GuidelinesSerializer(serializers.Serializer):
    site = serializers.IntegerField(source="site_id")
    version = serializers.IntegerField()
    text_nb = serializers.CharField()
    text_nn = serializers.CharField()
    text_en = serializers.CharField()
    published_at = serializers.DateTimeField()


class SiteGuidelinesView(APIView):
    """The current version of a site's guidelines; 404 if the site has none. Booking a
    room there needs ``accept_guidelines: true``."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: GuidelinesSerializer})
    def get(self, request, pk: int):
        site = get_object_or_404(Site, pk=pk)
        guidelines = current_guidelines(site)
        if guidelines is None:
            raise NotFound()
        return Response(GuidelinesSerializer(guidelines).data)
