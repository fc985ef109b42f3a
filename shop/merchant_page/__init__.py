"""Custom merchant page (APS Merchant Page 2.0): card form, saved cards, installment plans and 3-D Secure.

Importing ``views`` registers the ``merchant_page`` integration type, the
return follow-up that sends the payment with the token, and the listener
that saves cards.
"""
