"""The Scrapy project: spiders that harvest paper and author lists into landing files.

Nothing here imports ``etl``, ``warehouse`` or ``talent``: the scrapyd egg holds only this package.
"""
