"""Reseller organisations of a registrar (S1): the registrar side of the chain."""
