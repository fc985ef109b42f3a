"""Scenario modules: one per payment method, each calling ``screenshots.registry.register``.

The runner imports every module in this package, so a new method needs only
a new module here.
"""
