"""A real OpenID Connect provider for the tests: django-oauth-toolkit in OIDC mode, run as a
separate Django project in its own process (see ``__main__``), shaped like ID-porten: an
issuer with a trailing slash, PKCE required, and ``pid``/``acr``/``amr`` in its tokens."""
