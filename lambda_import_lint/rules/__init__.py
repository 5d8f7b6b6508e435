"""Rules: one module per code, the registry in ``registry.py``.

This package's ``__init__`` stays empty so that importing ``rules.base`` (for Finding and Fix) does
not import every rule, and with them LibCST.
"""
