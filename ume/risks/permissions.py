"""Permission names of risk assessment, declared once: ``rules.py`` gives each its policy."""

VIEW_METHOD = "risks.view_riskmethod"
CHANGE_METHOD = "risks.change_riskmethod"
