"""Annex A catalogue: the 93 controls, their 27002 attributes, the 2013 map, and per-control
guidance with 松竹梅 implementation levels (JNSA 日本ISMSユーザグループ template, seed 000)."""
