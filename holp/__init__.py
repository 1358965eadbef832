"""holp: the sales process as code.

How the package is layered, one way down. `holp.cli` (with the `holp.cli_*`
modules its commands are defined in) parses options and calls one function in
`holp.commands`, mapping `HolpError` to exit codes. Commands
are small functions over the library: `holp.repo` finds a sales repository
and loads it (every YAML file through `holp.yaml`, the only module that knows
the YAML library, into the frozen dataclasses of `holp.model`, built from the
process in holp.yaml); `holp.validate` runs the checks, each a function from
a repository to `Problem` values, with single-file shape taken from the JSON
Schemas of `holp.schema`; `holp.gates` decides whether a stage's checklist
(its key node) is met, from ticks and evidence rules; `holp.labels` and the
files in templates/ give every word a rep reads, in Chinese and English;
`holp.files` writes atomically; `holp.git` is the only module that runs git.
Nothing below `commands` imports click, commands import nothing of each other
(what they share is in `holp.commands` itself or the library), and nothing
names a stage id: the process is data. `make lint` checks the layers with
import-linter (the contracts are in pyproject.toml).
"""

__version__ = "0.1.0"
