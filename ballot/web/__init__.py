"""Web wiring: the app factory, middleware, templating and error handling."""
