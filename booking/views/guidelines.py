"""A site's guidelines for borrowing and renting its rooms, readable before booking."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from booking.forms import parse_pk
from booking.models import Guidelines, Site


def site_guidelines(request, pk: int):
    """The current version, or an earlier one with ?version=N (what a booking accepted)."""
    site = get_object_or_404(Site, pk=pk)
    versions = Guidelines.objects.filter(site=site).order_by("-version")
    wanted = parse_pk(request.GET.get("version"))
    guidelines = (versions.filter(version=wanted) if wanted else versions).first()
    if guidelines is None:
        raise Http404
    latest = versions.values_list("version", flat=True).first()
    return render(
        request,
        "booking/site_guidelines.html",
        {"site": site, "guidelines": guidelines, "latest": latest},
    )
