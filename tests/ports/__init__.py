"""One behavioural suite per port of ``shopmcp_domain.ports``, written once and run against
every implementation: the in-memory fake in ``tests/unit``, the real adapters here too when
they need no service (the local vault, KMS over a fake KMS, the stripe library over a fake
Stripe in process) and in ``tests/integration`` when they do (PostgreSQL, Redis, moto's KMS,
Stripe over loopback HTTP). A fake that drifts from the real thing fails its port's suite.

Each module holds a ``...Suite`` class of test methods (not collected by itself: the module
names do not start with ``test_``). A runner module subclasses it as ``Test...`` and provides
the ``case`` fixture the methods take, parametrised over the implementations of its layer.
"""
