"""Shopper accounts: sign-up, sign-in with throttling, and saved cards (APS tokens)."""
