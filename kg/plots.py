"""Matplotlib plots with Chinese labels: a CJK font is found and selected, never left to render boxes."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["cjk_font", "use_cjk_font", "bar_chart", "heatmap"]

# Families known to cover the CJK Unified Ideographs, best first.
_PREFERRED = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
              "WenQuanYi Micro Hei", "AR PL UMing CN", "SimHei", "Microsoft YaHei", "PingFang SC")
_PROBE = "京津冀德州定州长治高新区"


def _covers(path: str, text: str = _PROBE) -> bool:
    """True when the font file at ``path`` has a glyph for every character of ``text``."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, str] | None:
    """Return ``(family, path)`` of an installed font that has Chinese glyphs, or None.

    Debian's ``fonts-noto-cjk`` provides *Noto Sans CJK SC* (``make test`` installs it).
    """
    from matplotlib import font_manager

    fonts = font_manager.fontManager.ttflist
    by_name = {}
    for entry in fonts:
        by_name.setdefault(entry.name, entry.fname)
    candidates = [(name, by_name[name]) for name in _PREFERRED if name in by_name]
    candidates += [(e.name, e.fname) for e in fonts if "CJK" in e.name or "Hei" in e.name]
    for name, path in candidates:
        if _covers(path):
            return name, path
    return _register_system_cjk_font()


def _register_system_cjk_font() -> tuple[str, str] | None:
    """Ask fontconfig for a Chinese font matplotlib's cache does not know yet (installed after the cache was built)."""
    import shutil
    import subprocess

    from matplotlib import font_manager

    if not shutil.which("fc-list"):
        return None
    listing = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
    for line in sorted(listing.splitlines()):
        path = line.split(":")[0].strip()
        if path and _covers(path):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name(), path
    return None


def use_cjk_font() -> str:
    """Select a CJK-capable font for all following matplotlib figures and return its family name.

    Raises
    ------
    RuntimeError
        When no installed font covers Chinese (install ``fonts-noto-cjk``).
    """
    import matplotlib

    found = cjk_font()
    if found is None:
        raise RuntimeError("no font with Chinese glyphs is installed; install Debian's fonts-noto-cjk")
    family, _ = found
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, *matplotlib.rcParams["font.sans-serif"]]
    matplotlib.rcParams["axes.unicode_minus"] = False  # CJK fonts often lack U+2212
    return family


def bar_chart(frame, x: str, y: str, *, title: str = "", ax=None):
    """Horizontal bar chart of ``frame[y]`` by ``frame[x]`` (e.g. hub scores by entity label)."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, max(2.5, 0.35 * len(frame))))
    ordered = frame.sort_values(y)
    ax.barh(ordered[x].astype(str), ordered[y])
    ax.set_xlabel(y)
    ax.set_title(title)
    ax.figure.tight_layout()
    return ax


def heatmap(matrix, *, title: str = "", ax=None, cmap: str = "Reds"):
    """Heatmap of a square DataFrame (e.g. the city×city flow matrix) with its labels and values."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    if ax is None:
        size = max(3.0, 0.6 * len(matrix.columns) + 1.5)
        _, ax = plt.subplots(figsize=(size + 1, size))
    image = ax.imshow(matrix.to_numpy(dtype=float), cmap=cmap)
    ax.set_xticks(range(len(matrix.columns)), [str(c) for c in matrix.columns], rotation=45, ha="right")
    ax.set_yticks(range(len(matrix.index)), [str(i) for i in matrix.index])
    for i in range(len(matrix.index)):
        for j in range(len(matrix.columns)):
            value = matrix.iat[i, j]
            if value:
                ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=8)
    ax.set_xlabel("to")
    ax.set_ylabel("from")
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    ax.figure.tight_layout()
    return ax
