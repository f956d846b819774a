"""The live feed below the console: the cached snapshot at once, then the poller keeping every
source fresh, the cache written as reads land and the alerts seen kept on disk. It reports
through frozen events (events.py) handed to one callback. No Textual here."""
