"""Room photos in the admin, inline on the room, saved through booking.photos."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from booking import photos
from booking.models import RoomPhoto


class RoomPhotoForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP. Location data is removed."),
    )

    class Meta:
        model = RoomPhoto
        fields = ["order", "alt_nb", "alt_nn", "alt_en"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if self.instance.pk is None and upload is None and self.has_changed():
            raise ValidationError(_("Choose a photo to upload."))
        if upload is not None:
            try:
                photos.clean_photo(upload)
            except ValidationError as error:
                raise ValidationError(error.message_dict["file"]) from None
        return upload


class RoomPhotoInline(admin.TabularInline):
    """New rows go through photos.room_photo_add, changes and deletions through the
    other photo services (see save_room_photos)."""

    model = RoomPhoto
    form = RoomPhotoForm
    extra = 1
    fields = ["preview", "upload", "order", "alt_nb", "alt_nn", "alt_en"]
    readonly_fields = ["preview"]

    @admin.display(description=_("thumbnail"))
    def preview(self, photo):
        if not photo.pk:
            return ""
        return format_html('<img src="{}" alt="{}" width="120">', photo.thumbnail.url, photo.alt_nb)


def save_room_photos(request, room, formset) -> None:
    """Save the inline's rows through the photo services, as the signed-in officer."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for row in formset.forms:
        if not row.has_changed() and row.instance.pk is None:
            continue
        data = row.cleaned_data
        if row in formset.deleted_forms:
            if row.instance.pk is not None:
                photos.room_photo_remove(photo=row.instance, by=request.user)
                formset.deleted_objects.append(row.instance)
            continue
        alt = {k: data.get(k, "") for k in ("alt_nb", "alt_nn", "alt_en")}
        if row.instance.pk is None:
            made = photos.room_photo_add(
                room=room, file=data["upload"], order=data.get("order"), by=request.user, **alt
            )
            formset.new_objects.append(made)
        elif row.has_changed():
            photos.room_photo_update(
                photo=row.instance, order=data["order"], by=request.user, **alt
            )
            formset.changed_objects.append((row.instance, row.changed_data))
