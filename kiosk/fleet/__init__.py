"""A hall of screens: decks published as signed static files and pulled by every screen (#15)."""
