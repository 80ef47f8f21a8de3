"""The organization's risk method: revision 1 for every organization, revisions that never
overwrite each other, refusals that save nothing, and the page and form."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ume.core.choices import Role
from ume.core.locking import StaleEditError, VersionRequiredError
from ume.risks import selectors, services
from ume.risks.defaults import default_method
from ume.risks.models import RiskMethod

FOUR = [{"ja": f"段階{n}", "en": f"Step {n}"} for n in range(1, 5)]


def revise(world, data, *, version=1, role=Role.SECRETARIAT):
    return services.risk_method_revise(
        actor=world[role], organisation=world.org, data=data, version=version
    )


def test_every_organization_starts_with_the_default_method(world, other_world):
    for w in (world, other_world):
        method = selectors.risk_method_get(w.org)
        assert method.version == 1 and method.created_by is None
        assert method.method.likelihood_steps == method.method.impact_steps == 3
        assert (method.low_max, method.medium_max, method.acceptance_max) == (2, 4, 4)
        assert method.likelihood_labels == default_method()["likelihood_labels"]


def test_a_revision_is_a_new_row_and_the_old_one_stays(world):
    first = selectors.risk_method_get(world.org)
    second = revise(world, {"likelihood_labels": FOUR, "low_max": 3, "medium_max": 6})
    assert second.version == 2 and second.created_by == world[Role.SECRETARIAT]
    assert second.method.likelihood_steps == 4 and second.impact_labels == first.impact_labels
    first.refresh_from_db()
    assert first.method.likelihood_steps == 3 and (first.low_max, first.medium_max) == (2, 4)
    assert selectors.risk_method_get(world.org) == second
    assert [m.version for m in selectors.risk_method_list(world.org)] == [2, 1]


def test_a_stale_or_missing_revision_number_is_refused(world):
    revise(world, {"note": "見直し"})
    with pytest.raises(StaleEditError):
        revise(world, {"low_max": 1}, version=1)
    with pytest.raises(VersionRequiredError):
        revise(world, {"low_max": 1}, version=None)
    assert RiskMethod.objects.filter(organisation=world.org).count() == 2


@pytest.mark.parametrize(
    "data,field",
    [
        ({"likelihood_labels": FOUR[:2]}, "likelihood_labels"),
        ({"impact_labels": FOUR * 2}, "impact_labels"),
        ({"impact_labels": [{"ja": "", "en": "x"}] * 3}, "impact_labels"),
        ({"impact_labels": [{"ja": "改行\nあり"}] * 3}, "impact_labels"),
        ({"impact_labels": [{"ja": "長" * 101}] * 3}, "impact_labels"),
        ({"impact_labels": "小,中,大"}, "impact_labels"),
        ({"low_max": 0}, "low_max"),
        ({"low_max": 4, "medium_max": 5}, "medium_max"),
        ({"medium_max": 9}, "medium_max"),
        ({"acceptance_max": 9}, "acceptance_max"),
        ({"acceptance_max": 0}, "acceptance_max"),
    ],
)
def test_bad_methods_are_refused_by_field_and_nothing_is_saved(world, japanese, data, field):
    with pytest.raises(ValidationError) as exc:
        revise(world, data)
    assert field in exc.value.message_dict
    assert RiskMethod.objects.filter(organisation=world.org).count() == 1


def test_messages_say_what_is_wrong(world, japanese):
    with pytest.raises(ValidationError) as exc:
        revise(world, {"low_max": 4, "medium_max": 5})
    assert exc.value.message_dict["medium_max"] == [
        "2つのしきい値の間に「中」のセルがありません。マトリクスに抜けができます。"
    ]
    with pytest.raises(ValidationError) as exc:
        revise(world, {"likelihood_labels": FOUR[:2]})
    assert exc.value.message_dict["likelihood_labels"] == [
        "段階は3〜5個、1行に1つずつ入力してください（入力は2個です）。"
    ]


@pytest.mark.parametrize("role", [Role.STAFF, Role.DEPARTMENT_HEAD, Role.TOP_MANAGEMENT])
def test_only_the_secretariat_and_administrators_revise(world, role):
    with pytest.raises(PermissionDenied):
        revise(world, {"note": "x"}, role=role)
    revise(world, {"note": "管理者"}, role=Role.ADMIN)


def test_every_member_reads_the_method_page(world, login):
    page = login(world[Role.STAFF]).get(reverse("risks:method"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-level="9"' in body and "頻繁（月に一度以上）" in body
    assert "リスク所有者はレベル4までの残留リスクを受容できます。" in body
    assert 'data-testid="method-edit"' not in body


def test_the_secretariat_revises_through_the_form(world, login):
    client = login(world[Role.SECRETARIAT])
    page = client.get(reverse("risks:method_edit"))
    assert page.context["form"].initial["likelihood_ja"].count("\n") == 2
    response = client.post(
        reverse("risks:method_edit"),
        {
            "likelihood_ja": "まれ\n低い\n時々\n頻繁",
            "likelihood_en": "",
            "impact_ja": "小\n中\n大",
            "impact_en": "Minor\nModerate\nMajor",
            "low_max": 3,
            "medium_max": 6,
            "acceptance_max": 4,
            "note": "4段階に見直し",
            "version": 1,
        },
    )
    assert response.status_code == 302
    method = selectors.risk_method_get(world.org)
    assert method.version == 2 and method.note == "4段階に見直し"
    assert [s["ja"] for s in method.likelihood_labels] == ["まれ", "低い", "時々", "頻繁"]
    assert method.impact_labels[2] == {"ja": "大", "en": "Major"}
    page = client.get(reverse("risks:method"))
    assert "4段階に見直し" in page.content.decode()


def test_the_form_shows_errors_and_saves_nothing(world, login):
    client = login(world[Role.SECRETARIAT])
    base = {
        "likelihood_ja": "まれ\n時々\n頻繁",
        "impact_ja": "小\n中\n大",
        "impact_en": "Minor\nMajor",
        "low_max": 4,
        "medium_max": 5,
        "acceptance_max": 4,
        "version": 1,
    }
    page = client.post(reverse("risks:method_edit"), base)
    assert page.status_code == 200
    assert "impact_en" in page.context["form"].errors
    page = client.post(reverse("risks:method_edit"), {**base, "impact_en": ""})
    assert "medium_max" in page.context["form"].errors
    page = client.post(
        reverse("risks:method_edit"), {**base, "impact_en": "", "likelihood_ja": "a\nb"}
    )
    assert "likelihood_ja" in page.context["form"].errors
    assert RiskMethod.objects.filter(organisation=world.org).count() == 1


def test_the_audit_trail_shows_a_revision_with_its_scales_in_words(world, admin_client):
    revise(world, {"likelihood_labels": FOUR, "low_max": 3, "medium_max": 6})
    page = admin_client.get(reverse("core:audit_list"), {"model_label": "risks.riskmethod"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "段階1、段階2、段階3、段階4" in body and "{&#x27;" not in body


def test_the_api_lists_the_revisions_of_the_own_organization_only(world, other_world):
    from ume.core.tests.factories import api_client

    revise(world, {"note": "見直し"})
    client = api_client(world[Role.STAFF], world.org)
    listing = client.get("/api/v1/risk-methods/").json()
    assert [m["version"] for m in listing["results"]] == [2, 1]
    assert listing["results"][0]["created_by"] == world[Role.SECRETARIAT].full_name
    assert listing["results"][1]["likelihood_labels"][2] == {
        "ja": "頻繁（月に一度以上）",
        "en": "Frequent (once a month or more)",
    }
    theirs = other_world.org.risk_methods.get().pk
    assert client.get(f"/api/v1/risk-methods/{theirs}/").status_code == 404


def test_the_method_page_reads_a_fixed_number_of_queries(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world[Role.STAFF])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("risks:method")).status_code == 200
        return len(captured)

    before = queries()
    for version in range(1, 6):
        revise(world, {"note": f"見直し{version}"}, version=version, role=Role.ADMIN)
    assert queries() == before


@pytest.mark.django_db(transaction=True)
def test_concurrent_revisions_of_the_same_revision_leave_one_and_refuse_the_rest(world):
    """Eight people save a change of revision 1 at once: one revision 2, seven told their
    revision is stale (never a duplicate revision number, never a database error)."""
    import threading

    from django.db import connections

    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def editor(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            revise(world, {"note": f"同時編集{n}"}, role=Role.ADMIN)
            outcomes.append("saved")
        except StaleEditError:
            outcomes.append("stale")
        except BaseException as exc:
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["saved"] + ["stale"] * 7, outcomes
    assert [m.version for m in selectors.risk_method_list(world.org)] == [2, 1]
