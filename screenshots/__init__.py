"""APS go-live kit: certification screenshots with the URL visible, merchant references and the sign-off e-mail.

Run ``make screenshots`` or ``python -m screenshots --help``. Scenarios live
in ``screenshots/scenarios/``, one module per payment method.
"""
