"""The equipment section of a booking's page, from the lending app (booking/ knows nothing
of lending; its template asks for this section by name)."""

from django import template

from lending.models import ItemType, Reservation

register = template.Library()


@register.inclusion_tag("lending/_booking_equipment.html", takes_context=True)
def booking_equipment(context, booking, can_manage: bool):
    reserved = (
        Reservation.objects.filter(booking=booking)
        .exclude(status=Reservation.Status.CANCELLED)
        .select_related("item_type")
    )
    types = ItemType.objects.filter(active=True).select_related("centre") if can_manage else []
    return {"booking": booking, "reserved": reserved, "types": types, "can_manage": can_manage,
            "csrf_token": context.get("csrf_token")}  # fmt: skip
