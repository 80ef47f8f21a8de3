"""Ume's performance bench: ``make bench`` or ``python -m tests.bench [--entries N]``.

It builds its own throwaway database (a temporary SQLite file, or ``test_ume_bench`` on the
PostgreSQL server of ``DATABASE_URL``), seeds one organisation with a valid audit hash chain of
``--entries`` entries (default 1,000,000) and times the audit-heavy paths: chain verification,
the dashboard, the audit-trail list, the API and the CSV export. The figures are for comparing
one run with the next; nothing is asserted about time. The developer's database is never used.

Modules: ``__main__`` (command line, throwaway database), ``seed`` (the hash-chain fixture),
``cases`` (what is measured) and ``timing`` (runs, percentiles, the printed table, EXPLAIN).
"""
