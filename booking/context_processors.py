from django.conf import settings

from booking import roles


def navigation(request):
    """What the menu and the login pages need; the officer check runs only when asked."""
    return {
        "nav_is_officer": lambda: roles.is_officer(request.user),
        "nav_is_caretaker": lambda: (
            request.user.is_authenticated
            and (roles.is_officer(request.user) or roles.is_caretaker_somewhere(request.user))
        ),
        "nav_is_counter": lambda: (
            roles.is_counter_staff(request.user) or roles.is_officer(request.user)
        ),
        "login_lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
