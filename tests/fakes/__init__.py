"""One test fake per outside service, shared by every test layer: ``kms`` (the KMS API the
vault calls) and ``stripe`` (Stripe's meter-event endpoint). Fakes of the domain's own ports
are not here: they are the in-memory adapters in ``shopmcp_adapters.memory``."""
