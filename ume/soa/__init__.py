"""Statement of Applicability (適用宣言書, JIS Q 27001 6.1.3 d)) and the register of measures
(管理策の実施内容) that implement Annex A controls.

Measures live in this app rather than their own: in Ume a measure exists to be mapped to
controls and shown as the implementation of SoA rows (seed 003: controls were born from
measures organisations already practise), and the SoA's staleness (改訂推奨) is computed from
them. A later asset or risk module links to measures through this app's selectors.
"""
