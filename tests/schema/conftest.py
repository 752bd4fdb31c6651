"""The payments fixtures (a household awaiting payment, the KNET sandbox, a payer's browser),
for the sweep over every field (test_every_field.py), which needs a paid application."""

from tests.payments.conftest import (  # noqa: F401
    application,
    knet_settings,
    payer,
    sandbox,
)
