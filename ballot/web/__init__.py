"""The floor: request helpers every domain's pages use (dependencies, access, forms, templating, errors, PDF).

It imports no domain (only the Principal type a request carries) and never the app factory in ballot/server."""
