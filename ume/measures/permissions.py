"""Permission names of measures and evidence, declared once: ``rules.py`` gives each its
policy; views, services and the API refer to these names."""

VIEW_MEASURE = "measures.view_measure"
CHANGE_MEASURE = "measures.change_measure"
VIEW_EVIDENCE = "measures.view_evidence"
UPLOAD_EVIDENCE = "measures.upload_evidence"
