"""The web front of the registrar wing: the public site and the personal cabinet (issue 13)."""
