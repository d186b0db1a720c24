"""The directory of organisations (public), each listed organisation's page (public), and
the form where its administrators write the public profile."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking import roles
from booking.models import Organisation, Site
from booking.selectors import public_bookings
from community import profiles, search
from community.models import AgeGroup, Category, Event, PublicProfile

PAGE_SIZE = 20
UPCOMING_LIMIT = 50


class DirectoryForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Name or activity"), required=False, max_length=search.MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )  # fmt: skip
    category = forms.ChoiceField(
        label=gettext_lazy("Category"), required=False,
        choices=[("", gettext_lazy("All categories")), *Category.choices],
    )  # fmt: skip
    age_group = forms.ChoiceField(
        label=gettext_lazy("For whom"), required=False,
        choices=[("", gettext_lazy("Everyone")), *AgeGroup.choices],
    )  # fmt: skip
    site = forms.ModelChoiceField(
        label=gettext_lazy("Where"), required=False, queryset=Site.objects.order_by("name"),
        empty_label=gettext_lazy("All places"),
    )  # fmt: skip

    def filters(self) -> search.Filters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        site = data.get("site")
        return search.Filters(
            q=data.get("q", ""), category=data.get("category", ""),
            age_group=data.get("age_group", ""), site=site.pk if site else None,
        )  # fmt: skip


def labels(codes, choices) -> list[str]:
    """The names of the codes, in the order they were chosen (unknown codes left out)."""
    names = dict(choices)
    return [str(names[code]) for code in codes or [] if code in names]


def card(organisation: Organisation) -> dict:
    """What the directory shows of an organisation (its profile read with it)."""
    profile = getattr(organisation, "public_profile", None)
    website = profile.website if profile else ""
    return {
        "organisation": organisation,
        "profile": profile,
        # A link only to the web (the admin's URLField would also take ftp:).
        "website": website if website.startswith(("https://", "http://")) else "",
        "categories": labels(profile.categories if profile else [], Category.choices),
        "age_groups": labels(profile.age_groups if profile else [], AgeGroup.choices),
    }


def _page(found, asked) -> Page:
    """The page asked for (the first if it is not a number, the last if beyond), read with
    its total in one statement."""
    try:
        number = max(1, int(asked or 1))
    except (TypeError, ValueError):
        number = 1
    rows, total = search.page_of(found, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    paginator = Paginator(found, PAGE_SIZE)
    paginator.count = total  # known already: Paginator would count again
    if not rows and total:
        return paginator.get_page(number)
    return Page(rows, number, paginator)


def directory(request):
    """Listed organisations: search by name and activity, filter, page by page."""
    form = DirectoryForm(request.GET or None)
    found = search.directory(form.filters())
    page = _page(found, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "community/dir_directory.html", {
        "form": form, "page": page, "cards": [card(o) for o in page.object_list],
        "query": query.urlencode(),
    })  # fmt: skip


def organisation_about(request, pk: int):
    """A listed organisation's public page: its profile and what it has on. An
    organisation that is not listed is not found."""
    organisation = get_object_or_404(search.listed(), pk=pk)
    now = timezone.now()
    events = (
        Event.objects.filter(organisation=organisation, status=Event.Status.PUBLISHED, end__gte=now)
        .select_related("site", "booking__room__site")
        .order_by("start", "id")
    )[:UPCOMING_LIMIT]
    bookings = public_bookings(now, now + dt.timedelta(days=366)).filter(organisation=organisation)[
        :UPCOMING_LIMIT
    ]
    context = card(organisation)
    profile = context["profile"]
    context |= {
        "sites": list(profile.sites.order_by("name")) if profile else [],
        "phone": organisation.contact_phone if profile and profile.show_phone else "",
        "events": events,
        "bookings": bookings,
        "may_edit": profiles.may_edit(request.user, organisation),
    }
    return render(request, "community/dir_about.html", context)


class ProfileForm(forms.ModelForm):
    logo = forms.FileField(
        label=gettext_lazy("Logo"), required=False,
        help_text=gettext_lazy("A JPEG, PNG or WebP image; it is checked and made smaller."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )  # fmt: skip
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("Categories"), required=False, choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    age_groups = forms.MultipleChoiceField(
        label=gettext_lazy("For whom"), required=False, choices=AgeGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    website = forms.URLField(
        label=gettext_lazy("Web site"), required=False, max_length=300, assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )  # fmt: skip

    class Meta:
        model = PublicProfile
        fields = [
            "activities", "categories", "age_groups", "area", "sites", "how_to_join",
            "website", "public_email", "show_phone",
        ]  # fmt: skip
        widgets = {
            "how_to_join": forms.Textarea(attrs={"rows": 4}),
            "sites": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "area": gettext_lazy("The part of the municipality: «Nordby», «the whole of Ås»."),
            "public_email": gettext_lazy(
                "The organisation's own address for the public, not a member's."
            ),
            "show_phone": gettext_lazy("The organisation's contact phone on My organisation."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = Site.objects.order_by("name")
        self.fields["logo"].widget = forms.FileInput(attrs=self.fields["logo"].widget.attrs)


def _editable(request, pk: int) -> Organisation:
    """Members and officers may find it (anyone else: not found); only administrators and
    officers may change its profile."""
    user = request.user
    if not roles.is_officer(user) and pk not in roles.organisation_ids(user):
        raise Http404
    organisation = get_object_or_404(Organisation, pk=pk)
    if not profiles.may_edit(user, organisation):
        raise PermissionDenied
    return organisation


@login_required
def profile_edit(request, pk: int):
    """The public profile of one's organisation, with the logo's preview and removal."""
    organisation = _editable(request, pk)
    profile = PublicProfile.objects.filter(organisation=organisation).first()
    if request.method == "POST" and request.POST.get("action") == "remove-logo":
        profiles.profile_logo_remove(organisation=organisation, by=request.user)
        messages.success(request, _("The logo is removed."))
        return redirect("community:profile_edit", pk=pk)
    instance = profile or PublicProfile(organisation=organisation)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=instance)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in profiles.FIELDS}
            try:
                profiles.profile_save(
                    organisation=organisation, by=request.user,
                    logo=form.cleaned_data.get("logo"), **fields,
                )  # fmt: skip
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The public profile is saved."))
                return redirect("community:profile_edit", pk=pk)
        status = 400
    return render(
        request,
        "community/dir_profile_form.html",
        {"organisation": organisation, "form": form, "profile": profile},
        status=status,
    )
