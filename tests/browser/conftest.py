"""Fixtures of the browser tests: one demo server and one Chromium for the session, fresh windows for each test.

Without Chromium, Playwright or axe-core every test here is skipped, and the summary says once what is missing and
how to get it; with the environment variable CI set they fail instead, so CI cannot pass without having run them.
"""

import os

import pytest

from tests.browser import support

MISSING = support.missing_requirements()
MISSING_MESSAGE = f"Browser tests not run: missing {'; '.join(MISSING)}. `make test-browser` as root installs them."


@pytest.fixture(scope="session")
def browser_requirements():
    if MISSING:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set: {MISSING_MESSAGE}", pytrace=False)
        pytest.skip(MISSING_MESSAGE)


@pytest.fixture(scope="session")
def server(browser_requirements, tmp_path_factory):
    support.reset_artifacts()
    demo = support.DemoServer(tmp_path_factory.mktemp("demo-server"), support.ARTIFACTS / "server.log")
    try:
        demo.start()
        yield demo
    finally:
        demo.stop()


@pytest.fixture(scope="session")
def browser(browser_requirements):
    with support.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(support.CHROMIUM), args=support.CHROMIUM_ARGS)
        support.expect.set_options(timeout=10_000)
        yield chromium
        chromium.close()


@pytest.fixture(params=list(support.VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def screenshots(request, viewport):
    journey = request.node.originalname.removeprefix("test_").replace("_", "-")
    return support.Screenshots(journey, viewport)


@pytest.fixture
def open_window(request, browser, server, viewport, screenshots):
    """Opens a browser window for one person (own cookies, own address) at the test's viewport; returns its page.

    A failing test leaves a screenshot of every window it opened.
    """
    contexts = []

    def open_(who):
        context = browser.new_context(
            **support.VIEWPORTS[viewport],
            accept_downloads=True,
            extra_http_headers={"X-Forwarded-For": support.next_address()},
        )
        context.set_default_timeout(15_000)
        contexts.append((who, context))
        return context.new_page()

    yield open_
    failed = getattr(request.node, "failed_call", False)
    for who, context in contexts:
        if failed:
            for page in context.pages:
                screenshots(page, f"failed-{who}")
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.failed_call = True
        demo = item.funcargs.get("server")
        if demo is not None:
            report.sections.append(("demo server log (end)", demo.log_tail(60)))
    if MISSING and report.skipped and isinstance(report.longrepr, tuple):
        # Reported here rather than at each test, so that the summary gives the reason once.
        report.longrepr = (__file__, None, report.longrepr[2])
    return report


# Journeys that change the demo's own published pages for good, run after all the others on the shared server: the
# library journey has ASCPM's facet joint injection page re-reviewed today, while the patient journeys read it with
# the demo's review dates.
CHANGES_DEMO_PAGES = ("test_library_journey.py",)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.path.name in CHANGES_DEMO_PAGES)
