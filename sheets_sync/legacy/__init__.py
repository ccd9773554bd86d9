"""Readers of the team's legacy trackers (``modules_data.js``, ``progress_history.yaml``) for ``sheets-sync
migrate``: :mod:`.jsliteral` and :mod:`.yamlfile` read the files without executing anything, :mod:`.values` reads
the values people typed, :mod:`.trackers` turns both into legacy modules and runs, and :mod:`.migrate` plans and
applies the migration into the mirror."""
