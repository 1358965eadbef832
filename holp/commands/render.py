from __future__ import annotations

from pathlib import Path

from holp import labels as labelling
from holp import markdown
from holp import repo as repository
from holp.commands import echo, emit
from holp.errors import HolpError
from holp.fileset import CUSTOMERS, PROJECTS
from holp.forms import BUILT_IN, context
from holp.inert import unescape_markdown
from holp.model import Customer, Project
from holp.render import folders, render

SUFFIX = {"md": ".md.j2", "html": ".html.j2"}  # .html.j2 optional: without it, the Markdown form on an A4 page


def available(root: Path | None) -> dict[str, str]:
    """Template name → where it comes from (built-in, or the repository's templates/)."""
    found: dict[str, str] = {}
    for base in reversed(folders(root)):
        folder = base / "render"
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            for suffix in SUFFIX.values():
                if path.name.endswith(suffix) and not path.name.startswith("_"):
                    found[path.name[: -len(suffix)]] = "built-in" if base == folders(None)[-1] else str(base)
    return found


def list_templates(root: Path | None) -> int:
    for name, source in sorted(available(root).items()):
        kind, what = BUILT_IN.get(name, ("project|customer", ""))
        origin = "" if source == "built-in" else f"  (from {source})"
        echo(f"{name:<24} {kind:<9} {what}{origin}")
    return 0


def _record(repo: repository.Repository, name: str, record_id: str) -> Project | Customer:
    kind = BUILT_IN.get(name, ("any", ""))[0]
    folders = (PROJECTS,) if kind == "project" else (PROJECTS, CUSTOMERS)  # a project stands for its customer
    record = repo.find(record_id, *folders)
    if isinstance(record, Customer):
        return record
    customer = repo.customer_of(record)
    if customer is None:
        raise HolpError(f"project {record_id}'s customer {record.customer} does not exist (holp validate): "
                        f"{name} needs it", 1)
    return customer if kind == "customer" else record


def run(root: Path, name: str, record_id: str, fmt: str, output: Path | None, lang: str | None) -> int:
    repo = repository.load(root)
    if name not in available(root):
        raise HolpError(f"no template named {name}: `holp render --list` names them")
    record = _record(repo, name, record_id)
    label = labelling.load(lang or repo.process.language, root)
    variables = context(repo, record, label)
    own_html = fmt == "html" and any((base / "render" / f"{name}{SUFFIX['html']}").is_file() for base in folders(root))
    if fmt == "md" or own_html:
        text = render(root, f"render/{name}{SUFFIX[fmt]}", variables)
    else:  # the Markdown form on a printable page
        form = render(root, f"render/{name}{SUFFIX['md']}", variables)
        title = next((unescape_markdown(line.lstrip("# ").strip()) for line in form.splitlines()
                      if line.startswith("#")), name)
        text = markdown.page(title, form, label.lang)
    return emit(text, output)
