"""The WHOIS app keeps no tables: pre-rendered answers live in the answer store (`kzreg.whois.store`).

The earlier `WhoisAnswer` / `WhoisAnswerState` tables in the registry database were replaced by that
file (migration 0002 drops them): a lookup is then a local read on both backends.
"""
