"""report.html in a real browser: headless Chromium draws it (not blank) and loads every image.

Chromium comes from the system (`scripts/system-deps.sh test` installs Debian's `chromium`). Without
it the test is skipped locally and fails in CI (the `CI` environment variable is set there).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

TIMEOUT_S = 60
# Injected into a copy of the report (never into the report itself): after the load event, write
# how many images there are and how many failed to decode, where --dump-dom shows it.
CHECK = """<script>
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var broken = imgs.filter(function (i) { return !i.complete || i.naturalWidth === 0; });
  var out = document.createElement("pre");
  out.id = "pf-check";
  out.textContent = "PF-CHECK images=" + imgs.length + " broken=" + broken.length +
    " width=" + document.documentElement.scrollWidth + " height=" + document.documentElement.scrollHeight;
  document.body.appendChild(out);
});
</script>"""


def chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    if os.environ.get("CI"):
        pytest.fail("chromium is missing: CI must install it (scripts/system-deps.sh test)")
    pytest.skip("chromium not installed (apt-get install chromium, or scripts/system-deps.sh test)")


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
               "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False, env={**os.environ})


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.test_report import build_output

    return build_output(tmp_path_factory.mktemp("browser") / "nl", "nl")["reports"]["html"]


def test_report_loads_every_image(report: Path, tmp_path: Path) -> None:
    binary = chromium()
    copy = tmp_path / "report-check.html"
    html = report.read_text(encoding="utf-8")
    assert "</body>" in html
    copy.write_text(html.replace("</body>", CHECK + "\n</body>", 1), encoding="utf-8")
    done = run_chromium(binary, tmp_path / "profile", "--window-size=1280,900", "--virtual-time-budget=10000",
                        "--dump-dom", copy.as_uri())
    dom = done.stdout.decode("utf-8", "replace")
    marker = '<pre id="pf-check">'
    assert marker in dom, f"chromium did not run the page: {done.stderr.decode('utf-8', 'replace')[-500:]}"
    line = dom[dom.index(marker) + len(marker):].split("<", 1)[0]
    facts = dict(part.split("=") for part in line.split()[1:])
    assert int(facts["images"]) == 7, line  # 3 maps + 4 charts
    assert int(facts["broken"]) == 0, line
    assert int(facts["width"]) <= 1280, f"the page scrolls sideways: {line}"
    assert int(facts["height"]) > 3000, line


def test_report_screenshot_is_not_blank(report: Path, tmp_path: Path) -> None:
    binary = chromium()
    shot = tmp_path / "report.png"
    done = run_chromium(binary, tmp_path / "profile", "--window-size=1280,2400", f"--screenshot={shot}",
                        report.as_uri())
    assert shot.is_file(), done.stderr.decode("utf-8", "replace")[-500:]
    from PIL import Image, ImageStat

    with Image.open(shot) as im:
        grey = im.convert("L")
        assert grey.size == (1280, 2400)
        stat = ImageStat.Stat(grey)
        assert stat.stddev[0] > 20, "the screenshot is (nearly) one colour"
        top = grey.crop((0, 0, 1280, 800))
        dark = sum(top.histogram()[:100])  # text and the summary numbers in the first screen
        assert dark > 2000, "no text in the first screen"
        colours = im.convert("RGB").crop((0, 0, 1280, 2400)).getcolors(maxcolors=1 << 20) or []
        assert len(colours) > 200, "too few colours: the page did not render"
