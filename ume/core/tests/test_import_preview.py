"""The preview every import keeps in the session: it survives the session's JSON round trip
with its rows and problems, is refused when it cannot be read, and expires after 30 minutes."""

import json
from datetime import datetime, timedelta

from ume.core.import_preview import Line, LinePreview, RowError


def test_a_preview_survives_the_sessions_json_round_trip():
    preview = LinePreview(filename="台帳.xlsx")
    preview.lines = [
        Line(3, "A-00001", "顧客台帳", "changed", "機密性"),
        Line(4, "", "見積書", "new"),
    ]
    preview.errors = [RowError(5, "A-00002", "資産名を入力してください。")]
    again = LinePreview.from_session(json.loads(json.dumps(preview.as_dict())))
    assert again == preview and isinstance(again.lines[0], Line)
    assert isinstance(again.errors[0], RowError) and not again.ok
    assert again.counts() == {"new": 1, "changed": 1, "unchanged": 0, "error": 0}
    assert preview.preview_id != LinePreview().preview_id


def test_a_preview_that_cannot_be_read_is_none():
    for data in (None, "text", [], {"lines": [{"row": 1}]}, {"unknown": 1}):
        assert LinePreview.from_session(data) is None
    assert LinePreview.from_session({}).ok  # every field has a default


def test_a_preview_expires_after_thirty_minutes():
    preview = LinePreview()
    made = datetime.fromisoformat(preview.created_at)
    assert not preview.expired(made + timedelta(minutes=30))
    assert preview.expired(made + timedelta(minutes=30, seconds=1))
    assert not preview.expired()
