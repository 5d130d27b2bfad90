"""``shopmcp demo``: sandbox stores on loopback HTTPS and a gateway connected to them."""
