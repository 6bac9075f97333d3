"""Benchmark and load-test machinery (issue 7 and issue 9): never imported by the running platform.

* ``bench.generate``  a national-scale dataset, written with bulk_create from a fixed seed;
* ``bench.settings`` / ``bench.urls``  the platform plus one trivial view, for the benchmark server only;
* ``bench.run``  ``make bench``: PostgreSQL database ``cc_bench``, gunicorn, wrk per page, the table;
* ``bench.loadtest``  ``make loadtest``: mixed journeys, PostgreSQL restart and Redis outage, reminders.
"""
