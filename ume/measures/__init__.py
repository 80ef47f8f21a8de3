"""The register of measures (対策（実施事項）): the security measures an organisation practises,
mapped to Annex A controls, with the evidence files kept for them (seed 003: controls were born
from measures organisations already practise).

The SoA (``ume.soa``) maps its rows to measures and evidence and computes its staleness
(改訂推奨) from them; later modules (assets, risks) link to measures through this app's
selectors and services.
"""
