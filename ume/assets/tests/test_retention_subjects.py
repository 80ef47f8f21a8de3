"""Whom a retention event is about, and what the trail keeps of it: a record of another module
by its label and id, a typed name with its spaces tidied; a leaver (or a User) is personal and
stays so; a renamed subject keeps its key; a second report says where it came from; a hold
keeps its reason, owner and review day; an import reads its ISO dates or refuses the file."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ume.assets import services
from ume.assets.models import RetentionEvent, RetentionItem, RetentionSubject
from ume.assets.services.events import subject_key
from ume.core.choices import Role

from .test_retention_events import HIRING, asset, builtin, record

pytestmark = pytest.mark.django_db
D = dt.date


def refused(call) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


def test_a_subject_is_keyed_by_record_or_by_its_tidied_name(world):
    user = world[Role.STAFF]
    assert subject_key(user) == (f"core.user:{user.pk}", str(user))
    assert subject_key("  山田\u3000 太郎 \n") == ("山田 太郎", "山田 太郎")
    assert subject_key("あ" * 250) == ("あ" * 200, "あ" * 200)
    assert subject_key(None) == ("", "")


def test_a_leaver_or_a_member_is_personal_a_contract_is_not(world, retention_rules):
    record(world, "山田 太郎", "leaving", D(2025, 10, 15))
    record(world, "梅サービス 保守契約", "contract_end", D(2025, 10, 15))
    record(world, world[Role.STAFF], "contract_end", D(2025, 10, 15))
    subjects = dict(RetentionSubject.objects.values_list("name", "personal"))
    assert subjects == {
        "山田 太郎": True,
        "梅サービス 保守契約": False,
        str(world[Role.STAFF]): True,
    }
    assert RetentionSubject.objects.get(personal=False).organisation == world.org


def test_a_subject_reported_again_keeps_its_key_and_stays_personal(world, retention_rules):
    user = world[Role.STAFF]
    record(world, user, "leaving", D(2025, 10, 15))
    user.full_name = "梅田 花子（旧姓 桜井）"
    user.save()
    record(world, user, "contract_end", D(2025, 10, 31))
    subject = RetentionSubject.objects.get()
    assert (subject.key, subject.name, subject.personal) == (
        f"core.user:{user.pk}",
        str(user),
        True,
    )
    assert RetentionEvent.objects.filter(subject=subject).count() == 2


def test_a_second_report_says_where_it_came_from(world, retention_rules):
    asset(world, "履歴書", builtin(HIRING))
    record(world, "山田 太郎", "leaving", D(2025, 10, 15), reason="初回")
    moved = record(world, "山田 太郎", "leaving", D(2025, 11, 30), source="import")
    stored = RetentionEvent.objects.get(pk=moved.pk)
    assert (stored.date, stored.source, stored.withdrawn) == (D(2025, 11, 30), "import", False)
    assert stored.reason == "再登録（入力元：ファイルから取り込み）"
    told = record(world, "山田 太郎", "leaving", D(2025, 12, 31), reason="人事からの訂正")
    assert RetentionEvent.objects.get(pk=told.pk).reason == "人事からの訂正"


def test_a_date_and_time_is_no_date(world, retention_rules):
    error = refused(lambda: record(world, "山田 太郎", "leaving", dt.datetime(2025, 10, 15, 9, 0)))
    assert list(error.message_dict) == ["date"]
    assert not RetentionSubject.objects.exists()


def test_a_hold_keeps_its_tidied_reason_owner_and_review_day(world, retention_rules):
    asset(world, "履歴書", builtin(HIRING))
    record(world, "山田 太郎", "leaving", D(2025, 10, 15))
    item = RetentionItem.objects.get()
    secretariat = world[Role.SECRETARIAT]
    missing = refused(
        lambda: services.retention_hold_set(
            actor=world[Role.ADMIN],
            item=item,
            data={"hold_reason": "  ", "hold_owner": secretariat, "hold_review_on": None},
            version=1,
        )
    )
    assert missing.message_dict == {"hold_review_on": ["保留の見直し日を入力してください。"]}
    no_reason = refused(
        lambda: services.retention_hold_set(
            actor=world[Role.ADMIN],
            item=item,
            data={"hold_reason": "  ", "hold_owner": secretariat, "hold_review_on": D(2027, 1, 31)},
            version=1,
        )
    )
    assert no_reason.message_dict == {"reason": ["履歴に残す理由を入力してください。"]}
    services.retention_hold_set(
        actor=world[Role.ADMIN],
        item=item,
        data={
            "hold_reason": " 労働審判の\n証拠 ",
            "hold_owner": secretariat,
            "hold_review_on": D(2027, 1, 31),
        },
        version=1,
    )
    stored = RetentionItem.objects.get(pk=item.pk)
    assert (stored.held, stored.hold_reason) == (True, "労働審判の 証拠")
    assert (stored.hold_owner, stored.hold_review_on) == (secretariat, D(2027, 1, 31))
    assert stored.batch.held_count == 1


def test_an_import_reads_iso_dates_and_the_start_day(world, retention_rules):
    resumes = asset(world, "履歴書", builtin(HIRING))
    count = services.retention_events_import(
        actor=world[Role.ADMIN],
        organisation=world.org,
        rows=[
            {"subject": "山田 太郎", "event_type": "leaving", "date": "2025-10-15"},
            {
                "subject": "佐藤 花子",
                "event_type": "leaving",
                "date": "2025-11-30",
                "started_on": "2020-04-01",
                "assets": [resumes.pk],
            },
        ],
    )
    assert count == 2
    events = dict(RetentionEvent.objects.values_list("subject__name", "date"))
    assert events == {"山田 太郎": D(2025, 10, 15), "佐藤 花子": D(2025, 11, 30)}
    assert set(RetentionEvent.objects.values_list("source", flat=True)) == {"import"}
    chosen = RetentionSubject.objects.get(name="佐藤 花子").assets.all()
    assert list(chosen) == [resumes]
    assert not RetentionSubject.objects.get(name="山田 太郎").assets.exists()


@pytest.mark.parametrize(
    "row",
    [
        {"subject": "山田 太郎", "event_type": "leaving", "date": "2025/10/15"},
        {"subject": "山田 太郎", "event_type": "leaving"},
        {"subject": "山田 太郎", "event_type": "leaving", "date": None},
        {"subject": "山田 太郎", "event_type": "leaving", "date": "2025-10-15", "started_on": "x"},
    ],
)
def test_an_import_with_a_bad_date_records_nothing(world, retention_rules, row):
    good = {"subject": "佐藤 花子", "event_type": "leaving", "date": "2025-11-30"}
    error = refused(
        lambda: services.retention_events_import(
            actor=world[Role.ADMIN], organisation=world.org, rows=[good, row]
        )
    )
    assert error.message_dict == {"date": ["正しい日付を入力してください。"]}
    assert not RetentionEvent.objects.exists()  # all or nothing


def test_a_subject_once_personal_stays_personal_when_renamed(world, retention_rules):
    from ume.core.models import Department

    team = world.dept  # a record of another module, reported as leaving once
    record(world, team, "leaving", D(2025, 10, 15))
    Department.objects.filter(pk=team.pk).update(name="総務人事部")
    team.refresh_from_db()
    record(world, team, "contract_end", D(2025, 10, 31))
    subject = RetentionSubject.objects.get()
    assert (subject.name, subject.personal) == ("総務人事部", True)


def test_a_correction_or_withdrawal_recomputes_only_its_subject(world, retention_rules):
    asset(world, "履歴書", builtin(HIRING))
    event = record(world, "山田 太郎", "leaving", D(2025, 10, 15))
    record(world, "佐藤 花子", "leaving", D(2025, 10, 15))
    # another subject's item, as a recompute would not leave it: untouched by this change
    RetentionItem.objects.filter(subject__name="佐藤 花子").update(keep_until=D(2040, 1, 1))
    services.retention_event_update(
        actor=world[Role.ADMIN], event=event, data={"reason": "確認のみ"}, version=1
    )
    stored = RetentionEvent.objects.get(pk=event.pk)
    assert (stored.date, stored.reason) == (D(2025, 10, 15), "確認のみ")  # the date stays
    services.retention_event_withdraw(
        actor=world[Role.ADMIN], event=stored, reason="再雇用", version=stored.version
    )
    assert RetentionItem.objects.get(subject__name="佐藤 花子").keep_until == D(2040, 1, 1)
    assert not RetentionItem.objects.filter(subject__name="山田 太郎").exists()
    again = refused(
        lambda: services.retention_event_withdraw(
            actor=world[Role.ADMIN],
            event=RetentionEvent.objects.get(pk=event.pk),
            reason="重複",
            version=stored.version + 1,
        )
    )
    assert again.messages == ["この事由はすでに取り下げられています。"]


def test_an_import_naming_another_organizations_record_is_refused(
    world, other_world, retention_rules
):
    theirs = asset(other_world, "他社の履歴書", builtin(HIRING))
    row = {"subject": "山田 太郎", "event_type": "leaving", "date": "2025-10-15"}
    error = refused(
        lambda: services.retention_events_import(
            actor=world[Role.ADMIN], organisation=world.org, rows=[{**row, "assets": [theirs.pk]}]
        )
    )
    assert error.messages == ["この組織の記録を選択してください。"]
    gone = refused(  # an id no record has any more
        lambda: services.retention_events_import(
            actor=world[Role.ADMIN], organisation=world.org, rows=[{**row, "assets": [0]}]
        )
    )
    assert gone.messages == ["この組織の記録を選択してください。"]
    missing = refused(
        lambda: services.retention_events_import(
            actor=world[Role.ADMIN], organisation=world.org, rows=[{**row, "subject": None}]
        )
    )
    assert list(missing.message_dict) == ["subject"]
    assert not RetentionEvent.objects.exists()
