"""Serializer fields for references to records of the request's organisation."""

from rest_framework import serializers

from ..validators import pk_out_of_range


class OrganisationRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference to a record of the current organisation (``view.organisation``).

    Another organisation's id gets the same answer as an id that does not exist, so the API
    never tells which ids exist elsewhere; ids beyond the database's range are refused the
    same way instead of overflowing in the query."""

    def __init__(self, *, organisation_path: str = "organisation", **kwargs):
        self.organisation_path = organisation_path
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        view = self.context.get("view")
        organisation = getattr(view, "organisation", None) if view is not None else None
        if organisation is None:
            return queryset.none()
        return queryset.filter(**{self.organisation_path: organisation}).distinct()

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, int | str) and pk_out_of_range(data)):
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class SafeSlugRelatedField(serializers.SlugRelatedField):
    """A reference by name; a NUL character (which PostgreSQL text cannot hold) reads as a
    name that does not exist instead of failing in the query."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)
