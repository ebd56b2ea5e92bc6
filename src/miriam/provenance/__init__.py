"""Provenance: one logging set-up for every script (logs), the content-addressed cache of charts
and documents (cache), and the run manifest (manifest).
"""
