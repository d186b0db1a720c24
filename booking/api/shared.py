"""Serializers whose bound fields are made once per class, not once per use (issue 18).

DRF deep-copies a serializer's declared fields every time one is made (``fields``), so
that each use can bind its own: for the 201 of a booking and its input that is ~45
fields built and bound per request, about a millisecond of the request's CPU. The
serializers here take no context, are never partial and never change their fields, so
their fields do not depend on the use: the first use of a class binds a set that every
later use of that class shares. A field keeps no state of a use (values and errors are
the serializer's), so sharing them gives the same data and the same errors
(tests/booking/test_shared_fields.py compares them with DRF's own).

Not for a serializer that reads ``self.context`` in a field (the shared fields' parent
is the first use), is used with ``partial=True``, or changes ``self.fields``.
"""

from rest_framework import serializers


class SharedFields:
    """Mix in before ``serializers.Serializer``."""

    @property
    def fields(self):
        cls = type(self)
        shared = cls.__dict__.get("_shared_fields")
        if shared is None:
            # DRF's own construction, once, for a use with no context.
            first = serializers.Serializer.fields.func(cls())
            cls._shared_fields = shared = first
        return shared
