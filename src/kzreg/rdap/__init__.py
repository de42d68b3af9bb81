"""RDAP (RFC 7480, 9082, 9083) served under /rdap/."""
