"""Batch audits: many targets, one resumable SQLite store, a shared Hub rate limiter, exports and charts."""
