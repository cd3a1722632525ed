"""The ``talent`` command: orchestration of crawl → load → resolve → export → report."""
