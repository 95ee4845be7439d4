"""Demand ↔ achievement matching: Chinese segmentation with the domain dictionary (``text``), a BM25 index over
numpy arrays (``bm25``), concept expansion through the synonym/association dictionary and re-ranking by field,
readiness and budget (``engine``); ``service`` runs it over the platform's records."""
