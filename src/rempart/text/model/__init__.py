"""The shipped prompt classifier weights (trained by rempart.text.training)."""
