"""Turn a saved article into candidate records (events and facts) for review, then into the user's registry.

Pipeline: :mod:`~covered.ingest.document` reads the file (text, HTML, PDF; detected encoding),
:mod:`~covered.ingest.language` detects languages per paragraph, :mod:`~covered.ingest.segments` finds
the articles of a compilation and their date anchors, :mod:`~covered.ingest.extract` proposes candidates
from per-language cue tables (:mod:`~covered.ingest.lexicon`) and dates (:mod:`~covered.ingest.dates`),
:mod:`~covered.ingest.duplicates` links those the registry already holds. Review lives in
:mod:`~covered.ingest.queue` (stored candidates, audited decisions) and :mod:`~covered.ingest.userdata`
(accepted records written as YAML into the user's registry folder).
"""
