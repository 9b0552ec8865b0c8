"""The admin page in a real browser: Debian chromium (headless, via Playwright) against waitress."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from skill.admin import create_app
from skill.admin.security import PasswordStore
from skill.admin.server import AdminServer
from skill.admin.standalone import StandaloneAssistant
from skill.config import ensure_user_config, load_config
from skill.dialogue.diary import Diary
from tests.admin_support import PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # What a DNS-rebinding attack achieves: the attacker's name resolves to this computer.
    "--host-resolver-rules=MAP evil.example 127.0.0.1",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def server(data_home: Path) -> Iterator[AdminServer]:
    PasswordStore(data_home).set(PASSWORD)
    config = load_config(ensure_user_config())
    control = StandaloneAssistant(config)
    server = AdminServer(create_app(config=config, control=control), "127.0.0.1", 0).start()
    yield server
    server.stop()
    control.close()


@pytest.fixture
def page(browser: Browser, server: AdminServer) -> Iterator[Page]:
    context = browser.new_context(base_url=server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_login_then_change_a_setting_and_see_it_take_effect(
    page: Page, server: AdminServer
) -> None:
    page.goto("/settings/")
    assert "/login" in page.url
    page.fill("#password", "wrong-password")
    page.click("main button[type=submit]")
    expect(page.locator(".error")).to_contain_text("Wrong password")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    assert page.url.endswith("/settings/")

    page.fill("#speech-rate", "9000")
    page.click("#save-settings")
    expect(page.locator('[data-field="speech.rate"]')).to_contain_text("from 60 to 400")

    page.fill("#speech-rate", "172")
    page.fill("#reminders-bedtime", "21:40")
    page.click("#save-settings")
    expect(page.locator(".flash")).to_contain_text("Saved and applied")
    expect(page.locator("#speech-rate")).to_have_value("172")

    page.click("nav >> text=Status")
    expect(page.locator("#status-rate")).to_have_text("172 words per minute")
    config = load_config(Path(server.app.config["CONFIG_PATH"]))
    assert config.speech.rate == 172
    assert config.reminders.bedtime.strftime("%H:%M") == "21:40"


def test_diary_chart_opens(page: Page) -> None:
    import time

    with Diary() as diary:
        start = time.time() - 3 * 86400
        diary.end_episode(diary.start_episode(start, "calf"), start + 60, "passed", [])
    page.goto("/login?next=/diary/")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    chart = page.locator("#episodes-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("rect.bar")).to_have_count(1)
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300
    expect(page.locator("#diary-table tbody tr")).to_have_count(1)


def test_add_a_reminder_and_see_it_listed(page: Page) -> None:
    page.goto("/login?next=/reminders/")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.fill("#reminder-at", "16:20")
    page.check("input[name=days][value=tue]")
    page.fill("#reminder-text", "Stand up and stretch your calves")
    page.click("#add-reminder button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("Added")
    row = page.locator("#reminder-table tr", has_text="Stand up and stretch your calves")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("tue 16:20")
    expect(row).to_contain_text("16:20")
    row.locator("button", has_text="Switch off").click()
    expect(row.locator("td").nth(3)).to_have_text("no")


def test_a_rebound_name_gets_nothing_from_the_admin_page(page: Page, server: AdminServer) -> None:
    rebound = f"http://evil.example:{server.port}"
    for path in ("/login", "/settings/", "/diary/episodes.csv"):
        response = page.goto(rebound + path)
        assert response is not None and response.status == 400, path
        assert PASSWORD not in page.content()
    # The same server still answers its own name.
    response = page.goto(f"{server.url}login")
    assert response is not None and response.status == 200


def test_login_never_redirects_off_site(page: Page, server: AdminServer) -> None:
    for target in ("//evil.example/", "/%5Cevil.example/", "https://evil.example/"):
        page.goto(f"{server.url}login?next={target}")
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert page.url == server.url, (target, page.url)
        page.click("form[action='/logout'] button")
        page.wait_for_url("**/login")
    response = page.goto(f"{server.url}login?next=/%09/evil.example")
    assert response is not None and response.status == 400
    response = page.goto(f"{server.url}login?next=/%0d%0aSet-Cookie:%20x=1")
    assert response is not None and response.status == 400
