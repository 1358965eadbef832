"""`python -m holp` and the `holp` command.

Ctrl-C while Python is still loading holp's modules ends holp as quietly as at any other time: the first
thing is a handler that exits 130 with one line; click's own handling takes over once everything is loaded.
"""

import os
import signal


def _interrupted(signum: int, frame: object) -> None:
    os.write(2, b"holp: interrupted\n")
    os._exit(130)  # not SystemExit: an `except BaseException` in some module being imported would swallow it


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted)
    from holp.cli import main as cli

    signal.signal(signal.SIGINT, signal.default_int_handler)
    cli()


if __name__ == "__main__":
    main()
