"""API: my organisation — members and roles, invitations, leaving, its own record.

Another organisation's id is a 404 (members and officers see an organisation); what only
its administrators may do is a 403 for its other members, decided by the services.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import memberships, roles
from booking import organisations as organisation_services
from booking.api.views import BAD_REQUEST
from booking.models import Invitation, Membership, Organisation

NO_CONTENT = OpenApiResponse(description="Done.")


def visible_organisation(request, pk) -> Organisation:
    """The organisation if the user is a member or an officer; otherwise a 404."""
    user = request.user
    if roles.is_officer(user):
        return get_object_or_404(Organisation, pk=pk)
    return get_object_or_404(Organisation, pk=pk, pk__in=roles.organisation_ids(user))


class OrganisationDetailsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = list(memberships.PROFILE_FIELDS)
        extra_kwargs = {
            "contact_phone": {
                "help_text": "Stored in E.164; a number without a country code is Norwegian."
            },
            "in_directory": {"help_text": "Listed in the public directory of organisations."},
        }


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "name", "role"]
        read_only_fields = ["id", "role"]


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.CharField(source="invited_by.username", read_only=True, default="")

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "invited_by", "created_at", "expires_at"]
        read_only_fields = ["id", "invited_by", "created_at", "expires_at"]


class AcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200, help_text="The secret from the link.")


class AcceptedSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()


def details_update(request, pk) -> Response:
    """PATCH /organisations/{id}/: administrators change the organisation's own record."""
    organisation = visible_organisation(request, pk)
    incoming = OrganisationDetailsSerializer(data=request.data, partial=True)
    incoming.is_valid(raise_exception=True)
    return memberships.organisation_profile_update(
        organisation=organisation, by=request.user, **incoming.validated_data
    )


class MemberView(APIView):
    permission_classes = [IsAuthenticated]

    def _membership(self, request, pk, member):
        organisation = visible_organisation(request, pk)
        return get_object_or_404(Membership, pk=member, organisation=organisation)

    @extend_schema(request=RoleSerializer, responses={200: MemberSerializer, 400: BAD_REQUEST})
    def patch(self, request, pk, member):
        """Administrators: make a member an administrator, or an administrator a member
        (not the last one)."""
        membership = self._membership(request, pk, member)
        incoming = RoleSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        membership = organisation_services.membership_set_role(
            membership=membership, role=incoming.validated_data["role"], by=request.user
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(responses={204: NO_CONTENT, 400: BAD_REQUEST})
    def delete(self, request, pk, member):
        """Administrators: take a person out of the organisation (not the last administrator)."""
        membership = self._membership(request, pk, member)
        organisation_services.membership_remove(membership=membership, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LeaveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: NO_CONTENT, 400: BAD_REQUEST})
    def post(self, request, pk):
        """Leave the organisation. Its only administrator must hand the role over first."""
        organisation = visible_organisation(request, pk)
        organisation_services.membership_leave(organisation=organisation, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationsView(APIView):
    permission_classes = [IsAuthenticated]

    def _administered(self, request, pk) -> Organisation:
        organisation = visible_organisation(request, pk)
        if not (roles.is_officer(request.user)
                or organisation.pk in roles.admin_organisation_ids(request.user)):  # fmt: skip
            raise PermissionDenied()
        return organisation

    @extend_schema(responses=InvitationSerializer(many=True))
    def get(self, request, pk):
        """Administrators: the invitations that can still be accepted."""
        organisation = self._administered(request, pk)
        open_ = memberships.invitations_open(organisation)
        return Response(InvitationSerializer(open_, many=True).data)

    @extend_schema(
        request=InvitationSerializer, responses={201: InvitationSerializer, 400: BAD_REQUEST}
    )
    def post(self, request, pk):
        """Administrators: invite an email address. A link that works once, for 14 days,
        is emailed; it is never shown here."""
        organisation = self._administered(request, pk)
        incoming = InvitationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        invitation = memberships.invitation_create(
            organisation=organisation, by=request.user, **incoming.validated_data
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: NO_CONTENT, 400: BAD_REQUEST})
    def delete(self, request, pk, invitation):
        """Administrators: withdraw an invitation; its link stops working."""
        organisation = visible_organisation(request, pk)
        found = get_object_or_404(Invitation, pk=invitation, organisation=organisation)
        memberships.invitation_withdraw(invitation=found, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=AcceptSerializer, responses={201: AcceptedSerializer, 400: BAD_REQUEST})
    def post(self, request):
        """Accept an invitation with the secret from its link: you become a member."""
        incoming = AcceptSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        membership = memberships.invitation_accept(
            token=incoming.validated_data["token"], by=request.user
        )
        data = {"organisation": membership.organisation_id,
                "name": membership.organisation.name, "role": membership.role}  # fmt: skip
        return Response(AcceptedSerializer(data).data, status=status.HTTP_201_CREATED)
