"""Polling: each kind of data on its own interval, never overlapping, bounded, backing off."""
