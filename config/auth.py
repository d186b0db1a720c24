"""The login forms of the site and the admin."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class _UsernameLength:
    """Django sets the username's max_length after the field is built, so it is never
    checked; a longer one would reach django-axes, whose column holds 255."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(_UsernameLength, AuthenticationForm):
    pass


class AdminLoginForm(_UsernameLength, AdminAuthenticationForm):
    pass
