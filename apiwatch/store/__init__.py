"""Views and queries over a snapshot: rows the console shows, filters, posture queries.
No Textual here."""
