"""Lay out and draw DOT graphs without a system Graphviz.

procesflow depends on `graphviz-pure` (a self-contained port of Graphviz's `dot` on PyPI), so maps
render on any machine pip can install to — no `ExecutableNotFound`. Set PROCESFLOW_DOT to use
another `dot` (e.g. a system Graphviz). PDF is made from the SVG with svglib/reportlab, because
graphviz-pure writes SVG and PNG only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import ProcesflowError

TIMEOUT_S = 120


def dot_executable() -> str:
    """The layout program: $PROCESFLOW_DOT, else graphviz-pure next to this Python, else on PATH."""
    override = os.environ.get("PROCESFLOW_DOT")
    if override:
        return override
    beside = Path(sys.executable).parent / "graphviz-pure"
    if beside.exists():
        return str(beside)
    found = shutil.which("graphviz-pure")
    if found:
        return found
    raise ProcesflowError(
        "cannot draw maps: the graphviz-pure program is missing; reinstall procesflow "
        "(pip install procesflow) or set PROCESFLOW_DOT to a Graphviz dot program"
    )


def render(dot_source: str, fmt: str, dpi: int = 144) -> bytes:
    """Render DOT text to `fmt` ('svg' or 'png') and return the bytes (a PNG with a palette:
    `compact_png`)."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"unsupported format {fmt}")
    args = [dot_executable(), f"-T{fmt}"]
    if fmt == "png":
        args.append(f"-Gdpi={dpi}")
    try:
        done = subprocess.run(args, input=dot_source.encode("utf-8"), capture_output=True, timeout=TIMEOUT_S,
                              check=False)
    except subprocess.TimeoutExpired:
        raise ProcesflowError(f"drawing the map took longer than {TIMEOUT_S} s; hide more activities "
                              "(--activities) or paths (--paths)") from None
    except OSError as exc:
        raise ProcesflowError(f"cannot run the map layout program ({exc})") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ProcesflowError(f"the map layout program failed: {message[-1] if message else done.returncode}")
    return compact_png(done.stdout) if fmt == "png" else done.stdout


def compact_png(data: bytes) -> bytes:
    """A map PNG with a 256-colour palette: about 40% of the bytes, indistinguishable for a map (flat
    fills, a few line colours). Done once, where the map is drawn: the file an analyst attaches and
    the image report.html embeds are these bytes. An image Pillow cannot read is kept as it is."""
    import io

    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:
            rgba = im.convert("RGBA")
            if rgba.getchannel("A").getextrema() == (255, 255):  # opaque (as Graphviz draws maps): no blending
                flat = rgba.convert("RGB")
            else:
                flat = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
            small = flat.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
            out = io.BytesIO()
            small.save(out, "PNG", compress_level=7)  # level 9 saves 5-10% more at three times the time
            compacted = out.getvalue()
    except (OSError, ValueError):
        return data
    return compacted if len(compacted) < len(data) else data


PDF_FONT_SCALE = 0.91  # DejaVu Sans (bundled with matplotlib) is about 9% wider than Arimo


def svg_to_pdf(svg: bytes) -> bytes:
    """A vector PDF of a map's SVG (svglib + reportlab, pure Python).

    The PDF embeds DejaVu Sans (shipped with matplotlib, full Unicode: ë, é, €) at 91% of the size,
    so text laid out for Arimo keeps fitting its boxes."""
    import io
    import re
    from pathlib import Path as _Path

    import matplotlib
    from reportlab.graphics import renderPDF
    from svglib.fonts import register_font
    from svglib.svglib import svg2rlg

    fonts = _Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"
    register_font("DejaVuSans", str(fonts / "DejaVuSans.ttf"))
    register_font("DejaVuSans", str(fonts / "DejaVuSans-Bold.ttf"), weight="bold")
    text = svg.decode("utf-8").replace('font-family="Arimo"', 'font-family="DejaVuSans"')
    text = re.sub(r'font-size="([\d.]+)"', lambda m: f'font-size="{float(m.group(1)) * PDF_FONT_SCALE:.2f}"', text)
    drawing = svg2rlg(io.BytesIO(text.encode("utf-8")))
    if drawing is None:
        raise ProcesflowError("cannot convert the map to PDF (the SVG could not be read)")
    out = io.BytesIO()
    renderPDF.drawToFile(drawing, out)
    return out.getvalue()
