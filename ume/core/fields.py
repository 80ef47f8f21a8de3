"""Model fields shared by every module."""

from functools import cached_property

from django.core.validators import MaxLengthValidator
from django.db import models


class BoundedTextField(models.TextField):
    """Multi-line text whose ``max_length`` holds on every path that writes it: forms (the
    textarea's limit), services and imports (the model validator, run by ``full_clean`` and
    the importers' checks) and the API (its serializer field). A plain TextField applies its
    ``max_length`` to forms only, so a 20,000-character note could arrive through an import."""

    def __init__(self, *args, max_length: int = 2000, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    @cached_property
    def validators(self):
        return [*super().validators, MaxLengthValidator(self.max_length)]
