"""Payment gateways: ``knet`` (the adapter) and ``knet_sandbox`` (a local KNET for the demo and
the tests, speaking the same protocol)."""
