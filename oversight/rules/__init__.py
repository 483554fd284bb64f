"""The rules engine: pure Python, no Django, no clock.

Everything here takes frozen facts and an explicit ``as_of`` date and returns results
that say why. Nothing in this package may import Django or another ``oversight`` app;
``tests/test_purity.py`` enforces it.
"""
