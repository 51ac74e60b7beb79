"""Stage 6: mediation cases in a neutral service's queue (dossier, queue reads; transitions come later)."""
