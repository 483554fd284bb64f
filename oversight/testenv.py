"""A pytest plugin loaded first (``-p oversight.testenv``): the environment of the test run.

Settings come from the environment; tests run with DEBUG on, the demo's fixed keys and
``OVERSIGHT_TESTING`` set, before pytest-django imports the settings.
"""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("OVERSIGHT_TESTING", "true")
os.environ.setdefault("OVERSIGHT_DEMO", "true")
