"""Moved to :mod:`mirror.synthetic` (made from the mirror's data; etl never imports the mirror).

Temporary: ``talent/ops_cli.py`` still imports these names here; the integrator of issue #13 points it at
``mirror.synthetic`` and deletes this file.
"""

from mirror.synthetic import generate, write_landing

__all__ = ["generate", "write_landing"]
