"""A local KNET for the demo and the tests: the hosted payment page (approve, decline, cancel)
and tranPipe (inquiry, refund), speaking the protocol of ``payments.gateways.knet.protocol``.
Mounted at ``sandbox/knet/`` only with ``SERVE_KNET_SANDBOX=1`` (iqama/urls.py); it keeps
its transactions in its own table, as a separate system would."""
