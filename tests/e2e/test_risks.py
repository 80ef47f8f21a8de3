"""The risk method in the browser: the 事務局 turns the 3 × 3 matrix into 4 × 3 with new
thresholds, sees the revision in force and the first one kept; a gap between the thresholds
is refused with its reason and saves nothing."""

from playwright.sync_api import expect

from ume.core.choices import Role
from ume.core.tests.factories import PASSWORD

from .conftest import login


def test_the_secretariat_revises_the_matrix(page, live_server, world):
    login(page, live_server, world[Role.SECRETARIAT].email, PASSWORD)
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_test_id("nav-risk-method").click()
    matrix = page.get_by_test_id("matrix")
    expect(matrix.locator("td[data-level]")).to_have_count(9)
    expect(matrix.locator('td[data-level="9"]')).to_contain_text("高")

    with page.expect_navigation():
        page.get_by_test_id("method-edit").click()
    page.fill("#id_likelihood_ja", "まれ\n低い\n時々\n頻繁")
    page.fill("#id_likelihood_en", "")
    page.fill("#id_low_max", "4")
    page.fill("#id_medium_max", "5")
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page.locator("#id_medium_max ~ .invalid-feedback, .invalid-feedback")).to_contain_text(
        "2つのしきい値の間に「中」のセルがありません。"
    )

    page.fill("#id_medium_max", "8")
    page.fill("#id_note", "起こりやすさを4段階に見直し")
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page.locator(".alert")).to_contain_text("リスクアセスメントの方法を改訂しました。")
    expect(matrix.locator("td[data-level]")).to_have_count(12)
    expect(matrix.locator('td[data-level="12"]')).to_contain_text("高")
    expect(matrix.locator("th.ume-axis").filter(has_text="頻繁")).to_be_visible()
    revisions = page.get_by_test_id("revisions")
    expect(revisions.locator("tbody tr")).to_have_count(2)
    expect(revisions).to_contain_text("起こりやすさを4段階に見直し")
    expect(revisions).to_contain_text("Ume の初期設定")
