"""A real browser for the hub's page tests: Debian's headless Chromium driven by chromedriver
through Selenium. Every page test takes it from here, so the flags live in one place.

    sys.path.insert(0, os.path.join(REPO, "tests", "support"))
    import browser
    with browser.Browser() as b:          # raises browser.Unavailable when Chromium is missing
        b.get("http://127.0.0.1:8470/login")
        b.shot("/tmp/login.png")
"""
import os
import shutil
import sys
import tempfile

# Debian's python3-selenium, also under another python3 (pyenv).
if "/usr/lib/python3/dist-packages" not in sys.path:
    sys.path.append("/usr/lib/python3/dist-packages")

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class Unavailable(RuntimeError):
    """Chromium, chromedriver or Selenium is not installed (kiosk-dev installs them)."""


class Browser:
    """One headless Chromium with a profile of its own (so cookies start empty), 1280×900,
    downloads into `downloads` (a temporary folder unless given). `driver` is Selenium's
    WebDriver for everything this class does not wrap."""

    def __init__(self, width=1280, height=900, downloads=None):
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service
        except ImportError as e:
            raise Unavailable(f"python3-selenium is missing: {e}")
        for path in (CHROMIUM, CHROMEDRIVER):
            if not os.path.exists(path):
                raise Unavailable(f"{path} is missing (apt-get install chromium chromium-driver)")
        self._profile = tempfile.mkdtemp(prefix="hub-browser-")
        self.downloads = downloads or os.path.join(self._profile, "downloads")
        os.makedirs(self.downloads, exist_ok=True)
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}", f"--user-data-dir={self._profile}",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking"):
            opts.add_argument(flag)
        opts.add_experimental_option("prefs", {"download.default_directory": self.downloads,
                                               "download.prompt_for_download": False})
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
        self.driver.set_page_load_timeout(30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self._profile, ignore_errors=True)

    def get(self, url):
        self.driver.get(url)
        return self.driver.page_source

    def find(self, css):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self):
        """The page's visible text."""
        return self.find("body").text

    def console(self):
        """Messages the page wrote to the console or errors it raised (a CSP refusal lands here)."""
        return self.driver.get_log("browser")

    def shot(self, path, full_page=True):
        """A PNG of the page; with full_page the window grows to the page's height first."""
        if full_page:
            h = self.driver.execute_script("return document.documentElement.scrollHeight")
            w = self.driver.get_window_size()["width"]
            self.driver.set_window_size(w, max(600, min(int(h) + 120, 6000)))
        self.driver.save_screenshot(path)
        return path
