"""Templates: one strict, sandboxed Jinja environment for every template holp renders.

Templates are untrusted input (a repository may bring its own), so they run
in Jinja's sandbox, an undefined name is an error naming the template and
line, and a template is looked up first in the repository's templates/ and
then in the templates shipped with holp. Data values are only ever passed as
variables, never rendered as templates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from holp import yaml
from holp.errors import FAILED, HolpError
from holp.resources import templates_dir


def environment(root: Path | None) -> Any:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    folders = [str(root / "templates")] if root is not None and (root / "templates").is_dir() else []
    folders.append(str(templates_dir()))
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folders, followlinks=False),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["yaml"] = yaml.scalar
    return env


def render(root: Path | None, name: str, variables: dict[str, Any]) -> str:
    import jinja2

    env = environment(root)
    try:
        return str(env.get_template(name).render(**variables))
    except jinja2.TemplateSyntaxError as e:
        raise HolpError(f"template {e.filename or name}:{e.lineno}: {e.message}", FAILED) from None
    except jinja2.UndefinedError as e:
        raise HolpError(f"template {name}: {e.message}", FAILED) from None
    except jinja2.TemplateNotFound:
        raise HolpError(f"no template named {name}", FAILED) from None
