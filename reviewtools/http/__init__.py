"""HTTP for every outside service: one session factory, retries, rate limits, the cache.

Part of the base: may import settings and errors only.
"""
