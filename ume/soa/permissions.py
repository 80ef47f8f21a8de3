"""Permission names of the SoA, declared once: ``rules.py`` gives each its policy; views,
services and the API refer to these names."""

VIEW_SOA = "soa.view_soa"
CHANGE_SOA = "soa.change_soa"
APPROVE_SOA = "soa.approve_soa"
