"""Disclosure control: the cell model (cells), what disclose and audit share (rules), primary and
secondary suppression (disclose), the attack on everything published (audit), and the data
dictionary of the published tables (dictionary).
"""
