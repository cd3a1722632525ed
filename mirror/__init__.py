"""Offline mirror of the upstream sites the spiders crawl (proceedings.neurips.cc, neurips.cc's virtual-site
feed, api.openreview.net), built from real bundled data and served on loopback with scriptable faults.

Start here: :class:`mirror.server.MirrorServer`; the content is :func:`mirror.site.resolve`.
"""
