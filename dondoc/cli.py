"""The `dondoc` command line."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import config


@click.group(help="dondoc: tiếp nhận văn bản, trích xuất nhiệm vụ, theo dõi và đôn đốc thực hiện.")
@click.pass_context
def main(ctx):
    ctx.obj = config.load()


@main.command(help="Đọc và trích xuất một tệp mà không lưu (in JSON với --json).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In bản ghi dạng JSON.")
@click.pass_obj
def extract(settings, path, as_json):
    from .pipeline import extract_file
    from .ingest.errors import IngestError
    try:
        record = extract_file(path, settings)
    except IngestError as exc:
        click.echo(f"Lỗi: {path.name}: {exc.message}", err=True)
        sys.exit(1)
    data = record.to_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        _print_record(data)


def _print_record(d: dict) -> None:
    from rich.console import Console
    from rich.table import Table
    c = Console()
    c.print(f"[bold]{d.get('kind') or 'Văn bản'}[/] số {d.get('number') or '—'} ngày {d.get('issued') or '—'}")
    c.print(f"Cơ quan ban hành: {d.get('issuer') or '—'}")
    c.print(f"Trích yếu: {d.get('subject') or '—'}")
    t = Table("#", "Nhiệm vụ", "Chủ trì", "Hạn")
    for i, task in enumerate(d["tasks"], 1):
        t.add_row(str(i), task["text"][:120], "; ".join(task["lead"]), ", ".join(x["date"] or "" for x in task["deadlines"]))
    c.print(t)
    for w in d.get("warnings", []):
        c.print(f"[yellow]Cảnh báo:[/] {w}")


if __name__ == "__main__":
    main()
