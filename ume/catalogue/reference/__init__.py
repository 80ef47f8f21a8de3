"""Reference data of the catalogue, loaded by ``manage.py load_reference``."""


def _load(stdout) -> None:
    from ..loader import load_catalogue

    load_catalogue(stdout)


reference_loaders = [_load]
