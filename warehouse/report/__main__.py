"""``python -m warehouse.report WAREHOUSE [docs/analysts.md] [--check]``: regenerate or check the analysts' guide."""

import sys

from warehouse.report.guide import main

sys.exit(main())
