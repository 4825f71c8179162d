"""The bridges' logic: registry, reading and writing series, analysis runs, alerts.

Used alike by pages, API, admin, the simulator, the demo and the periodic job.
"""
