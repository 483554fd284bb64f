"""Rules of the complaint channel: deadlines, retention, statistics, AC-WB-01.

Pure functions over dates and frozen facts; the complaints app supplies the inputs.
"""
