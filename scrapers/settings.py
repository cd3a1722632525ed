"""Scrapy settings: the project template's polite values, plus our landing and backoff components.

Every knob lives here; spiders read them through ``self.settings``. The offline demo overrides the
delays for the loopback mirror from the command line (``talent crawl`` does it), never by editing this.
"""

BOT_NAME = "talent-tracker"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

# Identify ourselves with a way to reach us, and obey robots.txt.
USER_AGENT = (
    "talent-tracker/0.1 (research crawler of public conference author lists; "
    "+https://github.com/talent-tracker/talent-tracker; mailto:talent-tracker@users.noreply.github.com)"
)
ROBOTSTXT_OBEY = True

# Politeness: one request at a time per host, a delay, and AutoThrottle adapting it to server latency.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# An unresponsive server costs at most DOWNLOAD_TIMEOUT × (1 + RETRY_TIMES_ON_EXCEPTION) plus backoff per
# request (about a minute), each attempt logged, instead of 7 silent minutes.
DOWNLOAD_TIMEOUT = 20

# Retries: our middleware replaces Scrapy's to honour Retry-After and back off exponentially.
RETRY_ENABLED = True
RETRY_TIMES = 6
RETRY_TIMES_ON_EXCEPTION = 2  # timeouts, DNS failures, refused connections: rarely cured by waiting
RETRY_HTTP_CODES = [408, 429, 500, 502, 503, 504, 522, 524]
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 120.0
RETRY_AFTER_MAX_SECONDS = 600.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapers.middlewares.BackoffRetryMiddleware": 550,
    "scrapers.httpcache.RevalidateCachedMiddleware": 890,  # no-op unless HTTPCACHE_ENABLED
    # After the HTTP cache (900): the token is added last and stripped first, so it is never stored.
    "scrapers.middlewares.AuthTokenMiddleware": 950,
}

# A truncated body is a failed download (recorded as a reject after retries), never a short record.
DOWNLOAD_FAIL_ON_DATALOSS = True

ITEM_PIPELINES = {"scrapers.pipelines.LandingWriterPipeline": 300}
# With a JOBDIR, a rerun resumes the same crawl from its landing file (scrapers/resume.py).
EXTENSIONS = {"scrapers.resume.LandingLedgerResume": 0}
LANDING_DIR = "data/landing"

# Upstream base URLs; the offline demo points them at the local mirror.
VIRTUAL_BASE_URL = "https://neurips.cc"
PROCEEDINGS_BASE_URL = "https://proceedings.neurips.cc"
OPENREVIEW_API_V1_URL = "https://api.openreview.net"
OPENREVIEW_API_V2_URL = "https://api2.openreview.net"
OPENREVIEW_PAGE_SIZE = 1000
# Name of the environment variable holding an OpenReview token; the value is never logged or stored.
OPENREVIEW_TOKEN_ENV = "OPENREVIEW_TOKEN"

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False

# Incremental re-crawls (off by default; docs/operations.md): a cached page is revalidated with
# If-None-Match / If-Modified-Since on every crawl, so an unchanged page costs a 304 without a body.
HTTPCACHE_ENABLED = False
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_STORAGE = "scrapers.httpcache.AddressFreeCacheStorage"  # no full e-mail address in cached bodies
HTTPCACHE_DIR = "httpcache"  # relative paths land under .scrapy/; give an absolute path in production
HTTPCACHE_GZIP = True
HTTPCACHE_REVALIDATE = True  # scrapers.httpcache: ask the site every time instead of trusting heuristics

# Scale-out (off by default; scrapers/scaleout.py): set SCALEOUT_REDIS_URL and SCALEOUT_RUN_ID on every
# worker to share one Redis request queue and dupefilter (needs the scrapy-redis package).
ADDONS = {"scrapers.scaleout.RedisScaleOut": 0}
SCALEOUT_REDIS_URL = ""
SCALEOUT_RUN_ID = ""
SCALEOUT_IDLE_CLOSE_SECONDS = 30.0
