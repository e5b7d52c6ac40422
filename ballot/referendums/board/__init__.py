"""The board: the new-ballot form and its statute checks, the ballot list and detail page, the formal acts."""
