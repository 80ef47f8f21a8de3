"""Statement of Applicability (適用宣言書, JIS Q 27001 6.1.3 d)): one per ISMS scope, a row per
Annex A control with its inclusion, reasons, levels and the measures and evidence
(``ume.measures``) that implement it; approvals freeze versions."""
