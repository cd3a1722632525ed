"""The ``talent`` sub-commands, one module per command group (as ``talent --help`` lists them).

Every module has the same shape: a docstring naming its commands, ``register(subparsers) -> None``, and
handlers ``run_<command>(args) -> int`` that take the parsed arguments, call a library function, print the
outcome and return the exit code. What a command does beyond that lives in the library it drives
(``warehouse.pipeline``, ``talent.crawl``, ``etl.*``), so a test or a notebook can call it without argparse.
"""
