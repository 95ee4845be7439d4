"""The official fonts of GB/T 9704 and whether this machine has them (the .docx names them either way; Word
substitutes missing fonts, which changes the 22 × 28 page, so the report warns)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

# (font name written into the document, names/file stems it is installed under)
OFFICIAL_FONTS: dict[str, tuple[str, ...]] = {
    "方正小标宋简体": ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "FZXBSJW", "fzxbsjw"),
    "仿宋_GB2312": ("仿宋_GB2312", "FangSong_GB2312", "fsgb2312", "FangSong"),
    "黑体": ("黑体", "SimHei", "simhei"),
    "楷体_GB2312": ("楷体_GB2312", "KaiTi_GB2312", "kaiti_gb2312", "KaiTi"),
    "宋体": ("宋体", "SimSun", "simsun"),
}
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
             "C:/Windows/Fonts", "/Library/Fonts", "/System/Library/Fonts")


def _installed_names() -> str:
    """Every family and file name fontconfig knows, or the font directories' file names, lower-cased."""
    names: list[str] = []
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            out = subprocess.run([fc_list, ":", "family", "file"], capture_output=True, text=True, timeout=20,  # noqa: S603
                                 check=False)
            names.append(out.stdout)
        except (OSError, subprocess.SubprocessError):
            pass
    for directory in FONT_DIRS:
        root = Path(directory).expanduser()
        if root.is_dir():
            names.extend(p.name for p in root.rglob("*") if p.suffix.lower() in (".ttf", ".otf", ".ttc"))
    return "\n".join(names).lower()


def missing_fonts() -> list[str]:
    installed = _installed_names()
    return [font for font, aliases in OFFICIAL_FONTS.items() if not any(a.lower() in installed for a in aliases)]


def font_warning(missing: list[str]) -> str | None:
    if not missing:
        return None
    return (f"本机缺少公文字体：{'、'.join(missing)}。Word 文件仍按 GB/T 9704 指定这些字体，"
            "在缺字体的电脑上打开时会被替换，版心的每页 22 行 × 每行 28 字可能改变。")


# Font files that cover Chinese, looked for when fontconfig is absent (the charts of the Word file need one).
CJK_FONT_FILES = ("simhei.ttf", "simsun.ttc", "msyh.ttc", "wqy-microhei.ttc", "wqy-zenhei.ttc",
                  "NotoSansCJK-Regular.ttc", "NotoSansSC-Regular.otf", "SourceHanSansSC-Regular.otf")


def cjk_font_path() -> str | None:
    """A font file on this machine that draws Chinese (for the chart images of the Word file), or None."""
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            out = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=20,  # noqa: S603
                                 check=False)
            files = sorted(line.split(":", 1)[0].strip() for line in out.stdout.splitlines() if line.strip())
            if files:
                return files[0]
        except (OSError, subprocess.SubprocessError):
            pass
    wanted = {name.lower() for name in CJK_FONT_FILES}
    for directory in FONT_DIRS:
        root = Path(directory).expanduser()
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.name.lower() in wanted:
                    return str(path)
    return None
