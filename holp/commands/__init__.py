"""One module per command: a plain typed function that returns an exit code."""
