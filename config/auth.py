"""The admin's login form (the site's is allauth's, booking.accounts.LoginForm)."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator


class _UsernameLength:
    """Django sets the username's max_length after the field is built, so it is never
    checked; a longer one would reach django-axes, whose column holds 255."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class AdminLoginForm(_UsernameLength, AdminAuthenticationForm):
    pass
