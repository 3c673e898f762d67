"""Request and response bodies: ``XCreate`` / ``XUpdate`` in, ``XRead`` out, each with
an example in the OpenAPI document."""
