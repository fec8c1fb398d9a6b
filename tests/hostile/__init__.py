"""Hostile and malformed input for the portal's spreadsheet imports and file uploads.

``corpus.SHEETS`` and ``corpus.UPLOADS`` list the cases; each builds its bytes on demand, so
nothing binary is kept in the repository. ``tests/test_hostile_input.py`` feeds every case
through the real interfaces and checks the answer each one declares."""
