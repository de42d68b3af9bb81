"""Money: one double-entry, append-only ledger in which each organisation keeps its own book."""
