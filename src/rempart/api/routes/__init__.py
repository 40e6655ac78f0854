"""The HTTP routes, one module per resource; each route is thin: parse, call the gateway, shape."""
