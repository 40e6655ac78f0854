"""Text signals: normalisation, multilingual concept lexicons, rules, the trained prompt classifier."""
