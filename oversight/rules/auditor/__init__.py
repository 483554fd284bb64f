"""The independent auditor's rules: prohibited services, pre-approval, rotation,
cooling-off, the proxy fee table and the required communications.

Pure Python over frozen dataclasses; money is ``Decimal``; the clock is a parameter.
Rule ids follow the catalogue (``AC-SVC``, ``AC-PRE``, ``AC-ROT``, ``AC-EMP``,
``AC-AUD``, ``AC-COM``, ``AC-DIS``).
"""
