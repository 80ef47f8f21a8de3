"""Permission names of the catalogue, declared once: ``rules.py`` gives each its policy; views
and the API refer to these names."""

VIEW_CONTROL = "catalogue.view_control"
