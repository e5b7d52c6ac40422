"""The roof: the application factory that wires every domain's routes, the authentication middleware, system routes."""
