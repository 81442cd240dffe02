"""The index page over every period folder of an output directory."""

from __future__ import annotations

import html
import json
from pathlib import Path

from ..display import provenance_html
from ..text import labels
from .files import _write_text
from .fonts import with_cjk_font
from .sharing import with_csp

ERROR_ANCHOR = "papermill-error-cell"  # the id papermill gives the failing cell's marker
MANIFEST = "run.json"
INDEX = "index.html"



_TEXT = {
    "zh": {"title": "国企财务分析报告索引", "period": "报告期", "notebook": "报告", "status": "状态",
           "time": "用时（秒）", "figures": "关键数据", "links": "文件", "ok": "成功", "failed": "失败",
           "shared": "阅读版", "full": "完整版（含代码）", "ipynb": "笔记本文件",
           "at_cell": "出错位置", "built": "生成时间", "none": "（无）",
           "workbook": "全部表格（Excel 工作簿）", "workbook_failed": "未能生成 Excel 工作簿",
           "empty": "此文件夹中还没有报告。"},
    "en": {"title": "SOE analysis reports", "period": "Period", "notebook": "Report", "status": "Status",
           "time": "Time (s)", "figures": "Key figures", "links": "Files", "ok": "ok", "failed": "failed",
           "shared": "to read", "full": "full (with code)", "ipynb": "notebook file",
           "at_cell": "failing cell", "built": "built", "none": "(none)",
           "workbook": "All tables (Excel workbook)", "workbook_failed": "The Excel workbook could not be written",
           "empty": "No reports in this folder yet."},
}

_INDEX_CSS = """
body{font-family:system-ui,"Helvetica Neue",Arial,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",
 sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:1.5em} h2{font-size:1.2em;margin-top:28px} .note{color:#555;margin:4px 0 8px}
p.headline{font-size:15px;line-height:1.7;margin:8px 0 10px;padding:8px 12px;border-left:4px solid #3b6ea5;
 background:#f6f8fb}
table{border-collapse:collapse;width:100%} th,td{border:1px solid #ccc;padding:6px 8px;
 vertical-align:top;text-align:left} th{background:#f3f5f8} td.num{text-align:right}
.ok{color:#1e6b33;font-weight:bold} .failed{color:#b00020;font-weight:bold}
.err{color:#b00020;font-size:.9em;margin-top:4px;word-break:break-word}
ul.kf{margin:0;padding-left:1.1em} ul.kf b{font-variant-numeric:tabular-nums} .muted{color:#888}
@media print{@page{size:A4;margin:15mm} body{margin:0;max-width:none} h2{break-before:page}
 h2:first-of-type{break-before:auto} tr{break-inside:avoid} a{color:inherit;text-decoration:none}}
"""


def _key_figures_html(figures: dict, lang: str) -> str:
    """Each key figure as "label <b>value unit</b>", in the report language; text escaped."""
    items = []
    for name, value in figures.items():
        label, text = labels.key_figure(str(name), value, lang)
        items.append(f"<li>{html.escape(label)} <b>{html.escape(text)}</b></li>")
    return '<ul class="kf">' + "".join(items) + "</ul>"


def _period_sort_key(manifest: dict) -> tuple:
    return (manifest.get("as_of", ""), manifest.get("label", ""))


def read_manifests(out_dir: str | Path) -> list[dict]:
    """The manifests of every period folder in ``out_dir``, by as-of month then label."""
    manifests = []
    for folder in Path(out_dir).iterdir():
        file = folder / MANIFEST
        if folder.is_dir() and not folder.name.startswith(".") and file.exists():
            try:
                manifests.append(json.loads(file.read_text(encoding="utf-8")))
            except ValueError:
                continue
    return sorted(manifests, key=_period_sort_key)


def index_html(manifests: list[dict], lang: str = "zh") -> str:
    """The index page: one table per period, notebooks × status, time, key figures, links.

    Every text from manifests (names, errors, key figures) is HTML-escaped.
    """
    t = _TEXT[lang]
    esc = html.escape
    parts = [f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
             f'<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f"<title>{esc(t['title'])}</title>\n<style>{_INDEX_CSS}</style>\n</head>\n<body>\n"
             f"<h1>{esc(t['title'])}</h1>\n"]
    kinds = list(dict.fromkeys(m.get("dataset", "user") for m in manifests))
    if kinds:
        parts.append(provenance_html(*(("flash", kind) for kind in kinds), lang=lang) + "\n")
    if not manifests:
        parts.append(f"<p>{esc(t['empty'])}</p>\n")
    for m in manifests:
        label = m["label"]
        parts.append(f'<h2 id="period-{esc(label)}">{esc(t["period"])} {esc(label)}</h2>\n')
        if m.get("headline"):
            parts.append(f'<p class="headline">{esc(m["headline"])}</p>\n')
        workbook = ""
        if m.get("workbook"):
            workbook = f' · <a href="{esc(label + "/" + m["workbook"], quote=True)}">{esc(t["workbook"])}</a>'
        elif m.get("workbook_error"):
            workbook = f' · <span class="failed">{esc(t["workbook_failed"])}</span>'
        parts.append(f'<p class="note">{esc(m.get("note", ""))} · {esc(t["built"])} {esc(m.get("built_at", ""))}'
                     f"{workbook}</p>\n"
                     f"<table>\n<tr><th>{esc(t['notebook'])}</th><th>{esc(t['status'])}</th>"
                     f"<th>{esc(t['time'])}</th><th>{esc(t['figures'])}</th><th>{esc(t['links'])}</th></tr>\n")
        for nb in m["notebooks"]:
            files = nb.get("files", {})

            def link(key, text, anchor=""):
                if key not in files:
                    return ""
                href = f"{label}/{files[key]}{anchor}"
                return f'<a href="{esc(href, quote=True)}">{esc(text)}</a>'

            status = nb["status"]
            status_cell = f'<span class="{"ok" if status == "ok" else "failed"}">{esc(t.get(status, status))}</span>'
            if status != "ok":
                status_cell += f'<div class="err">{esc(nb.get("error") or "")}</div>'
                if nb.get("error_cell") is not None and "html" in files:
                    at = link("html", f"{t['at_cell']} In [{nb['error_cell']}]", f"#{ERROR_ANCHOR}")
                    status_cell += f"<div>{at}</div>"
            figures = nb.get("key_figures") or {}
            fig_cell = (_key_figures_html(figures, lang) if figures
                        else f'<span class="muted">{esc(t["none"])}</span>')
            links = " · ".join(x for x in (link("shared", t["shared"]), link("html", t["full"]),
                                           link("notebook", t["ipynb"])) if x)
            seconds = nb.get("seconds")
            parts.append(f"<tr><td>{esc(labels.report_title(nb['notebook'], lang))}</td><td>{status_cell}</td>"
                         f'<td class="num">{"" if seconds is None else esc(f"{seconds:.1f}")}</td>'
                         f"<td>{fig_cell}</td><td>{links}</td></tr>\n")
        parts.append("</table>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def write_index(out_dir: str | Path, lang: str = "zh") -> Path:
    """Rebuild ``<out_dir>/index.html`` from the period manifests (written whole or not at all)."""
    out_dir = Path(out_dir)
    path = out_dir / INDEX
    _write_text(path, with_csp(with_cjk_font(index_html(read_manifests(out_dir), lang=lang))))
    return path
