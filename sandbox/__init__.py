"""The sandbox of national systems: a separate small Django project that plays, over real HTTP,
the systems Motcua talks to (population database, National Public Service Portal, payment
platform, VNeID sign-in, SMS and app gateways, time-stamping). It is not part of the product:
nothing in `motcua/` imports it, and it keeps its own database. See sandbox/README.md.
"""
