"""Template tags of the public clinic sites: the clinic menu and JSON-LD."""
