"""Ume (梅): a self-hosted, Japanese-first ISMS platform."""
