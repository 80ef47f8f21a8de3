"""Reference data of the catalogue, loaded by ``manage.py load_reference`` (declared in
``CatalogueConfig.reference_loaders``)."""


def load(stdout) -> None:
    from ..loader import load_catalogue

    load_catalogue(stdout)
