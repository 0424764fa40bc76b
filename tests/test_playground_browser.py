"""The playground's page in a real headless browser (issue #24): Debian's chromium and chromium-driver with
Selenium (installed by .ci/run; no download at run time). A driver creates a trip by pressing the page's
buttons and typing in its text box, a passenger joins, and the driver's column shows the "joined" notice."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from bot.devtools.playground import DEFAULT_PLAYERS, start_process
from tests.conftest import require_services
from tests.process import carpool_bot_command
from tests.test_playground import STORY, playground_env

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
DANA, PAT = DEFAULT_PLAYERS[0].user_id, DEFAULT_PLAYERS[1].user_id


def _browser_or_skip():
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        from selenium import webdriver
    except ImportError:
        missing.append("selenium (the test extra)")
    if missing:
        message = f"the browser test needs {', '.join(missing)} (apt-get install chromium chromium-driver)"
        if require_services():
            pytest.fail(message)
        pytest.skip(message)
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,1000"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


@pytest.fixture
def browser():
    driver = _browser_or_skip()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page_url(tmp_path):
    proc, url, _ = start_process(carpool_bot_command(), env=playground_env(tmp_path))
    try:
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0, "".join(proc.output)


class Page:
    """The page as a person uses it: columns found by the player's name, then buttons and the text box."""

    def __init__(self, driver, timeout: float = 20):
        self.driver, self.timeout = driver, timeout

    def _retry(self, what: str, attempt):
        """`attempt()` until it returns something: the page redraws a column when its chat changes."""
        from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

        deadline, error = time.monotonic() + self.timeout, None
        while time.monotonic() < deadline:
            try:
                if (found := attempt()) is not None:
                    return found
            except (StaleElementReferenceException, WebDriverException) as exc:
                error = exc
            time.sleep(0.05)
        raise AssertionError(f"{what} within {self.timeout}s ({error!r}); page text:\n"
                             f"{self.driver.find_element('tag name', 'body').text[-2000:]}")

    def column(self, uid: int):
        return self.driver.find_element("css selector", f'.column[data-player-id="{uid}"]')

    def screen_text(self, uid: int) -> str:
        bubbles = self.column(uid).find_elements("css selector", ".msg.bot")
        return bubbles[-1].text if bubbles else ""

    def wait_screen(self, uid: int, needle: str) -> None:
        self._retry(f"player {uid} never showed {needle!r}", lambda: needle in self.screen_text(uid) or None)

    def wait_chat(self, uid: int, needle: str) -> None:
        self._retry(f"player {uid}'s chat never showed {needle!r}",
                    lambda: needle in self.column(uid).find_element("css selector", ".chat").text or None)

    def press(self, uid: int, label: str) -> None:
        """Click the button labelled `label` (else the only one containing it) on the newest keyboard."""
        def click():
            keyboards = self.column(uid).find_elements("css selector", ".msg.bot .keyboard")
            buttons = keyboards[-1].find_elements("css selector", "button") if keyboards else []
            found = [b for b in buttons if b.text == label] or [b for b in buttons if label in b.text]
            if len(found) != 1:
                return None
            found[0].click()
            return True
        self._retry(f"no single button {label!r} for player {uid}", click)

    def send(self, uid: int, text: str) -> None:
        """Type into the player's text box and press Enter."""
        from selenium.webdriver.common.keys import Keys

        def send():
            box = self.column(uid).find_element("css selector", ".composer input")
            box.send_keys(text + Keys.ENTER)
            return True
        self._retry(f"player {uid} could not type", send)

    def start(self, uid: int) -> None:
        """The START button of a chat that has no message yet, as in Telegram."""
        def click():
            self.column(uid).find_element("css selector", "button.start").click()
            return True
        self._retry(f"no START button for player {uid}", click)

    def menu(self, uid: int, command: str) -> None:
        def pick():
            self.column(uid).find_element("css selector", ".menu-button").click()
            self.column(uid).find_element("css selector", f'.menu [data-command="{command}"]').click()
            return True
        self._retry(f"no /{command} in player {uid}'s command menu", pick)


def test_a_driver_creates_a_trip_and_a_passenger_joins_in_the_browser(browser, page_url):
    browser.get(page_url)
    page = Page(browser)
    # The story of tests/test_playground.py, by hand: START, the page's buttons and its text box.
    for player, action, text, expected in STORY:
        if (action, text) == ("send", "/start"):
            page.start(player)
        else:
            getattr(page, action)(player, text)
        page.wait_screen(player, expected)
    # The notification arrives in the driver's column, as it is sent.
    page.wait_chat(DANA, "Pat joined your trip to Club gym")
    bold = browser.find_elements("css selector", f'.column[data-player-id="{DANA}"] .msg.bot b')
    assert "Club gym" in [b.text for b in bold]  # HTML formatting drawn, not shown as tags
    assert "<b>" not in page.column(DANA).text
    page.menu(DANA, "mytrips")  # the command menu, from the bot's setMyCommands
    page.wait_screen(DANA, "Club gym")

    # Another player joins the page with a name and a language.
    browser.find_element("id", "new-name").send_keys("Olga")
    browser.find_element("css selector", '#new-language option[value="ru"]').click()
    browser.find_element("id", "add-button").click()
    page._retry("no column for Olga", lambda: next((c for c in browser.find_elements("css selector", ".column")
                                                     if c.find_element("tag name", "h2").text == "Olga · ru"),
                                                    None))
