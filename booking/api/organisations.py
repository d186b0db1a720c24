"""API: organisations and their members, tokens, who is signed in."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from booking import organisations as organisation_services
from booking import roles
from booking.api import my_organisation
from booking.api.views import BAD_REQUEST
from booking.models import Membership, Organisation
from booking.selectors import organisations_awaiting_verification
from registry.lookup import RegisterUnavailable

# Changed with PATCH (booking.api.my_organisation), read-only here.
MY_ORGANISATION_FIELDS = [
    "contact_person",
    "invoice_address",
    "invoice_reference",
    "in_directory",
    "public_description",
]
# From Enhetsregisteret, when registered with a number.
REGISTER_FIELDS = [
    "org_form",
    "register_address",
    "register_postcode",
    "register_town",
    "verified_by_register",
]


class OrganisationSerializer(serializers.ModelSerializer):
    my_role = serializers.SerializerMethodField()
    category_verified = serializers.BooleanField(
        read_only=True,
        help_text="An officer has verified the category. Until then the price rules that "
        "favour it price the organisation as `other`.",
    )
    voluntary_verified = serializers.BooleanField(
        read_only=True, help_text="A voluntary organisation whose category is verified."
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "org_number",
            "category",
            "category_verified",
            "voluntary_verified",
            "contact_email",
            "contact_phone",
            "my_role",
            *MY_ORGANISATION_FIELDS,
            *REGISTER_FIELDS,
        ]
        read_only_fields = ["my_role", *MY_ORGANISATION_FIELDS, *REGISTER_FIELDS]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_my_role(self, obj) -> str | None:
        return self.context.get("roles", {}).get(obj.pk)


class RegistrationSerializer(serializers.Serializer):
    """Register an organisation; with a number, the register supplies its name."""

    organisation_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="9 digits (spaces allowed). Looked up in Enhetsregisteret: name, form and "
        "address come from there, and an organisation in Frivillighetsregisteret is verified "
        "voluntary at once. Leave it out for an informal group.",
    )
    org_number = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="Older name of "
        "`organisation_number` (errors are then reported under this name).",
    )  # fmt: skip
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=200,
        help_text="Needed without a number; with one, the register's name is used.",
    )  # fmt: skip
    category = serializers.ChoiceField(
        choices=Organisation.Category.choices, required=False,
        help_text="The category claimed; one that a price rule favours waits for an officer.",
    )  # fmt: skip
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)


REGISTER_UNAVAILABLE = OpenApiResponse(
    description="Enhetsregisteret does not answer; nothing was saved. Try again later."
)


class VerifySerializer(serializers.Serializer):
    category = serializers.CharField(
        required=False,
        max_length=20,
        help_text="The claim you checked; if the organisation claims another by now, 400.",
    )


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.SlugRelatedField(
        source="user", slug_field="username", queryset=get_user_model().objects.all()
    )
    name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "name", "role"]
        extra_kwargs = {"role": {"required": True}}


class MeOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    language = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    organisations = MeOrganisationSerializer(many=True)


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Your organisations (all of them for booking officers); register a new one."""

    serializer_class = OrganisationSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = None

    def get_queryset(self):
        user = self.request.user
        if roles.is_officer(user):
            organisations = Organisation.objects.all()
            awaiting = self.request.query_params.get("awaiting_verification")
            if awaiting in ("true", "1"):
                organisations = organisations_awaiting_verification()
            return organisations
        return Organisation.objects.filter(pk__in=roles.organisation_ids(user))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "awaiting_verification",
                OpenApiTypes.BOOL,
                description="Officers: organisations claiming a category that the price "
                "rules favour, not yet verified.",
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=VerifySerializer, responses={200: OrganisationSerializer, 400: BAD_REQUEST}
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Booking officers: confirm the category the organisation claims."""
        organisation = self.get_object()
        if not roles.is_officer(request.user):
            raise PermissionDenied()
        incoming = VerifySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        organisation = organisation_services.organisation_verify(
            organisation=organisation, by=request.user, **incoming.validated_data
        )
        return Response(self.get_serializer(organisation).data)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        if user.is_authenticated:
            context["roles"] = dict(user.memberships.values_list("organisation_id", "role"))
        return context

    @extend_schema(
        request=RegistrationSerializer,
        responses={201: OrganisationSerializer, 400: BAD_REQUEST, 503: REGISTER_UNAVAILABLE},
    )
    def create(self, request, *args, **kwargs):
        """Register an organisation (any signed-in person, who becomes its administrator)."""
        incoming = RegistrationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        older_name = bool(data.get("org_number")) and not data.get("organisation_number")
        number = data.pop("organisation_number", "") or data.pop("org_number", "")
        data.pop("org_number", None)
        try:
            organisation = organisation_services.organisation_register(
                by=request.user, organisation_number=number, **data
            )
        except RegisterUnavailable:
            message = _(
                "Enhetsregisteret does not answer just now, so the number cannot be checked. "
                "Nothing was saved; try again in a few minutes."
            )
            field = "org_number" if older_name else "organisation_number"
            return Response(
                {"detail": message, field: [message]},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": "60"},
            )
        except DjangoValidationError as error:
            if older_name and "organisation_number" in error.message_dict:
                errors = error.message_dict
                errors["org_number"] = errors.pop("organisation_number")
                raise DjangoValidationError(errors) from None
            raise
        context = self.get_serializer_context()
        context["roles"][organisation.pk] = "admin"
        body = OrganisationSerializer(organisation, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=my_organisation.OrganisationDetailsSerializer,
        responses={200: OrganisationSerializer, 400: BAD_REQUEST},
    )
    def partial_update(self, request, pk=None):
        """Its administrators (and officers): contact person and phone, invoice address
        and reference, the public directory. A bad phone number is a 400 naming it."""
        organisation = my_organisation.details_update(request, pk)
        return Response(self.get_serializer(organisation).data)

    @extend_schema(responses={200: MembershipSerializer(many=True)}, methods=["GET"])
    @extend_schema(
        request=MembershipSerializer,
        responses={201: MembershipSerializer, 400: BAD_REQUEST},
        methods=["POST"],
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def members(self, request, pk=None):
        """Members of the organisation; its administrators (and officers) add members."""
        organisation = self.get_object()
        if request.method == "GET":
            members = Membership.objects.filter(organisation=organisation).select_related("user")
            return Response(MembershipSerializer(members, many=True).data)
        if not (
            roles.is_officer(request.user)
            or organisation.pk in roles.admin_organisation_ids(request.user)
        ):
            raise PermissionDenied()
        incoming = MembershipSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        membership = organisation_services.membership_add(
            organisation=organisation,
            user=incoming.validated_data["user"],
            role=incoming.validated_data["role"],
            by=request.user,
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class TokenSerializer(AuthTokenSerializer):
    """DRF's, with the username no longer than the user model allows: a longer one is a
    400 before django-axes tries to record the failure (its column holds 255)."""

    username = serializers.CharField(
        label="Username",
        write_only=True,
        max_length=get_user_model()._meta.get_field("username").max_length,
    )


class TokenView(ObtainAuthToken):
    """Trade a username and password for a token. Tries are throttled, and a username is
    locked for a while after repeated failures (django-axes, as on the web login)."""

    serializer_class = TokenSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
                raise Throttled(
                    detail=_("Too many failed logins; try again in %(minutes)d minutes.")
                    % {"minutes": minutes}
                ) from None
            raise


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        """Who is signed in: name, language, roles and organisations."""
        user = request.user
        role_names = []
        if roles.is_officer(user):
            role_names.append("officer")
        if user.caretaker_sites.exists():
            role_names.append("caretaker")
        if roles.is_counter_staff(user):
            role_names.append("counter")
        profile = getattr(user, "profile", None)
        memberships = user.memberships.select_related("organisation").order_by("organisation__name")
        data = {
            "username": user.get_username(),
            "name": user.get_full_name(),
            "language": profile.language if profile else "nb",
            "roles": role_names,
            "organisations": [
                {"id": m.organisation_id, "name": m.organisation.name, "role": m.role}
                for m in memberships
            ],
        }
        return Response(MeSerializer(data).data)
